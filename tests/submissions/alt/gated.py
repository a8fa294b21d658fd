"""gated.py written differently: the sequences run the cells step by step, caches are dicts,
and the sigmoid is 0.5 * (1 + tanh(a / 2)).

Correct, so it must score full marks.
"""

import numpy as np


def _sigmoid(a):
    return 0.5 * (1 + np.tanh(0.5 * a))


def _pre(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    out = np.einsum("ni,gi->ng", x, weight_ih) + np.einsum("nh,gh->ng", h, weight_hh)
    return out + (0 if bias_ih is None else bias_ih) + (0 if bias_hh is None else bias_hh)


def lstm_cell_forward(x, h, c, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    H = h.shape[1]
    a = _pre(x, h, weight_ih, weight_hh, bias_ih, bias_hh)
    i, f = _sigmoid(a[:, :H]), _sigmoid(a[:, H:2 * H])
    g, o = np.tanh(a[:, 2 * H:3 * H]), _sigmoid(a[:, 3 * H:])
    c_next = f * c + i * g
    h_next = o * np.tanh(c_next)
    cache = dict(x=x, h=h, c=c, w_ih=weight_ih, w_hh=weight_hh, i=i, f=f, g=g, o=o,
                 c_next=c_next, b_ih=bias_ih is not None, b_hh=bias_hh is not None)
    return (h_next, c_next), cache


def lstm_cell_backward(grad_h_next, grad_c_next, cache):
    k = cache
    th = np.tanh(k["c_next"])
    dc = grad_h_next * k["o"] * (1 - th ** 2)
    if grad_c_next is not None:
        dc = dc + grad_c_next
    da_i = dc * k["g"] * k["i"] * (1 - k["i"])
    da_f = dc * k["c"] * k["f"] * (1 - k["f"])
    da_g = dc * k["i"] * (1 - k["g"] ** 2)
    da_o = grad_h_next * th * k["o"] * (1 - k["o"])
    da = np.hstack([da_i, da_f, da_g, da_o])
    db = da.sum(0)
    return (da @ k["w_ih"], da @ k["w_hh"], dc * k["f"], da.T @ k["x"], da.T @ k["h"],
            db if k["b_ih"] else None, db.copy() if k["b_hh"] else None)


def lstm_forward(x, h0, c0, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    N, T, _ = x.shape
    H = weight_hh.shape[1]
    h = np.zeros((N, H), x.dtype) if h0 is None else h0
    c = np.zeros((N, H), x.dtype) if c0 is None else c0
    outs, caches = [], []
    for t in range(T):
        (h, c), cache = lstm_cell_forward(x[:, t], h, c, weight_ih, weight_hh, bias_ih, bias_hh)
        outs.append(h)
        caches.append(cache)
    return (np.stack(outs, 1), h, c), dict(steps=caches, h0=h0 is None, c0=c0 is None)


def lstm_backward(grad_output, grad_h_n, grad_c_n, cache):
    steps = cache["steps"]
    dh = np.zeros_like(grad_output[:, 0]) if grad_h_n is None else grad_h_n.copy()
    dc = None if grad_c_n is None else grad_c_n.copy()
    dx = [None] * len(steps)
    totals = None
    for t in range(len(steps) - 1, -1, -1):
        dx_t, dh, dc, *dparams = lstm_cell_backward(dh + grad_output[:, t], dc, steps[t])
        dx[t] = dx_t
        totals = dparams if totals is None else [
            None if a is None else a + b for a, b in zip(totals, dparams, strict=True)]
    return (np.stack(dx, 1), None if cache["h0"] else dh, None if cache["c0"] else dc, *totals)


def gru_cell_forward(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    H = h.shape[1]
    gx = x @ weight_ih.T
    gh = h @ weight_hh.T
    if bias_ih is not None:
        gx = gx + bias_ih
    if bias_hh is not None:
        gh = gh + bias_hh
    r = _sigmoid(gx[:, :H] + gh[:, :H])
    z = _sigmoid(gx[:, H:2 * H] + gh[:, H:2 * H])
    n = np.tanh(gx[:, 2 * H:] + r * gh[:, 2 * H:])
    cache = dict(x=x, h=h, w_ih=weight_ih, w_hh=weight_hh, r=r, z=z, n=n, ghn=gh[:, 2 * H:],
                 b_ih=bias_ih is not None, b_hh=bias_hh is not None)
    return n + z * (h - n), cache


def gru_cell_backward(grad_h_next, cache):
    k = cache
    dn = grad_h_next * (1 - k["z"]) * (1 - k["n"] ** 2)
    dz = grad_h_next * (k["h"] - k["n"]) * k["z"] * (1 - k["z"])
    dr = dn * k["ghn"] * k["r"] * (1 - k["r"])
    dgx = np.hstack([dr, dz, dn])
    dgh = np.hstack([dr, dz, dn * k["r"]])
    dh = dgh @ k["w_hh"] + grad_h_next * k["z"]
    return (dgx @ k["w_ih"], dh, dgx.T @ k["x"], dgh.T @ k["h"],
            dgx.sum(0) if k["b_ih"] else None, dgh.sum(0) if k["b_hh"] else None)


def gru_forward(x, h0, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    N, T, _ = x.shape
    h = np.zeros((N, weight_hh.shape[1]), x.dtype) if h0 is None else h0
    outs, caches = [], []
    for t in range(T):
        h, cache = gru_cell_forward(x[:, t], h, weight_ih, weight_hh, bias_ih, bias_hh)
        outs.append(h)
        caches.append(cache)
    return (np.stack(outs, 1), h), dict(steps=caches, h0=h0 is None)


def gru_backward(grad_output, grad_h_n, cache):
    steps = cache["steps"]
    dh = np.zeros_like(grad_output[:, 0]) if grad_h_n is None else grad_h_n.copy()
    dx = [None] * len(steps)
    totals = None
    for t in range(len(steps) - 1, -1, -1):
        dx_t, dh, *dparams = gru_cell_backward(dh + grad_output[:, t], steps[t])
        dx[t] = dx_t
        totals = dparams if totals is None else [
            None if a is None else a + b for a, b in zip(totals, dparams, strict=True)]
    return (np.stack(dx, 1), None if cache["h0"] else dh, *totals)
