"""A folder of byte strings by key: written atomically, bounded, least recently used first out.

Safe to delete at any time, also while grading runs: a missing, half-deleted or
unreadable entry is a miss, and a miss only costs recomputing the value. Several
processes (grade-class workers) may share one folder: every entry is written to a
temporary file and renamed into place, so a reader sees a whole entry or none.
"""

import contextlib
import os
import tempfile
import time
from pathlib import Path

_SUFFIX = ".entry"


class DiskCache:
    """Entries in ``folder``, at most about ``max_bytes`` together.

    A hit marks its entry used (its modification time), so that pruning removes the
    entries used least recently. Pruning runs when the folder is opened and whenever
    this process has written a tenth of the bound since it last pruned: the folder
    never holds more than ``max_bytes`` plus a tenth of it per process writing at once.
    """

    def __init__(self, folder: Path, max_bytes: int):
        self.folder = Path(folder)
        self.prefix = f"{self.folder}{os.sep}"
        self.max_bytes = int(max_bytes)
        self.written = 0  # bytes this process wrote since it last pruned
        self.hits = self.misses = 0
        self.usable = True
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.prune()
        except OSError:
            self.usable = False  # an unwritable place: grading goes on without a cache

    def _path(self, key: str) -> str:
        return f"{self.prefix}{key}{_SUFFIX}"

    def get(self, key: str) -> bytes | None:
        """The entry for ``key``, or None."""
        if not self.usable:
            return None
        path = self._path(key)
        try:
            with open(path, "rb") as file:
                data = file.read()
        except OSError:
            self.misses += 1
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # used now: least recently used is pruned first
        self.hits += 1
        return data

    def put(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key`` (atomically); never raises."""
        if not self.usable or len(data) > self.max_bytes // 4:
            return
        try:
            try:
                fd, temp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
            except FileNotFoundError:  # the folder was deleted meanwhile: start it again
                self.folder.mkdir(parents=True, exist_ok=True)
                fd, temp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as file:
                    file.write(data)
                os.replace(temp, self._path(key))
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                raise
        except OSError:
            return
        self.written += len(data)
        if self.written > self.max_bytes // 10:
            self.prune()

    def prune(self) -> None:
        """Remove the least recently used entries until the rest fit in ``max_bytes``."""
        self.written = 0
        entries = []
        with contextlib.suppress(FileNotFoundError), os.scandir(self.folder) as listing:
            for entry in listing:
                try:
                    stat = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                if entry.name.endswith(_SUFFIX):
                    entries.append((stat.st_mtime_ns, stat.st_size, entry.path))
                elif entry.name.startswith(".tmp-") and stat.st_mtime < time.time() - 3600:
                    with contextlib.suppress(OSError):  # left by a writer that was killed
                        os.unlink(entry.path)
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            with contextlib.suppress(OSError):
                os.unlink(path)
            total -= size

    def size(self) -> int:
        """Bytes the entries take now."""
        with os.scandir(self.folder) as listing:
            return sum(e.stat().st_size for e in listing if e.name.endswith(_SUFFIX))
