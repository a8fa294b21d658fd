"""A correct training.py written differently: a binomial mask kept as booleans, one
concatenated vector for the clipping norm, schedules stepped the way torch's chainable
schedulers update the rate (one multiplication per step), and init by rescaled U(0, 1)."""

import math

import numpy as np


def dropout_forward(x, p=0.5, training=True, seed=None):
    if p < 0 or p > 1:
        raise ValueError("p must be a probability")
    if not training:
        return x, ("identity",)
    if p >= 1:
        return x * 0, ("zero",)
    mask = np.random.default_rng(seed).binomial(1, 1 - p, size=x.shape).astype(bool)
    return np.where(mask, x / (1 - p), 0).astype(x.dtype), ("mask", mask, p)


def dropout_backward(grad_output, cache):
    if cache[0] == "identity":
        return grad_output
    if cache[0] == "zero":
        return np.zeros_like(grad_output)
    _, mask, p = cache
    return np.where(mask, grad_output / (1 - p), 0).astype(grad_output.dtype)


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    everything = np.concatenate([np.ravel(g) for g in grads])
    total = float(np.linalg.norm(everything, ord=float(norm_type)))
    factor = max_norm / (total + 1e-6)
    if factor > 1.0:
        factor = 1.0
    return [(g * factor).astype(g.dtype) for g in grads], total


def lr_at(step, schedule, base_lr, **kwargs):
    if schedule == "onecycle":
        return _one_cycle(step, kwargs["max_lr"], kwargs["total_steps"])
    lr = base_lr
    if schedule == "linear_warmup_cosine":
        warmup = kwargs["warmup_steps"]
        if step < warmup:
            return base_lr / warmup + (base_lr - base_lr / warmup) * step / warmup
        kwargs = {"T_max": kwargs["total_steps"] - warmup, "eta_min": kwargs.get("eta_min", 0)}
        step -= warmup
        schedule = "cosine"
    for t in range(1, step + 1):
        if schedule == "step":
            if t % kwargs["step_size"] == 0:
                lr *= kwargs.get("gamma", 0.1)
        elif schedule == "cosine":
            t_max, low = kwargs["T_max"], kwargs.get("eta_min", 0.0)
            lr = low + (lr - low) * (1 + math.cos(math.pi * t / t_max)) / (
                1 + math.cos(math.pi * (t - 1) / t_max)) if (t - 1 - t_max) % (2 * t_max) else (
                lr + (base_lr - low) * (1 - math.cos(math.pi / t_max)) / 2)
        else:
            raise ValueError(schedule)
    return lr


def _one_cycle(step, max_lr, total_steps):
    phases = [(float(0.3 * total_steps) - 1, max_lr / 25, max_lr),
              (total_steps - 1, max_lr, max_lr / 25 / 1e4)]
    start = 0
    for i, (end, lo, hi) in enumerate(phases):
        if step <= end or i == len(phases) - 1:
            pct = (step - start) / (end - start)
            return hi + (lo - hi) * (math.cos(math.pi * pct) + 1) / 2
        start = end
    raise AssertionError("unreachable")


GAINS = {"linear": 1, "conv1d": 1, "conv2d": 1, "conv3d": 1, "conv_transpose1d": 1,
         "conv_transpose2d": 1, "conv_transpose3d": 1, "sigmoid": 1, "tanh": 5 / 3,
         "relu": 2**0.5, "selu": 0.75}


def calculate_gain(nonlinearity, param=None):
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else float(param)
        return (2 / (1 + slope * slope)) ** 0.5
    if nonlinearity not in GAINS:
        raise ValueError(f"no gain for {nonlinearity}")
    return GAINS[nonlinearity]


def _fans(shape):
    k = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    return shape[1] * k, shape[0] * k


def _uniform(shape, bound, seed):
    return (np.random.default_rng(seed).random(shape) * 2 - 1) * bound


def kaiming_uniform(shape, a=0.0, mode="fan_in", nonlinearity="leaky_relu", seed=None):
    fan_in, fan_out = _fans(shape)
    fan = {"fan_in": fan_in, "fan_out": fan_out}[mode]
    return _uniform(shape, calculate_gain(nonlinearity, a) * (3 / fan) ** 0.5, seed)


def xavier_uniform(shape, gain=1.0, seed=None):
    return _uniform(shape, gain * (6 / sum(_fans(shape))) ** 0.5, seed)
