"""torch as the oracle: reference values and gradients for the checks, cached.

``vjp`` and ``value`` keep their results in a cache on disk (``grader/cache/``), keyed by
everything that determines them: the function (its code, source file, closure and the
globals it names), the inputs' exact bytes, dtypes and shapes, the sources of the
checks, and the torch, numpy and Python versions. A hit returns exactly the arrays
torch gave, without running torch, and without importing it if nothing else has. A
call whose function or inputs the key cannot state exactly (a tensor in a closure, say,
which torch could update in place) is never cached. ``DLMATH_CACHE=off`` turns the
cache off; deleting the folder at any time is safe.
"""

from __future__ import annotations

import functools
import sys
import types
from collections import Counter
from pathlib import Path

import numpy as np

from grader.cache import oracle_store
from grader.cache.fingerprint import Unkeyable, context, make_key, source_digest
from grader.child import codec

_HERE = Path(__file__).resolve().parent
# Every source an oracle function may come from; a change to any of them is a new key.
_SOURCES = (_HERE, _HERE / "hidden", _HERE / "public")
# What the cache did in this process: "hit", "miss", and "uncached: <why>" per call.
cache_stats: Counter[str] = Counter()
# True while a cached call computes: the oracle calls it makes are not cached on their own.
_computing = False


class Lazy:
    """A name in torch (``torch.nn.functional.relu``) that imports torch only when used.

    ``from tests.oracle import F, torch`` in place of ``import torch`` and ``import
    torch.nn.functional as F``: a table of torch functions made when a suite is imported
    then costs nothing until a check needs torch (a cache miss). Calling it, or
    ``isinstance`` with it, imports torch (a ``Lazy`` argument is passed on as what it
    names). Modules, functions and classes stay ``Lazy`` (keyed by their name, the same
    before and after torch is imported); other values (``torch.float64``) are torch's own
    once torch is imported. Do not subclass one.
    """

    __slots__ = ("lazy_path",)

    def __init__(self, path: str):
        self.lazy_path = path

    def __getattr__(self, name: str):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        path = f"{self.lazy_path}.{name}"
        if "torch" not in sys.modules:
            return Lazy(path)
        found = _resolve(path)
        return Lazy(path) if callable(found) or isinstance(found, types.ModuleType) else found

    def __call__(self, *args, **kwargs):
        args = [_resolve(a.lazy_path) if type(a) is Lazy else a for a in args]
        kwargs = {k: _resolve(v.lazy_path) if type(v) is Lazy else v for k, v in kwargs.items()}
        return _resolve(self.lazy_path)(*args, **kwargs)

    def __instancecheck__(self, obj) -> bool:
        return isinstance(obj, _resolve(self.lazy_path))

    def __subclasscheck__(self, cls) -> bool:
        return issubclass(cls, _resolve(self.lazy_path))

    def __repr__(self) -> str:
        return f"<lazy {self.lazy_path}>"


def _resolve(path: str):
    found = _torch()
    for name in path.split(".")[1:]:
        found = getattr(found, name)
    return found


torch = Lazy("torch")
F = Lazy("torch.nn.functional")


def _torch():
    import torch

    if not getattr(_torch, "configured", False):
        # The checks' tensors are tiny: one thread is fastest, and leaves the other core
        # to the child (or to a second grading worker).
        torch.set_num_threads(1)
        _torch.configured = True
    return torch


def as_numpy(t) -> np.ndarray:
    """A tensor's values as a NumPy array (0-d tensors give 0-d arrays)."""
    return t.detach().numpy().copy()


def vjp(fn, inputs, grad_output: np.ndarray, **kwargs):
    """Run ``fn`` on ``inputs`` in torch; return ``(out, grads)`` as NumPy arrays.

    ``grads[i]`` is the gradient of ``<out, grad_output>`` with respect to
    ``inputs[i]``, from ``torch.autograd.grad``; an input that is not an array
    (None, an int array of classes) gets no gradient.
    """
    return _cached("vjp", fn, (list(inputs), grad_output), kwargs,
                   lambda: _vjp(fn, inputs, grad_output, **kwargs))


def value(fn, *inputs, **kwargs) -> np.ndarray:
    """``fn`` of ``inputs`` in torch, without gradients, as a NumPy array."""
    return _cached("value", fn, inputs, kwargs, lambda: _value(fn, *inputs, **kwargs))


def cached(fn):
    """``fn``, a function of the checks that computes expected values with torch, cached.

    For torch code that is neither ``vjp`` nor ``value`` (an optimizer's trajectory, a
    scheduler's learning rates). ``fn`` must return plain data (arrays, numbers, lists,
    tuples, dicts) and depend only on its arguments, its closure and the globals it
    names: those and its code are the key, as for ``vjp``.
    """
    @functools.wraps(fn)
    def cached_fn(*args, **kwargs):
        return _cached("call", fn, args, kwargs, lambda: fn(*args, **kwargs))

    return cached_fn


def _vjp(fn, inputs, grad_output, **kwargs):
    torch = _torch()
    tensors = [_leaf(x) for x in inputs]
    out = fn(*tensors, **kwargs)
    wanted = [t for t in tensors if isinstance(t, torch.Tensor) and t.requires_grad]
    grads = torch.autograd.grad(out, wanted, torch.as_tensor(grad_output, dtype=out.dtype))
    by_input = iter(grads)
    return as_numpy(out), [
        as_numpy(next(by_input)) if isinstance(t, torch.Tensor) and t.requires_grad else None
        for t in tensors
    ]


def _value(fn, *inputs, **kwargs):
    torch = _torch()
    with torch.no_grad():
        return as_numpy(fn(*[_leaf(x, grad=False) for x in inputs], **kwargs))


def _leaf(x, grad: bool = True):
    if not isinstance(x, np.ndarray):
        return x
    t = _torch().from_numpy(x.copy())
    return t.requires_grad_(grad and t.is_floating_point())


def _cached(kind: str, fn, args, kwargs: dict, compute):
    """``compute()``, or what it gave before for the same key."""
    cache = oracle_store.current()
    if cache is None or _computing:  # an oracle call inside a cached one is part of it
        return compute()
    try:
        caller = source_digest(sys._getframe(2).f_code.co_filename)  # the check that asked
        key = _key(kind, fn, args, kwargs, caller)
    except Unkeyable as why:
        cache_stats[f"uncached: {why}"] += 1
        return compute()
    stored = cache.get(key)
    if stored is not None:
        try:
            result = _owned(codec.decode_frame(stored))
        except codec.ProtocolError:
            pass  # a damaged entry: computed again and replaced
        else:
            cache_stats["hit"] += 1
            return result
    cache_stats["miss"] += 1
    result = _compute(compute)
    try:
        if _key(kind, fn, args, kwargs, caller) == key:  # fn changed nothing it depends on
            cache.put(key, codec.encode(result))
    except (Unkeyable, codec.ProtocolError):
        pass
    return result


def _compute(compute):
    global _computing
    _computing = True
    try:
        return compute()
    finally:
        _computing = False


def _key(kind, fn, args, kwargs, caller) -> str:
    return make_key(kind, context(*_SOURCES), caller, fn, args, kwargs, _leaf)


def _owned(value):
    """Arrays that own their memory, as torch's copies do; containers as they were."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, tuple | list):
        return type(value)(_owned(item) for item in value)
    if isinstance(value, dict):
        return {key: _owned(item) for key, item in value.items()}
    return value
