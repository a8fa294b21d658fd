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
_open: dict[tuple, DiskCache | None] = {}  # by the settings it was opened with


def folder() -> Path | None:
    """The oracle cache's folder, or None when the cache is off."""
    root = os.environ.get(CACHE_ENV)
    if root is not None:
        return None if root.strip().lower() in OFF else Path(root).expanduser() / "oracle"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "dlmath" / "oracle"


def current() -> DiskCache | None:
    """The cache to use now, or None when it is off or cannot be made."""
    setting = (os.environ.get(CACHE_ENV), os.environ.get("XDG_CACHE_HOME"))
    cache = _open.get(setting)
    if cache is None and setting not in _open:
        where = folder()
        cache = _open[setting] = None if where is None else DiskCache(where,
                                                                      ORACLE_CACHE_MAX_BYTES)
    return cache if cache is not None and cache.usable else None
