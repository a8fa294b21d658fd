# %% [markdown]
# # Unit 5: conv
#
# A 2-D convolution slides small kernels over an image. Each output pixel is
# the dot product of a kernel with the patch under it, plus a bias:
# `out[n, o, i, j] = bias[o] + sum_{c,p,q} weight[o, c, p, q] * x_pad[n, c, i*s + p, j*s + q]`
# (a cross-correlation: the kernel is not flipped, as in torch). Seen as a
# linear layer, it shares one small weight matrix across all positions.
# Max pooling keeps the largest value of each window and sends the gradient
# back to that element only. Derivations, stride, padding and the backward
# are in `course.md`, Chapter 7.
#
# This notebook runs **your** `conv.py` on scikit-learn's bundled 8x8 digits.

# %% [markdown]
# <!-- dlmath:exercises -->

# %%
import os

import numpy as np
from sklearn.datasets import load_digits

from dlmath import plots, units
from dlmath.capstones import cnn_digits
from dlmath.gradcheck import check_gradients

# %% [markdown]
# ## Your unit files
#
# Your `conv.py` is read from the folder `UNITS`: this notebook's folder by
# default (or `$DLMATH_UNITS`). Run this cell again after editing it. The
# trained network at the end also uses your `activations.py`, `linear.py`,
# `losses.py` and `optim.py`.

# %%
UNITS = os.environ.get("DLMATH_UNITS", ".")
units.use(UNITS)
units.clear_cache()
conv = units.load("conv")
print("conv.py from", units.folder())

# %% [markdown]
# ## Hand-made filters
#
# Before any learning: five 3x3 kernels chosen by hand. Sobel kernels respond
# to vertical and horizontal edges (red on one side of a stroke, blue on the
# other), a diagonal kernel to one slant, the mean blurs, and the Laplacian
# responds to spots and thin lines.

# %%
digits = load_digits()
first_of_each = [int(np.argmax(digits.target == d)) for d in range(6)]
x = digits.images[first_of_each][:, None] / 16.0  # (6, 1, 8, 8): batch, channel, height, width
filters = {
    "vertical edges": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "horizontal edges": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "diagonal": [[0, 1, 2], [-1, 0, 1], [-2, -1, 0]],
    "blur": [[1 / 9] * 3] * 3,
    "Laplacian": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
}
weight = np.array(list(filters.values()), dtype=np.float64)[:, None]  # (5, 1, 3, 3)
plots.show(plots.image_grid(weight[:, 0], col_labels=list(filters), centered=True, size=1.6))

# %% [markdown]
# Your `conv2d_forward` with `padding=1` keeps the 8x8 size. First column:
# the digit; then one feature map per filter.

# %%
maps, _ = conv.conv2d_forward(x, weight, padding=1)  # (6, 5, 8, 8)
rows = [[x[n, 0], *maps[n]] for n in range(len(x))]
fig = plots.image_grid(rows, col_labels=["input", *filters], centered=[False] + [True] * 5,
                       row_labels=[f"digit {d}" for d in range(6)], size=1.5)
plots.show(fig)

# %% [markdown]
# ## Max pooling
#
# ReLU, then your `max_pool2d_forward` with 2x2 windows: each 8x8 map becomes
# 4x4, keeping the strongest response of each window. The network downstream
# sees *whether* a feature occurs in a region, not exactly where.

# %%
relu_maps = np.maximum(maps[2], 0)[None]  # the digit 2, (1, 5, 8, 8)
pooled, _ = conv.max_pool2d_forward(relu_maps, 2)  # (1, 5, 4, 4)
fig = plots.image_grid([list(relu_maps[0]), list(pooled[0])], col_labels=list(filters),
                       row_labels=["ReLU, 8x8", "max pool, 4x4"], cmap="magma", size=1.6)
plots.show(fig)

# %% [markdown]
# ## Output sizes
#
# `H_out = (H + 2 * padding - kH) // stride + 1`, and likewise for the width.

# %%
for stride, padding in [(1, 0), (1, 1), (2, 0), (2, 1), (3, 1)]:
    out, _ = conv.conv2d_forward(x, weight, stride=stride, padding=padding)
    print(f"8x8 input, 3x3 kernel, stride {stride}, padding {padding}: "
          f"output {out.shape[2]}x{out.shape[3]}  (formula: {(8 + 2 * padding - 3) // stride + 1})")

# %% [markdown]
# ## Filters that were learned
#
# The capstone network (`dlmath.capstones.cnn_digits`: a 3x3 convolution
# with 32 filters, ReLU, max pool, linear), trained for three epochs with
# your units. Its kernels start as random noise; look for the ones that
# became oriented edge detectors, a light side against a dark side, like the
# hand-made ones (a 3x3 kernel is small: many are hard to read).

# %%
data = cnn_digits.load_data()
model = cnn_digits.build_model(seed=0)
epoch_losses = cnn_digits.fit(model, data["x_train"], data["y_train"], epochs=3)
accuracy = np.mean(cnn_digits.predict(model, data["x_test"]) == data["y_test"])
print(f"loss per epoch {np.round(epoch_losses, 3)}; test accuracy {accuracy:.3f}")
learned = model[0].weight.data[:, 0]  # (32, 3, 3)
fig = plots.image_grid([list(learned[:16]), list(learned[16:])], centered=True, size=0.9,
                       suptitle="the 32 learned kernels")
plots.show(fig)

# %% [markdown]
# And what the learned filters see in one test digit (after the ReLU):

# %%
image = data["x_test"][:1]  # (1, 1, 8, 8)
features = np.maximum(model[0](image), 0)[0]  # (32, 8, 8), your conv2d_forward
fig = plots.image_grid([[image[0, 0]], list(features[:16]), list(features[16:])],
                       row_labels=[f"digit {data['y_test'][0]}", "feature maps", ""],
                       cmap="magma", size=0.9)
plots.show(fig)

# %% [markdown]
# ## Questions
#
# **Question 1 (written, 2 points).** For an input of height 6, a kernel of
# height 3, stride 2 and no padding, one input row is in no window. Which one,
# what is its gradient, and why does a backward computed as a full correlation
# of the dilated `grad_output` with the flipped kernel come out one row short?

# %% [markdown] answer: conv-q1 points=2
# YOUR ANSWER HERE

# %% [markdown]
# **Question 2 (1 point).** Predict, then check: the output height of `conv2d`
# for an input of height 7, a kernel of height 3, padding 1 and stride 2. Set
# `output_height` to it.

# %% answer: conv-q2
output_height = None  # an integer

# %% check: conv-q2 points=1
assert output_height is not None, "set output_height in the cell above"

# %% [markdown]
# ## Check your gradients
#
# A convolution with stride 2 and padding 1, and a max pooling with
# overlapping windows (kernel 3, stride 2).

# %%
rng = np.random.default_rng(1)
inputs = [rng.standard_normal((2, 3, 5, 5)), rng.standard_normal((4, 3, 3, 3)),
          rng.standard_normal(4)]
result = check_gradients(conv.conv2d_forward, conv.conv2d_backward, inputs,
                         {"stride": 2, "padding": 1})
result = check_gradients(conv.max_pool2d_forward, conv.max_pool2d_backward,
                         [rng.standard_normal((2, 2, 7, 7))], {"kernel_size": 3, "stride": 2})
