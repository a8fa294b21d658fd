# %% [markdown]
# # Unit 8: normalization
#
# A normalization layer rescales the activations flowing through a network so
# that their mean and spread stay put, whatever the layers before them do.
# Batch normalization takes each channel's statistics over the batch (and,
# for images, over every position); layer normalization takes each example's
# statistics over its features; RMS normalization only divides by the root
# mean square. All three then apply a learned scale (`weight`) and, for the
# first two, a shift (`bias`).
#
# Each function is a forward/backward pair with torch's names and defaults.
# Batch normalization also keeps *running statistics*: while training, each
# forward returns new running estimates of the mean and (unbiased) variance;
# in evaluation mode (`training=False`) those estimates normalise instead of
# the batch's. The derivations are in `course.md`.
#
# This notebook runs **your** `normalization.py` inside deep networks.

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
# Your `normalization.py` is read from the folder `UNITS`: this notebook's
# folder by default (or `$DLMATH_UNITS`). Run this cell again after editing it.

# %%
UNITS = os.environ.get("DLMATH_UNITS", ".")
units.use(UNITS)
units.clear_cache()
norm = units.load("normalization")
print("normalization.py from", units.folder())

# %% [markdown]
# ## Check your backward passes
#
# Finite differences of your forward against your backward (see
# `dlmath.gradcheck`). `batch_norm_forward` returns three arrays, so the
# check looks at `out` only; in evaluation mode the running statistics are
# constants.

# %%
rng = np.random.default_rng(0)
x, w, b = rng.standard_normal((6, 3, 2)), rng.standard_normal(3), rng.standard_normal(3)
running = (rng.standard_normal(3), rng.random(3) + 0.5)


def batch_norm_out(training):
    def forward(x, weight, bias):
        (out, _, _), cache = norm.batch_norm_forward(x, weight, bias, *running,
                                                     training=training)
        return out, cache
    return forward


for training in (True, False):
    print(f"batch_norm, training={training}:",
          check_gradients(batch_norm_out(training), norm.batch_norm_backward, [x, w, b]))
tail = rng.standard_normal((6, 4)), rng.standard_normal(4), rng.standard_normal(4)
print("layer_norm:", check_gradients(lambda x, w, b: norm.layer_norm_forward(x, 4, w, b),
                                     norm.layer_norm_backward, list(tail)))
print("rms_norm:", check_gradients(lambda x, w: norm.rms_norm_forward(x, 4, w),
                                   norm.rms_norm_backward, list(tail[:2])))

# %% [markdown]
# ## Activations through a deep network, before and after normalization
#
# A stack of 12 linear layers with ReLU between them. With weights of
# standard deviation `gain / sqrt(fan_in)`, each layer multiplies the
# activations' second moment by about `gain^2 / 2`: a gain of 2 makes them
# grow twofold per layer, a gain of 1 halves them. Without normalization,
# after 12 layers the activations are dozens of times too large or too
# small. With batch or layer normalization before each ReLU, every layer
# starts again from mean 0 and variance 1. (The linear layers are plain NumPy
# here, so that only your normalization is under test.)

# %%
WIDTH, DEPTH, BATCH = 64, 12, 256
inputs = rng.standard_normal((BATCH, WIDTH))


def batch_norm(h):
    return norm.batch_norm_forward(h)[0][0]


def layer_norm(h):
    return norm.layer_norm_forward(h, WIDTH)[0]


def run(normalise, gain):
    """The ReLU activations after each layer (normalising the pre-activations first)."""
    weights = np.random.default_rng(2)
    h, layers = inputs, []
    for _ in range(DEPTH):
        weight = weights.standard_normal((WIDTH, WIDTH)) * gain / np.sqrt(WIDTH)
        h = np.maximum(normalise(h @ weight.T), 0)
        layers.append(h)
    return layers


variants = {"gain 2, no normalization": run(lambda h: h, 2.0),
            "gain 1, no normalization": run(lambda h: h, 1.0),
            "gain 2, batch norm": run(batch_norm, 2.0),
            "gain 1, batch norm": run(batch_norm, 1.0),
            "gain 2, layer norm": run(layer_norm, 2.0)}
styles = {name: {"ls": "--" if "no normalization" in name else "-"} for name in variants}

fig, ax = plots.figure(size=(6.5, 4))
for name, layers in variants.items():
    ax.plot(range(1, DEPTH + 1), [h.std() for h in layers], marker="o", label=name,
            **styles[name])
ax.set_yscale("log")
ax.set_xlabel("layer")
ax.set_ylabel("standard deviation of the activations")
ax.legend(fontsize="small")
plots.show(fig)

# %% [markdown]
# Per layer, the distribution of the activations (a violin per layer),
# without and with batch normalization, for gain 2: note the scales.

# %%
fig, axes = plots.figure(1, 2, size=(5, 3.2))
for ax, name in zip(axes, ("gain 2, no normalization", "gain 2, batch norm"), strict=True):
    ax.violinplot([h.ravel() for h in variants[name]], showextrema=False)
    ax.set_title(name)
    ax.set_xlabel("layer")
axes[0].set_ylabel("ReLU activation")
plots.show(fig)

# %% [markdown]
# ## Running statistics: training and evaluation
#
# A batch-norm layer sees one batch at a time. Feeding each forward's new
# running statistics back in at the next step (as `dlmath.nn.BatchNorm1d`
# does) makes them an exponential moving average of the batches'
# statistics, with weight `momentum` on the newest batch. Below, batches of
# 16 values of one channel drawn from N(3, 2^2): the running estimates
# approach the true mean 3 and variance 4 at a speed set by `momentum`.

# %%
fig, axes = plots.figure(1, 2, size=(4.5, 3.2))
for momentum in (0.02, 0.1, 0.5):
    mean, var = np.zeros(1), np.ones(1)
    means, variances = [], []
    stream = np.random.default_rng(1)
    for _ in range(150):
        batch = 3 + 2 * stream.standard_normal((16, 1))
        (_, mean, var), _ = norm.batch_norm_forward(batch, None, None, mean, var,
                                                    momentum=momentum)
        means.append(mean[0])
        variances.append(var[0])
    axes[0].plot(means, label=f"momentum {momentum}")
    axes[1].plot(variances, label=f"momentum {momentum}")
for ax, truth, what in zip(axes, (3, 4), ("running_mean", "running_var"), strict=True):
    ax.axhline(truth, color="k", ls="--", lw=0.8)
    ax.set_xlabel("batch")
    ax.set_title(what)
axes[0].legend(fontsize="small")
plots.show(fig)

# %% [markdown]
# In evaluation mode the layer no longer depends on the batch: one example
# alone (N = 1) gets the same output as inside a large batch. In training
# mode each example's output depends on the others in its batch.

# %%
batch = 3 + 2 * rng.standard_normal((8, 1))
stats = (np.array([3.0]), np.array([4.0]))
alone = norm.batch_norm_forward(batch[:1], None, None, *stats, training=False)[0][0]
together = norm.batch_norm_forward(batch, None, None, *stats, training=False)[0][0][:1]
print("evaluation mode, first example alone / in the batch:", alone.ravel(), together.ravel())
small = norm.batch_norm_forward(batch[:4], None, None, *stats)[0][0][:1]
large = norm.batch_norm_forward(batch, None, None, *stats)[0][0][:1]
print("training mode, first example in a batch of 4 / of 8:  ", small.ravel(), large.ravel())

# %% [markdown]
# ## Layer norm and RMS norm
#
# RMS normalization skips the centring: for inputs of mean zero the two
# agree, and they part ways as the mean moves away from zero.

# %%
offsets = np.linspace(-3, 3, 61)
row = rng.standard_normal(32)
gap = [np.abs(norm.layer_norm_forward(row + c, 32)[0] - norm.rms_norm_forward(row + c, 32)[0])
       .max() for c in offsets]
fig, ax = plots.figure(size=(6, 3.2))
ax.plot(offsets, gap)
ax.set_xlabel("mean added to the input")
ax.set_ylabel("max |layer_norm - rms_norm|")
plots.show(fig)

# %% [markdown]
# ## Questions
#
# **Question 1 (written, 2 points).** The last cell of the section on running
# statistics gives the first example the same output alone and inside the
# batch in evaluation mode, but different outputs in a batch of 4 and in a
# batch of 8 in training mode. Explain both in two or three sentences, and why
# a network with batch norm must be switched to evaluation mode before it
# predicts for a single example.

# %% [markdown] answer: normalization-q1 points=2
# YOUR ANSWER HERE

# %% [markdown]
# **Question 2 (numeric, 1 point).** One training-mode call of
# `batch_norm_forward` on one channel holding the four values `0, 0, 2, 2`,
# from torch's start `running_mean = 0` and `running_var = 1`, with the
# default `momentum=0.1`. What is the new running variance? Set
# `running_var_after_one` to it, to three decimals. (Predict it first; then
# check with your `batch_norm_forward` on `np.array([[0.0], [0.0], [2.0], [2.0]])`.)

# %% answer: normalization-q2
running_var_after_one = None  # a number, e.g. 1.234

# %% check: normalization-q2 points=1
assert running_var_after_one is not None, "set running_var_after_one in the cell above"

# %% [markdown]
# **Question 3 (multiple choice, 1 point).** In the section on running
# statistics, batches of 16 values from N(3, 2^2) go through batch norm with
# `momentum=0.1`, from `running_mean = 0`. After 10 batches the running mean
# is (a) about 0.3, (b) about 2, (c) about 3. Set `running_mean_choice` to
# `"a"`, `"b"` or `"c"`. (Predict it first; then read it off the curve of
# `running_mean`.)

# %% answer: normalization-q3
running_mean_choice = None  # "a", "b" or "c"

# %% check: normalization-q3 points=1
assert running_mean_choice in ("a", "b", "c"), "set running_mean_choice to 'a', 'b' or 'c'"
