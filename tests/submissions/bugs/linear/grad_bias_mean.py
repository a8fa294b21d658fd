"""Linear layer and closed-form least squares in NumPy.

``linear_forward`` returns ``(out, cache)``; ``linear_backward`` takes the
upstream gradient ``grad_output`` (same shape as ``out``) and that ``cache``,
and returns the gradients with respect to ``x``, ``weight`` and ``bias`` in
that order (``None`` for a ``bias`` that was ``None``). ``cache`` is yours:
keep whatever your backward needs. Never modify an input in place, and keep
the input's floating dtype (float32 in, float32 out).

Conventions follow ``torch.nn.functional.linear``: ``weight`` has layout
``(out_features, in_features)``.
"""

import numpy as np


def linear_forward(x, weight, bias=None):
    """Affine map ``out = x @ weight.T + bias`` over the last axis of ``x``.

    Any number of leading axes is allowed, as in ``torch.nn.functional.linear``:
    every vector ``x[..., :]`` is mapped on its own.

    Args:
        x: input of shape ``(*, in_features)``; ``*`` is any number (including
            zero) of leading axes.
        weight: array of shape ``(out_features, in_features)``.
        bias: array of shape ``(out_features,)``, or ``None`` for no bias.

    Returns:
        out: array of shape ``(*, out_features)``, the dtype of ``x``.
        cache: whatever ``linear_backward`` needs.
    """
    ### BEGIN SOLUTION
    out = x @ weight.T
    if bias is not None:
        out = out + bias
    return out, (x, weight, bias is not None)
    ### END SOLUTION


def linear_backward(grad_output, cache):
    """Gradients of ``linear_forward`` with respect to its array arguments.

    Args:
        grad_output: upstream gradient, shape ``(*, out_features)`` like ``out``.
        cache: what ``linear_forward`` returned.

    Returns:
        grad_x: array of shape ``(*, in_features)`` like ``x``.
        grad_weight: array of shape ``(out_features, in_features)``.
        grad_bias: array of shape ``(out_features,)``, or ``None`` if the
            forward had no bias.
    """
    ### BEGIN SOLUTION
    x, weight, has_bias = cache
    grad_x = grad_output @ weight
    # Flatten the leading axes: every row of x contributes to the weight's gradient.
    g2 = grad_output.reshape(-1, weight.shape[0])
    x2 = x.reshape(-1, weight.shape[1])
    grad_weight = g2.T @ x2
    grad_bias = g2.mean(axis=0) if has_bias else None
    return grad_x, grad_weight, grad_bias
    ### END SOLUTION


def least_squares(X, y):
    """Closed-form linear regression: ``argmin sum((X @ weight.T + bias - y)**2)``.

    When the minimiser is not unique (rank-deficient ``X``, or fewer samples
    than features), return the minimum-norm one: among all minimisers, the one
    whose ``weight`` has the smallest Frobenius norm. The bias is not part of
    that norm (it is left free, as in ``sklearn.linear_model.LinearRegression``).
    Use a least-squares solver (``np.linalg.lstsq`` or ``np.linalg.pinv``);
    never invert ``X.T @ X``, which may be singular.

    Args:
        X: design matrix of shape ``(N, D)``, one sample per row.
        y: targets of shape ``(N, K)``, or ``(N,)`` for a single target.

    Returns:
        weight: array of shape ``(K, D)`` (``(1, D)`` when ``y`` is ``(N,)``),
            the dtype of ``X``.
        bias: array of shape ``(K,)`` (``(1,)`` when ``y`` is ``(N,)``).
    """
    ### BEGIN SOLUTION
    Y = y.reshape(y.shape[0], -1)  # (N, K)
    # Centering removes the bias from the problem: the best bias makes the mean
    # residual zero, so fit the centred data, then recover the bias.
    x_mean = X.mean(axis=0)
    y_mean = Y.mean(axis=0)
    W, *_ = np.linalg.lstsq(X - x_mean, Y - y_mean, rcond=None)  # (D, K), minimum norm
    weight = W.T
    bias = y_mean - weight @ x_mean
    return weight.astype(X.dtype, copy=False), bias.astype(X.dtype, copy=False)
    ### END SOLUTION
