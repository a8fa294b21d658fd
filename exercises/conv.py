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
    raise NotImplementedError("conv2d_forward is not implemented yet")


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
    raise NotImplementedError("conv2d_backward is not implemented yet")


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
    raise NotImplementedError("max_pool2d_forward is not implemented yet")


def max_pool2d_backward(grad_output, cache):
    """Gradient of ``max_pool2d_forward`` with respect to ``x``.

    Args:
        grad_output: upstream gradient, shape ``(N, C, H_out, W_out)``.
        cache: what ``max_pool2d_forward`` returned.

    Returns:
        grad_x: shape ``(N, C, H, W)``, like ``x``.
    """
    raise NotImplementedError("max_pool2d_backward is not implemented yet")
