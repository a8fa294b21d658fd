# %% [markdown]
# # Unit 1: activations
#
# An activation is the nonlinearity between two layers. Elementwise ones (ReLU,
# leaky ReLU, sigmoid, tanh) act on each number alone; softmax and log-softmax
# act along one axis and turn a vector of scores into probabilities (or
# log-probabilities).
#
# Each function comes as a pair. `NAME_forward(x)` returns `(out, cache)`;
# `NAME_backward(grad_output, cache)` returns `grad_x`, the gradient of the
# loss with respect to `x` given its gradient `grad_output` with respect to
# `out`. For an elementwise function that is `f'(x) * grad_output`; for softmax
# it is a vector-Jacobian product. The derivations are in `course.md`,
# Chapter 3 (and Chapter 2 for the chain rule).
#
# This notebook runs **your** `activations.py` and draws what it computes.

# %% [markdown]
# <!-- dlmath:exercises -->

# %%
import os

import numpy as np

from dlmath import plots, units
from dlmath.gradcheck import check_gradients

# %% [markdown]
# ## Your unit file
#
# The experiments below call the functions of your `activations.py`, found in
# the folder `UNITS`: this notebook's folder by default (or the folder named
# by the environment variable `DLMATH_UNITS`). Run this cell again after
# editing your file: it reloads it.

# %%
UNITS = os.environ.get("DLMATH_UNITS", ".")
units.use(UNITS)
units.clear_cache()
act = units.load("activations")
print("activations.py from", units.folder())

# %% [markdown]
# ## Each activation and its derivative
#
# For an elementwise `f`, `grad_x = f'(x) * grad_output`, so calling your
# backward with `grad_output = 1` gives the derivative itself. The dots are
# central differences of your *forward*, `(f(x + h) - f(x - h)) / 2h`: they
# should sit on the dashed curve (except exactly at a kink).

# %%
x = np.linspace(-5, 5, 401)
h = 1e-5
activations = {
    "relu": (act.relu_forward, act.relu_backward, {}),
    "leaky_relu": (act.leaky_relu_forward, act.leaky_relu_backward, {"negative_slope": 0.1}),
    "sigmoid": (act.sigmoid_forward, act.sigmoid_backward, {}),
    "tanh": (act.tanh_forward, act.tanh_backward, {}),
}
fig, axes = plots.figure(1, 4, size=(3.6, 3.2))
for ax, (name, (forward, backward, kwargs)) in zip(axes, activations.items(), strict=True):
    y, cache = forward(x, **kwargs)
    dy = backward(np.ones_like(x), cache)
    numeric = (forward(x + h, **kwargs)[0] - forward(x - h, **kwargs)[0]) / (2 * h)
    plots.function_and_derivative(ax, x, y, dy, name, numeric=numeric)
    ax.set_ylim(-1.5, 2.5)
axes[1].set_title("leaky_relu (negative_slope=0.1)")
plots.show(fig)

# %% [markdown]
# Notice the sizes of the derivatives: ReLU passes a gradient of exactly 1 for
# every positive input, tanh at most 1, and sigmoid at most 1/4.

# %% [markdown]
# ## Vanishing gradients through a stack of layers, with weights
#
# Backpropagation multiplies, at every layer, by the activation's derivative
# **and** by the layer's weight matrix. Here 16 random inputs of size 128 go
# through 30 layers `h <- f(W h)`, and a random upstream gradient comes back
# through your backward and the transposed weights. The curves show the mean
# size of the gradient after each layer, relative to the one at the output,
# for three initialisations of `W` (entries drawn with variance `v / D`):
#
# - too small, `v = 0.25`: the gradient vanishes, for every activation;
# - Xavier (Glorot and Bengio), `v = 1`: made for tanh, which keeps its
#   gradient over many layers;
# - He, `v = 2`: made for ReLU, which zeroes half of its inputs.
#
# Sigmoid loses its gradient whatever the initialisation (its derivative is
# at most 1/4 and its outputs are not centred). A stack **without** weights
# would suggest that tanh never suffers from vanishing gradients; with weights,
# the initialisation decides. (The inputs and weights are those of the figure
# in `course.md`, Chapter 3, so your curves should be its curves; Problem 3.8
# of the course asks you to predict them before running this.)

# %%
def stack_gradients(name, variance, depth=30, width=128, samples=16, seed=0):
    """Mean |gradient| after each layer of `h <- f(W h)`, relative to the output's."""
    forward, backward, kwargs = activations[name]
    rng = np.random.default_rng(seed)
    h = rng.standard_normal((samples, width))
    weights, caches = [], []
    for _ in range(depth):
        weight = rng.standard_normal((width, width)) * np.sqrt(variance / width)
        h, cache = forward(h @ weight.T, **kwargs)
        weights.append(weight)
        caches.append(cache)
    grad = rng.standard_normal((samples, width))
    start, sizes = np.mean(np.abs(grad)), []
    for weight, cache in zip(reversed(weights), reversed(caches), strict=True):
        grad = backward(grad, cache) @ weight
        sizes.append(np.mean(np.abs(grad)) / start)
    return sizes


initialisations = {"too small, var 0.25/D": 0.25, "Xavier, var 1/D": 1.0, "He, var 2/D": 2.0}
fig, axes = plots.figure(1, 3, size=(3.6, 3.2))
for ax, (title, variance) in zip(axes, initialisations.items(), strict=True):
    for name in ("sigmoid", "tanh", "relu"):
        ax.plot(range(1, 31), stack_gradients(name, variance), "o-", ms=3, label=name)
    ax.set_yscale("log")
    ax.set_ylim(1e-30, 1e2)
    ax.set_title(title)
    ax.set_xlabel("layers gone back through")
axes[0].set_ylabel("mean |gradient|, relative to the output")
axes[2].legend()
plots.show(fig)

# %% [markdown]
# ## Softmax: temperature, and its Jacobian
#
# `softmax(z / T)` turns scores into probabilities. A low temperature `T`
# sharpens them towards the largest score; a high one flattens them towards
# uniform.
#
# Softmax is not elementwise: every output depends on every input, so its
# derivative is a matrix, the Jacobian `J[i, j] = d out_i / d x_j`. Your
# backward returns `J^T @ grad_output`, so feeding it the unit vector `e_i`
# returns `J^T e_i`, whose entry `j` is `J[i, j]`: **row `i` of `J`**. Stacking
# those rows gives `J` itself, which the heatmap shows, from your code;
# compare it with `diag(s) - s s^T` (course.md, Chapter 3). (Softmax's
# Jacobian is symmetric, so row `i` of `J` is also column `i`; for a
# non-symmetric Jacobian the two differ.)

# %%
logits = np.array([2.0, 1.0, 0.5, -1.0, 0.1])
temperatures = (0.25, 1.0, 4.0)
fig, axes = plots.figure(1, 2, size=(5, 3.4))
width = 0.8 / len(temperatures)
for k, temperature in enumerate(temperatures):
    probs, _ = act.softmax_forward(logits / temperature)
    positions = np.arange(len(logits)) + (k - 1) * width
    axes[0].bar(positions, probs, width, label=f"T = {temperature}")
axes[0].set_xticks(range(len(logits)), labels=[f"z={z:g}" for z in logits])
axes[0].set_ylabel("probability")
axes[0].set_title("softmax(z / T)")
axes[0].legend()

s, cache = act.softmax_forward(logits)
jacobian = np.stack([act.softmax_backward(e, cache) for e in np.eye(len(logits))])  # row i: J^T e_i
plots.heatmap(axes[1], jacobian, title="softmax Jacobian, from your backward",
              xlabel="input j", ylabel="output i", centered=True, annotate=True)
plots.show(fig)
print("largest difference from diag(s) - s s^T:",
      np.max(np.abs(jacobian - (np.diag(s) - np.outer(s, s)))))

# %% [markdown]
# ## Why log-softmax has its own function
#
# Take two logits `[0, t]`. The probability of the first is `1 / (1 + e^t)`,
# which underflows to exactly 0 once `t` passes about 745 in float64, and
# `log(0) = -inf`. Computed directly, with the log-sum-exp trick, the
# log-probability is simply about `-t`, finite for any `t`.

# %%
t = np.linspace(0, 1000, 501)
pairs = np.stack([np.zeros_like(t), t], axis=1)  # (501, 2): one pair of logits per row
direct, _ = act.log_softmax_forward(pairs)
with np.errstate(divide="ignore"):
    naive = np.log(act.softmax_forward(pairs)[0])
fig, ax = plots.figure(size=(6, 3.5))
infinite = ~np.isfinite(naive[:, 0])
ax.plot(t, direct[:, 0], lw=3, label="log_softmax(x)[0]")
ax.plot(t, np.where(infinite, np.nan, naive[:, 0]), "--", label="log(softmax(x)[0])")
if infinite.any():
    ax.axvline(t[infinite][0], color="C3", lw=0.8)
    ax.text(t[infinite][0], -200, f"  -inf from t = {t[infinite][0]:g}", color="C3")
ax.set_xlabel("t  (logits [0, t])")
ax.set_ylabel("log-probability of the first class")
ax.legend()
plots.show(fig)

# %% [markdown]
# ## Questions
#
# **Question 1 (written, 2 points).** In the stack plot above, tanh keeps its
# gradient with Xavier's initialisation but loses it with the small one, and
# sigmoid loses it with all three. Explain both in two or three sentences,
# using the largest value of each derivative and what the weights multiply
# the gradient by.

# %% [markdown] answer: activations-q1 points=2
# YOUR ANSWER HERE

# %% [markdown]
# **Question 2 (numeric, 1 point).** Softmax computed without subtracting the
# maximum overflows once a logit is larger than the logarithm of the largest
# float64. Set `overflow_logit` to that threshold, to two decimals. (Predict
# it first; then check with `np.exp` and `np.finfo`.)

# %% answer: activations-q2
overflow_logit = None  # a number, e.g. 123.45

# %% check: activations-q2 points=1
assert overflow_logit is not None, "set overflow_logit in the cell above"

# %% [markdown]
# **Question 3 (multiple choice, 1 point).** Your `softmax_backward(e_i, cache)`
# returns (a) row `i` of `J`, (b) row `i` of `J^T`, (c) the diagonal entry
# `J[i, i]`. Set `jacobian_choice` to `"a"`, `"b"` or `"c"`.

# %% answer: activations-q3
jacobian_choice = None  # "a", "b" or "c"

# %% check: activations-q3 points=1
assert jacobian_choice in ("a", "b", "c"), "set jacobian_choice to 'a', 'b' or 'c'"

# %% [markdown]
# ## Check your gradients
#
# `check_gradients` compares your backward with finite differences of your
# forward, for a random upstream gradient. Try other functions, shapes and
# `dim`s.

# %%
x = np.random.default_rng(1).standard_normal((3, 4))
result = check_gradients(act.softmax_forward, act.softmax_backward, [x], {"dim": 0})
