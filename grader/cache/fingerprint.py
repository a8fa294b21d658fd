"""Cache keys for calls of the torch oracle: everything that determines a result, hashed.

A key covers the function (a library function by its name; a function of the checks by
its code, its source file, its defaults, its closure and every global it names, each
followed down), the inputs (arrays by dtype, shape and bytes), and a context: the
sources of the checks, the torch, numpy and Python versions and the CPU. A value the
key cannot state exactly (a tensor, an object of the checks' own classes) raises
``Unkeyable``: that call is not cached.
"""

import functools
import hashlib
import importlib.metadata
import platform
import sys
import types
from pathlib import Path

import numpy as np

# Callables and classes of these packages are keyed by name (and the context's versions).
LIBRARIES = frozenset({"torch", "numpy", "math", "builtins", "operator"})
# torch's value types that are plain data, keyed by repr (torch.float64, torch.Size([2]))
_TORCH_PLAIN = frozenset({"dtype", "device", "Size", "layout", "memory_format"})
_PLAIN = (type(None), bool, int, float, complex, str, bytes)
_MAX_DEPTH = 40


class Unkeyable(Exception):
    """A value a cache key cannot state exactly: the call is not cached."""


def make_key(*parts) -> str:
    """The hex digest of ``parts`` (plain data, arrays, functions)."""
    hasher = hashlib.blake2b(digest_size=20)
    walker = _Walker(hasher)
    for part in parts:
        walker.feed(part, 0)
    return hasher.hexdigest()


@functools.cache
def source_digest(filename: str) -> str:
    """The digest of a source file as this process first read it."""
    try:
        return hashlib.blake2b(Path(filename).read_bytes(), digest_size=20).hexdigest()
    except OSError:
        raise Unkeyable(f"no source file {filename}") from None


@functools.cache
def context(*folders: Path) -> str:
    """What every result depends on: the sources in ``folders`` (``*.py``), versions, CPU."""
    hasher = hashlib.blake2b(digest_size=20)
    for folder in folders:
        for path in sorted(Path(folder).glob("*.py")):
            hasher.update(f"{path.name}:{source_digest(str(path))};".encode())
    try:
        torch_version = importlib.metadata.version("torch")  # without importing torch
    except importlib.metadata.PackageNotFoundError:
        torch_version = "none"
    hasher.update(f"torch={torch_version};numpy={np.__version__};python={sys.version};"
                  f"machine={platform.machine()};cpu={_cpu()};".encode())
    return hasher.hexdigest()


def _cpu() -> str:
    """The CPU's model and flags: kernels pick instructions (and roundings) by them."""
    try:
        with open("/proc/cpuinfo") as file:
            lines = [line for line in file.read(1 << 16).splitlines()
                     if line.startswith(("model name", "flags"))]
    except OSError:
        return platform.processor()
    return hashlib.blake2b("\n".join(lines[:2]).encode(), digest_size=10).hexdigest()


class _Walker:
    def __init__(self, hasher):
        self.hasher = hasher
        self.seen: set[int] = set()  # functions already fed (recursion, shared helpers)

    def put(self, text: str) -> None:
        self.hasher.update(text.encode())

    def feed(self, value, depth: int) -> None:
        if depth > _MAX_DEPTH:
            raise Unkeyable("nested too deeply")
        kind = type(value)
        if kind in _PLAIN:
            self.put(f"{kind.__name__}:{value!r};")
        elif kind in (tuple, list):
            self.put(f"{kind.__name__}[{len(value)}:")
            for item in value:
                self.feed(item, depth + 1)
            self.put("]")
        elif kind is dict:
            self.put(f"dict[{len(value)}:")
            for name, item in value.items():
                self.feed(name, depth + 1)
                self.feed(item, depth + 1)
            self.put("]")
        elif isinstance(value, np.ndarray | np.generic):
            self._array(value)
        elif kind is frozenset:  # a constant of compiled code (``x in {1, 2}``)
            self.put(f"frozenset:{sorted(map(repr, value))!r};")
        elif kind is slice:
            self.put("slice:")
            self.feed((value.start, value.stop, value.step), depth + 1)
        elif kind is range or value is Ellipsis:
            self.put(f"{value!r};")
        elif isinstance(value, types.ModuleType):
            self.put(f"module:{value.__name__};")
        elif isinstance(value, functools.partial):
            self.put("partial:")
            self.feed((value.func, value.args, value.keywords), depth + 1)
        elif isinstance(value, np.ufunc):
            self.put(f"ufunc:{value.__name__};")
        elif isinstance(getattr(value, "lazy_path", None), str):  # tests.oracle.Lazy
            self.put(f"lazy:{value.lazy_path};")
        elif _library(value):
            self.put(f"lib:{value.__module__}.{value.__qualname__};")
        elif kind.__module__ == "torch" and kind.__name__ in _TORCH_PLAIN:
            self.put(f"torch:{value!r};")
        elif kind is types.FunctionType:
            self._function(value, depth)
        else:
            raise Unkeyable(f"a value of type {kind.__name__}")

    def _array(self, value) -> None:
        if value.dtype.kind not in "biufc":
            raise Unkeyable(f"an array of dtype {value.dtype}")
        tag = "nd" if isinstance(value, np.ndarray) else "scalar"
        self.put(f"{tag}:{value.dtype.str}:{value.shape};")
        self.hasher.update(np.ascontiguousarray(value).tobytes())

    def _function(self, fn, depth: int) -> None:
        if id(fn) in self.seen:
            self.put(f"again:{fn.__qualname__};")
            return
        self.seen.add(id(fn))
        code = fn.__code__
        digest, names = _code_digest(code)
        self.put(f"fn:{fn.__module__}:{fn.__qualname__}:{digest};")
        self.feed((fn.__defaults__, fn.__kwdefaults__), depth + 1)
        for cell in fn.__closure__ or ():
            try:
                self.feed(cell.cell_contents, depth + 1)
            except ValueError:  # an empty cell
                self.put("empty;")
        for name in sorted(names & fn.__globals__.keys()):
            self.put(f"global:{name}=")
            self.feed(fn.__globals__[name], depth + 1)


# Code objects never change: each is walked once per process (kept, so that its id stays its).
_CODES: dict[int, tuple[types.CodeType, str, frozenset[str]]] = {}


def _code_digest(code: types.CodeType) -> tuple[str, frozenset[str]]:
    """A digest of ``code`` (its source file's too, with nested code and constants), and
    every name it and its nested code look up."""
    known = _CODES.get(id(code))
    if known is None or known[0] is not code:
        hasher = hashlib.blake2b(digest_size=20)
        hasher.update(f"{code.co_firstlineno}:{source_digest(code.co_filename)};".encode())
        names: set[str] = set()
        _walk_code(_Walker(hasher), code, names, 0)
        known = _CODES[id(code)] = (code, hasher.hexdigest(), frozenset(names))
    return known[1], known[2]


def _walk_code(walker: "_Walker", code: types.CodeType, names: set[str], depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise Unkeyable("nested too deeply")
    walker.hasher.update(code.co_code)
    walker.put(f"names:{code.co_names!r};")
    names.update(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            _walk_code(walker, const, names, depth + 1)
        else:
            walker.feed(const, depth + 1)


def _library(value) -> bool:
    """A function or class of a library (by name; the context has the versions)."""
    if not (callable(value) and isinstance(value, type | types.BuiltinFunctionType
                                           | types.FunctionType)):
        return False
    module = getattr(value, "__module__", None) or ""
    return module.split(".")[0] in LIBRARIES and hasattr(value, "__qualname__")
