# %% [markdown]
# # Unit 3: linear
#
# The fully connected layer computes `out = x @ weight.T + bias`, with
# torch's layout: `weight (out_features, in_features)`. Its backward returns
# three gradients, `grad_x`, `grad_weight` and `grad_bias`, each a matrix
# product or a sum that you derive once by indices (course.md, Chapter 5, and
# the recipe in Chapter 2).
#
# With the mean squared error, one linear layer is linear regression, which
# also has a closed-form answer: `least_squares(X, y)`. This notebook fits the
# same data both ways, with **your** `linear.py` and `losses.py`, and watches
# gradient descent walk to the closed-form solution.

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
# Your `linear.py` and `losses.py` are read from the folder `UNITS`: this
# notebook's folder by default (or `$DLMATH_UNITS`). Run this cell again
# after editing them.

# %%
UNITS = os.environ.get("DLMATH_UNITS", ".")
units.use(UNITS)
units.clear_cache()
linear = units.load("linear")
losses = units.load("losses")
print("linear.py and losses.py from", units.folder())

# %% [markdown]
# ## Data, and the closed-form fit
#
# Sixty noisy points around the line `y = 1.5 x - 0.7`. `least_squares`
# returns the weight and bias that minimise the squared error exactly.

# %%
rng = np.random.default_rng(0)
x = rng.uniform(-3, 3, (60, 1))  # (N, in_features=1)
y = 1.5 * x - 0.7 + 0.8 * rng.standard_normal((60, 1))  # (N, out_features=1)
weight_ls, bias_ls = linear.least_squares(x, y)
best, _ = losses.mse_loss_forward(linear.linear_forward(x, weight_ls, bias_ls)[0], y)
print(f"least squares: weight {weight_ls[0, 0]:.4f}, bias {bias_ls[0]:.4f}, "
      f"MSE {float(best):.4f}")

# %% [markdown]
# ## Gradient descent on the same data
#
# One step: forward through your linear layer and your MSE, backward through
# both (the chain rule, by hand), then `parameter -= lr * gradient`. The path
# of `(weight, bias)` is drawn on the contours of the loss; it should end on
# the star, the least-squares solution.

# %%
weight, bias = np.array([[-2.0]]), np.array([3.0])
lr, steps = 0.1, 60
path, history, snapshots = [(weight[0, 0], bias[0])], [], {}
for step in range(steps):
    pred, linear_cache = linear.linear_forward(x, weight, bias)
    loss, loss_cache = losses.mse_loss_forward(pred, y)
    grad_pred = losses.mse_loss_backward(1.0, loss_cache)
    _, grad_weight, grad_bias = linear.linear_backward(grad_pred, linear_cache)
    if step in (0, 2, 5, 10, 20):
        snapshots[step] = (weight.copy(), bias.copy())
    weight, bias = weight - lr * grad_weight, bias - lr * grad_bias
    history.append(float(loss))
    path.append((weight[0, 0], bias[0]))
snapshots[steps] = (weight, bias)
print(f"gradient descent after {steps} steps: weight {weight[0, 0]:.4f}, bias {bias[0]:.4f}")


def surface(w, b):
    """The MSE of the line (w, b) on the data, for arrays of w and b."""
    residuals = w[..., None] * x[:, 0] + b[..., None] - y[:, 0]
    return np.mean(residuals**2, axis=-1)


fig, axes = plots.figure(1, 3, size=(4.3, 3.6))
grid = np.linspace(-3.2, 3.2, 2)[:, None]
axes[0].scatter(x[:, 0], y[:, 0], s=10, color="0.4")
for k, (step, (w, b)) in enumerate(snapshots.items()):
    line, _ = linear.linear_forward(grid, w, b)
    shade = 0.85 - 0.75 * k / (len(snapshots) - 1)  # light early, dark late
    axes[0].plot(grid, line, color=(shade, shade, 1.0), lw=1.5, label=f"GD step {step}")
axes[0].plot(grid, linear.linear_forward(grid, weight_ls, bias_ls)[0], "k--", lw=2,
             label="least squares")
axes[0].set_title("fits")
axes[0].legend(fontsize="x-small")

axes[1].plot(history, label="gradient descent")
axes[1].axhline(float(best), color="k", ls="--", label="least squares")
axes[1].set_yscale("log")
axes[1].set_xlabel("step")
axes[1].set_title("MSE")
axes[1].legend(fontsize="small")

plots.loss_surface(axes[2], surface, (-2.5, 3.5), (-2.5, 3.5), title="path of (weight, bias)")
plots.path(axes[2], np.array(path), minimum=(weight_ls[0, 0], bias_ls[0]))
axes[2].set_xlabel("weight")
axes[2].set_ylabel("bias")
plots.show(fig)

# %% [markdown]
# ## Linear in the parameters, not in `x`
#
# A linear layer on the features `[x, x^2, ..., x^d]` fits polynomials:
# the model is still linear in its weights, so `least_squares` solves it.
# Twelve noisy samples of a sine: degree 1 underfits, degree 3 is about right,
# and degree 15 has more weights than samples. Then the minimiser is not
# unique, and `least_squares` returns the one of minimum norm: it passes
# through every point.

# %%
rng = np.random.default_rng(3)
t = np.sort(rng.uniform(-1, 1, 12))
target = np.sin(3 * t) + 0.15 * rng.standard_normal(12)
dense = np.linspace(-1, 1, 400)


def powers(values, degree):
    """The features [v, v^2, ..., v^degree] of each value, shape (len(values), degree)."""
    return values[:, None] ** np.arange(1, degree + 1)


fig, ax = plots.figure(size=(6.5, 3.8))
ax.plot(dense, np.sin(3 * dense), color="0.6", lw=4, alpha=0.5, label="sin(3t)")
ax.scatter(t, target, color="k", zorder=5, label="12 samples")
for degree in (1, 3, 15):
    w, b = linear.least_squares(powers(t, degree), target)
    fitted, _ = linear.linear_forward(powers(dense, degree), w, b)
    ax.plot(dense, fitted[:, 0], label=f"degree {degree}")
ax.set_ylim(-2, 2)
ax.legend(fontsize="small", ncols=2)
ax.set_title("least-squares polynomial fits")
ax.set_xlabel("t")
plots.show(fig)

# %% [markdown]
# ## Questions
#
# **Question 1 (written, 2 points).** `linear_backward` returns `grad_weight`
# of shape `(out, in)`. Explain in two or three sentences why it is a sum over
# every row of `x` (every sample, and every time step when `x` has more
# leading axes), and what goes wrong if you compute `x.T @ grad_output`
# instead.

# %% [markdown] answer: linear-q1 points=2
# YOUR ANSWER HERE

# %% [markdown]
# **Question 2 (1 point).** Predict, then check: counting multiply-adds, how many times the cost of
# the forward `x @ weight.T` (for `x` of shape `(M, D)` and `weight` `(K,
# D)`) is the cost of the backward's two matrix products? Set
# `backward_over_forward` to that ratio.

# %% answer: linear-q2
backward_over_forward = None  # a number

# %% check: linear-q2 points=1
assert backward_over_forward is not None, "set backward_over_forward in the cell above"

# %% [markdown]
# ## Check your gradients
#
# The layer accepts any leading dimensions, `x (*, in_features)`: check a
# batch of shape `(2, 3)`.

# %%
rng = np.random.default_rng(1)
inputs = [rng.standard_normal((2, 3, 4)), rng.standard_normal((5, 4)), rng.standard_normal(5)]
result = check_gradients(linear.linear_forward, linear.linear_backward, inputs)
