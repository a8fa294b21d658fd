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
    raise NotImplementedError("dropout_forward is not implemented yet")


def dropout_backward(grad_output, cache):
    """Gradient of ``dropout_forward`` with respect to ``x``, through the forward's mask.

    Args:
        grad_output: upstream gradient, shape ``(*)`` like ``out``.
        cache: what ``dropout_forward`` returned.

    Returns:
        grad_x: array of shape ``(*)``.
    """
    raise NotImplementedError("dropout_backward is not implemented yet")


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
    raise NotImplementedError("clip_grad_norm is not implemented yet")


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
    raise NotImplementedError("lr_at is not implemented yet")


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
    raise NotImplementedError("calculate_gain is not implemented yet")


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
    raise NotImplementedError("kaiming_uniform is not implemented yet")


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
    raise NotImplementedError("xavier_uniform is not implemented yet")

