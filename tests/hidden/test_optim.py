"""Hidden checks for optim.py: 25 steps of each update beside torch.optim, in float64."""

import numpy as np
import pytest
from hypothesis import given, settings

from grader.feedback.expect import expect, expect_array, expect_dtype, expect_unmodified
from tests import oracle
from tests.oracle import torch
from tests.public.test_optim import (
    TORCH,
    gradient_sequence,
    run_and_compare,
    settings_words,
    torch_trajectory,
)
from tests.strategies import FLOAT32_TOLERANCE, as_float64, random_array, seeds, shapes

STEPS = 25

# (check, function, hyper-parameters): every hyper-parameter of the contract, alone and in
# the combinations torch allows. A {} runs on the function's own defaults.
CONFIGS = [
    ("sgd_update", "sgd_update", {"lr": 0.1}),
    ("sgd_update", "sgd_update", {"lr": 0.03, "weight_decay": 0.1}),
    ("sgd_momentum", "sgd_update", {"lr": 0.05, "momentum": 0.9}),
    ("sgd_momentum", "sgd_update", {"lr": 0.05, "momentum": 0.9, "dampening": 0.5}),
    ("sgd_momentum", "sgd_update",
     {"lr": 0.02, "momentum": 0.5, "dampening": 0.1, "weight_decay": 0.05}),
    ("sgd_nesterov", "sgd_update", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("sgd_nesterov", "sgd_update",
     {"lr": 0.02, "momentum": 0.6, "nesterov": True, "weight_decay": 0.1}),
    ("rmsprop_update", "rmsprop_update", {}),
    ("rmsprop_update", "rmsprop_update", {"lr": 0.003, "alpha": 0.9, "eps": 1e-3}),
    ("rmsprop_update", "rmsprop_update", {"weight_decay": 0.1, "eps": 0.1}),
    ("rmsprop_centered", "rmsprop_update", {"centered": True}),
    ("rmsprop_centered", "rmsprop_update",
     {"centered": True, "alpha": 0.8, "eps": 0.01, "weight_decay": 0.05}),
    ("rmsprop_momentum", "rmsprop_update", {"momentum": 0.9}),
    ("rmsprop_momentum", "rmsprop_update", {"momentum": 0.5, "lr": 0.003, "weight_decay": 0.1}),
    ("rmsprop_momentum", "rmsprop_update", {"momentum": 0.8, "centered": True}),
    ("adam_update", "adam_update", {}),
    ("adam_update", "adam_update", {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-3}),
    ("adam_update", "adam_update", {"lr": 0.005, "weight_decay": 0.1}),
    ("adam_update", "adam_update",
     {"lr": 0.02, "betas": (0.5, 0.9), "eps": 0.1, "weight_decay": 0.01}),
    ("amsgrad", "adam_update", {"lr": 0.01, "amsgrad": True}),
    ("amsgrad", "adam_update", {"lr": 0.02, "betas": (0.7, 0.9), "eps": 1e-2, "amsgrad": True}),
    ("amsgrad", "adamw_update", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    ("adamw_update", "adamw_update", {}),
    ("adamw_update", "adamw_update", {"lr": 0.01, "weight_decay": 0.1}),
    ("adamw_update", "adamw_update",
     {"lr": 0.02, "betas": (0.8, 0.95), "eps": 1e-3, "weight_decay": 0.5}),
]


def _id(check, hyper):
    return check + "".join(f"-{k}={v}" for k, v in hyper.items())


@pytest.mark.parametrize("name, hyper", [
    pytest.param(fn, hyper, id=_id(check, hyper),
                 marks=pytest.mark.check(f"optim/{check}", fn=fn))
    for check, fn, hyper in CONFIGS
])
@settings(max_examples=2)  # 25 configurations x 25 steps each already
@given(shape=shapes(1, 3, max_side=4), seed=seeds)
def test_matches_torch_for_25_steps(submission, name, hyper, shape, seed):
    param = random_array(shape, seed)
    run_and_compare(submission, name, param, gradient_sequence(shape, STEPS, seed ^ 0x0971),
                    hyper)


# Every buffer switched on, so that every state array is exercised.
FULL = {
    "sgd_update": {"lr": 0.05, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01},
    "rmsprop_update": {"momentum": 0.9, "centered": True, "weight_decay": 0.01},
    "adam_update": {"amsgrad": True, "weight_decay": 0.01},
    "adamw_update": {"amsgrad": True},
}
# The plain settings whose values gate the property checks (so that a stub earns nothing
# there) without making a mistake in one option cost those checks too.
PLAIN = {
    "sgd_update": {"lr": 0.1},
    "rmsprop_update": {},
    "adam_update": {},
    "adamw_update": {},
}


def _marked(check):
    return pytest.mark.parametrize("name", [
        pytest.param(n, id=n, marks=pytest.mark.check(f"optim/{check}", fn=n)) for n in FULL
    ])


def _steps(submission, name, param, grads, after_each, hyper):
    update = getattr(submission.optim, name)
    state = None
    for t, grad in enumerate(grads, start=1):
        result = update(param, grad, state, **hyper)
        expect(isinstance(result, tuple | list) and len(result) == 2,
               f"{name} should return a pair (new_param, new_state); it returned "
               f"{type(result).__name__}.")
        param, state = result
        after_each(t, param)


def _expected(name, param, grads):
    """torch's trajectory for ``param`` under ``PLAIN[name]`` (float32 is upcast)."""
    param64, *grads64 = as_float64(param, *grads)
    return [p.astype(param.dtype)
            for p in torch_trajectory(name, param64, grads64, **PLAIN[name])]


@_marked("float32")
def test_float32_stays_float32(submission, name):
    param = random_array((3, 4), 31, dtype=np.float32)
    grads = gradient_sequence((3, 4), 3, 32, dtype=np.float32)
    expected = _expected(name, param, grads)

    def right_and_float32(t, new_param):
        context = f"at step {t}, for float32 param and grad, {settings_words(PLAIN[name])}"
        expect_dtype(new_param, np.float32, name, context=context)
        expect_array(new_param, expected[t - 1], name, context=context, **FLOAT32_TOLERANCE)

    def dtype_is_float32(t, new_param):
        expect_dtype(new_param, np.float32, name,
                     context=f"at step {t}, for float32 param and grad, with every buffer "
                             f"({settings_words(FULL[name])})")

    _steps(submission, name, param, grads, right_and_float32, PLAIN[name])
    _steps(submission, name, param, grads, dtype_is_float32, FULL[name])


@_marked("inputs_unmodified")
def test_inputs_unmodified(submission, name):
    param = random_array((3, 4), 41)
    grads = gradient_sequence((3, 4), 3, 42)
    expected = _expected(name, param, grads)

    def right_and_unmodified(t, new_param):
        expect_unmodified(submission.optim.last.mutated, name, ("param", "grad", "state"))
        expect_array(new_param, expected[t - 1], name,
                     context=f"at step {t}, {settings_words(PLAIN[name])}")

    def nothing_mutated(t, new_param):
        expect_unmodified(submission.optim.last.mutated, name, ("param", "grad", "state"))

    _steps(submission, name, param, grads, right_and_unmodified, PLAIN[name])
    _steps(submission, name, param, grads, nothing_mutated, FULL[name])


# --- a training loop as it really runs ----------------------------------------------------
# Several parameters (two of one shape) step through one loop, each with its own state, and a
# schedule changes lr between steps, as torch's optimizer with all of them in one param group
# and a scheduler writing param_groups[0]["lr"] would.
LOOP_SHAPES = ((3, 4), (3, 4), (5,))
LR_FACTORS = (1.0, 1.0, 0.5, 0.5, 0.25, 2.0, 0.1, 1.0)  # warm, decay, a restart...
LOOP_CONFIGS = [  # one per check: every update rule, with every buffer it has
    ("sgd_update", "sgd_update", {"lr": 0.1, "weight_decay": 0.1}),
    ("sgd_momentum", "sgd_update", {"lr": 0.05, "momentum": 0.9, "dampening": 0.1}),
    ("sgd_nesterov", "sgd_update", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("rmsprop_update", "rmsprop_update", {"lr": 0.01, "weight_decay": 0.1}),
    ("rmsprop_centered", "rmsprop_update", {"lr": 0.01, "centered": True}),
    ("rmsprop_momentum", "rmsprop_update", {"lr": 0.01, "momentum": 0.9}),
    ("adam_update", "adam_update", {"lr": 0.01, "weight_decay": 0.1}),
    ("amsgrad", "adam_update", {"lr": 0.01, "amsgrad": True}),
    ("amsgrad", "adamw_update", {"lr": 0.01, "amsgrad": True}),
    ("adamw_update", "adamw_update", {"lr": 0.01, "weight_decay": 0.5}),
]


@oracle.cached
def torch_loop(name, params, grads, hyper, lrs):
    """Each parameter after each step of one torch optimizer over all of them."""
    tensors = [torch.tensor(p.copy(), requires_grad=True) for p in params]
    optimizer = TORCH[name](tensors, foreach=False, **hyper)
    trajectory = []
    for lr, step_grads in zip(lrs, grads, strict=True):
        optimizer.param_groups[0]["lr"] = lr  # what a scheduler does between steps
        for tensor, grad in zip(tensors, step_grads, strict=True):
            tensor.grad = torch.from_numpy(grad.copy())
        optimizer.step()
        trajectory.append([t.detach().numpy().copy() for t in tensors])
    return trajectory


@pytest.mark.parametrize("name, hyper", [
    pytest.param(fn, hyper, id=_id(check, hyper), marks=pytest.mark.check(f"optim/{check}", fn=fn))
    for check, fn, hyper in LOOP_CONFIGS
])
def test_training_loop_with_a_schedule(submission, name, hyper):
    params = [random_array(shape, 51 + i) for i, shape in enumerate(LOOP_SHAPES)]
    sequences = [gradient_sequence(shape, len(LR_FACTORS), 61 + i)
                 for i, shape in enumerate(LOOP_SHAPES)]
    grads = [list(step) for step in zip(*sequences, strict=True)]
    lrs = [hyper["lr"] * factor for factor in LR_FACTORS]
    expected = torch_loop(name, params, grads, hyper, lrs)
    update = getattr(submission.optim, name)
    states = [None] * len(params)
    for t, (lr, step_grads, wanted) in enumerate(zip(lrs, grads, expected, strict=True),
                                                 start=1):
        for i, grad in enumerate(step_grads):
            result = update(params[i], grad, states[i], **{**hyper, "lr": lr})
            expect(isinstance(result, tuple | list) and len(result) == 2,
                   f"{name} should return a pair (new_param, new_state); it returned "
                   f"{type(result).__name__}.")
            params[i], states[i] = result
            context = (f"in a training loop over {len(params)} parameters of shapes "
                       f"{', '.join(map(str, LOOP_SHAPES))}, each with its own state, with "
                       f"lr changed between steps by a schedule: parameter {i + 1} at step "
                       f"{t}, {settings_words({**hyper, 'lr': lr})}")
            expect_array(params[i], wanted[i], name, context=context, rtol=1e-9, atol=1e-11)
