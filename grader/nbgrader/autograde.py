"""``dlmath autograde``: nbgrader's autograde, with every score taken from the sandbox.

For each student of an assignment (one assignment per unit):

1. the student's ``<unit>.py`` is graded alone in the sandbox, exactly as
   ``dlmath grade`` grades it (hidden checks) and as ``dlmath check`` checks
   it (public checks); the results are written to
   ``.dlmath/results/<assignment>/<student>.json`` in the course folder;
2. ``nbgrader autograde`` runs the notebook in the confined kernel
   (``grader.nbgrader.kernel``), whose graded cells print those results;
3. through nbgrader's Gradebook, each graded cell's score becomes the
   sandbox's score (its ``manual_score``, so that a later autograde run
   cannot undo it), and every cell whose kernel score differed is listed as
   evidence of tampering, with missing ``.py`` files and deleted graded cells.
"""

import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from grader.authoring.notebook import grade_id
from grader.bundle.selfcheck import run_public
from grader.nbgrader.course import KERNEL, nbgrader_env
from grader.nbgrader.kernel import RESULTS_ENV
from grader.pipeline import grade
from grader.run import sandbox
from grader.score.rubric import load_rubric
from grader.settings import CALL_TIMEOUT
from grader.units import unit_file

RESULTS = Path(".dlmath") / "results"


@dataclass
class Discrepancy:
    """A graded cell whose score in the student's kernel is not the sandbox's."""

    student: str
    check: str
    kernel: float | None
    sandbox: float


@dataclass
class AutogradeRun:
    """What ``dlmath autograde`` found, for the instructor."""

    assignment: str
    students: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    tampered: list[Discrepancy] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)
    deleted_cells: dict[str, list[str]] = field(default_factory=dict)
    nbgrader_failed: dict[str, str] = field(default_factory=dict)


def students_of(course: Path, assignment: str) -> list[str]:
    """The students who handed in ``assignment`` (``submitted/<student>/<assignment>/``)."""
    submitted = course / "submitted"
    if not submitted.is_dir():
        return []
    return sorted(s.name for s in submitted.iterdir() if (s / assignment).is_dir())


def autograde(course: Path, assignment: str, students: list[str] | None = None,
              timeout: float = CALL_TIMEOUT, sandbox_mode: str = sandbox.REQUIRE,
              lang: str = "en") -> AutogradeRun:
    """Autograde ``assignment`` for ``students`` (default: everyone who handed it in).

    The feedback in the results files is in ``lang``."""
    run = AutogradeRun(assignment)
    for student in students or students_of(course, assignment):
        run.students.append(student)
        folder = course / "submitted" / student / assignment
        results = _grade_in_sandbox(course, assignment, student, folder, timeout, sandbox_mode,
                                    lang)
        if _through_a_link(folder) or not (folder / unit_file(assignment)).is_file():
            run.missing_files.append(student)
        deleted = _deleted_cells(folder / f"{assignment}.ipynb", assignment)
        if deleted:
            run.deleted_cells[student] = deleted
        problem = _nbgrader_autograde(course, assignment, student, results)
        if problem:
            run.nbgrader_failed[student] = problem
        run.tampered += _override_scores(course, assignment, student, results, run)
    return run


def _grade_in_sandbox(course: Path, assignment: str, student: str, folder: Path,
                      timeout: float, sandbox_mode: str, lang: str = "en") -> Path:
    """Grade the student's unit file alone; write and return the results file."""
    with tempfile.TemporaryDirectory(prefix="dlmath-autograde-") as alone:
        source = folder / unit_file(assignment)
        if source.is_file() and not source.is_symlink() and not _through_a_link(folder):
            shutil.copyfile(source, Path(alone) / unit_file(assignment))
        report = grade(Path(alone), [assignment], timeout, sandbox_mode=sandbox_mode, lang=lang)
        public = run_public(Path(alone), [assignment], timeout, lang=lang)
    public.folder = Path(unit_file(assignment))
    out = course / RESULTS / assignment / f"{student}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"hidden": asdict(report), "public": public.to_dict()},
                              ensure_ascii=False, indent=1))
    return out


def _through_a_link(folder: Path) -> bool:
    """Whether ``submitted/<student>/<assignment>`` is, or lies in, a link (to the solutions
    or to a classmate's work): then nothing in it is graded, as if nothing was handed in."""
    submitted = folder.parent.parent
    return (folder.is_symlink() or folder.parent.is_symlink()
            or folder.resolve() != submitted.resolve() / folder.parent.name / folder.name)


def _deleted_cells(notebook: Path, unit: str) -> list[str]:
    """The graded cells the student's notebook no longer holds."""
    expected = [grade_id(c.id) for c in load_rubric()[unit]]
    try:
        nb = nbformat.read(notebook, as_version=4)
    except (OSError, ValueError, nbformat.ValidationError):
        return expected
    present = {cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") for cell in nb.cells}
    return [g for g in expected if g not in present]


def _nbgrader_autograde(course: Path, assignment: str, student: str, results: Path) -> str:
    """Run nbgrader's autograde for one student in the confined kernel; a problem, or ""."""
    env = {**nbgrader_env(), RESULTS_ENV: str(results.resolve())}
    done = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", assignment,
                           "--student", student, "--force", f"--Execute.kernel_name={KERNEL}"],
                          cwd=course, env=env,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        return (done.stderr.strip().splitlines() or ["no message"])[-1]
    return ""


def _override_scores(course: Path, assignment: str, student: str, results: Path,
                     run: AutogradeRun) -> list[Discrepancy]:
    """Write the sandbox's score into every graded cell; return the cells that differed."""
    from nbgrader.api import Gradebook, MissingEntry

    report = json.loads(results.read_text())["hidden"]
    scores = {c["id"]: float(c["score"]) for u in report["units"] for c in u["checks"]}
    found = []
    url = "sqlite:///" + str((course / "gradebook.db").resolve())
    with Gradebook(url) as gradebook:
        for check_id, score in scores.items():
            try:
                cell = gradebook.find_grade(grade_id(check_id), assignment, assignment, student)
            except MissingEntry:
                continue  # a deleted cell: reported by _deleted_cells
            kernel = cell.auto_score
            if kernel is None or abs(float(kernel) - score) > 1e-9:
                found.append(Discrepancy(student, check_id, kernel, score))
            cell.manual_score = score
            cell.needs_manual_grade = False
        gradebook.db.commit()
    run.scores[student] = float(report["score"])
    return found


def summary(run: AutogradeRun) -> list[str]:
    """Plain lines for the instructor."""
    lines = [f"{run.assignment}: {len(run.students)} students graded in the sandbox; every "
             "graded cell's score in the gradebook is the sandbox's."]
    lines += [f"  {s}: {run.scores.get(s, 0):g} points" for s in run.students]
    for student, problem in run.nbgrader_failed.items():
        lines.append(f"nbgrader autograde failed for {student}: {problem}")
    for student in run.missing_files:
        lines.append(f"{student} handed in no {unit_file(run.assignment)}: every check scores 0.")
    for student, cells in run.deleted_cells.items():
        lines.append(f"{student}'s notebook lacks graded cells {', '.join(cells)} (deleted?); "
                     "the sandbox graded the .py regardless.")
    if run.tampered:
        lines.append(f"{len(run.tampered)} graded cells scored differently in the student's "
                     "kernel than in the sandbox (evidence of tampering, or a kernel error):")
        lines += [f"  {d.student} {d.check}: kernel {d.kernel}, sandbox {d.sandbox:g}"
                  for d in run.tampered]
    return lines


def write_evidence(course: Path, run: AutogradeRun) -> Path:
    """``.dlmath/autograde-<assignment>.json``: the run, for the record."""
    out = course / ".dlmath" / f"autograde-{run.assignment}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(asdict(run), indent=1, ensure_ascii=False) + "\n")
    return out

