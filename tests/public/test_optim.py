"""Public checks for optim.py: a few steps of each optimizer, held to torch.optim.

They show that your code runs and that its first steps match torch on easy
settings. They are not your grade: the hidden checks take 25 steps with every
hyper-parameter (momentum, dampening, nesterov, weight decay, centered,
amsgrad...), several shapes, and float32 inputs.
"""

import numpy as np
import pytest

from grader.feedback.expect import expect, expect_array
from tests import oracle
from tests.oracle import torch
from tests.strategies import random_array

TORCH = {
    "sgd_update": torch.optim.SGD,
    "rmsprop_update": torch.optim.RMSprop,
    "adam_update": torch.optim.Adam,
    "adamw_update": torch.optim.AdamW,
}


def gradient_sequence(shape, steps, seed, dtype=np.float64):
    """``steps`` gradients for a parameter of ``shape``, of magnitudes 0.1, 1 and 10.

    Big gradients followed by small ones make the running averages shrink as
    well as grow (which is what tells AMSGrad, for one, from Adam).
    """
    rng = np.random.default_rng(seed)
    scales = rng.choice([0.1, 1.0, 10.0], size=steps)
    grads = rng.standard_normal((steps, *shape)) * scales.reshape(-1, *[1] * len(shape))
    return [g.astype(dtype) for g in grads]


@oracle.cached
def torch_trajectory(name, param, grads, **hyper):
    """The parameter after each step of the torch optimizer matching ``name``."""
    p = torch.tensor(param.copy(), requires_grad=True)
    optimizer = TORCH[name]([p], foreach=False, **hyper)
    trajectory = []
    for grad in grads:
        p.grad = torch.from_numpy(grad.copy())
        optimizer.step()
        trajectory.append(p.detach().numpy().copy())
    return trajectory


def settings_words(hyper) -> str:
    return ", ".join(f"{k}={v}" for k, v in hyper.items()) or "the default hyper-parameters"


def run_and_compare(submission, name, param, grads, hyper, rtol=1e-9, atol=1e-11):
    """Step the submission beside torch; fail at the first step that differs.

    The steps go to the child as one request, each fed the previous step's new parameter
    and state (as a loop would pass them on); they end early after a value that is not a
    pair, which the check below then reports.
    """
    expected = torch_trajectory(name, param, grads, **hyper)
    update = getattr(submission.optim, name)
    results = update.steps([((param, grad, None), hyper) for grad in grads], {0: 0, 2: 1})
    for t, (result, want) in enumerate(zip(results, expected, strict=False), start=1):
        expect(isinstance(result, tuple | list) and len(result) == 2,
               f"{name} should return a pair (new_param, new_state); it returned "
               f"{type(result).__name__}.")
        context = (f"at step {t} of {len(grads)} (state=None at step 1), for param of shape "
                   f"{want.shape}, {settings_words(hyper)}")
        expect_array(result[0], want, name, context=context, rtol=rtol, atol=atol)


CASES = [  # (check, function, hyper-parameters)
    ("sgd_update", "sgd_update", {"lr": 0.1}),
    ("sgd_momentum", "sgd_update", {"lr": 0.1, "momentum": 0.9}),
    ("rmsprop_update", "rmsprop_update", {}),
    ("adam_update", "adam_update", {}),
    ("adamw_update", "adamw_update", {"lr": 0.01}),
]


@pytest.mark.parametrize("name, hyper", [
    pytest.param(fn, hyper, id=check, marks=pytest.mark.check(f"optim/{check}", fn=fn))
    for check, fn, hyper in CASES
])
def test_three_steps(submission, name, hyper):
    param = random_array((2, 3), 1)
    run_and_compare(submission, name, param, gradient_sequence((2, 3), 3, 2), hyper)
