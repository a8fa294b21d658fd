"""End to end with nbgrader's own command line, on one unit (activations).

``dlmath nbgrader`` -> ``nbgrader generate_assignment`` -> three students hand
in the released notebook with their ``activations.py`` (complete, the
untouched stub, one bug) -> ``nbgrader autograde`` -> ``nbgrader export``:
each score is the ``dlmath grade`` score of the same file ->
``nbgrader generate_feedback``: the messages, none of the hidden checks ->
``nbgrader validate`` on the complete submission. The autograde and
``dlmath grade`` times are printed.
"""

import ast
import csv
import html
import json
import shutil
import subprocess
import sys
import time

import nbformat
import pytest

from grader.bundle import leaks
from grader.nbgrader.course import nbgrader_env, write_course
from grader.nbgrader.notebook import stub_source
from grader.paths import HIDDEN_TESTS, SOLUTIONS

UNIT = "activations"
pytestmark = pytest.mark.skipif(shutil.which("alembic", path=nbgrader_env()["PATH"]) is None,
                                reason="nbgrader's gradebook needs the alembic script")


def students() -> dict[str, str]:
    solution = (SOLUTIONS / "activations.py").read_text()
    bug = solution.replace("return grad_output * (x > 0)", "return grad_output * (x >= 0)")
    assert bug != solution
    return {"complete": solution, "stub": stub_source(UNIT), "buggy": bug}


def nbgrader(root, *args, timeout=600):
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root, env=nbgrader_env(),
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"nbgrader {' '.join(args)}:\n{done.stdout}\n{done.stderr[-4000:]}"
    return done


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("nbgrader") / "course"
    write_course(root, [UNIT])
    nbgrader(root, "generate_assignment", UNIT, "--force")
    autograde_seconds = {}
    for student, text in students().items():
        folder = root / "submitted" / student / UNIT
        shutil.copytree(root / "release" / UNIT, folder)
        (folder / "activations.py").write_text(text)
        start = time.perf_counter()
        nbgrader(root, "autograde", UNIT, "--student", student)
        autograde_seconds[student] = time.perf_counter() - start
    nbgrader(root, "export", "--to", str(root / "grades.csv"))
    nbgrader(root, "generate_feedback", UNIT)
    return root, autograde_seconds


@pytest.fixture(scope="module")
def dlmath_grades(course):
    """``dlmath grade`` of each student's file: the JSON report and the seconds it took."""
    root, _ = course
    grades = {}
    for student in students():
        out = root / f"{student}.json"
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "grader.cli", "grade",
                               str(root / "submitted" / student / UNIT), "--unit", UNIT,
                               "--json", str(out)], capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        grades[student] = (json.loads(out.read_text()), time.perf_counter() - start)
    return grades


def test_the_release_hides_the_checks_and_leaks_nothing(course):
    root, _ = course
    release = root / "release" / UNIT
    assert sorted(p.name for p in release.iterdir()) == ["activations.ipynb", "activations.py"]
    assert (release / "activations.py").read_text() == stub_source(UNIT)
    nb = nbformat.read(release / "activations.ipynb", as_version=4)
    graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert graded and all(c.source.strip() == "" for c in graded)
    assert leaks.scan(release) == []


def test_each_score_is_the_dlmath_grade_of_the_same_file(course, dlmath_grades):
    root, autograde_seconds = course
    with open(root / "grades.csv", newline="") as f:
        scores = {row["student_id"]: (float(row["score"]), float(row["max_score"]))
                  for row in csv.DictReader(f) if row["assignment"] == UNIT}
    for student, (report, _) in dlmath_grades.items():
        assert scores[student] == (report["score"], report["max_score"]), student
    assert scores["complete"][0] == scores["complete"][1] == 27
    assert scores["stub"][0] == 0
    assert scores["buggy"][0] == 27 - 2  # relu_backward only
    print(f"\n[nbgrader e2e, unit {UNIT}] seconds per student: "
          + ", ".join(f"{s}: nbgrader autograde {autograde_seconds[s]:.1f} s, "
                      f"dlmath grade {dlmath_grades[s][1]:.1f} s" for s in students()))


def test_feedback_shows_the_messages_and_none_of_the_hidden_checks(course, dlmath_grades):
    root, _ = course
    hidden_source = (HIDDEN_TESTS / "test_activations.py").read_text()
    test_names = {node.name for node in ast.walk(ast.parse(hidden_source))
                  if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}
    assert test_names
    for student in students():
        page = html.unescape((root / "feedback" / student / UNIT / "activations.html").read_text())
        assert "BEGIN HIDDEN TESTS" not in page and "hidden_check(" not in page
        assert not [name for name in test_names if name in page]
    buggy = html.unescape((root / "feedback" / "buggy" / UNIT / "activations.html").read_text())
    report, _ = dlmath_grades["buggy"]
    (relu,) = [c for c in report["units"][0]["checks"] if c["id"] == "activations/relu_backward"]
    assert relu["feedback"] and relu["feedback"] in buggy
    assert "activations/relu_backward: failed, 0 of 2 points." in buggy
    stub = html.unescape((root / "feedback" / "stub" / UNIT / "activations.html").read_text())
    assert "relu_forward is not implemented yet." in stub


def test_validate_passes_on_the_complete_submission(course):
    root, _ = course
    done = nbgrader(root, "validate", str(root / "submitted" / "complete" / UNIT /
                                          "activations.ipynb"))
    assert "Success! Your notebook passes all the tests." in done.stdout + done.stderr
