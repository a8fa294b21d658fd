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
            hyper = {key: value for key, value in group.items() if key != "params"}
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
