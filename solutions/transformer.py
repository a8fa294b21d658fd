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
    ### BEGIN SOLUTION
    indices = np.asarray(indices)
    V = weight.shape[0]
    if indices.size and (indices.min() < 0 or indices.max() >= V):
        raise IndexError(f"embedding index out of range [0, {V})")
    if padding_idx is not None and padding_idx < 0:
        padding_idx += V  # torch's convention: count from the end
    out = weight[indices]  # fancy indexing copies: out never aliases weight
    return out, (indices, weight.shape, weight.dtype, padding_idx)
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    indices, shape, dtype, padding_idx = cache
    grad_weight = np.zeros(shape, dtype=dtype)
    # add.at sums repeated indices; grad_weight[indices] += ... would keep one.
    np.add.at(grad_weight, indices.ravel(), grad_output.reshape(-1, shape[1]))
    if padding_idx is not None:
        grad_weight[padding_idx] = 0
    return grad_weight
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    if dim % 2:
        raise ValueError(f"dim must be even, got {dim}")
    position = np.arange(length, dtype=np.float64)[:, None]  # (length, 1)
    inverse_frequency = 10000.0 ** (-np.arange(0, dim, 2, dtype=np.float64) / dim)
    angle = position * inverse_frequency  # (length, dim / 2)
    encoding = np.empty((length, dim))
    encoding[:, 0::2] = np.sin(angle)
    encoding[:, 1::2] = np.cos(angle)
    return encoding
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    if approximate == "tanh":
        t = np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x * x * x))  # never overflows
        out = 0.5 * x * (1 + t)
        return out, (x, approximate, t)
    if approximate != "none":
        raise ValueError(f"approximate must be 'none' or 'tanh', got {approximate!r}")
    erf = np.vectorize(math.erf, otypes=[np.float64])  # NumPy has no erf of its own
    cdf = (0.5 * (1 + erf(x / math.sqrt(2)))).astype(x.dtype)
    return x * cdf, (x, approximate, cdf)
    ### END SOLUTION


def gelu_backward(grad_output: np.ndarray, cache) -> np.ndarray:
    """Gradient of ``gelu_forward`` with respect to ``x``, for the same ``approximate``.

    Args:
        grad_output: upstream gradient, shape ``(*)`` like ``out``.
        cache: what ``gelu_forward`` returned.

    Returns:
        grad_x: array of shape ``(*)``, the dtype of ``x``.
    """
    ### BEGIN SOLUTION
    x, approximate, saved = cache
    if approximate == "tanh":
        t = saved
        inner = math.sqrt(2 / math.pi) * (1 + 3 * 0.044715 * x * x)  # d/dx of tanh's argument
        return grad_output * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * inner)
    cdf = saved
    # The normal density; exp underflows to 0 for large |x|, which is right.
    density = np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
    return grad_output * (cdf + x * density)
    ### END SOLUTION
