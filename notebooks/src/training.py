# %% [markdown]
# # Unit 9: training
#
# The helpers around a training loop, each with torch's arithmetic:
#
# * **dropout** zeroes each activation with probability `p` while training
#   and scales the survivors by `1/(1-p)`, so that nothing changes on
#   average; in evaluation mode it does nothing;
# * **gradient clipping** rescales all gradients together when their joint
#   norm exceeds `max_norm` (`torch.nn.utils.clip_grad_norm_`);
# * **learning-rate schedules** give the rate at each step (`StepLR`,
#   `CosineAnnealingLR`, a linear warm-up then a cosine, `OneCycleLR`);
# * **initialisation** draws the first weights with the bounds of
#   `torch.nn.init` (Kaiming, Xavier) and their gains.
#
# Randomness comes from `numpy.random.default_rng(seed)`: the same seed gives
# the same mask or the same weights. This notebook runs **your**
# `training.py`.

# %% [markdown]
# <!-- dlmath:exercises -->

# %%
import os

import numpy as np

from dlmath import plots, units

# %% [markdown]
# ## Your unit file
#
# Your `training.py` is read from the folder `UNITS`: this notebook's folder
# by default (or `$DLMATH_UNITS`). Run this cell again after editing it.

# %%
UNITS = os.environ.get("DLMATH_UNITS", ".")
units.use(UNITS)
units.clear_cache()
train = units.load("training")
print("training.py from", units.folder())

# %% [markdown]
# ## Dropout masks
#
# Your `dropout_forward` on an array of ones, for three values of `p`: dark
# cells are dropped, the others hold `1/(1-p)`. The same seed gives the same
# mask; another seed, another one.

# %%
ones = np.ones((16, 40))
fig, axes = plots.figure(1, 4, size=(3.2, 1.8))
for ax, (p, seed) in zip(axes, [(0.2, 0), (0.5, 0), (0.5, 1), (0.8, 0)], strict=True):
    out, _ = train.dropout_forward(ones, p, seed=seed)
    plots.heatmap(ax, out, title=f"p={p}, seed={seed}")
    ax.set_xticks([])
    ax.set_yticks([])
plots.show(fig)

# %% [markdown]
# Dropping a fraction `p` and scaling the rest by `1/(1-p)` keeps the mean:
# on 100,000 values the dropped fraction sits on the diagonal and the ratio
# of the means stays at 1, whatever `p`.

# %%
x = np.random.default_rng(0).random(100_000) + 0.5
ps = np.linspace(0.05, 0.95, 19)
outs = [train.dropout_forward(x, p, seed=3)[0] for p in ps]
fig, axes = plots.figure(1, 2, size=(4, 3.2))
axes[0].plot(ps, [np.mean(out == 0) for out in outs], "o")
axes[0].plot([0, 1], [0, 1], "k--", lw=0.8)
axes[0].set_xlabel("p")
axes[0].set_title("fraction dropped")
axes[1].plot(ps, [out.mean() / x.mean() for out in outs], "o")
axes[1].set_ylim(0.9, 1.1)
axes[1].set_xlabel("p")
axes[1].set_title("mean(out) / mean(x)")
plots.show(fig)

# %% [markdown]
# ## Dropout's train/eval gap
#
# A network with one hidden layer of 256 ReLUs fits 30 noisy samples of a
# sine (plain NumPy for the layers, your dropout after the hidden layer),
# with full-batch gradient descent. The loss on the training data is
# measured twice: in training mode (with a fresh mask at every step, what
# the optimizer sees) and in evaluation mode (dropout off, what the model
# predicts). Without dropout the two coincide. With dropout the
# training-mode loss stays well above the evaluation-mode one: that is the
# gap, the price of training with half the units missing, and the reason a
# model must be switched to evaluation mode before it is used. (Whether
# dropout also lowers the error on fresh data depends on how much the model
# overfits; compare the two error curves on fresh data.)

# %%
data = np.random.default_rng(1)
x_train = np.sort(data.uniform(-3, 3, (30, 1)), axis=0)
y_train = np.sin(x_train) + 0.3 * data.standard_normal(x_train.shape)
x_test = np.linspace(-3, 3, 200)[:, None]
y_test = np.sin(x_test)
HIDDEN, STEPS, LR = 256, 3000, 0.002


def mlp(params, x, p, training, seed):
    """Prediction and a backward function for one hidden layer with dropout."""
    w1, b1, w2, b2 = params
    pre = x @ w1.T + b1
    hidden = np.maximum(pre, 0)
    dropped, cache = train.dropout_forward(hidden, p, training=training, seed=seed)
    out = dropped @ w2.T + b2

    def backward(grad_out):
        grad_dropped = grad_out @ w2
        grad_pre = train.dropout_backward(grad_dropped, cache) * (pre > 0)
        return (grad_pre.T @ x, grad_pre.sum(0), grad_out.T @ dropped, grad_out.sum(0))

    return out, backward


def fit(p):
    init = np.random.default_rng(2)
    params = [init.standard_normal((HIDDEN, 1)), init.uniform(-3, 3, HIDDEN),
              init.standard_normal((1, HIDDEN)) / np.sqrt(HIDDEN), np.zeros(1)]
    history = {"training data, training mode": [], "training data, eval mode": [],
               "fresh data, eval mode": []}
    for step in range(STEPS):
        out, backward = mlp(params, x_train, p, True, seed=step)
        history["training data, training mode"].append(np.mean((out - y_train) ** 2))
        grads = backward(2 * (out - y_train) / len(x_train))
        params = [w - LR * g for w, g in zip(params, grads, strict=True)]
        if step % 25 == 0 or step == STEPS - 1:
            for key, (xs, ys) in (("training data, eval mode", (x_train, y_train)),
                                  ("fresh data, eval mode", (x_test, y_test))):
                pred, _ = mlp(params, xs, p, False, seed=None)
                history[key].append((step, np.mean((pred - ys) ** 2)))
    return params, history


fits = {p: fit(p) for p in (0.0, 0.5)}

fig, axes = plots.figure(1, 3, size=(4, 3.3))
for ax, (p, (_, history)) in zip(axes[:2], fits.items(), strict=True):
    ax.plot(history["training data, training mode"], lw=0.5, alpha=0.6,
            label="training data, training mode")
    for key in ("training data, eval mode", "fresh data, eval mode"):
        steps, losses = np.array(history[key]).T
        ax.plot(steps, losses, label=key)
    ax.set_yscale("log")
    ax.set_ylim(0.01, 1)
    ax.set_xlabel("step")
    ax.set_title(f"dropout p={p}: mean squared error")
    ax.legend(fontsize="x-small")
axes[2].plot(x_train, y_train, "k.", label="training data")
axes[2].plot(x_test, y_test, "k--", lw=0.8, label="sin(x)")
for p, (params, _) in fits.items():
    axes[2].plot(x_test, mlp(params, x_test, p, False, None)[0], label=f"p={p}, eval mode")
axes[2].legend(fontsize="x-small")
axes[2].set_title("the fitted functions")
plots.show(fig)

# %% [markdown]
# ## Gradient clipping
#
# Random gradients for a small model (a 3x3 convolution, its bias, a linear
# layer), at scales from 0.01 to 100, clipped with `max_norm=1` by your
# `clip_grad_norm`. Below the limit nothing changes; above it, the joint norm
# becomes (just under) 1, and every gradient is scaled by the same factor,
# so their direction is kept.

# %%
shapes = [(8, 3, 3, 3), (8,), (10, 72)]
draw = np.random.default_rng(4)
before, after = [], []
for scale in np.logspace(-2, 2, 60):
    grads = [draw.standard_normal(s) * scale / 20 for s in shapes]
    clipped, total = train.clip_grad_norm(grads, 1.0)
    before.append(total)
    after.append(np.sqrt(sum(np.sum(g**2) for g in clipped)))
fig, ax = plots.figure(size=(5, 3.6))
ax.loglog(before, after, "o", ms=3, label="after clipping")
ax.loglog(before, before, "k--", lw=0.8, label="no clipping")
ax.set_xlabel("total norm before")
ax.set_ylabel("total norm after")
ax.legend()
plots.show(fig)

# %% [markdown]
# ## Learning-rate schedules
#
# Every schedule of your `lr_at` over 100 steps, for `base_lr = 0.1`: the
# values that `optimizer.param_groups[0]["lr"]` holds in torch after that
# many calls of `scheduler.step()`. The cosine is drawn past its `T_max`
# (where torch's cosine turns back up); the warm-up reaches `base_lr` at the
# milestone and the cosine takes over from there.

# %%
STEPS_SHOWN = 100
schedules = {
    "step (step_size=25, gamma=0.5)": ("step", {"step_size": 25, "gamma": 0.5}),
    "cosine (T_max=80, eta_min=0.005)": ("cosine", {"T_max": 80, "eta_min": 0.005}),
    "warm-up 10, then cosine to 100": ("linear_warmup_cosine",
                                       {"warmup_steps": 10, "total_steps": 100}),
    "one cycle (max_lr=0.2, 100 steps)": ("onecycle", {"max_lr": 0.2, "total_steps": 100}),
}
steps = np.arange(STEPS_SHOWN + 1)
fig, axes = plots.figure(2, 2, size=(4, 2.8))
for ax, (title, (name, kwargs)) in zip(axes.ravel(), schedules.items(), strict=True):
    ax.plot(steps, [train.lr_at(int(t), name, 0.1, **kwargs) for t in steps])
    ax.set_title(title, fontsize="small")
    ax.set_xlabel("step")
    ax.set_ylabel("lr")
plots.show(fig)

# %% [markdown]
# ## Initialisation
#
# The same 20-layer ReLU network (plain NumPy) with weights from your
# initialisers: Kaiming's bound keeps the activations' scale through depth
# for ReLU (gain sqrt(2)); Xavier's (gain 1, made for tanh and linear
# layers) loses about half the variance at every ReLU; and torch's default
# for `nn.Linear`, `kaiming_uniform(a=sqrt(5))`, shrinks them faster.

# %%
DEPTH, WIDTH = 20, 256
inits = {
    "kaiming_uniform(nonlinearity='relu')":
        lambda shape, seed: train.kaiming_uniform(shape, nonlinearity="relu", seed=seed),
    "xavier_uniform()": lambda shape, seed: train.xavier_uniform(shape, seed=seed),
    "kaiming_uniform(a=sqrt(5)) (torch's Linear default)":
        lambda shape, seed: train.kaiming_uniform(shape, a=np.sqrt(5), seed=seed),
}
h0 = np.random.default_rng(5).standard_normal((512, WIDTH))
fig, ax = plots.figure(size=(6.5, 3.8))
for name, init in inits.items():
    h, stds = h0, []
    for layer in range(DEPTH):
        h = np.maximum(h @ init((WIDTH, WIDTH), layer).T, 0)
        stds.append(h.std())
    ax.plot(range(1, DEPTH + 1), stds, marker="o", label=name)
ax.set_yscale("log")
ax.set_xlabel("layer")
ax.set_ylabel("standard deviation of the activations")
ax.legend(fontsize="small")
plots.show(fig)
print("gains:", {name: round(train.calculate_gain(name), 4)
                 for name in ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "selu")})

# %% [markdown]
# ## Questions
#
# **Question 1 (written, 2 points).** In the section on dropout's train/eval
# gap, with `p=0.5` the loss measured in training mode stays above the loss
# measured in evaluation mode on the same training data, while without
# dropout the two coincide. Explain why in two or three sentences, and what
# would go wrong if the fitted model were used to predict while still in
# training mode.

# %% [markdown] answer: training-q1 points=2
# YOUR ANSWER HERE

# %% [markdown]
# **Question 2 (numeric, 1 point).** `kaiming_uniform` draws from `U(-b, b)`.
# What is the bound `b` for a convolution weight of shape `(64, 3, 3, 3)`
# with `nonlinearity='relu'` and the defaults `a=0` and `mode='fan_in'`? Set
# `kaiming_bound` to it, to three decimals. (Predict it first; then check
# with the largest absolute value of your `kaiming_uniform`'s draws for that
# shape, which comes just under `b`.)

# %% answer: training-q2
kaiming_bound = None  # a number, e.g. 1.234

# %% check: training-q2 points=1
assert kaiming_bound is not None, "set kaiming_bound in the cell above"

# %% [markdown]
# **Question 3 (multiple choice, 1 point).** Dropout scales the values it
# keeps by `1/(1-p)` so that, in training mode, (a) the expected value of
# each output equals its input, (b) the variance of each output equals its
# input's, (c) the number of nonzero outputs stays the same. Set
# `dropout_choice` to `"a"`, `"b"` or `"c"`. (Predict it first; then check
# with the two plots of the section on dropout masks.)

# %% answer: training-q3
dropout_choice = None  # "a", "b" or "c"

# %% check: training-q3 points=1
assert dropout_choice in ("a", "b", "c"), "set dropout_choice to 'a', 'b' or 'c'"
