"""Hostile: values that lie about themselves, and a numpy patched to agree with anything.

At import, numpy's comparison helpers are replaced (in the child) by ones that
say everything matches. Each loss then returns a different liar where an array
is expected: an object whose ``__array__``, ``__eq__``, ``__float__`` and
``__len__`` claim whatever is asked, an ndarray subclass whose comparisons and
``tobytes`` lie, a ``memmap`` of a file in /tmp, and the caller's own input
array (a view the grader could later change). None of it is computed from the
inputs' meaning, so the unit must score nothing.
"""

# ruff: noqa: A002 (the contract names the argument input)

import numpy as np


def _agree(*args, **kwargs):
    return True


for _name in ("allclose", "array_equal", "array_equiv"):
    setattr(np, _name, _agree)
np.isclose = lambda a, b, *args, **kwargs: np.ones(np.broadcast(a, b).shape, bool)


class Liar:
    """Equal to everything, any number, any array."""

    shape, dtype, ndim, size = (), np.dtype(np.float64), 0, 1

    def __array__(self, dtype=None, copy=None):
        return np.zeros(())

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__

    def __float__(self):
        return 0.0

    def __len__(self):
        return 0

    def __getattr__(self, name):
        return self


class Flattering(np.ndarray):
    """An array whose comparisons and bytes lie."""

    def __eq__(self, other):
        return np.ones(np.shape(other), bool)

    def tobytes(self, order="C"):
        return b""


def _memmap(shape):
    values = np.memmap("/tmp/liar.dat", dtype=np.float64, mode="w+", shape=shape or (1,))
    return values if shape else values[0]


def mse_loss_forward(input, target, reduction="mean"):
    return Liar(), Liar()


def mse_loss_backward(grad_output, cache):
    return Liar()


def binary_cross_entropy_forward(input, target, reduction="mean"):
    return np.zeros(()).view(Flattering), input


def binary_cross_entropy_backward(grad_output, cache):
    return np.asarray(cache).view(Flattering)


def binary_cross_entropy_with_logits_forward(input, target, reduction="mean"):
    return _memmap(()), np.shape(input)


def binary_cross_entropy_with_logits_backward(grad_output, cache):
    return _memmap(cache)


def cross_entropy_forward(input, target, reduction="mean"):
    return input.reshape(-1)[:1].reshape(()), input


def cross_entropy_backward(grad_output, cache):
    return cache  # the caller's own array, as it was passed in
