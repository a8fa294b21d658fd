"""One class graded three ways, side by side: dlmath, plain nbgrader, Otter-Grader.

The class: the activations unit, 20 students: 3 correct solutions, 2 untouched
stubs and the first 15 bugs of ``tests/submissions/bugs/activations/bugs.toml``. The
checks the peers run are ``checks.py``'s translation of the hidden checks.

- dlmath: ``dlmath grade-class CLASS --out OUT --unit activations -j N``.
- nbgrader: a source notebook whose autograder cells hold the checks between
  ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``; ``generate_assignment``
  (not timed), each student's notebook in ``submitted/``, then
  ``nbgrader autograde`` (timed) with a SQLite gradebook, headless.
- Otter-Grader: the same checks as Otter test files, ``otter generate``
  (not timed), then ``otter run -a autograder.zip`` for each student's
  notebook (timed). Otter is never a project dependency: it lives in its own
  venv, ``benchmarks/.peers-venv`` (gitignored), made once with::

      python3 -m venv benchmarks/.peers-venv && \\
          benchmarks/.peers-venv/bin/pip install otter-grader==7.0.0 ipykernel==7.4.0 numpy==2.4.6

Usage (from the project root, with the project venv)::

    .venv/bin/python benchmarks/peers/run.py [--jobs 1 2] [--json FILE]

Each tool grades the class once, in this order, and its wall time gives its
students per minute; every tool's per-student totals are printed side by side
so that one can see they graded the same thing.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))  # checks.py beside this script
import checks

from grader.authoring.bugs import load_bank
from grader.paths import EXERCISES, SOLUTIONS
from grader.report.layout import REPORTS

ROOT = Path(__file__).resolve().parents[2]
DLMATH = ROOT / ".venv" / "bin" / "dlmath"
NBGRADER = ROOT / ".venv" / "bin" / "nbgrader"
OTTER = ROOT / "benchmarks" / ".peers-venv" / "bin" / "otter"
UNIT = "activations"


def build_class(folder: Path) -> dict[str, str]:
    """20 students' activations.py sources, by name, in a fixed order."""
    sources = [SOLUTIONS.joinpath("activations.py").read_text()] * 3
    sources += [EXERCISES.joinpath("activations.py").read_text()] * 2
    sources += [bug.source() for bug in load_bank() if bug.unit == UNIT][:15]
    students = {f"student{i:02d}": source for i, source in enumerate(sources, 1)}
    for name, source in students.items():
        (folder / name).mkdir(parents=True)
        (folder / name / "activations.py").write_text(source)
    return students


def timed(command: list, cwd: Path | None = None, env: dict | None = None) -> float:
    start = time.monotonic()
    call(command, cwd, env)
    return time.monotonic() - start


def call(command: list, cwd: Path | None = None, env: dict | None = None) -> None:
    """Run ``command`` (``env``: variables to add); if it fails, stop with its output."""
    # nbgrader runs `alembic` by name: the tool's own venv goes first on PATH.
    path = f"{Path(command[0]).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PATH": path, **(env or {})})
    if done.returncode:
        raise SystemExit(f"{' '.join(map(str, command))} failed ({done.returncode}):\n"
                         f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")


# ---------------------------------------------------------------- dlmath

def run_dlmath(klass: Path, work: Path, jobs: int,
               tree: Path | None = None) -> tuple[float, dict[str, float]]:
    """``tree``: another tree of this project (an older commit's) to grade with instead."""
    out = work / f"dlmath-j{jobs}{'-' + tree.name if tree else ''}"
    command = ["grade-class", klass, "--out", out, "--unit", UNIT, "-j", str(jobs)]
    if tree is None:
        seconds = timed([DLMATH, *command])
    else:
        seconds = timed([sys.executable, "-m", "grader.cli", *command], cwd=tree,
                        env={"PYTHONPATH": str(tree)})
    reports = sorted((out / REPORTS).glob("*.json"))
    return seconds, {p.stem: json.loads(p.read_text())["score"] for p in reports}


# ---------------------------------------------------------------- notebooks

def notebook(student_code: str, grade_cells: list[tuple[str, int, str]]) -> nbformat.NotebookNode:
    """The assignment notebook: the student's code cell, then one test cell per check."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells.append(nbformat.v4.new_markdown_cell("# Activations\nWrite every function below."))
    code = nbformat.v4.new_code_cell(student_code)
    code.metadata["nbgrader"] = {"grade": False, "solution": True, "locked": False,
                                 "grade_id": "activations_code", "schema_version": 3}
    nb.cells.append(code)
    for name, points, source in grade_cells:
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                     "grade_id": name, "points": points, "schema_version": 3}
        nb.cells.append(cell)
    return nb


def hidden_cells() -> list[tuple[str, int, str]]:
    return [(name, points, "### BEGIN HIDDEN TESTS\n" + checks.PRELUDE
             + "\n".join(blocks) + "\n### END HIDDEN TESTS")
            for name, points, blocks in checks.checks()]


# ---------------------------------------------------------------- nbgrader

NBGRADER_CONFIG = """c = get_config()
c.CourseDirectory.course_id = "peers"
c.CourseDirectory.root = {root!r}
c.CourseDirectory.db_url = "sqlite:///{root}/gradebook.db"
c.ExecutePreprocessor.timeout = 60
"""


def run_nbgrader(students: dict[str, str], work: Path) -> tuple[float, dict[str, float]]:
    course = work / "nbgrader"
    (course / "source" / UNIT).mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(NBGRADER_CONFIG.format(root=str(course)))
    source = notebook(SOLUTIONS.joinpath("activations.py").read_text(), hidden_cells())
    nbformat.write(source, course / "source" / UNIT / "activations.ipynb")
    call([NBGRADER, "db", "assignment", "add", UNIT], course)
    call([NBGRADER, "generate_assignment", UNIT, "--force"], course)
    release = nbformat.read(course / "release" / UNIT / "activations.ipynb", as_version=4)
    for name, code in students.items():
        nb = nbformat.from_dict(json.loads(json.dumps(release)))
        nb.cells[1].source = code
        folder = course / "submitted" / name / UNIT
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / "activations.ipynb")
    seconds = timed([NBGRADER, "autograde", UNIT], cwd=course)
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course}/gradebook.db") as gradebook:
        scores = {name: gradebook.find_submission(UNIT, name).score for name in students}
    return seconds, scores


# ---------------------------------------------------------------- Otter

def otter_test(name: str, points: int, blocks: list[str]) -> str:
    """An Otter exception-based test file: one hidden case per block, all or nothing."""
    lines = ["import warnings", "", "import numpy as np", "from otter.test_files import test_case",
             "", "OK_FORMAT = False", "", f"name = {name!r}", f"points = {points}",
             "all_or_nothing = True  # a check's points, as in the rubric: all cases or none", ""]
    for i, block in enumerate(blocks, 1):
        functions = sorted(set(re.findall(r"\b(\w+_(?:forward|backward))\(", block)))
        lines += ["", "@test_case(hidden=True)", f"def test_{i}({', '.join(functions)}):",
                  *(f"    {line}" for line in block.splitlines()), ""]
    return "\n".join(lines)


def run_otter(students: dict[str, str], work: Path) -> tuple[float, dict[str, float]]:
    if not OTTER.exists():
        raise SystemExit(f"{OTTER} is missing: make the peers venv first (see this "
                         "script's docstring)")
    home = work / "otter"
    (home / "tests").mkdir(parents=True)
    for name, points, blocks in checks.checks():
        (home / "tests" / f"{name}.py").write_text(otter_test(name, points, blocks))
    (home / "requirements.txt").write_text("")
    call([OTTER, "generate", "--tests-dir", "tests", "-r", "requirements.txt"], home)
    for name, code in students.items():
        nb = notebook(code, [])
        (home / "submissions").mkdir(exist_ok=True)
        nbformat.write(nb, home / "submissions" / f"{name}.ipynb")
    start = time.monotonic()
    scores = {}
    for name in students:
        out = home / "results" / name
        out.mkdir(parents=True)
        call([OTTER, "run", "-a", "autograder.zip", "-o", out,
              home / "submissions" / f"{name}.ipynb"], home)
        results = json.loads((out / "results.json").read_text())
        scores[name] = sum(t.get("score") or 0 for t in results["tests"])  # not "Public Tests"
    return time.monotonic() - start, scores


# ---------------------------------------------------------------- main

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2],
                        help="dlmath's -j values to time (default: 1 2)")
    parser.add_argument("--skip", nargs="*", default=[], choices=["nbgrader", "otter"])
    parser.add_argument("--before", type=Path, metavar="TREE",
                        help="also grade with this older tree of the project (as unpacked by "
                             "before_after.py)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dlmath-peers-") as tmp:
        work = Path(tmp)
        students = build_class(work / "class")
        runs = {}
        for jobs in args.jobs:
            if args.before:
                runs[f"dlmath before -j {jobs}"] = run_dlmath(work / "class", work, jobs,
                                                              args.before.resolve())
            runs[f"dlmath -j {jobs}"] = run_dlmath(work / "class", work, jobs)
        if "nbgrader" not in args.skip:
            runs["nbgrader autograde"] = run_nbgrader(students, work)
        if "otter" not in args.skip:
            runs["otter run"] = run_otter(students, work)
        report(students, runs, args.json)
        shutil.rmtree(work, ignore_errors=True)


def report(students: dict[str, str], runs: dict, json_path: Path | None) -> None:
    n = len(students)
    print(f"{n} students, activations unit, {checks.__name__}.py's checks for the peers\n")
    print(f"{'tool':<22}{'seconds':>9}{'students/min':>14}{'s/student':>11}")
    for tool, (seconds, _) in runs.items():
        print(f"{tool:<22}{seconds:>9.1f}{60 * n / seconds:>14.1f}{seconds / n:>11.2f}")
    first = next(iter(runs))
    print()
    for tool, (seconds, _) in runs.items():
        for dl, (dl_seconds, _) in runs.items():
            if dl.startswith("dlmath") and not tool.startswith("dlmath"):
                print(f"{tool} / {dl}: {seconds / dl_seconds:.1f}x the time per student")
    print("\nscores (of 27) per student:")
    print(f"{'student':<12}" + "".join(f"{tool:>20}" for tool in runs))
    for name in students:
        print(f"{name:<12}" + "".join(f"{runs[tool][1].get(name, float('nan')):>20.1f}"
                                      for tool in runs))
    if json_path:
        json_path.write_text(json.dumps({tool: {"seconds": s, "students": n, "scores": sc}
                                         for tool, (s, sc) in runs.items()}, indent=1))
    del first


if __name__ == "__main__":
    main()
