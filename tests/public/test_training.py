"""Public checks for training.py: small fixed cases, held to torch.

They show that your code runs and gives the right shapes and values on easy
inputs. They are not your grade: the hidden checks try many more shapes,
probabilities, seeds, norms, schedules, steps and initialisations, and
float32 inputs.
"""

import math
import warnings

import numpy as np
import pytest

from grader.feedback.expect import expect, expect_array, expect_pair, expect_scalar
from tests import oracle
from tests.oracle import torch
from tests.strategies import random_array, upstream


def raised(call) -> str | None:
    """The name of the exception the submission raised in ``call()``, or None.

    Only the submission's own exceptions count; a timeout or a crash of the
    child still fails the check as usual.
    """
    try:
        call()
    except Exception as exc:
        kind = getattr(exc, "type", None)  # an exception raised by submission code
        if isinstance(kind, str):
            return kind
        raise
    return None


def expect_number(actual, expected: float, name: str, *, context: str = "",
                  rtol: float = 1e-12) -> None:
    """``actual`` must be a real number (an int, a float or a 0-d array) close to ``expected``."""
    where = f" {context}" if context else ""
    is_number = (isinstance(actual, int | float | np.integer | np.floating)
                 and not isinstance(actual, bool)) or (
        isinstance(actual, np.ndarray) and actual.ndim == 0 and actual.dtype.kind in "iuf")
    expect(is_number, f"{name}{where} should return a number; it returned "
                      f"{type(actual).__name__}.")
    expect(math.isclose(float(actual), expected, rel_tol=rtol, abs_tol=1e-15),
           f"{name}{where} returned {float(actual):.10g}; expected {expected:.10g}.")


# --- dropout -------------------------------------------------------------------------------


def expect_dropout_values(out, x, p, name, context, rtol=1e-12):
    """Each element of ``out`` is exactly 0 or ``x / (1 - p)``; returns the kept mask."""
    expect(isinstance(out, np.ndarray) and out.shape == x.shape,
           f"{name} {context} should return an array of shape {x.shape}; it returned "
           f"{getattr(out, 'shape', type(out).__name__)}.")
    expect(out.dtype == x.dtype, f"{name} {context} returned dtype {out.dtype}; expected "
                                 f"{x.dtype} (keep the input's dtype).")
    kept = out != 0
    scaled = x.astype(np.float64) / (1 - p)
    right = np.isclose(out.astype(np.float64), scaled, rtol=rtol, atol=0) | ~kept
    if not right.all():
        index = tuple(int(i) for i in np.argwhere(~right)[0])
        ratio = out[index] / x[index]
        raise_hint = (" Likely mistake: kept elements are not scaled by 1/(1-p)."
                      if math.isclose(ratio, 1.0) else
                      " Likely mistake: kept elements are scaled by (1-p) instead of 1/(1-p)."
                      if math.isclose(ratio, 1 - p) else "")
        expect(False, f"{name} {context}: {int((~right).sum())} of {out.size} elements are "
                      f"neither exactly 0 nor x / (1 - p) = x * {1 / (1 - p):.6g}; at index "
                      f"{index}, x is {x[index]:.6g} and out is {out[index]:.6g}.{raise_hint}")
    return kept


@pytest.mark.check("training/dropout_forward", fn="dropout_forward")
def test_dropout_forward(submission):
    x = random_array((4, 5), 1) + 0.1
    out, _ = expect_pair(submission.training.dropout_forward(x, 0.5, seed=0), "dropout_forward")
    expect_dropout_values(out, x, 0.5, "dropout_forward", "for x of shape (4, 5), p=0.5, seed=0")
    again, _ = expect_pair(submission.training.dropout_forward(x, 0.5, seed=0),
                           "dropout_forward")
    expect(np.array_equal(again, out), "dropout_forward for x of shape (4, 5), p=0.5, seed=0: "
                                       "the same seed should give the same mask.")


@pytest.mark.check("training/dropout_backward", fn="dropout_backward")
def test_dropout_backward(submission):
    x = random_array((4, 5), 2) + 0.1
    grad = upstream(x.shape, 3)
    out, cache = expect_pair(submission.training.dropout_forward(x, 0.25, seed=1),
                             "dropout_forward")
    kept = expect_dropout_values(out, x, 0.25, "dropout_forward", "for p=0.25, seed=1")
    expect_array(submission.training.dropout_backward(grad, cache),
                 np.where(kept, grad / 0.75, 0.0), "dropout_backward",
                 context="for x of shape (4, 5), p=0.25, seed=1 (through the forward's mask)")


@pytest.mark.check("training/dropout_edge_cases", fn="dropout_forward")
def test_dropout_eval_mode(submission):
    x = random_array((3, 4), 4)
    out, _ = expect_pair(submission.training.dropout_forward(x, 0.5, training=False, seed=0),
                         "dropout_forward")
    expect_array(out, x, "dropout_forward", context="for training=False (x unchanged)")


@pytest.mark.check("training/dropout_invalid_p", fn="dropout_forward")
def test_dropout_invalid_p(submission):
    x = random_array((3, 4), 5)
    kind = raised(lambda: submission.training.dropout_forward(x, 1.5, seed=0))
    expect(kind == "ValueError", f"dropout_forward with p=1.5 should raise ValueError; it "
                                 f"{'raised ' + kind if kind else 'returned normally'}.")


# --- gradient clipping ---------------------------------------------------------------------


@oracle.cached
def torch_clip(grads, max_norm, norm_type=2.0):
    """torch's clipped gradients and total norm, as NumPy (the inputs are not touched)."""
    params = []
    for grad in grads:
        param = torch.nn.Parameter(torch.zeros(grad.shape, dtype=torch.from_numpy(grad).dtype))
        param.grad = torch.from_numpy(grad.copy())
        params.append(param)
    total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type)
    return [p.grad.numpy().copy() for p in params], float(total)


def expect_clip(submission, grads, max_norm, norm_type, context, **tolerance):
    """Compare ``clip_grad_norm(grads, max_norm, norm_type)`` with torch's."""
    want, want_total = torch_clip(grads, max_norm, norm_type)
    kwargs = {} if norm_type == 2.0 else {"norm_type": norm_type}
    result = submission.training.clip_grad_norm(grads, max_norm, **kwargs)
    expect(isinstance(result, tuple | list) and len(result) == 2,
           f"clip_grad_norm should return a pair (clipped_grads, total_norm); it returned "
           f"{type(result).__name__}.")
    clipped, total = result
    expect(isinstance(clipped, tuple | list) and len(clipped) == len(grads),
           f"clip_grad_norm {context} should return a list of {len(grads)} clipped gradients; "
           f"it returned {type(clipped).__name__}"
           f"{' of ' + str(len(clipped)) if isinstance(clipped, tuple | list) else ''}.")
    expect_scalar(total, want_total, "clip_grad_norm (total_norm)", context=context,
                  **tolerance)
    for i, (got, expected) in enumerate(zip(clipped, want, strict=True)):
        expect_array(got, expected, f"clip_grad_norm (clipped_grads[{i}])", context=context,
                     **tolerance)
    return clipped, total


@pytest.mark.check("training/clip_grad_norm", fn="clip_grad_norm")
def test_clip_grad_norm(submission):
    grads = [random_array((2, 3), 6), random_array((3,), 7)]
    expect_clip(submission, grads, 1.0, 2.0,
                "for gradients of shapes (2, 3) and (3,), max_norm=1.0")


@pytest.mark.check("training/clip_grad_norm_inf", fn="clip_grad_norm")
def test_clip_grad_norm_inf(submission):
    grads = [random_array((2, 3), 8), random_array((3,), 9)]
    expect_clip(submission, grads, 1.0, math.inf,
                "for gradients of shapes (2, 3) and (3,), max_norm=1.0, norm_type=inf")


# --- learning-rate schedules ---------------------------------------------------------------


def torch_scheduler(optimizer, schedule, **kwargs):
    lr_scheduler = torch.optim.lr_scheduler
    if schedule == "step":
        return lr_scheduler.StepLR(optimizer, **kwargs)
    if schedule == "cosine":
        return lr_scheduler.CosineAnnealingLR(optimizer, **kwargs)
    if schedule == "linear_warmup_cosine":
        warmup = kwargs["warmup_steps"]
        return lr_scheduler.SequentialLR(optimizer, [
            lr_scheduler.LinearLR(optimizer, start_factor=1 / warmup, total_iters=warmup),
            lr_scheduler.CosineAnnealingLR(optimizer, T_max=kwargs["total_steps"] - warmup,
                                     eta_min=kwargs.get("eta_min", 0.0)),
        ], milestones=[warmup])
    if schedule == "onecycle":
        return lr_scheduler.OneCycleLR(optimizer, **kwargs)
    raise ValueError(schedule)


@oracle.cached
def torch_lrs(schedule, base_lr, steps, **kwargs):
    """``param_groups[0]['lr']`` after 0, 1, ..., ``steps`` calls of ``scheduler.step()``."""
    param = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    optimizer = torch.optim.SGD([param], lr=base_lr, momentum=0.9)  # OneCycleLR cycles momentum
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch warns about the order of step() calls
        scheduler = torch_scheduler(optimizer, schedule, **kwargs)
        lrs = [optimizer.param_groups[0]["lr"]]
        for _ in range(steps):
            optimizer.step()
            scheduler.step()
            lrs.append(optimizer.param_groups[0]["lr"])
    return lrs


def expect_schedule(submission, schedule, base_lr, steps, alternatives=None, **kwargs):
    """``lr_at(step, ...)`` for every step 0..``steps`` against torch's scheduler.

    The calls are independent, so they go to the child as one request (no ``feed``).
    """
    settings = ", ".join(f"{k}={v}" for k, v in kwargs.items())
    wants = torch_lrs(schedule, base_lr, steps, **kwargs)
    calls = [((step, schedule, base_lr), kwargs) for step in range(len(wants))]
    answered = 0
    for step, got in enumerate(submission.training.lr_at.steps(calls, {})):
        wrong = {words: fn(step) for words, fn in (alternatives or {}).items()}
        expect_scalar(got, wants[step], "lr_at", rtol=1e-9, atol=1e-15, alternatives=wrong,
                      context=f"at step={step} of schedule={schedule!r}, base_lr={base_lr}, "
                              f"{settings}")
        answered += 1
    expect(answered == len(wants), f"lr_at answered {answered} of the {len(wants)} steps "
                                   f"of schedule={schedule!r}.")


@pytest.mark.parametrize("schedule, kwargs", [
    pytest.param("step", {"step_size": 2}, id="step",
                 marks=pytest.mark.check("training/lr_step", fn="lr_at")),
    pytest.param("cosine", {"T_max": 4}, id="cosine",
                 marks=pytest.mark.check("training/lr_cosine", fn="lr_at")),
    pytest.param("linear_warmup_cosine", {"warmup_steps": 2, "total_steps": 6}, id="warmup",
                 marks=pytest.mark.check("training/lr_linear_warmup_cosine", fn="lr_at")),
    pytest.param("onecycle", {"max_lr": 0.5, "total_steps": 10}, id="onecycle",
                 marks=pytest.mark.check("training/lr_onecycle", fn="lr_at")),
])
def test_lr_schedules(submission, schedule, kwargs):
    expect_schedule(submission, schedule, 0.1, 6, **kwargs)


# --- initialisation ------------------------------------------------------------------------


@oracle.cached
def kaiming_bound(shape, a=0.0, mode="fan_in", nonlinearity="leaky_relu"):
    """The bound of ``torch.nn.init.kaiming_uniform_`` for a weight of ``shape``."""
    fan = torch.nn.init._calculate_correct_fan(torch.empty(shape), mode)
    return math.sqrt(3.0) * torch.nn.init.calculate_gain(nonlinearity, a) / math.sqrt(fan)


@oracle.cached
def xavier_bound(shape, gain=1.0):
    """The bound of ``torch.nn.init.xavier_uniform_`` for a weight of ``shape``."""
    fan_in, fan_out = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    return gain * math.sqrt(6.0 / (fan_in + fan_out))


@oracle.cached
def torch_gain(nonlinearity, param=None):
    """``torch.nn.init.calculate_gain(nonlinearity, param)``."""
    return torch.nn.init.calculate_gain(nonlinearity, param)


def expect_within(weight, shape, bound, name, context):
    """``weight`` is a float array of ``shape`` inside [-bound, bound]."""
    expect(isinstance(weight, np.ndarray) and weight.shape == tuple(shape)
           and weight.dtype.kind == "f",
           f"{name} {context} should return a float array of shape {tuple(shape)}; it returned "
           f"{getattr(weight, 'shape', type(weight).__name__)}.")
    largest = float(np.abs(weight).max(initial=0.0))
    expect(largest <= bound * (1 + 1e-12),
           f"{name} {context}: values reach {largest:.6g}, beyond torch's bound {bound:.6g}.")


@pytest.mark.check("training/calculate_gain", fn="calculate_gain")
@pytest.mark.parametrize("nonlinearity", ["relu", "tanh"])
def test_calculate_gain(submission, nonlinearity):
    expect_number(submission.training.calculate_gain(nonlinearity),
                  torch_gain(nonlinearity), "calculate_gain",
                  context=f"for {nonlinearity!r}")


@pytest.mark.check("training/kaiming_uniform", fn="kaiming_uniform")
def test_kaiming_uniform(submission):
    weight = submission.training.kaiming_uniform((30, 20), seed=0)
    expect_within(weight, (30, 20), kaiming_bound((30, 20)), "kaiming_uniform",
                  "for shape (30, 20)")


@pytest.mark.check("training/xavier_uniform", fn="xavier_uniform")
def test_xavier_uniform(submission):
    weight = submission.training.xavier_uniform((30, 20), seed=0)
    expect_within(weight, (30, 20), xavier_bound((30, 20)), "xavier_uniform",
                  "for shape (30, 20)")
