"""A correct linear.py written differently: einsum, a dict cache, pinv on [X, 1]."""

import numpy as np


def linear_forward(x, weight, bias=None):
    out = np.einsum("...i,oi->...o", x, weight)
    if bias is not None:
        out = out + bias[(None,) * (x.ndim - 1)]
    return out, {"x": x, "w": weight, "bias": bias}


def linear_backward(grad_output, cache):
    x, w = cache["x"], cache["w"]
    grad_x = np.einsum("...o,oi->...i", grad_output, w)
    lead = "".join("abcdefgh"[: x.ndim - 1])
    grad_weight = np.einsum(f"{lead}o,{lead}i->oi", grad_output, x)
    grad_bias = None
    if cache["bias"] is not None:
        grad_bias = grad_output
        while grad_bias.ndim > 1:
            grad_bias = grad_bias.sum(axis=0)
    return grad_x, grad_weight, grad_bias


def least_squares(X, y):
    one_target = y.ndim == 1
    Y = y[:, None] if one_target else y
    A = np.concatenate([X, np.ones_like(X[:, :1])], axis=1)
    theta = np.linalg.pinv(A) @ Y  # (D + 1, K): minimum norm of (weight, bias) together
    weight = np.ascontiguousarray(theta[:-1].T)
    bias = theta[-1].copy()
    return weight, bias
