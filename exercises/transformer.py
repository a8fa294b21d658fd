"""Transformer building blocks: embedding, positional encoding and GELU in NumPy.

Every forward returns ``(out, cache)``; the matching backward takes the
upstream gradient ``grad_output`` (same shape as ``out``) and that ``cache``,
and returns the gradient with respect to the forward's floating array
argument. ``cache`` is yours: keep whatever your backward needs. Never modify
an input in place, and keep the input's floating dtype (float32 in, float32
out).

Conventions follow ``torch.nn.functional.embedding`` and
``torch.nn.functional.gelu``, and the positional encoding of "Attention Is All
You Need" (Vaswani et al., 2017). Vectorise: no Python loop over positions,
tokens or elements.
"""

import math

import numpy as np


def embedding_forward(indices: np.ndarray, weight: np.ndarray,
                      padding_idx: int | None = None) -> tuple[np.ndarray, object]:
    """Embedding lookup, ``out[...] = weight[indices[...]]``, like ``F.embedding``.

    Row ``k`` of ``weight`` is the vector of token ``k``. ``padding_idx``
    changes nothing in the forward pass: it only stops the gradient of that
    row (see ``embedding_backward``). A negative ``padding_idx`` counts from
    the end, ``V + padding_idx``, as torch does.

    Args:
        indices: integer array of any shape ``(*)``, values in ``[0, V)``.
        weight: the embedding table, shape ``(V, E)``.
        padding_idx: ``None``, or the row (in ``[-V, V)``) that gets no gradient.

    Returns:
        out: array of shape ``(*, E)``, the dtype of ``weight``.
        cache: whatever ``embedding_backward`` needs.

    Raises:
        IndexError: if an index is negative or ``>= V`` (torch never wraps
            negative indices around, unlike NumPy).
    """
    raise NotImplementedError("embedding_forward is not implemented yet")


def embedding_backward(grad_output: np.ndarray, cache) -> np.ndarray:
    """Gradient of ``embedding_forward`` with respect to ``weight``.

    Every occurrence of a token contributes to its row: an index that appears
    several times gets the gradients of all its occurrences. The row
    ``padding_idx`` (if given) gets zero gradient.

    Args:
        grad_output: upstream gradient, shape ``(*, E)`` like ``out``.
        cache: what ``embedding_forward`` returned.

    Returns:
        grad_weight: array of shape ``(V, E)``, the dtype of ``weight``.
    """
    raise NotImplementedError("embedding_backward is not implemented yet")


def sinusoidal_positional_encoding(length: int, dim: int) -> np.ndarray:
    """The sinusoidal positional encoding of "Attention Is All You Need".

    For position ``pos`` in ``[0, length)`` and ``i`` in ``[0, dim / 2)``:

        ``PE[pos, 2i] = sin(pos / 10000^(2i / dim))``
        ``PE[pos, 2i + 1] = cos(pos / 10000^(2i / dim))``

    so columns ``2i`` and ``2i + 1`` share one angle, whose frequency falls
    geometrically from 1 (columns 0, 1) towards 1/10000.

    Args:
        length: the number of positions, ``>= 1``.
        dim: the model dimension, an even number ``>= 2``.

    Returns:
        array of shape ``(length, dim)``, float64.
    """
    raise NotImplementedError("sinusoidal_positional_encoding is not implemented yet")


def gelu_forward(x: np.ndarray, approximate: str = "none") -> tuple[np.ndarray, object]:
    """Gaussian error linear unit, ``gelu(x) = x * Phi(x)``, like ``F.gelu``.

    ``Phi`` is the standard normal CDF, ``Phi(x) = (1 + erf(x / sqrt(2))) / 2``
    (``approximate='none'``), or its tanh approximation
    (``approximate='tanh'``):

        ``gelu(x) ~ 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x * x * x)))``

    NumPy has no ``erf``: the standard library's ``math.erf`` is exact,
    applied elementwise (``np.vectorize(math.erf)``, say).

    Stability: finite, with no overflow warning, for inputs up to 1e4 in
    magnitude.

    Args:
        x: array of any shape ``(*)``.
        approximate: ``'none'`` or ``'tanh'``.

    Returns:
        out: array of shape ``(*)``, the dtype of ``x``.
        cache: whatever ``gelu_backward`` needs.
    """
    raise NotImplementedError("gelu_forward is not implemented yet")


def gelu_backward(grad_output: np.ndarray, cache) -> np.ndarray:
    """Gradient of ``gelu_forward`` with respect to ``x``, for the same ``approximate``.

    Args:
        grad_output: upstream gradient, shape ``(*)`` like ``out``.
        cache: what ``gelu_forward`` returned.

    Returns:
        grad_x: array of shape ``(*)``, the dtype of ``x``.
    """
    raise NotImplementedError("gelu_backward is not implemented yet")
