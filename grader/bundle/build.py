"""Build the student bundle (``dlmath release DIR``).

::

    DIR/README.md                    how to work, check and submit (for students)
    DIR/course.md                    the math of every unit
    DIR/docs/figures/*.svg           its figures
    DIR/docs/answers.md, DIR/docs/answers-notebooks.toml
                                     only with ``with_answers`` (after the deadline):
                                     the worked answers and the notebooks' keys
    DIR/exercises/<unit>.py          the stubs students fill in
    DIR/exercises/<unit>.ipynb       each unit's notebook, beside its unit file
    DIR/tests/public/, tests/{__init__,conftest,strategies,oracle}.py
                                     the public checks and what they need
    DIR/grader/, DIR/dlmath/         so that ``dlmath check`` and the notebooks work
    DIR/pyproject.toml, constraints.txt

and nothing else: no solution, no hidden check, no bug bank, no grader test,
and no answer to the course's problems unless ``with_answers``. The notebooks'
hidden test regions are removed. The bundle must pass the leak check (which
accepts the answers only ``with_answers``), or it is removed and
``LeakError`` raised.
"""

import shutil
from pathlib import Path

from grader.authoring.notebook import build_notebook, stub_source, write_notebook
from grader.bundle import leaks
from grader.bundle.readme import STUDENT_README
from grader.paths import EXERCISES, REPO_ROOT
from grader.score.rubric import load_rubric
from grader.units import unit_file

SHIPPED = ("pyproject.toml", "constraints.txt", "course.md", "grader", "dlmath",
           "tests/__init__.py", "tests/conftest.py", "tests/strategies.py", "tests/oracle.py",
           "tests/public")
SKIPPED_PARTS = ("__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis")
FIGURES = "docs/figures"  # only the drawings ship, not the script that draws them
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


class BundleError(RuntimeError):
    """The bundle cannot be written where it was asked to go."""


def released_units() -> list[str]:
    """The graded units that have a stub."""
    return [u for u in load_rubric() if (EXERCISES / unit_file(u)).is_file()]


def build_bundle(out: Path, force: bool = False, with_answers: bool = False) -> list[str]:
    """Write the student bundle into ``out``; return its files (relative, sorted).

    ``out`` must be missing or empty unless ``force``, which replaces it.
    ``with_answers`` adds the answers appendix and the notebooks' keys
    (``leaks.ANSWERS``): for a release after the deadline.
    """
    out = Path(out)
    if REPO_ROOT.is_relative_to(out.resolve()):
        raise BundleError(f"{out} holds the course itself; choose a folder outside it")
    if out.exists():
        if not out.is_dir():
            raise BundleError(f"{out} is not a folder")
        if any(out.iterdir()):
            if not force:
                raise BundleError(f"{out} is not empty (use --force to replace it)")
            shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        for name in SHIPPED:
            _copy(REPO_ROOT / name, out / name)
        for figure in sorted((REPO_ROOT / FIGURES).glob("*.svg")):
            _copy(figure, out / FIGURES / figure.name)
        if with_answers:
            for name in leaks.ANSWERS:
                _copy(REPO_ROOT / name, out / name)
        (out / "README.md").write_text(STUDENT_README)
        for unit in released_units():
            (out / "exercises").mkdir(exist_ok=True)
            (out / "exercises" / unit_file(unit)).write_text(stub_source(unit))
            write_notebook(_without_hidden_tests(build_notebook(unit, graded=False)),
                           out / "exercises" / f"{unit}.ipynb")
        leaks.check(out, allow_answers=with_answers)
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())


def _without_hidden_tests(nb):
    """``nb`` with every ``### BEGIN/END HIDDEN TESTS`` region removed (in place)."""
    for cell in nb.cells:
        if BEGIN_HIDDEN in cell.source:
            kept, hidden = [], False
            for line in cell.source.splitlines():
                if line.strip() in (BEGIN_HIDDEN, END_HIDDEN):
                    hidden = line.strip() == BEGIN_HIDDEN
                elif not hidden:
                    kept.append(line)
            cell.source = "\n".join(kept)
    return nb


def _copy(source: Path, target: Path) -> None:
    if source.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        return
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if path.is_file() and not any(part in SKIPPED_PARTS or part.endswith(".egg-info")
                                      for part in relative.parts):
            _copy(path, target / relative)
