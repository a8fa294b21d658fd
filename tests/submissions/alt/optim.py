"""A correct optim.py written differently: textbook bias-corrected moments, own state keys."""

import numpy as np


def sgd_update(param, grad, state, lr, momentum=0.0, dampening=0.0, weight_decay=0.0,
               nesterov=False):
    d_p = grad + weight_decay * param if weight_decay else grad
    if momentum == 0:
        return param - lr * d_p, {"buf": None}
    if state is None or state["buf"] is None:
        buf = np.array(d_p, copy=True)
    else:
        buf = state["buf"] * momentum + d_p * (1.0 - dampening)
    step = d_p + buf * momentum if nesterov else buf
    return param - step * lr, {"buf": buf}


def rmsprop_update(param, grad, state, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0,
                   momentum=0.0, centered=False):
    zeros = np.zeros_like(param)
    v, mean, buf = (zeros, zeros, zeros) if state is None else state  # a tuple as state
    g = grad + weight_decay * param
    v = alpha * v + (1 - alpha) * g ** 2
    mean = alpha * mean + (1 - alpha) * g
    var = v - mean ** 2 if centered else v
    denom = np.sqrt(var) + eps
    if momentum > 0:
        buf = momentum * buf + g / denom
        new_param = param - lr * buf
    else:
        new_param = param - lr * (g / denom)
    return new_param, (v, mean, buf)


def _adam(param, grad, state, lr, betas, eps, l2, decoupled, amsgrad):
    b1, b2 = betas
    if state is None:
        state = {"t": 0, "m": np.zeros_like(param), "v": np.zeros_like(param),
                 "vmax": np.zeros_like(param)}
    t = state["t"] + 1
    if decoupled:
        param = param - lr * decoupled * param
    g = grad + l2 * param if l2 else grad
    m = b1 * state["m"] + (1 - b1) * g
    v = b2 * state["v"] + (1 - b2) * g * g
    vmax = np.maximum(state["vmax"], v) if amsgrad else state["vmax"]
    m_hat = m / (1 - b1 ** t)
    v_hat = (vmax if amsgrad else v) / (1 - b2 ** t)
    new_param = param - lr * m_hat / (np.sqrt(v_hat) + eps)
    return new_param, {"t": t, "m": m, "v": v, "vmax": vmax}


def adam_update(param, grad, state, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                amsgrad=False):
    return _adam(param, grad, state, lr, betas, eps, weight_decay, 0.0, amsgrad)


def adamw_update(param, grad, state, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False):
    return _adam(param, grad, state, lr, betas, eps, 0.0, weight_decay, amsgrad)
