"""Step 1: load a submission into a scratch folder that holds only its unit files.

A submission is a folder, or a .zip of one, with any subset of the unit files
at its top level (a folder or .zip holding nothing but a single folder is read
from that folder).
Nothing is run here: files are copied, decoded and parsed, and what cannot be
graded is recorded as a problem of its unit; imports outside the policy are
recorded as flags.
"""

import importlib.util
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from grader.child.policy import RULE, forbidden_imports
from grader.units import UNITS, unit_file

MAX_UNIT_BYTES = 1024 * 1024
MAX_ZIP_ENTRIES = 10_000  # more than any honest submission; fewer than a zip bomb's
SCRATCH_PREFIX = "dlmath-"


class SubmissionError(Exception):
    """The path cannot be read as a submission at all."""


@dataclass
class LoadedSubmission:
    """The scratch copy of a submission and what was found while loading it."""

    folder: Path
    units: list[str] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)


def load_submission(path: Path | list[Path], scratch: Path) -> LoadedSubmission:
    """Copy the unit files of ``path`` into ``scratch`` and vet them.

    ``path`` is a folder, a .zip, or a list of those whose unit files are
    merged (nbgrader keeps one folder per assignment).
    """
    loaded = LoadedSubmission(folder=scratch)
    sources: dict[str, bytes] = {}
    for part in path if isinstance(path, list | tuple) else [path]:
        for unit, data in _sources(Path(part), loaded).items():
            if unit in sources:
                loaded.flags.append(f"{unit_file(unit)} was submitted twice; the last one counts.")
            sources[unit] = data
    for unit, data in sources.items():
        (scratch / unit_file(unit)).write_bytes(data)
        _vet(unit, data, loaded)
    loaded.units = [u for u in UNITS if u in sources]
    if not sources and not loaded.problems:
        loaded.flags.append("no unit files found: the submission holds none of "
                            f"{', '.join(unit_file(u) for u in UNITS)} at its top level.")
    return loaded


def check_submission_path(path: Path) -> None:
    """Raise ``SubmissionError`` saying plainly why ``path`` cannot be a submission."""
    path = Path(path)
    if not path.exists():
        raise SubmissionError(f"{path} does not exist")
    if path.is_dir():
        return
    if not path.is_file() or not zipfile.is_zipfile(path):
        if path.suffix.lower() == ".zip":
            raise SubmissionError(f"{path} is a corrupt .zip file (no zip directory found)")
        raise SubmissionError(f"{path} is neither a folder nor a .zip file")
    try:
        with zipfile.ZipFile(path) as zf:
            count = len(zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SubmissionError(f"{path} is a corrupt .zip file ({exc})") from None
    if count > MAX_ZIP_ENTRIES:
        raise SubmissionError(f"{path} holds {count} entries, more than the "
                              f"{MAX_ZIP_ENTRIES} a submission may have")


def _sources(path: Path, loaded: LoadedSubmission) -> dict[str, bytes]:
    check_submission_path(path)
    if path.is_dir():
        return _folder_sources(_unwrapped(path), loaded)
    try:
        return _zip_sources(path, loaded)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise SubmissionError(f"{path} is a corrupt .zip file ({exc})") from None


def _unwrapped(folder: Path) -> Path:
    """The single folder inside ``folder`` when that is all it holds besides hidden files."""
    if any((folder / unit_file(u)).exists() for u in UNITS):
        return folder
    inside = [e for e in folder.iterdir() if not e.name.startswith((".", "__MACOSX"))]
    if len(inside) == 1 and inside[0].is_dir() and not inside[0].is_symlink():
        return inside[0]
    return folder


def _folder_sources(folder: Path, loaded: LoadedSubmission) -> dict[str, bytes]:
    root = folder.resolve()
    sources = {}
    for unit in UNITS:
        candidate = folder / unit_file(unit)
        if not candidate.exists() and not candidate.is_symlink():
            continue
        target = candidate.resolve()
        if candidate.is_symlink() and not target.is_relative_to(root):
            loaded.problems[unit] = (
                f"{unit_file(unit)} is a link to a file outside the submission; it was refused."
            )
            continue
        if not target.is_file() or target.stat().st_size > MAX_UNIT_BYTES:
            loaded.problems[unit] = f"{unit_file(unit)} is not a regular file under 1 MiB."
            continue
        sources[unit] = target.read_bytes()
    return sources


def _zip_sources(archive: Path, loaded: LoadedSubmission) -> dict[str, bytes]:
    with zipfile.ZipFile(archive) as zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        for info in infos:
            if _escapes(info.filename):
                loaded.flags.append(
                    f"the archive entry {info.filename!r} would land outside the extraction "
                    "folder; it was refused."
                )
        safe = [i for i in infos if not _escapes(i.filename)]
        prefix = _common_folder(safe)
        sources = {}
        for unit in UNITS:
            info = next((i for i in safe if i.filename == prefix + unit_file(unit)), None)
            if info is None:
                continue
            with zf.open(info) as entry:  # read no more than the limit, whatever it declares
                data = entry.read(MAX_UNIT_BYTES + 1)
            if info.file_size > MAX_UNIT_BYTES or len(data) > MAX_UNIT_BYTES:
                loaded.problems[unit] = f"{unit_file(unit)} is larger than 1 MiB."
                continue
            sources[unit] = data
        return sources


def _escapes(name: str) -> bool:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0])


def _common_folder(infos: list[zipfile.ZipInfo]) -> str:
    """``"folder/"`` when every entry sits in one top-level folder, else ``""``."""
    tops = {PurePosixPath(i.filename).parts[0] for i in infos if "/" in i.filename}
    at_root = any("/" not in i.filename for i in infos if not i.filename.startswith("__MACOSX"))
    tops.discard("__MACOSX")
    return f"{tops.pop()}/" if len(tops) == 1 and not at_root else ""


def _vet(unit: str, data: bytes, loaded: LoadedSubmission) -> None:
    name = unit_file(unit)
    try:
        data.decode("utf-8")
        # the text Python itself will run: a UTF-8 byte order mark dropped, an encoding
        # declared in the first lines obeyed (scanning anything else could miss an import)
        source = importlib.util.decode_source(data)
    except (UnicodeDecodeError, SyntaxError, LookupError):
        loaded.problems[unit] = f"{name} is not a text file of Python source (not UTF-8)."
        return
    try:
        forbidden = forbidden_imports(source, name)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        where = f" at line {line}" if line else ""
        loaded.problems[unit] = f"{name} has a syntax error{where}: {getattr(exc, 'msg', exc)}."
        return
    except (RecursionError, MemoryError):  # a legal size, nested past what the parser takes
        loaded.problems[unit] = f"{name} is nested too deeply to be read as Python source."
        return
    if forbidden:
        loaded.flags.append(f"{name} imports {', '.join(forbidden)}: {RULE}.")


def make_scratch() -> Path:
    """A fresh, empty scratch folder."""
    return Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))


def is_scratch(folder: Path) -> bool:
    """Whether ``folder`` was made by ``make_scratch``."""
    folder = Path(folder).resolve()
    return folder.parent == Path(tempfile.gettempdir()).resolve() and folder.name.startswith(
        SCRATCH_PREFIX)


def remove_scratch(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
