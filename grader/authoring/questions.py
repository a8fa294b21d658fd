"""The inline questions of the lesson notebooks, and how nbgrader grades them.

``notebooks/build.py`` marks each question cell of a lesson notebook with
``metadata.dlmath.question``: its id (``UNIT-qN``), its kind and, for the
kinds that are graded, its points (stated once, in the source's marker):

- ``written``: a Markdown cell for a written answer, graded by hand;
- ``answer``: a code cell where the student sets a short answer (no points);
- ``check``: the cell after it, which checks that short answer (autograded).

A check cell holds only what students may see (that the answer is set). Its
key, the assertion that grades it, lives in ``docs/answers-notebooks.toml``,
which never ships to students before the deadline and whose lines the leak
check refuses. :func:`as_nbgrader` makes the question cells nbgrader cells:
a written answer a manually graded solution cell, a short answer a solution
cell, and its check a locked, autograded test cell whose key sits between
``### BEGIN/END HIDDEN TESTS`` (nbgrader removes that region from what it
releases). :func:`for_students` removes those regions.

Both ``notebooks/build.py`` and the nbgrader course (``grader.authoring.notebook``)
use these functions: there is no other copy.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from grader.compat import tomllib
from grader.paths import REPO_ROOT

KEYS = REPO_ROOT / "docs" / "answers-notebooks.toml"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
SCHEMA_VERSION = 3
KINDS = {"written": "written, graded by hand", "check": "short answer, checked automatically"}


class MissingKey(RuntimeError):
    """A check cell whose key is not in ``docs/answers-notebooks.toml`` (``dlmath nbgrader``
    reports it and stops)."""


@dataclass(frozen=True)
class Question:
    """A graded question of a notebook: its id, kind (``written`` or ``check``) and points."""

    id: str
    kind: str
    points: float


def question_of(cell: nbformat.NotebookNode) -> dict | None:
    """The ``dlmath.question`` of a cell (``{"id", "kind", "points"?}``), or ``None``."""
    return cell.get("metadata", {}).get("dlmath", {}).get("question")


def graded_questions(nb: nbformat.NotebookNode) -> list[Question]:
    """The questions of ``nb`` that earn points (written answers and checks), in order."""
    return [Question(q["id"], q["kind"], float(q["points"]))
            for q in map(question_of, nb.cells) if q and q["kind"] in KINDS]


def nbgrader_metadata(question: dict) -> dict:
    """The nbgrader metadata of a question cell, from its ``dlmath.question``."""
    kind, grade_id = question["kind"], question["id"]
    if kind == "written":  # a manually graded answer
        return {"grade": True, "solution": True, "locked": False, "points": question["points"],
                "grade_id": grade_id, "schema_version": SCHEMA_VERSION}
    if kind == "answer":  # where the student sets the short answer
        return {"grade": False, "solution": True, "locked": False, "grade_id": grade_id,
                "schema_version": SCHEMA_VERSION}
    return {"grade": True, "solution": False, "locked": True, "points": question["points"],
            "grade_id": f"{grade_id}-check", "schema_version": SCHEMA_VERSION}


def load_keys(path: Path = KEYS) -> dict[str, str]:
    """``{question id: the assertion that grades it}``, from ``docs/answers-notebooks.toml``."""
    with open(path, "rb") as f:
        return {qid: entry["check"] for qid, entry in tomllib.load(f).items()}


def as_nbgrader(nb: nbformat.NotebookNode,
                keys: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """Make ``nb``'s question cells nbgrader cells (in place), keys hidden; return ``nb``.

    Raises :class:`MissingKey` for a check cell without a key.
    """
    keys = load_keys() if keys is None else keys
    for cell in nb.cells:
        question = question_of(cell)
        if not question:
            continue
        cell.metadata["nbgrader"] = nbgrader_metadata(question)
        if question["kind"] == "check":
            key = keys.get(question["id"], "").strip()
            if not key:
                raise MissingKey(f"no key for {question['id']} in {KEYS.name}")
            cell.source = f"{cell.source}\n{BEGIN_HIDDEN}\n{key}\n{END_HIDDEN}"
    return nb


def strip_hidden(source: str) -> str:
    """``source`` without its ``### BEGIN/END HIDDEN TESTS`` regions (what students see)."""
    kept, hidden = [], False
    for line in source.splitlines():
        if line.strip() == BEGIN_HIDDEN:
            hidden = True
        elif line.strip() == END_HIDDEN:
            hidden = False
        elif not hidden:
            kept.append(line)
    return "\n".join(kept)


def for_students(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove the hidden regions of every cell of ``nb`` (in place); return ``nb``."""
    for cell in nb.cells:
        if BEGIN_HIDDEN in cell.source:
            cell.source = strip_hidden(cell.source)
    return nb


def label(question_id: str) -> str:
    """How the notebook's prose names a question: ``Question 2`` for ``UNIT-q2``."""
    number = re.search(r"-q(\d+)$", question_id)
    return f"Question {number[1]}" if number else question_id


def questions_table(questions: list[Question]) -> str:
    """A Markdown table of the graded questions: id, kind and points, with their total."""
    rows = [f"| {label(q.id)} | {KINDS[q.kind]} | {q.points:g} |" for q in questions]
    total = sum(q.points for q in questions)
    return "\n".join(["| question | kind | points |", "|---|---|---:|", *rows,
                      f"| **total** | | **{total:g}** |"]) + "\n"
