# %% [markdown]
# # Unit 2: losses
#
# A loss turns the network's output (`input`) and the `target` into one
# number to minimise. This unit has mean squared error for regression and
# three cross entropies for classification: binary cross entropy on
# probabilities, the same on logits (a sigmoid folded in, for stability),
# and cross entropy on the logits of `C` classes (a log-softmax folded in).
#
# `NAME_forward(input, target, reduction)` returns `(loss, cache)`;
# `NAME_backward(grad_output, cache)` returns the gradient with respect to
# `input`, where `grad_output` is a float (1.0 at the end of a network).
# The derivations are in `course.md`, Chapter 4.
#
# This notebook runs **your** `losses.py` (and, for the sigmoid, your
# `activations.py`).

# %% [markdown]
# <!-- dlmath:exercises -->

# %%
import os

import numpy as np

from dlmath import plots, units
from dlmath.gradcheck import check_gradients

# %% [markdown]
# ## Your unit files
#
# Your `losses.py` and `activations.py` are read from the folder `UNITS`:
# this notebook's folder by default (or `$DLMATH_UNITS`). Run this cell again
# after editing them.

# %%
UNITS = os.environ.get("DLMATH_UNITS", ".")
units.use(UNITS)
units.clear_cache()
losses = units.load("losses")
act = units.load("activations")
print("losses.py and activations.py from", units.folder())


def pointwise(forward, backward, inputs, targets):
    """Each element's loss alone, and the derivative of each, from your functions.

    With reduction='sum' the loss is a sum of independent terms, so one
    backward call gives every term's derivative at once.
    """
    values = np.array([float(forward(inputs[i:i + 1], targets[i:i + 1], reduction="sum")[0])
                       for i in range(len(inputs))])
    _, cache = forward(inputs, targets, reduction="sum")
    return values, backward(1.0, cache)


# %% [markdown]
# ## Squared error or cross entropy, for a prediction `p` of a positive example
#
# The target is 1 and the model predicts the probability `p`. Squared error
# `(p - 1)^2` never exceeds 1, however wrong `p` is; binary cross entropy
# `-log p` grows without bound as `p -> 0`, and so does its gradient: a
# confident mistake is punished hard.

# %%
p = np.linspace(0.01, 0.99, 197)
ones = np.ones_like(p)
mse, mse_grad = pointwise(losses.mse_loss_forward, losses.mse_loss_backward, p, ones)
bce, bce_grad = pointwise(losses.binary_cross_entropy_forward,
                          losses.binary_cross_entropy_backward, p, ones)
fig, axes = plots.figure(1, 2, size=(4.6, 3.4))
plots.curves(axes[0], p, {"MSE": mse, "BCE": bce}, title="loss (target 1)",
             xlabel="predicted probability p", zero_lines=False)
plots.curves(axes[1], p, {"MSE": mse_grad, "BCE": bce_grad},
             title="d loss / d p  (your backward)", xlabel="predicted probability p",
             zero_lines=False)
axes[1].set_ylim(-10, 1)
plots.show(fig)

# %% [markdown]
# ## The same, as a function of the logit
#
# A classifier outputs a logit `z` and `p = sigmoid(z)`. Chaining your loss
# backward into your `sigmoid_backward` gives the gradient with respect to
# `z`. With squared error it *vanishes* when the model is confidently wrong
# (`z -> -inf`): the sigmoid's flat tail kills it, and training stalls. With
# cross entropy it tends to -1: the log undoes the exponential.
#
# The right panel shows why `binary_cross_entropy_with_logits` exists: on
# probabilities, torch clamps each log at -100, so the loss stops growing at
# 100 (and the gradient is lost); on logits it is exact for any `z`.

# %%
def through_sigmoid(forward, backward, z, targets):
    """Loss of sigmoid(z) per element, and its derivative w.r.t. z (chain rule)."""
    probs, sigmoid_cache = act.sigmoid_forward(z)
    values, grad_probs = pointwise(forward, backward, probs, targets)
    return values, act.sigmoid_backward(grad_probs, sigmoid_cache)


z = np.linspace(-10, 10, 201)
ones = np.ones_like(z)
curves_z = {
    "MSE(sigmoid(z))": through_sigmoid(losses.mse_loss_forward, losses.mse_loss_backward, z,
                                       ones),
    "BCE with logits": pointwise(losses.binary_cross_entropy_with_logits_forward,
                                 losses.binary_cross_entropy_with_logits_backward, z, ones),
}
far = np.linspace(-250, 0, 251)
far_ones = np.ones_like(far)
with np.errstate(divide="ignore", over="ignore"):
    far_probs = through_sigmoid(losses.binary_cross_entropy_forward,
                                losses.binary_cross_entropy_backward, far, far_ones)[0]
far_logits = pointwise(losses.binary_cross_entropy_with_logits_forward,
                       losses.binary_cross_entropy_with_logits_backward, far, far_ones)[0]

fig, axes = plots.figure(1, 3, size=(4.2, 3.4))
plots.curves(axes[0], z, {k: v[0] for k, v in curves_z.items()}, title="loss (target 1)",
             xlabel="logit z")
plots.curves(axes[1], z, {k: v[1] for k, v in curves_z.items()},
             title="d loss / d z  (your backwards)", xlabel="logit z")
plots.curves(axes[2], far, {"BCE(sigmoid(z))": far_probs, "BCE with logits": far_logits},
             title="far on the wrong side", xlabel="logit z", zero_lines=False)
plots.show(fig)

# %% [markdown]
# ## Cross entropy over three classes
#
# Logits `[z, 1, 0]`, the true class is 0. The gradient with respect to the
# logits is `softmax(logits) - one_hot(target)`: negative for the true class
# (push it up), positive for the others (push them down), and all of it
# fades once the true class wins.

# %%
z = np.linspace(-6, 8, 141)
logits = np.stack([z, np.ones_like(z), np.zeros_like(z)], axis=1)  # (141, 3): one row per z
targets = np.zeros(len(z), dtype=np.int64)
loss_values, grad = pointwise(losses.cross_entropy_forward, losses.cross_entropy_backward,
                              logits, targets)
fig, axes = plots.figure(1, 2, size=(4.6, 3.4))
plots.curves(axes[0], z, {"cross entropy": loss_values}, title="loss, true class 0",
             xlabel="logit z of the true class")
plots.curves(axes[1], z, {f"d loss / d logit {k}": grad[:, k] for k in range(3)},
             title="gradient (your backward)", xlabel="logit z of the true class")
plots.show(fig)

# %% [markdown]
# ## Training with each loss
#
# Logistic regression on two clouds of points, `z = X w + b`, by plain
# gradient descent. The gradient of the loss with respect to `z` comes from
# your backward, and then `dL/dw = X^T (dL/dz)`, `dL/db = sum(dL/dz)`
# (course.md, Chapter 5). Both runs start from the same badly wrong weights.
# With cross entropy the model recovers at once; with squared error on the
# sigmoid the gradient is tiny on the flat tail, and it takes a hundred steps
# or more to get out.

# %%
rng = np.random.default_rng(0)
n = 200
labels = rng.integers(0, 2, n).astype(np.float64)
X = rng.standard_normal((n, 2)) + np.where(labels[:, None] == 1, 1.5, -1.5)


def logistic_regression(loss_name, steps=300, lr=0.5):
    """Gradient descent from a wrong start; returns the loss, accuracy and |grad| per step."""
    w, b = np.array([-2.5, -2.5]), 0.0
    history = {"loss": [], "accuracy": [], "gradient norm": []}
    for _ in range(steps):
        z = X @ w + b
        if loss_name == "BCE with logits":
            value, cache = losses.binary_cross_entropy_with_logits_forward(z, labels)
            grad_z = losses.binary_cross_entropy_with_logits_backward(1.0, cache)
        else:
            probs, sigmoid_cache = act.sigmoid_forward(z)
            value, cache = losses.mse_loss_forward(probs, labels)
            grad_z = act.sigmoid_backward(losses.mse_loss_backward(1.0, cache), sigmoid_cache)
        grad_w, grad_b = X.T @ grad_z, float(np.sum(grad_z))
        w, b = w - lr * grad_w, b - lr * grad_b
        history["loss"].append(float(value))
        history["accuracy"].append(float(np.mean((z > 0) == (labels == 1))))
        history["gradient norm"].append(float(np.hypot(np.linalg.norm(grad_w), grad_b)))
    return history


runs = {name: logistic_regression(name) for name in ("BCE with logits", "MSE(sigmoid(z))")}
fig, axes = plots.figure(1, 3, size=(4.2, 3.4))
for ax, quantity in zip(axes, ("loss", "accuracy", "gradient norm"), strict=True):
    for name, history in runs.items():
        ax.plot(history[quantity], label=name)
    ax.set_title(f"training {quantity}")
    ax.set_xlabel("step")
    ax.legend(fontsize="small")
axes[0].set_title("training loss (each run its own)")
axes[0].set_yscale("log")
axes[2].set_yscale("log")
plots.show(fig)

# %% [markdown]
# ## Questions
#
# **Question 1 (written, 2 points).** The section on the logit shows
# `binary_cross_entropy(sigmoid(z))` and `binary_cross_entropy_with_logits(z)`
# for a negative example. Explain why the first stops at 100 for large `z`
# while the second keeps growing like `z`, and which one a classifier should
# be trained with.

# %% [markdown] answer: losses-q1 points=2
# YOUR ANSWER HERE

# %% [markdown]
# **Question 2 (1 point).** Predict, then check: the cross entropy's gradient with respect to logits
# of shape `(8, 5)`, with `reduction='mean'` and `grad_output = 1`. What
# does each row of it sum to? Set `row_sum` to that number.

# %% answer: losses-q2
row_sum = None  # a number

# %% check: losses-q2 points=1
assert row_sum is not None, "set row_sum in the cell above"

# %% [markdown]
# ## Check your gradients
#
# For a loss, `check_gradients` checks the gradient with respect to `input`
# (the target is data, not a parameter).

# %%
rng = np.random.default_rng(1)
logits = rng.standard_normal((5, 4))
classes = rng.integers(0, 4, 5)
result = check_gradients(losses.cross_entropy_forward, losses.cross_entropy_backward,
                         [logits, classes])
