"""Each unit's student notebook, built from its lesson notebook.

The lesson notebook ``notebooks/<unit>.ipynb`` (or, when a unit has none, a
short introduction that points to course.md) gives the math and the
instructions. Its Markdown cell ``<!-- dlmath:exercises -->`` becomes the
exercise list, with the points of every check read from the rubric. At the
end come the check cells:

- **Check your work**: one visible cell per exercise function, which runs the
  public checks of that function on the unit file beside the notebook;
- **Graded checks** (``graded=True``, for nbgrader only): one graded cell per
  rubric check, worth that check's points, whose whole source is a hidden
  test region. nbgrader releases these cells empty and puts their source back
  when it autogrades.

The lesson's inline questions (``grader.authoring.questions``) are listed
under the exercises with their points, stated once in the lesson's source.
With ``graded=True`` they become nbgrader cells too: a written answer graded
by hand, and a short answer whose check cell holds its key from
``docs/answers-notebooks.toml`` in a hidden test region. Without it (the
self-study notebook of ``dlmath release``) they stay as the lesson has them,
with no key and no nbgrader metadata.

Every check cell of the exercises is one call into ``grader.nbgrader.cells``.
"""

import ast
import re
from pathlib import Path

import nbformat

from grader.authoring.course import unit_table
from grader.authoring.questions import (
    BEGIN_HIDDEN,
    END_HIDDEN,
    SCHEMA_VERSION,
    Question,
    as_nbgrader,
    graded_questions,
    questions_table,
)
from grader.authoring.sync import strip_solutions
from grader.paths import COURSE, EXERCISES, NOTEBOOKS, SOLUTIONS
from grader.score.rubric import Check, load_rubric
from grader.units import UNITS, unit_file

EXERCISES_MARKER = "<!-- dlmath:exercises -->"
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


class StaleStub(RuntimeError):
    """``exercises/<unit>.py`` is not the stub of ``solutions/<unit>.py``."""


class GradeIdClash(RuntimeError):
    """Two nbgrader cells of a notebook with one grade_id (a question's and a check's, say)."""


def stub_source(unit: str) -> str:
    """The student stub of ``unit``: ``exercises/<unit>.py``, checked against the solution."""
    stub = (EXERCISES / unit_file(unit)).read_text()
    solution = SOLUTIONS / unit_file(unit)
    if solution.is_file() and strip_solutions(solution.read_text(), str(solution)) != stub:
        raise StaleStub(f"exercises/{unit_file(unit)} is stale: run `dlmath sync` first")
    return stub


def exercise_functions(stub: str) -> list[str]:
    """The functions a student writes: those whose stub raises NotImplementedError."""
    names = []
    for node in ast.parse(stub).body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and any(
            isinstance(n, ast.Raise) and isinstance(n.exc, ast.Call)
            and getattr(n.exc.func, "id", "") == "NotImplementedError" for n in ast.walk(node)
        ):
            names.append(node.name)
    return names


def chapter(unit: str) -> str:
    """course.md's chapter title for ``unit`` (``"Chapter 3. Unit 1: activations"``)."""
    text = COURSE.read_text() if COURSE.is_file() else ""
    match = re.search(rf"^## (Chapter \d+\. Unit \d+: {re.escape(unit)})\s*$", text, re.MULTILINE)
    return match.group(1) if match else ""


def build_notebook(unit: str, graded: bool) -> nbformat.NotebookNode:
    """The notebook of ``unit``: nbgrader's source version if ``graded``, else self-study."""
    checks = load_rubric()[unit]
    functions = exercise_functions(stub_source(unit))
    nb = _lesson(unit)
    questions = graded_questions(nb)
    if graded:
        as_nbgrader(nb)
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.strip() == EXERCISES_MARKER:
            listed = _exercise_list(unit, functions, checks, questions, graded)
            cells.append(_locked(_markdown(f"{unit}-exercises", listed), graded))
        else:
            cells.append(cell)
    name = unit_file(unit)
    cells.append(_markdown(f"{unit}-check-your-work", _CHECK_YOUR_WORK.format(file=name)))
    for function in functions:
        source = ("from grader.nbgrader.cells import public_checks\n"
                  f'public_checks("{function}", "{name}")')
        cells.append(_public_cell(_code(f"public-{function}", source), graded))
    if graded:
        cells.append(_markdown(f"{unit}-graded-checks", _GRADED_CHECKS.format(file=name)))
        cells.extend(_hidden_cell(check) for check in checks)
    nb.cells = cells
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.setdefault("language_info", {"name": "python"})
    nb.metadata.setdefault("dlmath", {})["unit"] = unit
    _check_grade_ids(nb)
    nbformat.validate(nb)
    return nb


def _check_grade_ids(nb: nbformat.NotebookNode) -> None:
    """Raise :class:`GradeIdClash` if two nbgrader cells share a grade_id."""
    ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if "nbgrader" in c.metadata]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        unit = nb.metadata.get("dlmath", {}).get("unit", "?")
        raise GradeIdClash(f"cells of the {unit} notebook share the grade_id "
                           f"{', '.join(repeated)}")


def write_notebook(nb: nbformat.NotebookNode, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(nb, version=4).rstrip("\n") + "\n")


def _lesson(unit: str) -> nbformat.NotebookNode:
    lesson = NOTEBOOKS / f"{unit}.ipynb"
    if lesson.is_file():
        nb = nbformat.read(lesson, as_version=4)
        if any(c.cell_type == "markdown" and c.source.strip() == EXERCISES_MARKER
               for c in nb.cells):
            return nb
        nb.cells.insert(1 if nb.cells else 0, _markdown(f"{unit}-marker", EXERCISES_MARKER))
        return nb
    where = chapter(unit)
    pointer = f"`course.md`, {where}" if where else "`course.md`"
    number = UNITS.index(unit) + 1
    intro = (f"# Unit {number}: {unit}\n\nThe math of this unit, its definitions and its "
             f"conventions are in {pointer}: read it first. Every function's docstring in "
             f"`{unit_file(unit)}` gives its definition, its arguments and returns with shapes, "
             "and the conventions to follow; deriving the gradients is yours.")
    return nbformat.v4.new_notebook(cells=[_markdown(f"{unit}-intro", intro),
                                           _markdown(f"{unit}-marker", EXERCISES_MARKER)])


def _exercise_list(unit: str, functions: list[str], checks: tuple[Check, ...],
                   questions: list[Question], graded: bool) -> str:
    names = ", ".join(f"`{f}`" for f in functions)
    total = sum(c.points for c in checks)
    submit = (f"\n\nSubmit `{unit_file(unit)}` together with this notebook: the grade of your "
              f"functions comes from `{unit_file(unit)}`, that of the questions from your "
              "answers in this notebook. Leave the locked cells as they are." if graded else "")
    return (f"## Exercises\n\nWrite these functions in `{unit_file(unit)}`, the file beside this "
            f"notebook, in place of each `raise NotImplementedError(...)`: {names}.\n\n"
            f"Hidden checks grade them, {total:g} points in all, check by check:\n\n"
            f"{unit_table(checks)}\n"
            "A check earns all its points or none. Run the cells under **Check your work** at "
            "the end of this notebook as you go: they run the public checks, a sanity check on "
            "small, fixed cases. They are not your grade: the hidden checks try many more "
            f"shapes, dims, dtypes, extreme values and in-place changes."
            f"{_questions_part(questions, total, graded)}{submit}")


def _questions_part(questions: list[Question], checks_total: float, graded: bool) -> str:
    """The exercise list's table of the notebook's questions, and what they add up to."""
    if not questions:
        return ""
    points = sum(q.points for q in questions)
    if graded:
        counted = (f"They count with the checks: {checks_total:g} + {points:g} = "
                   f"{checks_total + points:g} points in all for this notebook.")
    else:
        counted = ("They count where your course grades this notebook (with nbgrader); "
                   f"the {checks_total:g} points of the checks are the grade of your file.")
    return (f"\n\n### Questions\n\nThis notebook also asks questions, {points:g} points in all: "
            "a written answer is graded by hand, a short answer by a hidden check of the value "
            f"you set (the cell below it only checks that you set one).\n\n"
            f"{questions_table(questions)}\n{counted}")


_CHECK_YOUR_WORK = (
    "## Check your work\n\nEach cell below runs the public checks of one function on your "
    "`{file}` (the file beside this notebook) and prints what they found. Run them again after "
    "every change to `{file}`. They are a sanity check on small, fixed cases, not your grade."
)
_GRADED_CHECKS = (
    "## Graded checks\n\nThe cells below are empty in your copy: they hold the hidden checks "
    "of `{file}`, which run when your work is graded. Leave them where they are."
)


def _hidden_cell(check: Check) -> nbformat.NotebookNode:
    source = (f"{BEGIN_HIDDEN}\nfrom grader.nbgrader.cells import hidden_check\n"
              f'hidden_check("{check.id}", "{unit_file(check.unit)}")\n{END_HIDDEN}')
    cell = _code(f"hidden-{check.name}", source)
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                 "points": check.points, "grade_id": grade_id(check.id),
                                 "schema_version": SCHEMA_VERSION}
    return cell


def _public_cell(cell: nbformat.NotebookNode, graded: bool) -> nbformat.NotebookNode:
    """A public-check cell, graded with 0 points: ``nbgrader validate`` reports it failing."""
    if graded:
        cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                     "points": 0, "grade_id": cell.id,
                                     "schema_version": SCHEMA_VERSION}
    return cell


def grade_id(check_id: str) -> str:
    """nbgrader's id of the graded cell for a check (``activations-relu_backward``)."""
    return check_id.replace("/", "-")


def _locked(cell: nbformat.NotebookNode, graded: bool) -> nbformat.NotebookNode:
    if graded:
        cell.metadata["nbgrader"] = {"grade": False, "solution": False, "locked": True,
                                     "grade_id": cell.id, "schema_version": SCHEMA_VERSION}
    return cell


def _markdown(cell_id: str, source: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(source)
    cell.id = cell_id
    return cell


def _code(cell_id: str, source: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.id = cell_id
    return cell
