"""A student's submission as bytes: packed by the class's process, unpacked by a worker.

Local workers and Dask workers both grade from a parcel, so they see exactly the
same files and give byte-identical reports, and no shared file system is
needed. Packing is also where a submission that could hurt the class is
refused, before any worker touches it: an archive that is too large, holds too
many entries or unpacks to too much (a zip bomb), is not a readable archive,
has files that cannot be read, or is itself a link (a student's folder,
assignment folder or archive that points at the solutions or at a classmate's
work). Each refusal is an ``Unreadable`` whose message is the one line the
student's row shows.

A folder is packed as the loader (``grader.load.submission``) would read it:
each unit file's bytes (at most one byte past the loader's size limit, which
is enough for it to refuse the file in the same words), links as links (one
that leaves the folder points nowhere, and is refused as before), anything
that is not a regular file as an empty folder. An archive is packed whole.
"""

import io
import json
import os
import zipfile
from pathlib import Path, PurePosixPath

from grader.load.submission import MAX_UNIT_BYTES
from grader.units import UNITS, unit_file

MAX_ARCHIVE_BYTES = 64 * 1024 * 1024
MAX_ARCHIVE_ENTRIES = 10_000
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MANIFEST, FILES = "manifest.json", "files/"
OUTSIDE = "/dlmath-outside-the-submission"  # a link target that no submission contains


class Unreadable(Exception):
    """The submission cannot be graded; the message is the reason, in one line."""


def label(source: Path, student: str) -> str:
    """``source``'s name as the class folder shows it: ``ada``, ``ada.zip``, ``ada/hw1``."""
    source = Path(source)
    return f"{source.parent.name}/{source.name}" if source.parent.name == student else source.name


def pack(name: str, sources: tuple[Path, ...]) -> bytes:
    """The parcel of student ``name``, whose unit files are in ``sources``."""
    manifest: dict = {"parts": [], "links": {}, "dirs": []}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as parcel:
        for source in sources:
            part = label(source, name)
            _refuse_links_on_the_way(Path(source), name, part)
            if Path(source).is_dir():
                _pack_folder(Path(source), part, parcel, manifest)
                kind = "folder"
            else:
                parcel.writestr(FILES + part, _archive_bytes(Path(source), part),
                                compress_type=zipfile.ZIP_STORED)
                kind = "zip"
            manifest["parts"].append({"path": part, "kind": kind})
        parcel.writestr(MANIFEST, json.dumps(manifest, sort_keys=True))
    return buffer.getvalue()


def unpack(parcel: bytes, folder: Path) -> list[Path]:
    """Recreate the parcel's sources under ``folder`` (empty); return them in order."""
    with zipfile.ZipFile(io.BytesIO(parcel)) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        for relative in manifest["dirs"]:
            _inside(folder, relative).mkdir(parents=True, exist_ok=True)
        for info in archive.infolist():
            if info.filename.startswith(FILES):
                path = _inside(folder, info.filename[len(FILES):])
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(archive.read(info))
        for relative, target in manifest["links"].items():
            path = _inside(folder, relative)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.symlink_to(target)
        return [_inside(folder, part["path"]) for part in manifest["parts"]]


def _refuse_links_on_the_way(source: Path, student: str, part: str) -> None:
    """A student's entry or assignment folder that is a link is refused: it could point at
    the solutions or at a classmate's work (archives unpacked by tar or unzip keep links)."""
    entry = source.parent if source.parent.name == student else source  # in the class folder
    where = entry.parent.resolve() / source.relative_to(entry.parent)  # if no link on the way
    if entry.is_symlink() or source.is_symlink() or source.resolve() != where:
        raise Unreadable(f"{part} is a link; links to folders or archives are not graded "
                         "(copy them instead).")


def _inside(folder: Path, relative: str) -> Path:
    parts = PurePosixPath(relative).parts
    if not parts or relative.startswith("/") or ".." in parts:
        raise ValueError(f"a parcel entry leaves its folder: {relative!r}")
    return folder.joinpath(*parts)


def _pack_folder(folder: Path, part: str, parcel: zipfile.ZipFile, manifest: dict) -> None:
    try:
        if not _pack_units(folder, part, parcel, manifest):
            inside = [e for e in folder.iterdir() if not e.name.startswith((".", "__MACOSX"))]
            if len(inside) == 1 and inside[0].is_dir() and not inside[0].is_symlink():
                _pack_units(inside[0], f"{part}/{inside[0].name}", parcel, manifest)
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of links
        raise Unreadable(f"{part} could not be read: {_why(exc)}.") from exc


def _pack_units(folder: Path, part: str, parcel: zipfile.ZipFile, manifest: dict) -> bool:
    """The unit files at the top of ``folder``; whether there were any (the loader looks
    one folder deeper when there are none and the folder holds only one folder)."""
    root, found = folder.resolve(), False
    for unit in UNITS:
        candidate = folder / unit_file(unit)
        if candidate.is_symlink():
            _pack_link(candidate, root, part, parcel, manifest)
        elif candidate.exists():
            _pack_entry(candidate, f"{part}/{candidate.name}", parcel, manifest)
        found = found or candidate.exists()
    return found


def _pack_link(link: Path, root: Path, part: str, parcel: zipfile.ZipFile,
               manifest: dict) -> None:
    target = link.resolve()
    if not target.is_relative_to(root):
        manifest["links"][f"{part}/{link.name}"] = OUTSIDE
        return
    inside = target.relative_to(root).as_posix()
    manifest["links"][f"{part}/{link.name}"] = inside
    if target.exists() and inside != ".":
        _pack_entry(target, f"{part}/{inside}", parcel, manifest)


def _pack_entry(path: Path, relative: str, parcel: zipfile.ZipFile, manifest: dict) -> None:
    if FILES + relative in parcel.namelist() or relative in manifest["dirs"]:
        return  # two unit files link to one file
    if not path.is_file():  # a folder, a pipe, a device: the loader refuses it as "not regular"
        manifest["dirs"].append(relative)
        return
    with path.open("rb") as file:
        parcel.writestr(FILES + relative, file.read(MAX_UNIT_BYTES + 1))


def _archive_bytes(path: Path, part: str) -> bytes:
    """The archive's bytes, once it is known to be small, readable and no bomb."""
    try:
        with path.open("rb") as file:
            size = os.fstat(file.fileno()).st_size
            if size > MAX_ARCHIVE_BYTES:
                raise Unreadable(f"{part} is {_mib(size)}; archives over "
                                 f"{_mib(MAX_ARCHIVE_BYTES)} are not graded.")
            data = file.read(MAX_ARCHIVE_BYTES + 1)
    except OSError as exc:
        raise Unreadable(f"{part} could not be read: {_why(exc)}.") from exc
    _vet_archive(io.BytesIO(data), part)
    return data


def _vet_archive(data: io.BytesIO, part: str) -> None:
    not_zip = Unreadable(f"{part} is not a readable .zip archive.")
    try:
        end = zipfile._EndRecData(data)  # the entry count, before any entry is parsed
    except Exception as exc:  # a damaged end record fails in many ways
        raise not_zip from exc
    if end is None:
        raise not_zip
    if end[zipfile._ECD_ENTRIES_TOTAL] > MAX_ARCHIVE_ENTRIES:
        raise Unreadable(f"{part} holds {end[zipfile._ECD_ENTRIES_TOTAL]} entries; archives "
                         f"with over {MAX_ARCHIVE_ENTRIES} are not graded.")
    try:
        with zipfile.ZipFile(data) as archive:
            infos = archive.infolist()
    except Exception as exc:
        raise not_zip from exc
    if len(infos) > MAX_ARCHIVE_ENTRIES:
        raise Unreadable(f"{part} holds {len(infos)} entries; archives with over "
                         f"{MAX_ARCHIVE_ENTRIES} are not graded.")
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_UNPACKED_BYTES:
        raise Unreadable(f"{part} would unpack to {_mib(unpacked)}; archives over "
                         f"{_mib(MAX_UNPACKED_BYTES)} unpacked are not graded.")


def _mib(size: int) -> str:
    return f"{size / 2**20:.0f} MiB" if size >= 2**20 else f"{size} bytes"


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return "a link that cannot be followed" if isinstance(exc, RuntimeError) else str(exc)
