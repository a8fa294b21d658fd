"""Training helpers in NumPy: dropout, gradient clipping, learning-rate schedules, init.

Dropout is a forward/backward pair: ``dropout_forward`` returns ``(out,
cache)`` and ``dropout_backward(grad_output, cache)`` returns ``grad_x``. The
other functions are plain. Randomness comes only from
``numpy.random.default_rng(seed)``, so the same seed gives the same result.
Never modify an input in place, and keep the input's floating dtype (float32
in, float32 out).

Conventions follow ``torch.nn.functional.dropout``,
``torch.nn.utils.clip_grad_norm_``, ``torch.optim.lr_scheduler`` and
``torch.nn.init``.
"""

import math

import numpy as np


def dropout_forward(x, p=0.5, training=True, seed=None):
    """Inverted dropout: zero each element with probability ``p``, scale the rest by ``1/(1-p)``.

    The elements are dropped independently, with draws from
    ``numpy.random.default_rng(seed)``: the same seed gives the same mask.
    With ``training=False`` or ``p=0``, ``out`` equals ``x``; with ``p=1``,
    ``out`` is all zeros.

    Args:
        x: array of any shape ``(*)``.
        p: probability of dropping an element, a float in [0, 1]; anything
            else raises ``ValueError``.
        training: drop (True) or pass ``x`` through (False).
        seed: seed of the generator, an int or ``None``.

    Returns:
        out: array of shape ``(*)``, the dtype of ``x``.
        cache: whatever ``dropout_backward`` needs.
    """
    ### BEGIN SOLUTION
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return x.copy(), None
    if p == 1:  # 1 / (1 - p) would divide by zero
        return np.zeros_like(x), np.zeros_like(x)
    keep = np.random.default_rng(seed).random(x.shape) >= p
    scale = keep.astype(x.dtype) / x.dtype.type(1 - p)
    return x * scale, scale
    ### END SOLUTION


def dropout_backward(grad_output, cache):
    """Gradient of ``dropout_forward`` with respect to ``x``, through the forward's mask.

    Args:
        grad_output: upstream gradient, shape ``(*)`` like ``out``.
        cache: what ``dropout_forward`` returned.

    Returns:
        grad_x: array of shape ``(*)``.
    """
    ### BEGIN SOLUTION
    scale = cache
    return grad_output.copy() if scale is None else grad_output * scale
    ### END SOLUTION


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    """Scale gradients so that their joint norm is at most about ``max_norm``.

    ``total_norm`` is the ``norm_type``-norm of all the gradients' values
    taken together (the norm of the vector of each gradient's norm);
    ``norm_type`` may be ``math.inf`` (the largest absolute value). Every
    gradient is then multiplied by ``min(max_norm / (total_norm + 1e-6), 1)``,
    torch's arithmetic, ``1e-6`` included. The inputs are not changed.

    Args:
        grads: list of arrays of any shapes.
        max_norm: the largest norm allowed, a float.
        norm_type: the order ``p`` of the norm, a float (or ``math.inf``).

    Returns:
        clipped_grads: list of new arrays, the shapes and dtypes of ``grads``.
        total_norm: the norm before clipping, a float.
    """
    ### BEGIN SOLUTION
    norm_type = float(norm_type)
    if not grads:
        return [], 0.0
    flat = [np.abs(g).ravel() for g in grads]
    if math.isinf(norm_type):
        total = max(f.max(initial=0) for f in flat)
    else:
        norms = np.array([np.sum(f**norm_type) ** (1 / norm_type) for f in flat])
        total = np.sum(norms**norm_type) ** (1 / norm_type)
    dtype = grads[0].dtype
    total = dtype.type(total)
    coef = min(dtype.type(max_norm) / (total + dtype.type(1e-6)), dtype.type(1.0))
    return [g * coef for g in grads], total
    ### END SOLUTION


def lr_at(step, schedule, base_lr, **kwargs):
    """The learning rate after ``step`` calls of ``scheduler.step()`` (``step=0``: the start).

    ``t`` is ``step``; every schedule is that of ``torch.optim.lr_scheduler``:

    * ``'step'`` (``step_size``, ``gamma=0.1``): ``base_lr * gamma ** (t // step_size)``
      (``StepLR``).
    * ``'cosine'`` (``T_max``, ``eta_min=0.0``):
      ``eta_min + (base_lr - eta_min) * (1 + cos(pi * t / T_max)) / 2``
      (``CosineAnnealingLR``; past ``T_max`` the cosine goes on, up again).
    * ``'linear_warmup_cosine'`` (``warmup_steps``, ``total_steps``,
      ``eta_min=0.0``): a ``LinearLR`` warm-up from ``base_lr / warmup_steps``
      that grows by equal steps towards ``base_lr``, then from step
      ``warmup_steps`` on, the cosine schedule from ``base_lr`` with
      ``T_max = total_steps - warmup_steps`` (torch's ``SequentialLR`` of
      ``LinearLR(start_factor=1/warmup_steps, total_iters=warmup_steps)``
      and ``CosineAnnealingLR``, milestone ``warmup_steps``).
    * ``'onecycle'`` (``max_lr``, ``total_steps``): ``OneCycleLR`` with its
      defaults (``pct_start=0.3``, cosine annealing, ``div_factor=25``,
      ``final_div_factor=1e4``): from ``max_lr / 25`` up to ``max_lr`` by step
      ``0.3 * total_steps - 1``, then down to ``max_lr / 25 / 1e4`` at step
      ``total_steps - 1``; ``base_lr`` is ignored. Steps beyond
      ``total_steps`` raise ``ValueError``, as torch does.

    Args:
        step: number of scheduler steps taken, an int >= 0.
        schedule: ``'step'``, ``'cosine'``, ``'linear_warmup_cosine'`` or
            ``'onecycle'``; anything else raises ``ValueError``.
        base_lr: the optimizer's initial learning rate, a float.
        **kwargs: the schedule's settings, named as above.

    Returns:
        lr: a float.
    """
    ### BEGIN SOLUTION
    eta_min = kwargs.get("eta_min", 0.0)
    if schedule == "step":
        return base_lr * kwargs.get("gamma", 0.1) ** (step // kwargs["step_size"])
    if schedule == "cosine":
        t, t_max = step, kwargs["T_max"]
    elif schedule == "linear_warmup_cosine":
        warmup, total = kwargs["warmup_steps"], kwargs["total_steps"]
        if step < warmup:
            return base_lr * (1 / warmup + (1 - 1 / warmup) * step / warmup)
        t, t_max = step - warmup, total - warmup  # the cosine restarts at the milestone
    elif schedule == "onecycle":
        max_lr, total = kwargs["max_lr"], kwargs["total_steps"]
        if step > total:
            raise ValueError(f"Tried to step {step} times. The specified number of total "
                             f"steps is {total}")
        peak, end = float(0.3 * total) - 1, total - 1  # the last steps of the two phases
        if step <= peak:
            start_lr, end_lr, pct = max_lr / 25.0, max_lr, step / peak
        else:
            start_lr, end_lr, pct = max_lr, max_lr / 25.0 / 1e4, (step - peak) / (end - peak)
        return end_lr + (start_lr - end_lr) / 2 * (math.cos(math.pi * pct) + 1)
    else:
        raise ValueError(f"unknown schedule {schedule!r}")
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * t / t_max)) / 2
    ### END SOLUTION


def calculate_gain(nonlinearity, param=None):
    """The recommended gain of ``torch.nn.init.calculate_gain``.

    ``'linear'``, the ``'conv*'`` and ``'conv_transpose*'`` names and
    ``'sigmoid'``: 1; ``'tanh'``: 5/3; ``'relu'``: sqrt(2);
    ``'leaky_relu'``: ``sqrt(2 / (1 + negative_slope**2))`` where
    ``negative_slope`` is ``param``, or 0.01 when ``param`` is ``None``;
    ``'selu'``: 3/4. Any other name raises ``ValueError``.

    Args:
        nonlinearity: the name of the function after the layer, a str.
        param: the negative slope of ``'leaky_relu'``, a number or ``None``.

    Returns:
        gain: a float.
    """
    ### BEGIN SOLUTION
    linear = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
              "conv_transpose3d", "sigmoid")
    if nonlinearity in linear:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param  # a slope of 0 is a slope, not "unset"
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")
    ### END SOLUTION


def kaiming_uniform(shape, a=0.0, mode="fan_in", nonlinearity="leaky_relu", seed=None):
    """He initialisation: values from U(-bound, bound), ``bound = gain * sqrt(3 / fan)``.

    ``gain = calculate_gain(nonlinearity, a)``. For a weight of shape
    ``(out, in, *kernel)``, ``fan_in = in * prod(kernel)`` and ``fan_out =
    out * prod(kernel)``; ``mode`` picks one. Shapes of fewer than 2 dims
    raise ``ValueError``.

    Args:
        shape: the weight's shape, a tuple of ints.
        a: the negative slope of the leaky ReLU after the layer, a float.
        mode: ``'fan_in'`` (keeps the forward's variance) or ``'fan_out'``
            (keeps the backward's).
        nonlinearity: as in ``calculate_gain``.
        seed: seed of ``numpy.random.default_rng``, an int or ``None``.

    Returns:
        weight: float64 array of ``shape``.
    """
    ### BEGIN SOLUTION
    if len(shape) < 2:
        raise ValueError("Fan in and fan out can not be computed for fewer than 2 dimensions")
    receptive = math.prod(shape[2:])  # a conv kernel's positions
    fan_in, fan_out = shape[1] * receptive, shape[0] * receptive
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan = fan_in if mode == "fan_in" else fan_out
    bound = math.sqrt(3.0) * calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return np.random.default_rng(seed).uniform(-bound, bound, size=shape)
    ### END SOLUTION


def xavier_uniform(shape, gain=1.0, seed=None):
    """Glorot initialisation: U(-bound, bound), ``bound = gain * sqrt(6 / (fan_in + fan_out))``.

    Fans as in ``kaiming_uniform``.

    Args:
        shape: the weight's shape, a tuple of ints (at least 2 dims).
        gain: a scale factor, a float.
        seed: seed of ``numpy.random.default_rng``, an int or ``None``.

    Returns:
        weight: float64 array of ``shape``.
    """
    ### BEGIN SOLUTION
    if len(shape) < 2:
        raise ValueError("Fan in and fan out can not be computed for fewer than 2 dimensions")
    receptive = math.prod(shape[2:])  # a conv kernel's positions
    fan_in, fan_out = shape[1] * receptive, shape[0] * receptive
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return np.random.default_rng(seed).uniform(-bound, bound, size=shape)
    ### END SOLUTION

