# %% [markdown]
# # Unit 4: optim
#
# An optimizer turns gradients into steps. Each function of this unit is one
# step for one parameter array, `param, state = NAME_update(param, grad,
# state, lr=..., ...)`, with the arithmetic of the matching `torch.optim`
# class: SGD (with momentum, dampening, Nesterov and weight decay), RMSprop,
# Adam and AdamW. `state` carries what the method remembers between steps:
# a velocity, running averages of the gradient and of its square, a step
# count. The update rules are in `course.md`, Chapter 6.
#
# This notebook runs **your** `optim.py` on two famous 2-D surfaces, where a
# parameter is a point `(x, y)` and every step can be drawn.

# %% [markdown]
# <!-- dlmath:exercises -->

# %%
import os

import numpy as np

from dlmath import plots, units

# %% [markdown]
# ## Your unit file
#
# Your `optim.py` is read from the folder `UNITS`: this notebook's folder by
# default (or `$DLMATH_UNITS`). Run this cell again after editing it.

# %%
UNITS = os.environ.get("DLMATH_UNITS", ".")
units.use(UNITS)
units.clear_cache()
optim = units.load("optim")
print("optim.py from", units.folder())

# %% [markdown]
# ## Two loss surfaces
#
# * An ill-conditioned quadratic, `f(x, y) = (x^2 + 25 y^2) / 2`: a long
#   narrow valley, 25 times steeper across than along. The minimum is `(0, 0)`.
# * Rosenbrock's banana, `f(x, y) = (1 - x)^2 + 100 (y - x^2)^2`: a curved
#   valley with a flat floor. The minimum is `(1, 1)`.
#
# `run` calls your update function again and again, passing the state back,
# exactly as `dlmath.optim` (and `torch.optim`) do for every parameter.

# %%
def quadratic(x, y):
    return 0.5 * (x**2 + 25 * y**2)


def quadratic_grad(p):
    return np.array([p[0], 25 * p[1]])


def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def rosenbrock_grad(p):
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


def run(update, grad_fn, start, steps, **hyper):
    """The points visited by `steps` updates from `start`, shape (steps + 1, 2)."""
    param, state = np.array(start, dtype=np.float64), None
    points = [param]
    for _ in range(steps):
        param, state = update(param, grad_fn(param), state, **hyper)
        points.append(param)
    return np.array(points)


SURFACES = {
    "quadratic": dict(f=quadratic, grad=quadratic_grad, start=(-4.0, 1.5), steps=100,
                      minimum=(0, 0), xlim=(-4.5, 1.5), ylim=(-2, 2), optimizers={
                          "SGD, lr=0.07": (optim.sgd_update, {"lr": 0.07}),
                          "momentum 0.9, lr=0.01": (optim.sgd_update,
                                                    {"lr": 0.01, "momentum": 0.9}),
                          "RMSprop, lr=0.1": (optim.rmsprop_update, {"lr": 0.1}),
                          "Adam, lr=0.3": (optim.adam_update, {"lr": 0.3}),
                      }),
    "Rosenbrock": dict(f=rosenbrock, grad=rosenbrock_grad, start=(-1.5, 2.0), steps=2000,
                       minimum=(1, 1), xlim=(-2, 2), ylim=(-1, 3), optimizers={
                           "SGD, lr=5e-4": (optim.sgd_update, {"lr": 5e-4}),
                           "momentum 0.9, lr=1e-4": (optim.sgd_update,
                                                     {"lr": 1e-4, "momentum": 0.9}),
                           "RMSprop, lr=0.01": (optim.rmsprop_update, {"lr": 0.01}),
                           "Adam, lr=0.05": (optim.adam_update, {"lr": 0.05}),
                       }),
}
paths = {surface: {name: run(update, spec["grad"], spec["start"], spec["steps"], **hyper)
                   for name, (update, hyper) in spec["optimizers"].items()}
         for surface, spec in SURFACES.items()}

# %% [markdown]
# ## The paths, side by side
#
# Open circle: the start; square: where the method is after the last step;
# star: the minimum. On the quadratic, plain SGD zig-zags across the valley
# (its learning rate is limited by the steep direction), momentum overshoots
# and swings back, and RMSprop and Adam rescale each coordinate, so they head
# straight down. On Rosenbrock, SGD crawls along the flat floor while the
# adaptive methods travel the banana.

# %%
fig, axes = plots.figure(2, 4, size=(3.4, 3.2))
for row, (surface, spec) in zip(axes, SURFACES.items(), strict=True):
    for k, (ax, (name, points)) in enumerate(zip(row, paths[surface].items(), strict=True)):
        plots.loss_surface(ax, spec["f"], spec["xlim"], spec["ylim"],
                           title=f"{surface}: {name}")
        plots.path(ax, points, color=f"C{k}", minimum=spec["minimum"])
        ax.title.set_fontsize("small")
plots.show(fig)

# %% [markdown]
# ## Loss per step
#
# The same runs, as the value of the function along each path.

# %%
fig, axes = plots.figure(1, 2, size=(5, 3.5))
for ax, (surface, spec) in zip(axes, SURFACES.items(), strict=True):
    for name, points in paths[surface].items():
        ax.plot(spec["f"](points[:, 0], points[:, 1]) + 1e-16, label=name)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_title(f"{surface}: f along the path")
    ax.legend(fontsize="x-small")
plots.show(fig)

# %% [markdown]
# ## The learning rate of SGD on the quadratic
#
# Along the steep direction SGD multiplies the error by `1 - 25 lr` each
# step: it shrinks when `lr < 2/25 = 0.08` and blows up beyond. Just below
# the limit it converges while flipping sign every step (the zig-zag above);
# just above it diverges.

# %%
fig, ax = plots.figure(size=(6, 3.5))
for lr in (0.01, 0.04, 0.07, 0.079, 0.081):
    points = run(optim.sgd_update, quadratic_grad, (-4.0, 1.5), 100, lr=lr)
    ax.plot(quadratic(points[:, 0], points[:, 1]), label=f"lr = {lr}")
ax.set_yscale("log")
ax.set_xlabel("step")
ax.set_ylabel("f")
ax.legend(fontsize="small")
plots.show(fig)

# %% [markdown]
# ## Adam's bias correction
#
# Adam's running averages start at zero, so early on they underestimate the
# gradient's moments; dividing by `1 - beta^t` corrects this. With the
# correction, Adam's first step has length `lr` in every coordinate,
# whatever the gradient's scale. Below: the first steps taken by your
# `adam_update` for a constant gradient multiplied by 1, 1000 and 0.001.

# %%
for scale in (1.0, 1e3, 1e-3):
    param, state = np.zeros(2), None
    steps = []
    for _ in range(3):
        new_param, state = optim.adam_update(param, scale * np.array([1.0, -2.0]), state,
                                             lr=0.1)
        steps.append(new_param - param)
        param = new_param
    print(f"gradient x {scale:g}: first three steps",
          "  ".join(f"[{s[0]:+.4f} {s[1]:+.4f}]" for s in steps))
beta1, beta2 = 0.9, 0.999
print(f"without the correction the first step would be lr * (1 - beta1) / sqrt(1 - beta2)"
      f" = {(1 - beta1) / np.sqrt(1 - beta2):.2f} lr")

# %% [markdown]
# ## Questions
#
# **Question 1 (written, 2 points).** On the quadratic above, why does
# momentum reach the minimum in fewer steps than plain gradient descent at the
# same learning rate, and why can it overshoot? Answer in two or three
# sentences.

# %% [markdown] answer: optim-q1 points=2
# YOUR ANSWER HERE

# %% [markdown]
# **Question 2 (1 point).** Predict, then check with your `sgd_update`: a constant gradient `g = 1`,
# `momentum=0.9`, `dampening=0.5`. What does the momentum buffer tend to
# after many steps? Set `buffer_limit` to that number.

# %% answer: optim-q2
buffer_limit = None  # a number

# %% check: optim-q2 points=1
assert buffer_limit is not None, "set buffer_limit in the cell above"
