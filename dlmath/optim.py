"""PyTorch-style optimizers built on *your* ``optim`` unit (ungraded, provided).

``step()`` calls the unit's ``*_update(param, grad, state, **hyper)`` for every
:class:`dlmath.nn.Parameter` whose ``grad`` is not ``None``, stores the new
values in ``param.data`` and keeps the returned state for the next step::

    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    optimizer.zero_grad()
    loss = criterion(model(x), y)
    model.backward(criterion.backward())
    optimizer.step()

Like torch, ``params`` is an iterable of Parameters or of dicts (parameter
groups: ``{"params": [...], "lr": ...}``), and the hyper-parameters of each
group live in ``optimizer.param_groups`` (change ``group["lr"]`` to schedule).
"""

import numpy as np

from dlmath import units


class Optimizer:
    """Base class; subclasses name the unit function in ``_update``."""

    _update = ""

    def __init__(self, params, defaults):
        params = list(params)
        if not params:
            raise ValueError("optimizer got an empty parameter list")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        self.defaults = dict(defaults)
        self.param_groups = [{**self.defaults, **group, "params": list(group["params"])}
                             for group in groups]
        self.state = {}  # Parameter -> the state its last update returned

    def zero_grad(self, set_to_none=True):
        """Reset ``grad`` of every parameter: to ``None`` (torch's default) or zeros."""
        for group in self.param_groups:
            for param in group["params"]:
                param.grad = None if set_to_none else np.zeros_like(param.data)

    def step(self):
        """Update every parameter that has a gradient, once."""
        update = units.function("optim", self._update)
        for group in self.param_groups:
            # initial_lr is the schedulers' record of the starting rate, as in torch
            hyper = {key: value for key, value in group.items()
                     if key not in ("params", "initial_lr")}
            for param in group["params"]:
                if param.grad is None:
                    continue
                param.data, self.state[param] = update(
                    param.data, param.grad, self.state.get(param), **hyper)

    def __repr__(self):
        return f"{type(self).__name__}({self.defaults})"


class SGD(Optimizer):
    """Stochastic gradient descent (``sgd_update``), as ``torch.optim.SGD``."""

    _update = "sgd_update"

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0,
                 nesterov=False):
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                  "weight_decay": weight_decay, "nesterov": nesterov})


class RMSprop(Optimizer):
    """RMSprop (``rmsprop_update``), as ``torch.optim.RMSprop``."""

    _update = "rmsprop_update"

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                 centered=False):
        super().__init__(params, {"lr": lr, "alpha": alpha, "eps": eps,
                                  "weight_decay": weight_decay, "momentum": momentum,
                                  "centered": centered})


class Adam(Optimizer):
    """Adam (``adam_update``), as ``torch.optim.Adam``."""

    _update = "adam_update"

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 amsgrad=False):
        super().__init__(params, {"lr": lr, "betas": tuple(betas), "eps": eps,
                                  "weight_decay": weight_decay, "amsgrad": amsgrad})


class AdamW(Optimizer):
    """Adam with decoupled weight decay (``adamw_update``), as ``torch.optim.AdamW``."""

    _update = "adamw_update"

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False):
        super().__init__(params, {"lr": lr, "betas": tuple(betas), "eps": eps,
                                  "weight_decay": weight_decay, "amsgrad": amsgrad})


def clip_grad_norm_(parameters, max_norm, norm_type=2.0):
    """Clip the gradients of ``parameters`` together, as ``torch.nn.utils.clip_grad_norm_``.

    Calls the ``training`` unit's ``clip_grad_norm`` on every ``param.grad``
    that is not ``None`` and stores the clipped arrays back in ``param.grad``.
    Returns the total norm before clipping.
    """
    params = [p for p in parameters if p.grad is not None]
    if not params:
        return 0.0
    clipped, total = units.function("training", "clip_grad_norm")(
        [p.grad for p in params], max_norm, norm_type=norm_type)
    for param, grad in zip(params, clipped, strict=True):
        param.grad = grad
    return total


class LRScheduler:
    """Sets ``group["lr"]`` of an :class:`Optimizer` from the ``training`` unit's ``lr_at``.

    As in torch, the constructor sets the rate of step 0 and each ``step()``
    (called after ``optimizer.step()``) moves to the next; every parameter
    group is scheduled from its own initial rate. Subclasses name the
    schedule and its settings.
    """

    _schedule = ""

    def __init__(self, optimizer, **settings):
        self.optimizer, self.settings = optimizer, settings
        self.base_lrs = [group.setdefault("initial_lr", group["lr"])
                         for group in optimizer.param_groups]
        self.last_epoch = 0
        self._apply()

    def step(self):
        """Advance the schedule by one step and set the new rates."""
        self.last_epoch += 1
        self._apply()

    def get_last_lr(self):
        """The rate of each parameter group after the last step."""
        return [group["lr"] for group in self.optimizer.param_groups]

    def _apply(self):
        lr_at = units.function("training", "lr_at")
        for group, base_lr in zip(self.optimizer.param_groups, self.base_lrs, strict=True):
            group["lr"] = lr_at(self.last_epoch, self._schedule, base_lr, **self.settings)


class StepLR(LRScheduler):
    """``lr = base_lr * gamma ** (step // step_size)``, as ``torch.optim.lr_scheduler.StepLR``."""

    _schedule = "step"

    def __init__(self, optimizer, step_size, gamma=0.1):
        super().__init__(optimizer, step_size=step_size, gamma=gamma)


class CosineAnnealingLR(LRScheduler):
    """Cosine from ``base_lr`` down to ``eta_min`` over ``T_max`` steps, as torch's."""

    _schedule = "cosine"

    def __init__(self, optimizer, T_max, eta_min=0.0):
        super().__init__(optimizer, T_max=T_max, eta_min=eta_min)


class LinearWarmupCosineLR(LRScheduler):
    """A linear warm-up from ``base_lr / warmup_steps``, then a cosine down to ``eta_min``.

    The same rates as torch's ``SequentialLR(optimizer, [LinearLR(optimizer,
    start_factor=1 / warmup_steps, total_iters=warmup_steps),
    CosineAnnealingLR(optimizer, T_max=total_steps - warmup_steps, eta_min)],
    milestones=[warmup_steps])``.
    """

    _schedule = "linear_warmup_cosine"

    def __init__(self, optimizer, warmup_steps, total_steps, eta_min=0.0):
        super().__init__(optimizer, warmup_steps=warmup_steps, total_steps=total_steps,
                         eta_min=eta_min)


class OneCycleLR(LRScheduler):
    """The one-cycle policy with torch's defaults (``OneCycleLR``): up to ``max_lr``, then down.

    The optimizer's own rate is ignored, as in torch. Only the rate is
    scheduled: the momentum (or Adam's ``betas[0]``) is not cycled, as with
    torch's ``cycle_momentum=False`` (torch's default cycles it).
    """

    _schedule = "onecycle"

    def __init__(self, optimizer, max_lr, total_steps):
        super().__init__(optimizer, max_lr=max_lr, total_steps=total_steps)
