"""Where the torch oracle's results are cached (``tests/oracle.py`` stores them here).

The folder is outside the repository: ``$DLMATH_CACHE/oracle``, else
``$XDG_CACHE_HOME/dlmath/oracle`` or ``~/.cache/dlmath/oracle``. ``DLMATH_CACHE=off``
(or ``0``, or empty) turns the cache off. Read at every use, so that a test or a
benchmark can point it elsewhere between two grades.
"""

import os
from pathlib import Path

from grader.cache.store import DiskCache
from grader.settings import CACHE_ENV, ORACLE_CACHE_MAX_BYTES

OFF = ("off", "0", "")
_open: dict[Path, DiskCache] = {}


def folder() -> Path | None:
    """The oracle cache's folder, or None when the cache is off."""
    root = os.environ.get(CACHE_ENV)
    if root is not None:
        return None if root.strip().lower() in OFF else Path(root).expanduser() / "oracle"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "dlmath" / "oracle"


def current() -> DiskCache | None:
    """The cache to use now, or None when it is off or cannot be made."""
    where = folder()
    if where is None:
        return None
    cache = _open.get(where)
    if cache is None:
        cache = _open[where] = DiskCache(where, ORACLE_CACHE_MAX_BYTES)
    return cache if cache.usable else None
