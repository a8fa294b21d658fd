"""Hidden checks for optim.py: 25 steps of each update beside torch.optim, in float64."""

import numpy as np
import pytest
from hypothesis import given, settings

from grader.feedback.expect import expect, expect_dtype, expect_unmodified
from tests.public.test_optim import gradient_sequence, run_and_compare
from tests.strategies import random_array, seeds, shapes

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


def _marked(check):
    return pytest.mark.parametrize("name", [
        pytest.param(n, id=n, marks=pytest.mark.check(f"optim/{check}", fn=n)) for n in FULL
    ])


def _steps(submission, name, param, grads, after_each):
    update = getattr(submission.optim, name)
    state = None
    for t, grad in enumerate(grads, start=1):
        result = update(param, grad, state, **FULL[name])
        expect(isinstance(result, tuple | list) and len(result) == 2,
               f"{name} should return a pair (new_param, new_state); it returned "
               f"{type(result).__name__}.")
        param, state = result
        after_each(t, param)


@_marked("float32")
def test_float32_stays_float32(submission, name):
    param = random_array((3, 4), 31, dtype=np.float32)
    grads = gradient_sequence((3, 4), 3, 32, dtype=np.float32)

    def dtype_is_float32(t, new_param):
        expect_dtype(new_param, np.float32, name,
                     context=f"at step {t}, for float32 param and grad (new_param)")

    _steps(submission, name, param, grads, dtype_is_float32)


@_marked("inputs_unmodified")
def test_inputs_unmodified(submission, name):
    param = random_array((3, 4), 41)
    grads = gradient_sequence((3, 4), 3, 42)

    def nothing_mutated(t, new_param):
        expect_unmodified(submission.optim.last.mutated, name, ("param", "grad", "state"))

    _steps(submission, name, param, grads, nothing_mutated)
