"""2-D convolution and max pooling: forward and backward passes in NumPy.

Every forward returns ``(out, cache)``; the matching backward takes the
upstream gradient ``grad_output`` (same shape as ``out``) and that ``cache``,
and returns the gradients with respect to the forward's array arguments, in
their order. ``cache`` is yours: keep whatever your backward needs. Never
modify an input in place, and keep the input's floating dtype (float32 in,
float32 out).

Images are laid out ``(N, C, H, W)``: batch, channels, height, width. A
``kernel_size``, ``stride`` or ``padding`` is an int (the same for height and
width) or a pair ``(height, width)``. Output sizes are rounded down: a window
that would stick out past the (padded) input is dropped.

Conventions follow ``torch.nn.functional.conv2d`` and ``max_pool2d``.

No Python loop over pixels, output positions or batch elements: build the
windows with ``np.lib.stride_tricks.sliding_window_view`` (a view, no copy)
and reduce them with ``@`` / ``np.tensordot`` / ``np.einsum``, or loop over
the ``kH * kW`` kernel offsets, which is few iterations.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _pair(v):
    """``v`` as a pair ``(height, width)``: an int ``k`` becomes ``(k, k)``."""
    if isinstance(v, (tuple, list)):
        a, b = v
        return int(a), int(b)
    return int(v), int(v)


def conv2d_forward(x, weight, bias=None, stride=1, padding=0):
    """2-D convolution (cross-correlation, as in deep learning), zero padding.

    ``out[n, o, i, j] = bias[o] + sum_{c, p, q} weight[o, c, p, q]
    * x_pad[n, c, i * sH + p, j * sW + q]``, where ``x_pad`` is ``x`` with
    ``pH`` rows of zeros added above and below and ``pW`` columns of zeros on
    the left and right. The kernel is not flipped.

    Output size: ``H_out = (H + 2 * pH - kH) // sH + 1``, likewise ``W_out``.

    Args:
        x: input, shape ``(N, C_in, H, W)``.
        weight: kernels, shape ``(C_out, C_in, kH, kW)``.
        bias: shape ``(C_out,)``, or ``None`` for no bias.
        stride: ``sH = sW = stride`` if an int, else the pair ``(sH, sW)``.
        padding: ``pH = pW = padding`` if an int, else the pair ``(pH, pW)``.

    Returns:
        out: shape ``(N, C_out, H_out, W_out)``, the dtype of ``x``.
        cache: whatever ``conv2d_backward`` needs.
    """
    ### BEGIN SOLUTION
    sH, sW = _pair(stride)
    pH, pW = _pair(padding)
    N, C_in, H, W = x.shape
    C_out, _, kH, kW = weight.shape
    H_out = (H + 2 * pH - kH) // sH + 1
    W_out = (W + 2 * pW - kW) // sW + 1

    x_pad = np.pad(x, ((0, 0), (0, 0), (pH, pH), (pW, pW)))
    # windows[n, c, i, j, p, q] = x_pad[n, c, i * sH + p, j * sW + q]  (a view)
    windows = sliding_window_view(x_pad, (kH, kW), axis=(2, 3))[:, :, ::sH, ::sW]
    # im2col: one column per output position, one row per (c, p, q).
    cols = windows.transpose(0, 1, 4, 5, 2, 3).reshape(N, C_in * kH * kW, H_out * W_out)
    w_mat = weight.reshape(C_out, C_in * kH * kW)
    out = w_mat @ cols  # (N, C_out, H_out * W_out): one matrix product per image
    if bias is not None:
        out += bias[:, None]
    out = out.reshape(N, C_out, H_out, W_out)
    cache = (cols, weight, x.shape, (sH, sW), (pH, pW), bias is not None)
    return out, cache
    ### END SOLUTION


def conv2d_backward(grad_output, cache):
    """Gradients of ``conv2d_forward``.

    Args:
        grad_output: upstream gradient, shape ``(N, C_out, H_out, W_out)``.
        cache: what ``conv2d_forward`` returned.

    Returns:
        grad_x: shape ``(N, C_in, H, W)``, like ``x``.
        grad_weight: shape ``(C_out, C_in, kH, kW)``, like ``weight``.
        grad_bias: shape ``(C_out,)``, or ``None`` if ``bias`` was ``None``.
    """
    ### BEGIN SOLUTION
    cols, weight, x_shape, (sH, sW), (pH, pW), has_bias = cache
    N, C_in, H, W = x_shape
    C_out, _, kH, kW = weight.shape
    H_out, W_out = grad_output.shape[2:]
    g = grad_output.reshape(N, C_out, H_out * W_out)

    grad_bias = grad_output.sum(axis=(0, 2, 3)) if has_bias else None
    # Sum over images of (C_out, HW) @ (HW, C_in * kH * kW).
    grad_weight = (g @ cols.transpose(0, 2, 1)).sum(axis=0).reshape(weight.shape)

    # Every kernel offset (p, q) sent weight[:, :, p, q] times x_pad at the
    # strided grid starting at (p, q); send the gradient back the same way.
    # Overlapping windows (stride < kernel) accumulate through +=.
    grad_x_pad = np.zeros((N, C_in, H + 2 * pH, W + 2 * pW), dtype=grad_output.dtype)
    for p in range(kH):
        for q in range(kW):
            contrib = weight[:, :, p, q].T @ g  # (N, C_in, H_out * W_out)
            contrib = contrib.reshape(N, C_in, H_out, W_out)
            grad_x_pad[:, :, p : p + sH * H_out : sH, q : q + sW * W_out : sW] += contrib
    grad_x = grad_x_pad[:, :, pH : pH + H, pW : pW + W]
    return grad_x, grad_weight, grad_bias
    ### END SOLUTION


def max_pool2d_forward(x, kernel_size, stride=None):
    """2-D max pooling, no padding.

    ``out[n, c, i, j] = max_{p < kH, q < kW} x[n, c, i * sH + p, j * sW + q]``.

    Output size: ``H_out = (H - kH) // sH + 1``, likewise ``W_out``. Windows
    overlap when the stride is smaller than the kernel.

    Subgradient convention (torch's): the gradient of a window goes to ONE
    element, the first maximum of the window in row-major order (smallest
    ``p``, then smallest ``q``), even when several elements tie. An element
    that is the chosen maximum of several overlapping windows receives the sum
    of their gradients.

    Args:
        x: input, shape ``(N, C, H, W)``.
        kernel_size: ``kH = kW = kernel_size`` if an int, else ``(kH, kW)``.
        stride: an int or ``(sH, sW)``; ``None`` (default) means
            ``kernel_size``.

    Returns:
        out: shape ``(N, C, H_out, W_out)``, the dtype of ``x``.
        cache: whatever ``max_pool2d_backward`` needs.
    """
    ### BEGIN SOLUTION
    kH, kW = _pair(kernel_size)
    sH, sW = _pair(kernel_size if stride is None else stride)
    H_out = (x.shape[2] - kH) // sH + 1
    W_out = (x.shape[3] - kW) // sW + 1

    def running_max(views):
        """Elementwise max of ``views``, and where each view beats all before it."""
        best = np.maximum(views[0], views[1]) if len(views) > 1 else views[0].copy()
        beats = [np.greater(views[1], views[0])] if len(views) > 1 else []
        for view in views[2:]:
            beats.append(np.greater(view, best))
            np.maximum(best, view, out=best)
        # Offset k holds the first maximum if it beat all before it and no later one beat it.
        first, beaten = [None] * len(views), np.zeros(best.shape, dtype=bool)
        for k in range(len(views) - 1, 0, -1):
            first[k] = beats[k - 1] & ~beaten
            beaten |= beats[k - 1]
        first[0] = ~beaten
        return best, first

    # Two passes that read whole rows (a gather of every window is several times
    # slower in float64): the max over the kW columns of a window along every row,
    # then over its kH rows. Ties go to the earlier column, then the earlier row:
    # the first maximum in row-major order, as torch picks it.
    rows = x[:, :, : sH * (H_out - 1) + kH]
    row_max, first_col = running_max(
        [rows[..., q : q + sW * (W_out - 1) + 1 : sW] for q in range(kW)])
    out, first_row = running_max(
        [row_max[:, :, p : p + sH * (H_out - 1) + 1 : sH] for p in range(kH)])
    chosen = np.empty((kH * kW, *out.shape), dtype=bool)  # chosen[p * kW + q]: offset (p, q)
    for p in range(kH):
        for q in range(kW):
            np.logical_and(first_row[p], first_col[q][:, :, p : p + sH * (H_out - 1) + 1 : sH],
                           out=chosen[p * kW + q])
    return out, (chosen, x.shape, (kH, kW), (sH, sW))
    ### END SOLUTION


def max_pool2d_backward(grad_output, cache):
    """Gradient of ``max_pool2d_forward`` with respect to ``x``.

    Args:
        grad_output: upstream gradient, shape ``(N, C, H_out, W_out)``.
        cache: what ``max_pool2d_forward`` returned.

    Returns:
        grad_x: shape ``(N, C, H, W)``, like ``x``.
    """
    ### BEGIN SOLUTION
    chosen, x_shape, (kH, kW), (sH, sW) = cache
    H_out, W_out = grad_output.shape[2:]
    grad_x = np.zeros(x_shape, dtype=grad_output.dtype)
    # Window offset (p, q) read x on the strided grid starting at (p, q); send
    # each window's gradient back there if (p, q) held its chosen maximum.
    # Disjoint windows touch each element at most once: write, don't add (twice
    # as fast). Overlapping windows that share a maximum accumulate through +=.
    disjoint = sH >= kH and sW >= kW
    for p in range(kH):
        for q in range(kW):
            view = grad_x[:, :, p : p + sH * H_out : sH, q : q + sW * W_out : sW]
            if disjoint:
                np.multiply(grad_output, chosen[p * kW + q], out=view)
            else:
                view += grad_output * chosen[p * kW + q]
    return grad_x
    ### END SOLUTION
