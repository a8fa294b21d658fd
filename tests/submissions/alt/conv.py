"""conv.py written another way: loops over kernel offsets with einsum, dict caches,
a running maximum for pooling and np.add.at to scatter its gradient.
"""

import numpy as np


def _two(v):
    h, w = np.broadcast_to(np.asarray(v), (2,))
    return int(h), int(w)


def _grid(a, p, q, sh, sw, h_out, w_out):
    """``a[..., p + sh * i, q + sw * j]`` for every output position ``(i, j)``."""
    return a[..., p : p + sh * (h_out - 1) + 1 : sh, q : q + sw * (w_out - 1) + 1 : sw]


def conv2d_forward(x, weight, bias=None, stride=1, padding=0):
    sh, sw = _two(stride)
    ph, pw = _two(padding)
    n, _, h, w = x.shape
    c_out, c_in, kh, kw = weight.shape
    padded = np.zeros((n, c_in, h + 2 * ph, w + 2 * pw), dtype=x.dtype)
    padded[:, :, ph : ph + h, pw : pw + w] = x
    h_out = 1 + (padded.shape[2] - kh) // sh
    w_out = 1 + (padded.shape[3] - kw) // sw
    out = np.zeros((n, c_out, h_out, w_out), dtype=x.dtype)
    for p in range(kh):
        for q in range(kw):
            patch = _grid(padded, p, q, sh, sw, h_out, w_out)
            out += np.einsum("nchw,oc->nohw", patch, weight[:, :, p, q])
    if bias is not None:
        out = out + bias.reshape(1, -1, 1, 1)
    cache = {"padded": padded, "weight": weight, "stride": (sh, sw), "pad": (ph, pw),
             "bias": bias is not None}
    return out, cache


def conv2d_backward(grad_output, cache):
    padded, weight = cache["padded"], cache["weight"]
    sh, sw = cache["stride"]
    ph, pw = cache["pad"]
    _, _, kh, kw = weight.shape
    h_out, w_out = grad_output.shape[-2:]
    grad_padded = np.zeros_like(padded)
    grad_weight = np.zeros_like(weight)
    for p in range(kh):
        for q in range(kw):
            patch = _grid(padded, p, q, sh, sw, h_out, w_out)
            grad_weight[:, :, p, q] = np.einsum("nohw,nchw->oc", grad_output, patch)
            _grid(grad_padded, p, q, sh, sw, h_out, w_out)[...] += np.einsum(
                "nohw,oc->nchw", grad_output, weight[:, :, p, q])
    h, w = padded.shape[2] - 2 * ph, padded.shape[3] - 2 * pw
    grad_x = grad_padded[:, :, ph : ph + h, pw : pw + w].copy()
    grad_bias = np.einsum("nohw->o", grad_output) if cache["bias"] else None
    return grad_x, grad_weight, grad_bias


def max_pool2d_forward(x, kernel_size, stride=None):
    kh, kw = _two(kernel_size)
    sh, sw = (kh, kw) if stride is None else _two(stride)
    n, c, h, w = x.shape
    h_out, w_out = (h - kh) // sh + 1, (w - kw) // sw + 1
    best = np.full((n, c, h_out, w_out), -np.inf, dtype=x.dtype)
    rows = np.zeros(best.shape, dtype=np.int64)
    cols = np.zeros(best.shape, dtype=np.int64)
    base_r = (np.arange(h_out) * sh)[:, None]
    base_c = (np.arange(w_out) * sw)[None, :]
    first = True
    for p in range(kh):
        for q in range(kw):
            candidate = _grid(x, p, q, sh, sw, h_out, w_out)
            better = np.ones(best.shape, dtype=bool) if first else candidate > best
            first = False
            best = np.where(better, candidate, best)
            rows = np.where(better, base_r + p, rows)
            cols = np.where(better, base_c + q, cols)
    return best, {"rows": rows, "cols": cols, "shape": x.shape}


def max_pool2d_backward(grad_output, cache):
    n, c, _, _ = cache["shape"]
    grad_x = np.zeros(cache["shape"], dtype=grad_output.dtype)
    batch = np.arange(n).reshape(n, 1, 1, 1)
    channel = np.arange(c).reshape(1, c, 1, 1)
    np.add.at(grad_x, (batch, channel, cache["rows"], cache["cols"]), grad_output)
    return grad_x
