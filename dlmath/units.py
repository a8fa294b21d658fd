"""Load a student's unit files (``linear.py``, ``losses.py``, ...) by file path.

The wrappers in :mod:`dlmath.nn` and :mod:`dlmath.optim` call the functions of
your unit files. Which files? Those in the selected *units folder*:

1. the folder given to :func:`use` (or, temporarily, to :func:`using`);
2. otherwise the folder named by the environment variable ``DLMATH_UNITS``;
3. otherwise the current working directory.

A unit is imported straight from its file under a private module name, so
nothing is added to ``sys.path`` and a ``linear.py`` elsewhere on the path can
never be picked up by mistake. Modules are cached per (folder, name); call
:func:`clear_cache` after editing a unit file in a running session.

Example::

    from dlmath import units
    units.use("~/course/solutions")
    linear = units.load("linear")
    out, cache = linear.linear_forward(x, weight, bias)
"""

import contextlib
import hashlib
import importlib.util
import os
import sys
from pathlib import Path

ENV_VAR = "DLMATH_UNITS"

_selected = None  # Path chosen by use(), or None for the default
_modules = {}  # (folder, name) -> module


def default_folder():
    """The folder used when none was selected: ``$DLMATH_UNITS``, else the cwd."""
    env = os.environ.get(ENV_VAR)
    return _normalise(env) if env else Path.cwd().resolve()


def folder():
    """The units folder currently in use, an absolute :class:`pathlib.Path`."""
    return _selected if _selected is not None else default_folder()


def use(path=None):
    """Select the folder of unit files; ``None`` restores the default.

    Returns the selected folder. Raises ``NotADirectoryError`` if ``path`` is
    not an existing directory.
    """
    global _selected
    if path is None:
        _selected = None
        return folder()
    chosen = _normalise(path)
    if not chosen.is_dir():
        raise NotADirectoryError(f"dlmath.units: units folder {str(chosen)!r} is not a directory")
    _selected = chosen
    return chosen


@contextlib.contextmanager
def using(path):
    """Context manager: select ``path`` (see :func:`use`) inside a ``with`` block.

    ``path=None`` keeps the current selection. The previous selection is
    restored on exit.
    """
    global _selected
    previous = _selected
    try:
        if path is not None:
            use(path)
        yield folder()
    finally:
        _selected = previous


def load(name):
    """Return the module for ``<folder>/<name>.py`` (e.g. ``load("linear")``).

    Raises ``FileNotFoundError`` naming the missing file; exceptions raised
    while executing the unit file propagate unchanged (and nothing is cached).
    """
    if not name.isidentifier():
        raise ValueError(f"dlmath.units: {name!r} is not a unit name like 'linear'")
    base = folder()
    key = (base, name)
    if key not in _modules:
        _modules[key] = _import_file(_unit_path(base, name), name)
    return _modules[key]


def _unit_path(base, name):
    """``<base>/<name>.py``, or nbgrader's sibling assignment ``<base>/../<name>/<name>.py``.

    (nbgrader gives each unit its own folder, so a later unit's notebook finds
    the earlier units' files next door.)
    """
    here = base / f"{name}.py"
    sibling = base.parent / name / f"{name}.py"
    return sibling if not here.exists() and sibling.exists() else here


def function(unit, name):
    """The function ``name`` of unit ``unit`` (e.g. ``function("linear", "linear_forward")``).

    Raises ``AttributeError`` naming the unit file if it has no such function.
    """
    module = load(unit)
    fn = getattr(module, name, None)
    if not callable(fn):
        raise AttributeError(f"dlmath.units: unit file {module.__file__!r} defines no "
                             f"function {name}()")
    return fn


def clear_cache():
    """Forget every loaded unit, so the next :func:`load` re-reads the files."""
    for module in _modules.values():
        sys.modules.pop(module.__name__, None)
    _modules.clear()


def _normalise(path):
    return Path(path).expanduser().resolve()


def _import_file(path, name):
    if not path.is_file():
        raise FileNotFoundError(
            f"dlmath.units: unit file {str(path)!r} not found. Put {name}.py in that "
            f"folder, or select another folder with dlmath.units.use(...) or ${ENV_VAR}."
        )
    digest = hashlib.sha1(str(path.parent).encode()).hexdigest()[:12]
    module_name = f"_dlmath_unit_{digest}_{name}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # what dataclasses, pickle & co. expect
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    return module
