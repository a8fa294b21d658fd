# %% [markdown]
# # Unit 7: attention
#
# Attention lets every position of a sequence look at every other one and
# decide how much of each to take. Scaled dot-product attention computes
# `softmax(query @ key^T / sqrt(E)) @ value`: each row of the softmax is a set
# of *attention weights* over the keys, summing to 1. A boolean mask forbids
# some pairs (the causal mask forbids looking ahead). Multi-head
# self-attention projects the same sequence into queries, keys and values
# several times, attends in each head, and mixes the heads with an output
# projection. Derivations are in `course.md`, Chapter 9.
#
# This notebook runs **your** `attention.py` and draws attention weights:
# random ones, masked ones, and those of a trained model.

# %% [markdown]
# <!-- dlmath:exercises -->

# %%
import os

import numpy as np

from dlmath import plots, units
from dlmath.capstones import attention_sequence
from dlmath.gradcheck import check_gradients

# %% [markdown]
# ## Your unit files
#
# Your `attention.py` is read from the folder `UNITS`: this notebook's folder
# by default (or `$DLMATH_UNITS`). Run this cell again after editing it. The
# trained model below also uses your `linear.py`, `losses.py` and `optim.py`.

# %%
UNITS = os.environ.get("DLMATH_UNITS", ".")
units.use(UNITS)
units.clear_cache()
attention = units.load("attention")
print("attention.py from", units.folder())


def attention_weights(query, key, **mask):
    """The softmax weights `(..., L, S)` computed by YOUR attention forward.

    With `value` = the identity matrix, `weights @ value` is the weights themselves.
    """
    S = key.shape[-2]
    identity = np.eye(S) * np.ones((*query.shape[:-2], 1, 1))  # (..., S, S)
    weights, _ = attention.scaled_dot_product_attention_forward(query, key, identity, **mask)
    return weights


# %% [markdown]
# ## Attention weights, with and without masks
#
# Eight positions with random queries and keys. Row `i` is where query `i`
# looks; every row sums to 1. The causal mask (`is_causal=True`) allows key
# `j` only for `j <= i`: the weights above the diagonal become exactly 0 and
# each row renormalises over what is left, so a position never sees the
# future. A padding mask (`attn_mask`, True where allowed) hides the last
# three keys, as if they were padding after a short sentence.

# %%
rng = np.random.default_rng(0)
L, E = 8, 16
query, key = rng.standard_normal((L, E)), rng.standard_normal((L, E))
padding = np.arange(L) < L - 3  # (S,): the last three keys are padding
panels = {
    "no mask": attention_weights(query, key),
    "causal mask (is_causal=True)": attention_weights(query, key, is_causal=True),
    "padding mask (attn_mask)": attention_weights(query, key, attn_mask=padding),
}
fig, axes = plots.figure(1, 3, size=(4.2, 3.8))
for ax, (title, weights) in zip(axes, panels.items(), strict=True):
    plots.heatmap(ax, weights, title=title, xlabel="key position j", ylabel="query position i",
                  vmin=0, vmax=1, annotate=True, fmt="{:.1f}", colorbar=False)
plots.show(fig)
print("every row sums to 1:", all(np.allclose(w.sum(axis=-1), 1) for w in panels.values()))

# %% [markdown]
# ## Why divide by `sqrt(E)`?
#
# For random vectors with unit-variance entries, `q . k` has variance `E`. In
# high dimension, unscaled scores are large and the softmax saturates: each
# row puts nearly all its weight on one key, and its gradient nearly
# vanishes. Dividing by `sqrt(E)` brings the variance back to 1. Unscaled
# attention is emulated here by multiplying the queries by `sqrt(E)`.

# %%
E = 256
query, key = rng.standard_normal((L, E)), rng.standard_normal((L, E))
scaled = attention_weights(query, key)
unscaled = attention_weights(query * np.sqrt(E), key)
fig, axes = plots.figure(1, 2, size=(4.2, 3.8))
for ax, (title, weights) in zip(axes, {f"scaled, E = {E}": scaled,
                                       "unscaled": unscaled}.items(), strict=True):
    entropy = -np.sum(weights * np.log(np.maximum(weights, 1e-300)), axis=-1).mean()
    plots.heatmap(ax, weights, title=f"{title} (mean entropy {entropy:.2f})",
                  xlabel="key position j", ylabel="query position i", vmin=0, vmax=1,
                  colorbar=False)
plots.show(fig)

# %% [markdown]
# ## A trained model: reversing a sequence
#
# The capstone model (`dlmath.capstones.attention_sequence`): digits and their
# positions are embedded by a linear layer, one multi-head self-attention
# layer (4 heads) mixes the positions, and a linear layer reads out a digit
# per position. It learns to output the sequence reversed. A short training
# run with your units:

# %%
data = attention_sequence.load_data()
model = attention_sequence.Reverser(seed=0)
x_train = attention_sequence.features(data["x_train"])
epoch_losses = attention_sequence.fit(model, x_train, data["y_train"], epochs=2)
predicted = attention_sequence.predict(model, data["x_test"])
print(f"loss per epoch {np.round(epoch_losses, 4)}; "
      f"test token accuracy {np.mean(predicted == data['y_test']):.3f}")
print("input    ", data["x_test"][0])
print("predicted", predicted[0])

# %% [markdown]
# Where does each head look? Recompute the queries and keys of the trained
# layer from its parameters (`in_proj_weight` stacks `W_q; W_k; W_v`), split
# them into heads, and ask your attention function for the weights. To
# reverse, output position `i` must read input position `7 - i`: look for the
# anti-diagonal.

# %%
tokens = data["x_test"][:1]  # (1, 8)
embedded = model.embed(attention_sequence.features(tokens))  # (1, L, E)
E, heads = model.attention.embed_dim, model.attention.num_heads
qkv = embedded @ model.attention.in_proj_weight.data.T + model.attention.in_proj_bias.data
q, k, _ = np.split(qkv, 3, axis=-1)  # (1, L, E) each


def split_heads(t):
    """(N, L, E) -> (N, heads, L, E // heads): head h gets features h*D ... (h+1)*D - 1."""
    n, length, _ = t.shape
    return t.reshape(n, length, heads, E // heads).transpose(0, 2, 1, 3)


weights = attention_weights(split_heads(q), split_heads(k))[0]  # (heads, L, L)
fig, axes = plots.figure(1, heads, size=(3.2, 3.2))
for h, ax in enumerate(axes):
    plots.heatmap(ax, weights[h], title=f"head {h}", xticklabels=tokens[0],
                  xlabel="input digit (key)", ylabel="output position (query)" if h == 0 else None,
                  vmin=0, vmax=1, colorbar=False)
plots.show(fig)

# %% [markdown]
# ## Questions
#
# **Question 1 (written, 2 points).** Why does scaled dot-product attention
# divide the scores by `sqrt(E)`? Explain with the variance of a dot product
# and what a saturated softmax does to the gradient.

# %% [markdown] answer: attention-q1 points=2
# YOUR ANSWER HERE

# %% [markdown]
# **Question 2 (1 point).** Predict, then check: with `is_causal=True`, `L = 2` queries and `S = 4`
# keys, how many (query, key) pairs are allowed in all? Set `allowed_pairs`
# to that number.

# %% answer: attention-q2
allowed_pairs = None  # an integer

# %% check: attention-q2 points=1
assert allowed_pairs is not None, "set allowed_pairs in the cell above"

# %% [markdown]
# ## Check your gradients
#
# Scaled dot-product attention with the causal mask, and a small multi-head
# attention (`E = 4`, two heads).

# %%
rng = np.random.default_rng(1)
q, k, v = (rng.standard_normal((2, 3, 4)) for _ in range(3))
result = check_gradients(attention.scaled_dot_product_attention_forward,
                         attention.scaled_dot_product_attention_backward, [q, k, v],
                         {"is_causal": True})
N, L, E = 2, 3, 4
params = [rng.standard_normal(shape) for shape in [(N, L, E), (3 * E, E), (3 * E,), (E, E), (E,)]]
result = check_gradients(attention.multi_head_attention_forward,
                         attention.multi_head_attention_backward, params, {"num_heads": 2})
