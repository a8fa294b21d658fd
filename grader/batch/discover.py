"""Find each student's submission in a class folder.

Three layouts are understood, per entry of the folder:

- ``<student>/`` holding unit files: a folder submission;
- ``<student>.zip``: an archive submission;
- ``<student>/<assignment>/`` holding unit files (nbgrader's ``submitted/``
  layout): the unit files of all the student's assignments, merged.

Two entries that would give one name (``bbb/`` beside ``bbb.zip``, or names
that differ only in case or in Unicode normalization, which share one report
file on macOS and Windows and look alike everywhere) are refused before
anything is graded: guessing which one counts would lose a student's work
without telling anyone. So are names that no report file can hold: names that
are not UTF-8, and names too long for a file name.

Links are not followed here: an entry or an assignment folder that is a link
is listed as it is, and packing refuses it (``grader.batch.parcel``), so that
student's row says why and the class goes on.
"""

import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from grader.batch.store import MAX_NAME_BYTES
from grader.units import UNITS, unit_file


class DiscoveryError(ValueError):
    """The class folder cannot be graded as it is; the message says what to rename."""


@dataclass(frozen=True)
class Student:
    """A student's name and where their unit files are."""

    name: str
    sources: tuple[Path, ...]


def discover(folder: Path) -> list[Student]:
    """Every student in ``folder``, sorted by name; ``DiscoveryError`` on a name collision
    or a name that cannot be a file name (not UTF-8, or too long)."""
    students, entries, unfit = [], {}, []
    for entry in sorted(Path(folder).iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():  # listed as it is; packing refuses it
            student = Student(entry.stem if entry.suffix == ".zip" else entry.name, (entry,))
        elif entry.is_file() and entry.suffix == ".zip":
            student = Student(entry.stem, (entry,))
        elif entry.is_dir():
            student = Student(entry.name, _folders_with_units(entry))
        else:
            continue
        if not _fits_a_file_name(student.name):
            unfit.append(_shown(entry.name))
        key = unicodedata.normalize("NFC", student.name).casefold()
        entries.setdefault(key, []).append(_shown(entry.name))
        students.append(student)
    _refuse_names(folder, [names for names in entries.values() if len(names) > 1], unfit)
    return students


def _fits_a_file_name(name: str) -> bool:
    """Whether ``name`` is UTF-8 (undecodable bytes come back as lone surrogates) and short
    enough for every file name the results folder makes of it."""
    try:
        return len(name.encode("utf-8")) <= MAX_NAME_BYTES
    except UnicodeEncodeError:
        return False


def _shown(name: str) -> str:
    """``name`` for the message: as it is, unless it could look like another name (not
    NFC, not UTF-8, unprintable); then its bytes, escaped. Cut after 60 characters."""
    if not (name.isprintable() and unicodedata.is_normalized("NFC", name)):
        name = repr(os.fsencode(name))[2:-1]  # the bytes' repr without b'...'
    return name if len(name) <= 60 else f"{name[:59]}…"


def _refuse_names(folder: Path, clashes: list[list[str]], unfit: list[str]) -> None:
    problems = [f"these entries would be graded as one student: "
                f"{'; '.join(' and '.join(names) for names in clashes)}. Rename or remove "
                "all but one of each"] if clashes else []
    if unfit:
        problems.append(f"These names are not UTF-8 or are longer than {MAX_NAME_BYTES} "
                        f"bytes, so no report file can have them: {'; '.join(unfit)}. "
                        "Rename them")
    if problems:
        raise DiscoveryError(f"{folder}: {'. '.join(problems)}. Then run again (nothing "
                             "was graded).")


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
