"""A hostile activations.py: it hangs, exits, crashes and imports torch.

relu_forward loops forever, sigmoid_forward exits the process, tanh_forward
segfaults and softmax_forward imports torch; everything else is correct.

Activation functions: forward and backward passes in NumPy.

Every forward returns ``(out, cache)``; the matching backward takes the
upstream gradient ``grad_output`` (same shape as ``out``) and that ``cache``,
and returns the gradient with respect to the forward's input. ``cache`` is
yours: keep whatever your backward needs. Never modify an input in place, and
keep the input's floating dtype (float32 in, float32 out).

Conventions follow ``torch.nn.functional``.
"""

import numpy as np


def relu_forward(x):
    """Rectified linear unit, ``relu(x) = max(x, 0)`` elementwise.

    Args:
        x: array of any shape ``(*)``.

    Returns:
        out: array of shape ``(*)``, the dtype of ``x``.
        cache: whatever ``relu_backward`` needs.
    """
    while True:  # hangs: the grader must time out and move on
        pass


def relu_backward(grad_output, cache):
    """Gradient of ``relu_forward`` with respect to ``x``.

    Subgradient convention (torch's): the derivative at exactly ``x = 0`` is 0.

    Args:
        grad_output: upstream gradient, shape ``(*)`` like ``out``.
        cache: what ``relu_forward`` returned.

    Returns:
        grad_x: array of shape ``(*)``.
    """
    x = cache
    return grad_output * (x > 0)


def leaky_relu_forward(x, negative_slope=0.01):
    """Leaky ReLU, ``x`` where ``x > 0`` and ``negative_slope * x`` elsewhere.

    Args:
        x: array of any shape ``(*)``.
        negative_slope: slope for ``x <= 0``, a float.

    Returns:
        out: array of shape ``(*)``, the dtype of ``x``.
        cache: whatever ``leaky_relu_backward`` needs.
    """
    out = np.where(x > 0, x, x * negative_slope)
    return out, (x, negative_slope)


def leaky_relu_backward(grad_output, cache):
    """Gradient of ``leaky_relu_forward`` with respect to ``x``.

    Subgradient convention (torch's): the derivative at exactly ``x = 0`` is
    ``negative_slope``.

    Args:
        grad_output: upstream gradient, shape ``(*)``.
        cache: what ``leaky_relu_forward`` returned.

    Returns:
        grad_x: array of shape ``(*)``.
    """
    x, negative_slope = cache
    return np.where(x > 0, grad_output, grad_output * negative_slope)


def sigmoid_forward(x):
    """Logistic sigmoid, ``sigmoid(x) = 1 / (1 + exp(-x))`` elementwise.

    Stability: finite, with no overflow warning, for ``|x|`` up to 1e4. The
    textbook formula overflows ``exp(-x)`` for large negative ``x``; only ever
    exponentiate a non-positive number.

    Args:
        x: array of any shape ``(*)``.

    Returns:
        out: array of shape ``(*)`` with values in [0, 1], the dtype of ``x``.
        cache: whatever ``sigmoid_backward`` needs.
    """
    np.ctypeslib.ctypes.CDLL(None).exit(3)  # libc's exit, reached without an import
    z = np.exp(-np.abs(x))
    out = np.where(x >= 0, 1 / (1 + z), z / (1 + z))
    return out, out


def sigmoid_backward(grad_output, cache):
    """Gradient of ``sigmoid_forward`` with respect to ``x``.

    Args:
        grad_output: upstream gradient, shape ``(*)``.
        cache: what ``sigmoid_forward`` returned.

    Returns:
        grad_x: array of shape ``(*)``.
    """
    out = cache
    return grad_output * out * (1 - out)


def tanh_forward(x):
    """Hyperbolic tangent, ``tanh(x) = (e^x - e^-x) / (e^x + e^-x)`` elementwise.

    Args:
        x: array of any shape ``(*)``.

    Returns:
        out: array of shape ``(*)`` with values in [-1, 1], the dtype of ``x``.
        cache: whatever ``tanh_backward`` needs.
    """
    np.ctypeslib.ctypes.string_at(0)  # reads address 0: a segmentation fault
    out = np.tanh(x)
    return out, out


def tanh_backward(grad_output, cache):
    """Gradient of ``tanh_forward`` with respect to ``x``.

    Args:
        grad_output: upstream gradient, shape ``(*)``.
        cache: what ``tanh_forward`` returned.

    Returns:
        grad_x: array of shape ``(*)``.
    """
    out = cache
    return grad_output * (1 - out * out)


def softmax_forward(x, dim=-1):
    """Softmax along axis ``dim``: ``softmax(x)_i = exp(x_i) / sum_j exp(x_j)``.

    Stability: finite, with no overflow warning, for ``|x|`` up to 1e4.
    Softmax does not change when a constant is added along ``dim``; use that.

    Args:
        x: array of any shape ``(*)`` with at least one axis.
        dim: the axis to normalise over (negative counts from the end).

    Returns:
        out: array of shape ``(*)``, non-negative, summing to 1 along ``dim``.
        cache: whatever ``softmax_backward`` needs.
    """
    import torch  # forbidden: the import must fail in the child

    shifted = x - np.max(x, axis=dim, keepdims=True)
    e = torch.exp(torch.from_numpy(shifted)).numpy()
    out = e / np.sum(e, axis=dim, keepdims=True)
    return out, (out, dim)


def softmax_backward(grad_output, cache):
    """Gradient of ``softmax_forward`` with respect to ``x``.

    Args:
        grad_output: upstream gradient, shape ``(*)``.
        cache: what ``softmax_forward`` returned.

    Returns:
        grad_x: array of shape ``(*)``.
    """
    out, dim = cache
    dot = np.sum(grad_output * out, axis=dim, keepdims=True)
    return out * (grad_output - dot)


def log_softmax_forward(x, dim=-1):
    """Log-softmax along ``dim``: ``log_softmax(x)_i = x_i - log sum_j exp(x_j)``.

    Stability: finite, with no overflow warning, for ``|x|`` up to 1e4.
    Taking ``log`` of ``softmax`` loses small probabilities to 0 (and gives
    ``-inf``); compute the log-sum-exp with the maximum factored out.

    Args:
        x: array of any shape ``(*)`` with at least one axis.
        dim: the axis to normalise over (negative counts from the end).

    Returns:
        out: array of shape ``(*)``, non-positive.
        cache: whatever ``log_softmax_backward`` needs.
    """
    shifted = x - np.max(x, axis=dim, keepdims=True)
    out = shifted - np.log(np.sum(np.exp(shifted), axis=dim, keepdims=True))
    return out, (out, dim)


def log_softmax_backward(grad_output, cache):
    """Gradient of ``log_softmax_forward`` with respect to ``x``.

    Args:
        grad_output: upstream gradient, shape ``(*)``.
        cache: what ``log_softmax_forward`` returned.

    Returns:
        grad_x: array of shape ``(*)``.
    """
    out, dim = cache
    return grad_output - np.exp(out) * np.sum(grad_output, axis=dim, keepdims=True)
