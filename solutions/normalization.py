"""Normalization layers: batch, layer and RMS normalization in NumPy.

Every forward returns ``(out, cache)``; the matching backward takes the
upstream gradient ``grad_output`` (the shape of ``out``) and that ``cache``,
and returns the gradients with respect to the forward's array arguments, in
their order. A gradient for an argument that was ``None`` is ``None``.
``cache`` is yours: keep whatever your backward needs. Never modify an input
in place (the running statistics included: return new arrays), and keep the
input's floating dtype (float32 in, float32 out).

Conventions follow ``torch.nn.functional.batch_norm``, ``layer_norm`` and
``rms_norm``: the variance that normalises is the biased one (divide by the
number of values), and ``eps`` is added to it inside the square root.
"""

import numpy as np


def batch_norm_forward(x, weight=None, bias=None, running_mean=None, running_var=None,
                       training=True, momentum=0.1, eps=1e-5):
    """Batch normalization, ``(x - mean) / sqrt(var + eps) * weight + bias`` per channel.

    Channels are axis 1. In training mode ``mean`` and ``var`` (biased) are
    taken over every axis but 1, and the running statistics, when given, are
    updated as torch does::

        new_running_mean = (1 - momentum) * running_mean + momentum * mean
        new_running_var  = (1 - momentum) * running_var  + momentum * var * M / (M - 1)

    where ``M`` is the number of values per channel (the running estimate uses
    the unbiased variance). Training needs ``M > 1``: with one value per
    channel it raises ``ValueError``, as torch does. In evaluation mode
    (``training=False``) ``running_mean`` and ``running_var`` normalise and are
    returned unchanged.

    Args:
        x: input of shape ``(N, C)`` or ``(N, C, *)``.
        weight: per-channel scale ``(C,)``, or ``None`` (no scale).
        bias: per-channel shift ``(C,)``, or ``None`` (no shift).
        running_mean: running mean ``(C,)``, or ``None`` (not tracked).
        running_var: running variance ``(C,)``, or ``None`` (not tracked).
        training: use the batch's statistics (True) or the running ones (False).
        momentum: weight of the batch's statistics in the running ones, a float.
        eps: added to the variance for stability, a float.

    Returns:
        (out, new_running_mean, new_running_var): ``out`` of ``x``'s shape and
            dtype; the new running statistics ``(C,)`` (new arrays), each
            ``None`` when it was given as ``None``.
        cache: whatever ``batch_norm_backward`` needs.
    """
    ### BEGIN SOLUTION
    axes = (0, *range(2, x.ndim))
    shape = [1] * x.ndim  # broadcasts a (C,) array over x
    shape[1] = x.shape[1]
    count = x.size // x.shape[1]
    if training:
        if count <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, "
                             f"got input of shape {x.shape}")
        mean = x.mean(axis=axes)
        var = x.var(axis=axes)
        if running_mean is not None:
            running_mean = (1 - momentum) * running_mean + momentum * mean
        if running_var is not None:
            running_var = (1 - momentum) * running_var + momentum * var * (count / (count - 1))
    else:
        mean, var = running_mean, running_var
        running_mean = None if running_mean is None else running_mean.copy()
        running_var = None if running_var is None else running_var.copy()
    inv_std = (1 / np.sqrt(var + eps)).astype(x.dtype)
    x_hat = (x - mean.reshape(shape)) * inv_std.reshape(shape)
    out = x_hat if weight is None else x_hat * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    cache = (x_hat, inv_std, weight, bias is not None, training, axes, shape)
    return (out, running_mean, running_var), cache
    ### END SOLUTION


def batch_norm_backward(grad_output, cache):
    """Gradients of ``batch_norm_forward``'s ``out``, in training or evaluation mode.

    In evaluation mode the running statistics are constants.

    Args:
        grad_output: upstream gradient, the shape of ``out``.
        cache: what ``batch_norm_forward`` returned.

    Returns:
        grad_x: the shape of ``x``.
        grad_weight: ``(C,)``, or ``None`` when ``weight`` was ``None``.
        grad_bias: ``(C,)``, or ``None`` when ``bias`` was ``None``.
    """
    ### BEGIN SOLUTION
    x_hat, inv_std, weight, has_bias, training, axes, shape = cache
    grad_weight = None if weight is None else (grad_output * x_hat).sum(axis=axes)
    grad_bias = grad_output.sum(axis=axes) if has_bias else None
    grad_x_hat = grad_output if weight is None else grad_output * weight.reshape(shape)
    if training:  # the batch's mean and variance depend on x too
        grad_x_hat = (grad_x_hat - grad_x_hat.mean(axis=axes, keepdims=True)
                      - x_hat * (grad_x_hat * x_hat).mean(axis=axes, keepdims=True))
    return grad_x_hat * inv_std.reshape(shape), grad_weight, grad_bias
    ### END SOLUTION


def layer_norm_forward(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Layer normalization, ``(x - mean) / sqrt(var + eps) * weight + bias``.

    ``mean`` and ``var`` (biased) are taken over the trailing axes given by
    ``normalized_shape``, separately for every leading index.

    Args:
        x: input of shape ``(*, *normalized_shape)``.
        normalized_shape: an int or a tuple, the trailing dims of ``x``.
        weight: elementwise scale of shape ``normalized_shape``, or ``None``.
        bias: elementwise shift of shape ``normalized_shape``, or ``None``.
        eps: added to the variance for stability, a float.

    Returns:
        out: the shape and dtype of ``x``.
        cache: whatever ``layer_norm_backward`` needs.
    """
    ### BEGIN SOLUTION
    dims = 1 if isinstance(normalized_shape, int) else len(normalized_shape)
    axes = tuple(range(x.ndim - dims, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    inv_std = 1 / np.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    out = x_hat if weight is None else x_hat * weight
    if bias is not None:
        out = out + bias
    leading = tuple(range(x.ndim - len(axes)))
    return out, (x_hat, inv_std, weight, bias is not None, axes, leading)
    ### END SOLUTION


def layer_norm_backward(grad_output, cache):
    """Gradients of ``layer_norm_forward``'s ``out``.

    Args:
        grad_output: upstream gradient, the shape of ``out``.
        cache: what ``layer_norm_forward`` returned.

    Returns:
        grad_x: the shape of ``x``.
        grad_weight: the shape of ``normalized_shape``, or ``None`` when
            ``weight`` was ``None``.
        grad_bias: the shape of ``normalized_shape``, or ``None`` when ``bias``
            was ``None``.
    """
    ### BEGIN SOLUTION
    x_hat, inv_std, weight, has_bias, axes, leading = cache
    grad_weight = None if weight is None else (grad_output * x_hat).sum(axis=leading)
    grad_bias = grad_output.sum(axis=leading) if has_bias else None
    grad_x_hat = grad_output if weight is None else grad_output * weight
    grad_x = (grad_x_hat - grad_x_hat.mean(axis=axes, keepdims=True)
              - x_hat * (grad_x_hat * x_hat).mean(axis=axes, keepdims=True)) * inv_std
    return grad_x, grad_weight, grad_bias
    ### END SOLUTION


def rms_norm_forward(x, normalized_shape, weight=None, eps=None):
    """RMS normalization, ``x / sqrt(mean(x**2) + eps) * weight``.

    The mean is taken over the trailing axes given by ``normalized_shape``;
    nothing is subtracted.

    Args:
        x: input of shape ``(*, *normalized_shape)``.
        normalized_shape: an int or a tuple, the trailing dims of ``x``.
        weight: elementwise scale of shape ``normalized_shape``, or ``None``.
        eps: added to the mean square for stability, a float; ``None`` means
            ``numpy.finfo(x.dtype).eps``, as torch does.

    Returns:
        out: the shape and dtype of ``x``.
        cache: whatever ``rms_norm_backward`` needs.
    """
    ### BEGIN SOLUTION
    dims = 1 if isinstance(normalized_shape, int) else len(normalized_shape)
    axes = tuple(range(x.ndim - dims, x.ndim))
    if eps is None:
        eps = np.finfo(x.dtype).eps
    inv_rms = 1 / np.sqrt((x * x).mean(axis=axes, keepdims=True) + eps)
    x_hat = x * inv_rms
    out = x_hat if weight is None else x_hat * weight
    leading = tuple(range(x.ndim - len(axes)))
    return out, (x_hat, inv_rms, weight, axes, leading)
    ### END SOLUTION


def rms_norm_backward(grad_output, cache):
    """Gradients of ``rms_norm_forward``'s ``out``.

    Args:
        grad_output: upstream gradient, the shape of ``out``.
        cache: what ``rms_norm_forward`` returned.

    Returns:
        grad_x: the shape of ``x``.
        grad_weight: the shape of ``normalized_shape``, or ``None`` when
            ``weight`` was ``None``.
    """
    ### BEGIN SOLUTION
    x_hat, inv_rms, weight, axes, leading = cache
    grad_weight = None if weight is None else (grad_output * x_hat).sum(axis=leading)
    grad_x_hat = grad_output if weight is None else grad_output * weight
    # only the scale depends on x: no mean is removed
    along = (grad_x_hat * x_hat).mean(axis=axes, keepdims=True)
    return (grad_x_hat - x_hat * along) * inv_rms, grad_weight
    ### END SOLUTION

