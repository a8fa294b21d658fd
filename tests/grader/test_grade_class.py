"""``dlmath grade-class``: parallel, resumable, reproducible, with class reports."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.authoring.bugs import load_bank
from grader.batch.classfiles import write_class_files
from grader.batch.discover import discover
from grader.batch.pool import grade_class
from grader.paths import EXERCISES, SOLUTIONS

BUGS = {bug.name: bug for bug in load_bank() if bug.unit == "activations"}
UNIT = ["activations"]


@pytest.fixture(scope="module")
def klass(tmp_path_factory) -> Path:
    """Five students: a full mark, a stub, two bugs and a zip; activations only."""
    root = tmp_path_factory.mktemp("class")
    for name, source in [("ada", SOLUTIONS), ("ben", EXERCISES)]:
        (root / name).mkdir()
        shutil.copy(source / "activations.py", root / name)
    for name, bug in [("cleo", "sigmoid_overflows"), ("dev", "relu_backward_in_place")]:
        (root / name).mkdir()
        (root / name / "activations.py").write_text(BUGS[bug].source())
    shutil.make_archive(str(root / "eve"), "zip", root / "cleo")
    return root


def _grade(klass: Path, out: Path, jobs: int) -> dict[str, dict]:
    run = grade_class(klass, out, jobs=jobs, units=UNIT, timeout=5)
    return write_class_files(out, run.students)


@pytest.fixture(scope="module")
def graded(klass, tmp_path_factory) -> Path:
    """The class graded once with two workers; the output folder."""
    out = tmp_path_factory.mktemp("graded")
    _grade(klass, out, jobs=2)
    return out


def test_grades_every_student_and_writes_the_class_files(graded):
    tmp_path = graded
    reports = {name: json.loads((graded / "reports" / f"{name}.json").read_text())
               for name in ["ada", "ben", "cleo", "dev", "eve"]}
    assert sorted(reports) == ["ada", "ben", "cleo", "dev", "eve"]
    scores = {name: r["score"] for name, r in reports.items()}
    assert scores["ada"] == reports["ada"]["max_score"] and scores["ben"] == 0
    assert 0 < scores["cleo"] == scores["eve"] < scores["ada"]
    csv_lines = (tmp_path / "grades.csv").read_text().splitlines()
    assert csv_lines[0].startswith("student,score,max_score,activations,activations/relu_forward")
    assert [line.split(",")[0] for line in csv_lines[1:]] == sorted(reports)
    report = (tmp_path / "class_report.md").read_text()
    assert "activations/sigmoid_stable" in report and "Most common failure" in report
    assert (tmp_path / "score_histogram.png").stat().st_size > 1000
    assert "sigmoid_forward" in (tmp_path / "feedback" / "cleo.md").read_text()


def test_one_and_two_workers_give_byte_identical_results(klass, graded, tmp_path):
    _grade(klass, tmp_path / "j1", jobs=1)
    for name in ["grades.csv", "class_report.md", "reports/dev.json", "feedback/eve.md"]:
        assert (tmp_path / "j1" / name).read_bytes() == (graded / name).read_bytes()


def test_finished_students_are_skipped_unless_regraded(klass, graded, tmp_path):
    shutil.copytree(graded, tmp_path / "out")
    again = grade_class(klass, tmp_path / "out", jobs=2, units=UNIT)
    assert again.graded == [] and len(again.skipped) == 5
    (tmp_path / "out" / "reports" / "dev.json").write_text("{}")  # stale: --regrade fixes it
    redo = grade_class(klass, tmp_path / "out", jobs=2, units=UNIT, regrade=True)
    assert len(redo.graded) == 5
    assert (tmp_path / "out" / "reports" / "dev.json").read_bytes() == (
        graded / "reports" / "dev.json").read_bytes()


def test_a_killed_run_resumes_to_the_same_results(klass, graded, tmp_path):
    command = [sys.executable, "-m", "grader.cli", "grade-class", str(klass), "--out",
               str(tmp_path / "killed"), "--unit", "activations", "-j", "1"]
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    reports = tmp_path / "killed" / "reports"
    deadline = time.monotonic() + 240
    while len(list(reports.glob("*.json"))) < 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    finished = len(list(reports.glob("*.json")))
    assert 1 <= finished < 5, "the kill should land mid-class"
    assert not list(reports.glob(".*partial"))
    resumed = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{finished} students already graded" in resumed.stdout
    assert (tmp_path / "killed" / "grades.csv").read_bytes() == (graded / "grades.csv").read_bytes()


def test_nbgrader_layout_merges_each_students_assignments(tmp_path):
    submitted = tmp_path / "submitted"
    for unit in ("activations", "losses"):
        folder = submitted / "zoe" / unit
        folder.mkdir(parents=True)
        shutil.copy(SOLUTIONS / f"{unit}.py", folder)
        (folder / f"{unit}.ipynb").write_text("{}")
    (student,) = discover(submitted)
    assert student.name == "zoe" and [p.name for p in student.sources] == ["activations",
                                                                           "losses"]
    run = grade_class(submitted, tmp_path / "out", units=["activations", "losses"])
    reports = write_class_files(tmp_path / "out", run.students)
    assert reports["zoe"]["score"] == reports["zoe"]["max_score"]
