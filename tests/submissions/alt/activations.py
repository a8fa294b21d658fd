"""A correct activations.py written very differently from the reference.

Explicit loops, caches that are dicts, closures and objects, other formulas:
it must still score full marks.
"""

import math

import numpy as np


class _Saved:
    def __init__(self, **values):
        self.__dict__.update(values)


def relu_forward(x):
    out = np.empty_like(x)
    flat_in, flat_out = x.reshape(-1), out.reshape(-1)
    for i in range(flat_in.size):  # a loop: slow, but correct
        flat_out[i] = flat_in[i] if flat_in[i] > 0 else 0.0
    return out, {"x": x.copy()}


def relu_backward(grad_output, cache):
    return np.where(cache["x"] > 0, grad_output, np.zeros_like(grad_output))


def leaky_relu_forward(x, negative_slope=0.01):
    positive = (x > 0).astype(x.dtype)
    out = x * positive + negative_slope * x * (1 - positive)

    def backward(grad_output):
        return grad_output * positive + grad_output * (1 - positive) * negative_slope

    return out, backward  # the cache is a closure


def leaky_relu_backward(grad_output, cache):
    return cache(grad_output)


def sigmoid_forward(x):
    out = (np.tanh(x / 2) + 1) / 2  # sigmoid(x) = (1 + tanh(x/2)) / 2: never overflows
    return out, _Saved(out=out)


def sigmoid_backward(grad_output, cache):
    return grad_output * (cache.out - cache.out**2)


def tanh_forward(x):
    out = np.empty_like(x)
    for index in np.ndindex(x.shape):
        out[index] = math.tanh(x[index])
    return out, [out]


def tanh_backward(grad_output, cache):
    (out,) = cache
    return grad_output - grad_output * out * out


def softmax_forward(x, dim=-1):
    moved = np.moveaxis(x, dim, -1)
    shifted = moved - moved.max(axis=-1, keepdims=True)
    probs = np.exp(shifted)
    probs /= probs.sum(axis=-1, keepdims=True)
    return np.moveaxis(probs, -1, dim), (probs, dim)


def softmax_backward(grad_output, cache):
    probs, dim = cache
    g = np.moveaxis(grad_output, dim, -1)
    jacobian = probs[..., :, None] * (np.eye(probs.shape[-1]) - probs[..., None, :])
    grad = np.einsum("...ij,...j->...i", jacobian, g).astype(grad_output.dtype)
    return np.moveaxis(grad, -1, dim)


def log_softmax_forward(x, dim=-1):
    top = np.max(x, axis=dim, keepdims=True)
    logsumexp = top + np.log(np.exp(x - top).sum(axis=dim, keepdims=True))
    return x - logsumexp, {"probs": np.exp(x - logsumexp), "dim": dim}


def log_softmax_backward(grad_output, cache):
    total = grad_output.sum(axis=cache["dim"], keepdims=True)
    return grad_output - cache["probs"] * total
