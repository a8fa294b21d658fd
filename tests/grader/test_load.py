"""Loading a submission: folders, archives, links and archive entries that escape."""

import zipfile

import pytest

from grader.load.submission import SubmissionError, load_submission
from grader.paths import SOLUTIONS


def test_a_folder_keeps_only_unit_files(tmp_path):
    source = tmp_path / "sub"
    source.mkdir()
    (source / "losses.py").write_text("x = 1\n")
    (source / "notes.txt").write_text("hello")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    loaded = load_submission(source, scratch)
    assert loaded.units == ["losses"]
    assert sorted(p.name for p in scratch.iterdir()) == ["losses.py"]


def test_a_link_out_of_the_submission_is_refused(tmp_path):
    source = tmp_path / "sub"
    source.mkdir()
    (source / "activations.py").symlink_to(SOLUTIONS / "activations.py")
    (tmp_path / "scratch").mkdir()
    loaded = load_submission(source, tmp_path / "scratch")
    assert "outside the submission" in loaded.problems["activations"]
    assert not (tmp_path / "scratch" / "activations.py").exists()


def test_an_archive_entry_that_escapes_is_refused(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../activations.py", "x = 1\n")
        zf.writestr("/etc/losses.py", "x = 1\n")
        zf.writestr("linear.py", "x = 1\n")
    (tmp_path / "scratch").mkdir()
    loaded = load_submission(archive, tmp_path / "scratch")
    assert loaded.units == ["linear"]
    assert len([f for f in loaded.flags if "outside the extraction folder" in f]) == 2
    assert not (tmp_path / "activations.py").exists()


def test_an_archive_of_one_folder_is_read_from_that_folder(tmp_path):
    archive = tmp_path / "sub.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("alice/losses.py", "x = 1\n")
        zf.writestr("__MACOSX/alice/._losses.py", "junk")
    (tmp_path / "scratch").mkdir()
    assert load_submission(archive, tmp_path / "scratch").units == ["losses"]


def test_anything_else_is_an_error(tmp_path):
    (tmp_path / "not_a_zip.zip").write_text("plain text")
    with pytest.raises(SubmissionError):
        load_submission(tmp_path / "not_a_zip.zip", tmp_path)
    with pytest.raises(SubmissionError):
        load_submission(tmp_path / "absent", tmp_path)


def test_a_reply_that_fails_to_decode_at_load_is_that_units_error(tmp_path, monkeypatch):
    """Should decoding a forged reply to "load" raise anything but ``ChildDied`` (the codec's
    ``int("x")`` once did), that unit's checks are errors, the rest is graded as usual."""
    import json

    from grader.pipeline import grade
    from grader.report.json_report import to_json
    from grader.run.session import Session

    for unit in ("activations", "losses"):
        (tmp_path / f"{unit}.py").write_text((SOLUTIONS / f"{unit}.py").read_text())
    load = Session.load

    def forged(session: Session, unit: str) -> None:
        if unit == "losses":
            raise ValueError("invalid literal for int() with base 10: 'x'")
        load(session, unit)

    monkeypatch.setattr(Session, "load", forged)
    units = {u["unit"]: u for u in json.loads(to_json(grade(tmp_path, ["activations",
                                                                        "losses"])))["units"]}
    assert {(c["status"], c["feedback"]) for c in units["losses"]["checks"]} == {
        ("error", "losses.py could not be imported: sent a malformed reply")}
    assert units["activations"]["score"] == units["activations"]["max_score"] > 0


def test_gradescope_writes_results_even_when_grading_fails_unexpectedly(tmp_path, monkeypatch):
    """Whatever goes wrong (a reply forged at import, a grader bug), Gradescope gets a
    results.json: score 0 and one sentence, never a run with no results."""
    import json

    from grader.gradescope import __main__ as gradescope

    def broken(*args, **kwargs):
        raise ValueError("invalid literal for int() with base 10: 'x'")

    monkeypatch.setattr(gradescope, "grade", broken)
    (tmp_path / "submission").mkdir()
    assert gradescope.main(tmp_path) == 0
    results = json.loads((tmp_path / "results" / "results.json").read_text())
    assert results["score"] == 0 and "the grader failed (ValueError)" in results["output"]
