"""End to end with nbgrader's own command line, on one unit (activations).

``dlmath nbgrader`` -> ``nbgrader generate_assignment`` -> five students hand
in the released notebook with their ``activations.py`` (complete, the
untouched stub, one bug, a stub that patches the graded cells' code at import
time and tries to print the hidden checks, and one who hands in no .py and
deletes a graded cell) -> ``dlmath autograde`` (nbgrader's autograde in the
confined kernel, every score from the sandbox) -> ``nbgrader export``: each
score is the ``dlmath grade`` score of the same file plus the points of the
notebook's short answers -> ``nbgrader generate_feedback``: the messages,
none of the hidden checks -> ``nbgrader validate``: success on the complete
submission, failure on the stub.

The notebook's inline questions: the complete student answers them right (and
writes the written answer), the cheat answers them wrong, the others leave
them as released (unanswered).
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

from grader.authoring import questions
from grader.authoring.notebook import grade_id, stub_source
from grader.bundle import leaks
from grader.nbgrader.course import nbgrader_env, write_course
from grader.paths import HIDDEN_TESTS, SOLUTIONS

UNIT = "activations"
pytestmark = pytest.mark.skipif(shutil.which("alembic", path=nbgrader_env()["PATH"]) is None,
                                reason="nbgrader's gradebook needs the alembic script")
# A stub whose import replaces the graded cells' function with one that gives full
# points, and prints the hidden checks if it can find them.
CHEAT = f"""

def _full_points(check_id, unit_file):
    from grader.score.rubric import load_rubric
    return next(c.points for c in load_rubric()["activations"] if c.id == check_id)


exec("import grader.nbgrader.cells as cells", globals())
cells.hidden_check = _full_points
try:
    print(open({str(HIDDEN_TESTS / "test_activations.py")!r}).read())
except OSError as exc:
    print("no hidden checks here:", type(exc).__name__)
"""
DELETED = grade_id("activations/tanh_forward")
# the short answers of the notebook's questions: (right, wrong)
ANSWERS = {"activations-q2": ("overflow_logit = 709.78", "overflow_logit = 88.72"),
           "activations-q3": ('jacobian_choice = "a"', 'jacobian_choice = "b"')}
WRITTEN = "tanh saturates on both sides: its derivative vanishes for large |x|."
ANSWERED = {"complete": 0, "cheat": 1}  # which answers each student sets (others: none)


def students() -> dict[str, str | None]:
    solution = (SOLUTIONS / "activations.py").read_text()
    bug = solution.replace("return grad_output * (x > 0)", "return grad_output * (x >= 0)")
    assert bug != solution
    return {"complete": solution, "stub": stub_source(UNIT), "buggy": bug,
            "cheat": stub_source(UNIT) + CHEAT, "careless": None}


def nbgrader(root, *args, timeout=600, check=True):
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root, env=nbgrader_env(),
                          capture_output=True, text=True, timeout=timeout)
    if check:
        assert done.returncode == 0, (f"nbgrader {' '.join(args)}:\n{done.stdout}\n"
                                      f"{done.stderr[-4000:]}")
    return done


def _hand_in(root, student: str, text: str | None) -> None:
    folder = root / "submitted" / student / UNIT
    shutil.copytree(root / "release" / UNIT, folder)
    if student in ANSWERED:
        _answer(folder / "activations.ipynb", ANSWERED[student])
    if text is None:  # no .py, and one graded cell deleted from the notebook
        (folder / "activations.py").unlink()
        nb = nbformat.read(folder / "activations.ipynb", as_version=4)
        nb.cells = [c for c in nb.cells
                    if c.metadata.get("nbgrader", {}).get("grade_id") != DELETED]
        nbformat.write(nb, folder / "activations.ipynb")
    else:
        (folder / "activations.py").write_text(text)


def _answer(path, choice: int) -> None:
    """Set the short answers of the notebook at ``path`` (0: right, 1: wrong), and write
    the written answer."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        name = cell.metadata.get("nbgrader", {}).get("grade_id")
        if name in ANSWERS:
            cell.source = ANSWERS[name][choice]
        elif name == "activations-q1":
            cell.source = WRITTEN
    nbformat.write(nb, path)


def _question_grades(root, student: str) -> dict[str, tuple[float | None, bool]]:
    """``{grade_id: (auto score, needs a manual grade)}`` of the questions' graded cells."""
    from nbgrader.api import Gradebook

    found = {}
    with Gradebook("sqlite:///" + str(root / "gradebook.db")) as gradebook:
        for name in ("activations-q1", "activations-q2-check", "activations-q3-check"):
            grade = gradebook.find_grade(name, UNIT, UNIT, student)
            found[name] = (grade.auto_score, grade.needs_manual_grade)
    return found


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("nbgrader") / "course"
    write_course(root, [UNIT])
    nbgrader(root, "generate_assignment", UNIT, "--force")
    for student, text in students().items():
        _hand_in(root, student, text)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "grader.cli", "autograde", UNIT, "--course",
                           str(root)], env=nbgrader_env(), capture_output=True, text=True,
                          timeout=1800)
    assert done.returncode == 0, done.stderr[-4000:]
    seconds = (time.perf_counter() - start) / len(students())
    nbgrader(root, "export", "--to", str(root / "grades.csv"))
    nbgrader(root, "generate_feedback", UNIT)
    record = json.loads((root / ".dlmath" / f"autograde-{UNIT}.json").read_text())
    return root, seconds, record, done.stdout


@pytest.fixture(scope="module")
def dlmath_grades(course):
    """``dlmath grade`` of each student's file: the JSON report and the seconds it took."""
    root, *_ = course
    grades = {}
    for student in students():
        out = root / f"{student}.json"
        start = time.perf_counter()
        folder = root / f"alone-{student}"
        folder.mkdir()
        if (root / "submitted" / student / UNIT / "activations.py").exists():
            shutil.copy(root / "submitted" / student / UNIT / "activations.py", folder)
        done = subprocess.run([sys.executable, "-m", "grader.cli", "grade", str(folder),
                               "--unit", UNIT, "--json", str(out)],
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        grades[student] = (json.loads(out.read_text()), time.perf_counter() - start)
    return grades


def test_the_release_hides_the_checks_and_leaks_nothing(course):
    root, *_ = course
    release = root / "release" / UNIT
    assert sorted(p.name for p in release.iterdir()) == ["activations.ipynb", "activations.py"]
    assert (release / "activations.py").read_text() == stub_source(UNIT)
    nb = nbformat.read(release / "activations.ipynb", as_version=4)
    graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("points", 0) > 0
              and not questions.question_of(c)]
    assert graded and all(c.source.strip() == "" for c in graded)
    # the questions: graded cells whose keys nbgrader removed
    asked = {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
             if questions.question_of(c)}
    assert sorted(asked) == ["activations-q1", "activations-q2", "activations-q2-check",
                             "activations-q3", "activations-q3-check"]
    assert asked["activations-q1"] == "YOUR ANSWER HERE"
    assert asked["activations-q2-check"].startswith("assert overflow_logit is not None")
    text = "\n".join(c.source for c in nb.cells)
    assert "HIDDEN TESTS" not in text and "709.78" not in text
    assert not [key for key in questions.load_keys().values() if key in text]
    source = (root / "source" / UNIT / "activations.ipynb").read_text()
    assert "709.78" in source  # the source holds it, and the release does not
    public = [c for c in nb.cells if c.id.startswith("public-")]
    assert public and all(c.metadata["nbgrader"]["points"] == 0 and "public_checks(" in c.source
                          for c in public)
    assert leaks.scan(release) == []


def test_each_score_is_the_dlmath_grade_of_the_same_file(course, dlmath_grades):
    root, seconds, *_ = course
    with open(root / "grades.csv", newline="") as f:
        scores = {row["student_id"]: (float(row["score"]), float(row["max_score"]))
                  for row in csv.DictReader(f) if row["assignment"] == UNIT}
    answered = {"complete": 2}  # two short answers right, 1 point each; the written
    # answer (2 points) waits for a manual grade
    for student, (report, _) in dlmath_grades.items():
        assert scores[student] == (report["score"] + answered.get(student, 0),
                                   report["max_score"] + 4), student
    assert scores["complete"] == (27 + 2, 27 + 4)
    assert scores["stub"][0] == scores["cheat"][0] == scores["careless"][0] == 0
    assert scores["buggy"][0] == 27 - 2  # relu_backward only; its unanswered questions cost 0
    print(f"\n[nbgrader e2e, unit {UNIT}] dlmath autograde: {seconds:.1f} s per student; "
          + ", ".join(f"dlmath grade {s}: {dlmath_grades[s][1]:.1f} s" for s in students()))


def test_the_questions_earn_their_points_for_the_right_answers_only(course):
    root, *_ = course
    grades = {student: _question_grades(root, student) for student in students()}
    assert grades["complete"] == {"activations-q1": (None, True),  # for the instructor
                                  "activations-q2-check": (1.0, False),
                                  "activations-q3-check": (1.0, False)}
    for student in ("cheat", "stub", "buggy", "careless"):  # wrong, or unanswered
        assert grades[student]["activations-q2-check"][0] == 0, student
        assert grades[student]["activations-q3-check"][0] == 0, student
    assert grades["stub"]["activations-q1"] == (0, False)  # left as released: 0, no grading
    for student in students():  # nbgrader gives 0 to a graded cell with output on stderr
        nb = nbformat.read(root / "autograded" / student / UNIT / "activations.ipynb",
                           as_version=4)
        for cell in nb.cells:
            if questions.question_of(cell) and cell.cell_type == "code":
                assert not [o for o in cell.outputs if o.get("name") == "stderr"], student


def test_tampering_missing_files_and_deleted_cells_are_reported(course):
    _, _, record, printed = course
    tampered = {d["check"] for d in record["tampered"] if d["student"] == "cheat"}
    assert len(tampered) == 17  # every graded cell: full points in the kernel, 0 in the sandbox
    assert not [d for d in record["tampered"] if d["student"] in ("complete", "stub", "buggy")]
    assert record["missing_files"] == ["careless"]
    assert record["deleted_cells"] == {"careless": [DELETED]}
    assert "evidence of tampering" in printed and "careless handed in no activations.py" in printed


def test_feedback_shows_the_messages_and_none_of_the_hidden_checks(course, dlmath_grades):
    root, *_ = course
    hidden_source = (HIDDEN_TESTS / "test_activations.py").read_text()
    test_names = {node.name for node in ast.walk(ast.parse(hidden_source))
                  if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}
    assert test_names
    keys = list(questions.load_keys().values())
    for student in students():
        page = html.unescape((root / "feedback" / student / UNIT / "activations.html").read_text())
        assert "BEGIN HIDDEN TESTS" not in page and "hidden_check(" not in page
        assert not [name for name in test_names if name in page]
        assert not [key for key in keys if key in page], student
        if student != "complete":  # whose own answer it is
            assert "709.78" not in page, student
    wrong = html.unescape((root / "feedback" / "cheat" / UNIT / "activations.html").read_text())
    assert "a hidden check of this cell failed" in wrong  # the question's check, its key hidden
    cheat = html.unescape((root / "feedback" / "cheat" / UNIT / "activations.html").read_text())
    assert "no hidden checks here: FileNotFoundError" in cheat  # the kernel cannot see them
    buggy = html.unescape((root / "feedback" / "buggy" / UNIT / "activations.html").read_text())
    report, _ = dlmath_grades["buggy"]
    (relu,) = [c for c in report["units"][0]["checks"] if c["id"] == "activations/relu_backward"]
    assert relu["feedback"] and relu["feedback"] in buggy
    assert "activations/relu_backward: failed, 0 of 2 points." in buggy
    stub = html.unescape((root / "feedback" / "stub" / UNIT / "activations.html").read_text())
    assert "relu_forward is not implemented yet." in stub


def test_validate_tells_the_truth(course):
    root, *_ = course
    notebook = "activations.ipynb"
    done = nbgrader(root, "validate", str(root / "submitted" / "complete" / UNIT / notebook))
    assert "Success! Your notebook passes all the tests." in done.stdout + done.stderr
    stub = nbgrader(root, "validate", str(root / "submitted" / "stub" / UNIT / notebook),
                    check=False)
    assert "Success!" not in stub.stdout + stub.stderr
    assert "public check(s) of relu_forward failed" in stub.stdout + stub.stderr
