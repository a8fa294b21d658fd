"""A correct rnn.py written differently from the reference.

The cell keeps a dict cache and uses einsum; rnn_forward runs the cell step by
step and hands back a closure as its cache; rnn_backward calls the cell's
backward at every step and sums the parameter gradients.
"""

import numpy as np


def rnn_cell_forward(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    a = np.einsum("ni,hi->nh", x, weight_ih) + np.einsum("nk,hk->nh", h, weight_hh)
    for b in (bias_ih, bias_hh):
        if b is not None:
            a = a + b[None, :]
    h_next = np.tanh(a)
    cache = {"x": x, "h": h, "w_ih": weight_ih, "w_hh": weight_hh, "h_next": h_next,
             "biases": (bias_ih is not None, bias_hh is not None)}
    return h_next, cache


def rnn_cell_backward(grad_h_next, cache):
    da = grad_h_next - grad_h_next * cache["h_next"] ** 2
    grad_x = np.einsum("nh,hi->ni", da, cache["w_ih"])
    grad_h = np.einsum("nh,hk->nk", da, cache["w_hh"])
    grad_weight_ih = np.einsum("nh,ni->hi", da, cache["x"])
    grad_weight_hh = np.einsum("nh,nk->hk", da, cache["h"])
    bias_grads = [np.einsum("nh->h", da) if present else None for present in cache["biases"]]
    return (grad_x, grad_h, grad_weight_ih, grad_weight_hh, *bias_grads)


def rnn_forward(x, h0, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    steps = x.shape[1]
    h = h0 if h0 is not None else np.zeros((x.shape[0], weight_hh.shape[1]), x.dtype)
    states, caches = [], []
    for t in range(steps):
        h, c = rnn_cell_forward(x[:, t, :], h, weight_ih, weight_hh, bias_ih, bias_hh)
        states.append(h)
        caches.append(c)
    output = np.stack(states, axis=1)

    def backward(grad_output, grad_h_n):
        carried = 0 if grad_h_n is None else grad_h_n
        grad_x = np.zeros(x.shape, dtype=output.dtype)
        totals = None
        for t in range(steps - 1, -1, -1):
            gx, carried, *params = rnn_cell_backward(grad_output[:, t, :] + carried, caches[t])
            grad_x[:, t, :] = gx
            totals = params if totals is None else [
                None if p is None else s + p for s, p in zip(totals, params, strict=True)]
        grad_h0 = carried if h0 is not None else None
        return (grad_x, grad_h0, *totals)

    return (output, states[-1]), backward


def rnn_backward(grad_output, grad_h_n, cache):
    return cache(grad_output, grad_h_n)
