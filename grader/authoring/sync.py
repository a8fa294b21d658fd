"""Write the student stubs in ``exercises/`` from the reference code in ``solutions/``.

Each region between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` becomes one
``raise NotImplementedError("<exercise> is not implemented yet")`` at the
region's indentation, where ``<exercise>`` is the innermost function that holds
the region. Everything outside the markers is copied as it is.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"


class MarkerError(ValueError):
    """The solution markers of a file do not pair up, or sit outside a function."""


def _innermost_function(tree: ast.AST, lineno: int) -> str:
    best = None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if node.lineno <= lineno <= node.end_lineno and (
                best is None or node.lineno > best.lineno
            ):
                best = node
    if best is None:
        raise MarkerError(f"line {lineno}: a solution region must sit inside a function")
    return best.name


def strip_solutions(source: str, filename: str = "<source>") -> str:
    """Return ``source`` with every solution region replaced by a raise."""
    tree = ast.parse(source, filename)
    lines = source.splitlines(keepends=True)
    out: list[str] = []
    begin_line = None
    for number, line in enumerate(lines, start=1):
        marker = line.strip()
        if marker == BEGIN:
            if begin_line is not None:
                raise MarkerError(f"{filename}:{number}: BEGIN SOLUTION inside another region")
            begin_line = number
            indent = line[: len(line) - len(line.lstrip())]
            name = _innermost_function(tree, number)
            out.append(f'{indent}raise NotImplementedError("{name} is not implemented yet")\n')
        elif marker == END:
            if begin_line is None:
                raise MarkerError(f"{filename}:{number}: END SOLUTION without a BEGIN")
            begin_line = None
        elif begin_line is None:
            out.append(line)
    if begin_line is not None:
        raise MarkerError(f"{filename}:{begin_line}: BEGIN SOLUTION is never closed")
    return "".join(out)


@dataclass(frozen=True)
class SyncResult:
    """What ``sync`` changed (or, with ``check``, would change)."""

    written: tuple[str, ...]
    removed: tuple[str, ...]

    @property
    def stale(self) -> bool:
        return bool(self.written or self.removed)


def sync(solutions: Path, exercises: Path, check: bool = False) -> SyncResult:
    """Regenerate every ``exercises/*.py`` from ``solutions/*.py``.

    With ``check``, write nothing and report what is out of date.
    """
    written, expected = [], set()
    for source_path in sorted(solutions.glob("*.py")):
        expected.add(source_path.name)
        stub = strip_solutions(source_path.read_text(), str(source_path))
        target = exercises / source_path.name
        if not target.exists() or target.read_text() != stub:
            written.append(source_path.name)
            if not check:
                exercises.mkdir(parents=True, exist_ok=True)
                target.write_text(stub)
    removed = [p.name for p in sorted(exercises.glob("*.py")) if p.name not in expected]
    if not check:
        for name in removed:
            (exercises / name).unlink()
    return SyncResult(tuple(written), tuple(removed))


def sync_course(course: Path, check: bool = False) -> bool:
    """Rewrite course.md's points tables from the rubric; return whether they were stale."""
    from grader.authoring.course import fill_rubric_tables

    text = course.read_text()
    filled = fill_rubric_tables(text)
    if filled != text and not check:
        course.write_text(filled)
    return filled != text
