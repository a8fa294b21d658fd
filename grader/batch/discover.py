"""Find each student's submission in a class folder.

Three layouts are understood, per entry of the folder:

- ``<student>/`` holding unit files: a folder submission;
- ``<student>.zip``: an archive submission;
- ``<student>/<assignment>/`` holding unit files (nbgrader's ``submitted/``
  layout): the unit files of all the student's assignments, merged.
"""

from dataclasses import dataclass
from pathlib import Path

from grader.units import UNITS, unit_file


@dataclass(frozen=True)
class Student:
    """A student's name and where their unit files are."""

    name: str
    sources: tuple[Path, ...]


def discover(folder: Path) -> list[Student]:
    """Every student in ``folder``, sorted by name."""
    students = []
    for entry in sorted(Path(folder).iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_file() and entry.suffix == ".zip":
            students.append(Student(entry.stem, (entry,)))
        elif entry.is_dir():
            students.append(Student(entry.name, _folders_with_units(entry)))
    return students


def _folders_with_units(folder: Path) -> tuple[Path, ...]:
    if _has_units(folder):
        return (folder,)
    assignments = tuple(sub for sub in sorted(folder.iterdir()) if sub.is_dir() and _has_units(sub))
    return assignments or (folder,)  # no unit anywhere: graded as an empty submission


def _has_units(folder: Path) -> bool:
    return any((folder / unit_file(unit)).exists() for unit in UNITS)
