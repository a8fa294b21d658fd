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
