"""Find each student's submission in a class folder.

Three layouts are understood, per entry of the folder:

- ``<student>/`` holding unit files: a folder submission;
- ``<student>.zip``: an archive submission;
- ``<student>/<assignment>/`` holding unit files (nbgrader's ``submitted/``
  layout): the unit files of all the student's assignments, merged.

Two entries that would give one name (``bbb/`` beside ``bbb.zip``, or names
that differ only in case, which share one report file on macOS and Windows)
are refused before anything is graded: guessing which one counts would lose
a student's work without telling anyone.
"""

from dataclasses import dataclass
from pathlib import Path

from grader.units import UNITS, unit_file


class DiscoveryError(ValueError):
    """The class folder cannot be graded as it is; the message says what to rename."""


@dataclass(frozen=True)
class Student:
    """A student's name and where their unit files are."""

    name: str
    sources: tuple[Path, ...]


def discover(folder: Path) -> list[Student]:
    """Every student in ``folder``, sorted by name; ``DiscoveryError`` on a name collision."""
    students, entries = [], {}
    for entry in sorted(Path(folder).iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_file() and entry.suffix == ".zip":
            student = Student(entry.stem, (entry,))
        elif entry.is_dir():
            student = Student(entry.name, _folders_with_units(entry))
        else:
            continue
        entries.setdefault(student.name.casefold(), []).append(entry.name)
        students.append(student)
    _refuse_collisions(folder, entries)
    return students


def _refuse_collisions(folder: Path, entries: dict[str, list[str]]) -> None:
    clashes = [names for names in entries.values() if len(names) > 1]
    if clashes:
        listed = "; ".join(" and ".join(names) for names in clashes)
        raise DiscoveryError(
            f"{folder}: these entries would be graded as one student: {listed}. "
            "Rename or remove all but one of each, then run again (nothing was graded).")


def _folders_with_units(folder: Path) -> tuple[Path, ...]:
    try:
        if _has_units(folder):
            return (folder,)
        assignments = tuple(sub for sub in sorted(folder.iterdir())
                            if sub.is_dir() and _has_units(sub))
    except OSError:  # unreadable: the student's row will say so, the class goes on
        return (folder,)
    return assignments or (folder,)  # no unit anywhere: graded as an empty submission


def _has_units(folder: Path) -> bool:
    return any((folder / unit_file(unit)).exists() for unit in UNITS)
