"""``dlmath grade`` end to end: the reference scores full marks, the stubs zero."""

import json
import subprocess
import sys
import zipfile

import pytest

from grader.paths import EXERCISES, SOLUTIONS
from grader.pipeline import grade
from grader.report.json_report import to_json
from grader.score.rubric import load_rubric


@pytest.fixture(scope="module")
def solutions_report():
    return grade(SOLUTIONS)


def test_solutions_get_full_marks(solutions_report):
    failing = {c.id: c.feedback for u in solutions_report.units for c in u.checks
               if c.status != "passed"}
    assert failing == {}
    assert solutions_report.score == solutions_report.max_score > 0
    assert [u.unit for u in solutions_report.units] == list(load_rubric())
    assert solutions_report.flags == []


def test_stubs_get_zero_and_say_not_implemented():
    report = grade(EXERCISES)
    assert report.score == 0
    for unit in report.units:
        assert unit.status == "graded"
        for check in unit.checks:
            assert check.status == "failed"
            # a stub's checks name no other function as their root cause
            assert check.feedback.endswith("is not implemented yet."), check


def test_json_report_has_the_contract_shape(solutions_report):
    data = json.loads(to_json(solutions_report))
    # The contract's keys, plus the sandbox's account of itself (issue: grades nobody can forge).
    assert set(data) == {"score", "max_score", "flags", "units", "confinement"}
    assert data["confinement"]["level"] == "full"
    for unit in data["units"]:
        assert set(unit) == {"unit", "score", "max_score", "status", "checks"}
        assert unit["status"] in {"graded", "missing", "error"}
        for check in unit["checks"]:
            assert set(check) == {"id", "score", "max_score", "status", "feedback"}
            assert check["id"].startswith(unit["unit"] + "/")
            assert check["status"] in {"passed", "failed", "error", "timeout", "grader_error"}


def test_missing_units_are_reported_missing(tmp_path):
    (tmp_path / "losses.py").write_text((SOLUTIONS / "losses.py").read_text())
    report = grade(tmp_path, ["activations", "losses"])
    by_unit = {u.unit: u for u in report.units}
    assert by_unit["activations"].status == "missing"
    assert by_unit["activations"].score == 0
    assert by_unit["losses"].score == by_unit["losses"].max_score


def test_a_zip_grades_like_its_folder(tmp_path):
    archive = tmp_path / "submission.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(SOLUTIONS / "losses.py", "student42/losses.py")
    report = grade(archive, ["losses"])
    assert report.units[0].score == report.units[0].max_score


def test_regrading_is_byte_identical(tmp_path):
    bug = tmp_path / "activations.py"
    bug.write_text((SOLUTIONS / "activations.py").read_text().replace("(x > 0)", "(x >= 0)"))
    first, second = (to_json(grade(tmp_path, ["activations"])) for _ in range(2))
    assert first == second
    assert '"status": "failed"' in first


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "grader.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def test_cli_writes_json_and_exits_zero_whatever_the_score(tmp_path):
    out = tmp_path / "report.json"
    result = _cli("grade", str(EXERCISES), "--unit", "losses", "--json", str(out))
    assert result.returncode == 0, result.stderr
    report = json.loads(out.read_text())
    assert report["score"] == 0 and [u["unit"] for u in report["units"]] == ["losses"]
    assert "not implemented yet" in result.stdout


@pytest.mark.parametrize("args", [["grade", "/no/such/folder"], ["grade"],
                                  ["grade", ".", "--unit", "nonsense"]])
def test_cli_usage_errors_exit_non_zero(args):
    assert _cli(*args).returncode != 0


def test_grading_order_does_not_change_a_report(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, bug in ((first, "(x >= 0)"), (second, "(x > 1)")):
        folder.mkdir()
        source = (SOLUTIONS / "activations.py").read_text().replace("(x > 0)", bug)
        (folder / "activations.py").write_text(source)
    forward = [to_json(grade(f, ["activations"])) for f in (first, second)]
    backward = [to_json(grade(f, ["activations"])) for f in (second, first)]
    assert forward == backward[::-1]


def test_capstones_train_in_the_child_and_report_beside_their_targets(tmp_path):
    out = tmp_path / "report.json"
    chosen = ["logistic_regression", "cnn_digits"]  # the quick ones; the course tests train all
    result = _cli("grade", str(SOLUTIONS), "--unit", "linear", "--capstones", *chosen,
                  "--json", str(out))
    assert result.returncode == 0, result.stderr
    capstones = json.loads(out.read_text())["capstones"]
    assert [c["name"] for c in capstones] == chosen
    assert all(c["reached"] and c["value"] is not None for c in capstones), capstones
    assert all(c["value"] > c["baseline"] for c in capstones), capstones
    assert "capstones (no points)" in result.stdout
    assert "baseline = accuracy of always predicting the most frequent" in result.stdout


def test_an_unknown_capstone_is_refused_before_grading():
    result = _cli("grade", str(SOLUTIONS), "--capstones", "char_lmm")
    assert result.returncode == 2 and "no capstone is called char_lmm" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_a_capstone_result_from_the_child_is_checked():
    from grader.run.capstones import SAMPLE_CHARACTERS, _checked

    assert _checked(["metric", 1.0]) is None
    assert _checked({"metric": float("nan")}) is None
    assert _checked({"metric": "0.99"}) is None
    got = _checked({"metric": 0.5, "flag": True, "sample": "\x1b[2Jok" + "x" * 5000})
    assert got["metric"] == 0.5 and "flag" not in got
    assert "\x1b" not in got["sample"] and len(got["sample"]) <= SAMPLE_CHARACTERS


def test_capstones_on_stubs_say_what_failed(tmp_path):
    from grader.run.capstones import run_capstones

    results = run_capstones(EXERCISES, timeout=60)
    assert not any(r.reached for r in results)
    assert all("not implemented yet" in r.message for r in results), results


def test_no_units_run_no_checks(tmp_path):
    """Not even pytest runs: with no file named, it would collect the project's own tests."""
    from grader.paths import HIDDEN_TESTS
    from grader.run.suite import run_checks

    run = run_checks(tmp_path, [], HIDDEN_TESTS, 1.0)
    assert (run.outcomes, run.problems, run.confinement) == ([], {}, None)
