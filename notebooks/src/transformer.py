# %% [markdown]
# # Unit 10: transformer
#
# Three pieces that turn attention into a language model: an **embedding**
# (a table with one learned vector per token, `weight[indices]`), a
# **positional encoding** (attention itself does not know where a token
# is; the sinusoidal encoding of "Attention Is All You Need" tells it), and
# the **GELU** activation of the transformer's feed-forward layers,
# `gelu(x) = x * Phi(x)`. The conventions are torch's (`F.embedding`,
# `F.gelu`).
#
# This notebook runs **your** `transformer.py`: it compares GELU with ReLU,
# looks at the positional encodings, and trains a small character-level
# transformer on Python's own source code, then looks at where it attends.

# %% [markdown]
# <!-- dlmath:exercises -->

# %%
import os

import numpy as np

from dlmath import plots, units
from dlmath.capstones import char_lm
from dlmath.gradcheck import check_gradients

# %% [markdown]
# ## Your unit files
#
# Your `transformer.py` is read from the folder `UNITS`: this notebook's
# folder by default (or `$DLMATH_UNITS`). The language model below also uses
# your `attention.py`, `normalization.py`, `linear.py`, `losses.py`,
# `optim.py` and `training.py`.

# %%
UNITS = os.environ.get("DLMATH_UNITS", ".")
units.use(UNITS)
units.clear_cache()
transformer = units.load("transformer")
print("transformer.py from", units.folder())

# %% [markdown]
# ## GELU against ReLU
#
# ReLU gates its input by its sign: `x * [x > 0]`. GELU gates it by the
# probability that a standard normal variable is below it: `x * Phi(x)`. For
# large `|x|` the two agree; near 0 GELU is smooth, slightly negative for
# negative inputs (its minimum is about -0.17 at x = -0.75), and its
# derivative moves from 0 to 1 gradually instead of jumping. The tanh
# approximation (`approximate='tanh'`, GPT-2's) is within about 5e-4 of the
# exact curve everywhere.

# %%
x = np.linspace(-4, 4, 401)
exact, exact_cache = transformer.gelu_forward(x)
approx, approx_cache = transformer.gelu_forward(x, approximate="tanh")
ones = np.ones_like(x)
fig, axes = plots.figure(1, 2, size=(10, 3.4))
plots.curves(axes[0], x, {"GELU (exact)": exact, "ReLU": np.maximum(x, 0)},
             title="GELU and ReLU", xlabel="x")
plots.curves(axes[1], x, {"GELU'": transformer.gelu_backward(ones, exact_cache),
                          "ReLU'": (x > 0).astype(float)},
             title="their derivatives", xlabel="x")
plots.show(fig)
print(f"largest |exact - tanh approximation| on [-4, 4]: {np.abs(exact - approx).max():.2e}")
print(f"minimum of GELU: {exact.min():.4f} at x = {x[np.argmin(exact)]:.2f}")

# %% [markdown]
# ## Positional encodings
#
# Left: the encoding of 64 positions in 64 dimensions. Column pairs
# `(2i, 2i + 1)` hold the sine and cosine of one angle, whose frequency falls
# geometrically from 1 (left columns: fast) to 1/10000 (right columns:
# slow), like the hands of a clock. Right: the dot product of every pair of
# positions. It depends only on how far apart they are, `|i - j|` (a sum of
# `cos(w (i - j))`), which is what lets attention learn "look 3 characters
# back" once for every position.

# %%
encoding = transformer.sinusoidal_positional_encoding(64, 64)
fig, axes = plots.figure(1, 2, size=(10, 4))
plots.heatmap(axes[0], encoding, centered=True, title="PE[position, dimension]",
              xlabel="dimension", ylabel="position")
plots.heatmap(axes[1], encoding @ encoding.T, title="PE @ PE.T", xlabel="position j",
              ylabel="position i")
plots.show(fig)

# %% [markdown]
# ## An embedding's gradient
#
# A token that appears twice in a batch receives both gradients: the
# gradient of the table is a sum, row by row, over every occurrence. With
# `padding_idx`, that row's gradient is zero (the forward is unchanged).

# %%
table = np.arange(12.0).reshape(4, 3)
tokens = np.array([[1, 3, 1], [0, 1, 2]])
out, cache = transformer.embedding_forward(tokens, table, padding_idx=2)
print("lookup of token 2 (the padding row) is unchanged:", out[1, 2])
print("gradient of the table for a gradient of ones:\n",
      transformer.embedding_backward(np.ones_like(out), cache))

# %% [markdown]
# ## A character-level language model
#
# The capstone model (`dlmath.capstones.char_lm`): an embedding plus the
# positional encoding, two pre-norm transformer blocks with causal
# self-attention and a GELU MLP, and a linear layer to the logits of the
# next character, trained with AdamW, a warm-up then cosine learning rate
# and gradient clipping, on modules of Python's standard library. A short
# run of 200 steps: it just passes the bigram model (about 3.1 bits per
# character against 3.2); the capstone's 600 steps reach about 2.5, and the
# samples then look much more like Python.

# %%
data = char_lm.load_data()
model = char_lm.CharTransformer(seed=0)
losses = char_lm.fit(model, data["x_train"], data["y_train"], steps=200)
unigram, bigram = char_lm.ngram_bits(data)
held_out = char_lm.bits_per_character(model, data["x_test"][:200], data["y_test"][:200])
fig, ax = plots.figure(size=(7, 3))
plots.curves(ax, np.arange(len(losses)), {"training loss": np.array(losses) / np.log(2)},
             xlabel="step", ylabel="bits per character")
ax.axhline(bigram, color="0.5", ls="--", label="bigram model (held out)")
ax.legend()
plots.show(fig)
print(f"held-out bits per character: model {held_out:.2f}, bigram {bigram:.2f}, "
      f"unigram {unigram:.2f}")
print(char_lm.sample(model, prompt="    def ", length=160, seed=1))

# %% [markdown]
# ## Where the model attends
#
# The attention weights of the four heads of the first block, for one
# window of held-out text (row: the position predicting its next character;
# column: the position it reads). Causal masking leaves the upper triangle
# empty. A head that reads the previous character or two draws a diagonal
# band just below the main diagonal; a head that reads further back (the
# start of the line, the last space) draws vertical stripes. Train longer
# (`steps=600`) and the patterns sharpen. The weights are recomputed here
# from the block's parameters.

# %%
def attention_maps(model, tokens):
    """Attention weights ``(heads, L, L)`` of the first block for one window ``(L,)``."""
    block = model.blocks[0]
    x = model.embed(tokens[None]) + transformer.sinusoidal_positional_encoding(
        len(tokens), model.embed.embedding_dim).astype(char_lm.DTYPE)
    h = block.norm1(x)[0]
    E, heads = h.shape[1], block.attention.num_heads
    w, b = block.attention.in_proj_weight.data, block.attention.in_proj_bias.data
    q, k = (h @ w[:E].T + b[:E]), (h @ w[E:2 * E].T + b[E:2 * E])
    q = q.reshape(len(tokens), heads, -1).transpose(1, 0, 2)
    k = k.reshape(len(tokens), heads, -1).transpose(1, 0, 2)
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(q.shape[2])
    scores = np.where(np.tri(len(tokens), dtype=bool), scores, -np.inf)
    weights = np.exp(scores - scores.max(axis=2, keepdims=True))
    return weights / weights.sum(axis=2, keepdims=True)


window = data["x_test"][3][:32]
maps = attention_maps(model, window)
labels = [repr(c)[1:-1] for c in char_lm.decode(window)]
fig, axes = plots.figure(1, 4, size=(16, 4.4))
for head, ax in enumerate(axes):
    plots.heatmap(ax, maps[head], title=f"head {head}", colorbar=False,
                  xticklabels=labels, yticklabels=labels)
plots.show(fig)

# %% [markdown]
# ## Questions
#
# **Question 1 (written, 2 points).** The attention maps above are empty
# above their diagonal. Explain in two or three sentences what the causal
# mask prevents, and what a model trained without it would do to its
# training loss and to the text it samples.

# %% [markdown] answer: transformer-q1 points=2
# YOUR ANSWER HERE

# %% [markdown]
# **Question 2 (numeric, 1 point).** How many parameters (weights and
# biases, the two layer norms included) does one transformer block of the
# capstone have, with `E = 64`, 4 heads and an MLP of width `4E`? Set
# `block_parameters` to that number. (Predict it first, from the block's
# formula in `course.md`, Chapter 12; then check with
# `sum(p.data.size for p in model.blocks[0].parameters())`.)

# %% answer: transformer-q2
block_parameters = None  # an integer

# %% check: transformer-q2 points=1
assert block_parameters is not None, "set block_parameters in the cell above"

# %% [markdown]
# **Question 3 (multiple choice, 1 point).** In the section on an
# embedding's gradient, token 1 appears three times and the padding token 2
# once, and the gradient of the output is all ones. Rows 1 and 2 of the
# table's gradient hold (a) ones and ones, (b) threes and zeros, (c) threes
# and ones. Set `embedding_choice` to `"a"`, `"b"` or `"c"`. (Predict it
# first; then check with the gradient that cell prints.)

# %% answer: transformer-q3
embedding_choice = None  # "a", "b" or "c"

# %% check: transformer-q3 points=1
assert embedding_choice in ("a", "b", "c"), "set embedding_choice to 'a', 'b' or 'c'"

# %% [markdown]
# ## Check your gradients
#
# `check_gradients` compares your backward with central differences of your
# forward, for both GELUs.

# %%
rng = np.random.default_rng(1)
for approximate in ("none", "tanh"):
    result = check_gradients(transformer.gelu_forward, transformer.gelu_backward,
                             [rng.standard_normal((3, 4))], {"approximate": approximate})
