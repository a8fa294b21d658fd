# %% [markdown]
# # Unit 11: gated
#
# Gated recurrent cells keep a memory that a plain RNN loses. The **LSTM**
# adds a cell state `c_t` that is carried from step to step by a forget
# gate, `c_t = f * c_{t-1} + i * g`, and read out by an output gate,
# `h_t = o * tanh(c_t)`; the **GRU** interpolates between the old state and
# a new candidate, `h_t = (1 - z) * n + z * h_{t-1}`. Gates are sigmoids of
# the input and the state, with torch's layouts and gate orders (LSTM
# `i, f, g, o`; GRU `r, z, n`).
#
# This notebook runs **your** `gated.py`: an LSTM against an RNN on a task
# that needs a long memory, the gradient through time of both, and the
# inside of the trained LSTM.

# %% [markdown]
# <!-- dlmath:exercises -->

# %%
import os

import numpy as np

from dlmath import nn, plots, units
from dlmath.capstones import lstm_vs_rnn
from dlmath.gradcheck import check_gradients

# %% [markdown]
# ## Your unit files
#
# Your `gated.py` is read from the folder `UNITS`: this notebook's folder by
# default (or `$DLMATH_UNITS`). The comparison below also uses your `rnn.py`,
# `linear.py`, `losses.py` and `optim.py`.

# %%
UNITS = os.environ.get("DLMATH_UNITS", ".")
units.use(UNITS)
units.clear_cache()
gated = units.load("gated")
print("gated.py from", units.folder())

# %% [markdown]
# ## Remembering the first symbol
#
# The capstone task (`dlmath.capstones.lstm_vs_rnn`): 40 one-hot symbols, the
# first a *signal* (one of 4), the other 39 distractors; at the last step,
# say which signal came first. An LSTM and a tanh RNN of the same size (32
# units) train the same way. Guessing costs `log 4 = 1.39` (dashed). The
# RNN's loss stalls at `log 2 = 0.69`: it tells the four signals apart only in
# pairs (an accuracy of about 0.5). The LSTM's falls to 0.

# %%
data = lstm_vs_rnn.load_data()
curves, accuracies, models = {}, {}, {}
for name, cell in (("LSTM", nn.LSTM), ("RNN", nn.RNN)):
    models[name] = lstm_vs_rnn.Recaller(cell, seed=0)
    curves[name] = lstm_vs_rnn.fit(models[name], data["x_train"], data["y_train"])
    accuracies[name] = lstm_vs_rnn.held_out_accuracy(models[name], data)
fig, ax = plots.figure(size=(7, 3.2))
plots.curves(ax, np.arange(1, lstm_vs_rnn.EPOCHS + 1), curves, xlabel="epoch",
             ylabel="training loss")
ax.axhline(np.log(4), color="0.5", ls="--")
plots.show(fig)
print({name: round(value, 3) for name, value in accuracies.items()}, "(chance: 0.25)")

# %% [markdown]
# ## The gradient through time
#
# Put a random gradient on the last output only and follow it back: the
# curves show how much reaches the input at each earlier step, for an RNN and
# for an LSTM whose forget gate starts at `sigmoid(b)` for a few biases `b`.
# Each step back multiplies the RNN's gradient by `weight_hh.T` and `tanh'`;
# the LSTM's cell-state path multiplies it by `f` only. With `f` near 1 the
# gradient of the first step survives 39 steps (that is why the capstone
# starts the LSTM's forget bias at 3).

# %%
rng = np.random.default_rng(0)
N, T, H, D = 32, 40, 32, 8
x = np.eye(D)[rng.integers(0, D, (N, T))]
bound = 1 / np.sqrt(H)
weights = {G: (rng.uniform(-bound, bound, (G * H, D)), rng.uniform(-bound, bound, (G * H, H)))
           for G in (1, 4)}
grad_last = rng.standard_normal((N, H))
flow = {}
for bias in (0.0, 1.0, 3.0):
    bias_ih = np.zeros(4 * H)
    bias_ih[H:2 * H] = bias  # the forget gate's block
    (output, h_n, c_n), cache = gated.lstm_forward(x, None, None, *weights[4], bias_ih)
    grad_output = np.zeros_like(output)
    grad_output[:, -1] = grad_last
    grad_x = gated.lstm_backward(grad_output, None, None, cache)[0]
    flow[f"LSTM, forget bias {bias:g}"] = np.linalg.norm(grad_x, axis=2).mean(axis=0)
rnn = units.load("rnn")
(output, h_n), cache = rnn.rnn_forward(x, None, *weights[1])
grad_output = np.zeros_like(output)
grad_output[:, -1] = grad_last
flow["RNN"] = np.linalg.norm(rnn.rnn_backward(grad_output, None, cache)[0], axis=2).mean(axis=0)
fig, ax = plots.figure(size=(7, 3.6))
plots.curves(ax, np.arange(T), flow, xlabel="time step t (the loss is at the last step)",
             ylabel="mean |dL / dx_t|", logy=True, zero_lines=False)
plots.show(fig)

# %% [markdown]
# ## Inside the trained LSTM
#
# Run your `lstm_cell_forward` step by step on a few test sequences and
# watch the cell state. Each row is one cell unit; each column, a step (one
# sequence per signal). The top units start moving at step 0 in a direction
# the signal sets, and keep going that way to the end whatever the
# distractors: the sign and size of their last value say which signal came
# first. (The rows are sorted by how much the unit's last value varies with
# the signal.) The figures above it: with a forget bias of 0, the gradient
# reaching step 0 is about 1e-9 of the last step's, like the RNN's (1e-10);
# with 3 it is about as large as the last step's.

# %%
lstm = models["LSTM"].recurrent
params = [p.data for p in (lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0,
                           lstm.bias_hh_l0)]
sequences = data["x_test"][:64]
h = c = np.zeros((len(sequences), lstm.hidden_size))
cells = []
for t in range(sequences.shape[1]):
    (h, c), _ = gated.lstm_cell_forward(sequences[:, t], h, c, *params)
    cells.append(c)
cells = np.stack(cells, axis=1)  # (n, T, H)
signal = data["y_test"][:64]
spread = np.var([cells[signal == s, -1].mean(axis=0) for s in range(4)], axis=0)
order = np.argsort(spread)[::-1]
fig, axes = plots.figure(1, 4, size=(16, 3.6))
for s, ax in enumerate(axes):
    plots.heatmap(ax, cells[signal == s][0][:, order].T, centered=True, colorbar=False,
                  title=f"signal {s}", xlabel="time step", ylabel="cell unit (sorted)")
plots.show(fig)

# %% [markdown]
# ## Questions
#
# **Question 1 (written, 2 points).** In the plot of the gradient through
# time, the gradient that reaches the first step vanishes with a forget bias
# of 0 and keeps its size with a bias of 3. Explain why in two or three
# sentences, from what one step back along the cell state multiplies the
# gradient by and the values of `sigmoid(0)` and `sigmoid(3)`, and say why the
# RNN's gradient vanishes too.

# %% [markdown] answer: gated-q1 points=2
# YOUR ANSWER HERE

# %% [markdown]
# **Question 2 (numeric, 1 point).** How many parameters does the capstone's
# LSTM have, with `I = 8` inputs, `H = 32` units and both biases? Set
# `lstm_parameters` to that number. (Predict it first; then check with
# `sum(p.data.size for p in models["LSTM"].recurrent.parameters())`.)

# %% answer: gated-q2
lstm_parameters = None  # an integer

# %% check: gated-q2 points=1
assert lstm_parameters is not None, "set lstm_parameters in the cell above"

# %% [markdown]
# **Question 3 (multiple choice, 1 point).** Which gate value makes the GRU
# copy its old state unchanged, `h_next = h`: (a) `z = 0`, (b) `z = 1`,
# (c) `r = 0`? Set `gru_choice` to `"a"`, `"b"` or `"c"`. (Predict it first;
# then check with your `gru_cell_forward` and a large bias, such as 50, on
# the `z` block of `bias_ih`, rows `[H, 2H)`.)

# %% answer: gated-q3
gru_choice = None  # "a", "b" or "c"

# %% check: gated-q3 points=1
assert gru_choice in ("a", "b", "c"), "set gru_choice to 'a', 'b' or 'c'"

# %% [markdown]
# ## Check your gradients
#
# `lstm_forward` returns three arrays and `gru_forward` two;
# `check_gradients` puts a random upstream gradient on each and calls the
# backward with all of them.

# %%
rng = np.random.default_rng(1)
N, T, D, H = 2, 3, 3, 4
x = rng.standard_normal((N, T, D))
shapes = [(4 * H, D), (4 * H, H), (4 * H,), (4 * H,)]
lstm_inputs = [x, rng.standard_normal((N, H)), rng.standard_normal((N, H)),
               *(0.5 * rng.standard_normal(shape) for shape in shapes)]
result = check_gradients(gated.lstm_forward, gated.lstm_backward, lstm_inputs)
shapes = [(3 * H, D), (3 * H, H), (3 * H,), (3 * H,)]
gru_inputs = [x, rng.standard_normal((N, H)),
              *(0.5 * rng.standard_normal(shape) for shape in shapes)]
result = check_gradients(gated.gru_forward, gated.gru_backward, gru_inputs)
