# %% [markdown]
# # Unit 6: rnn
#
# A recurrent network reads a sequence one step at a time and carries a
# hidden state from step to step:
# `h_t = tanh(x_t @ weight_ih.T + bias_ih + h_{t-1} @ weight_hh.T + bias_hh)`,
# with torch's parameter names and layout. The same weights serve at every
# step, so the backward pass, *backpropagation through time*, adds up each
# weight's gradient over all steps, and sends the gradient of `h_t` back to
# `h_{t-1}` through `weight_hh` and the tanh, again and again. Derivations
# are in `course.md`, Chapter 8.
#
# This notebook runs **your** `rnn.py`: it looks inside the hidden state of a
# trained network, and follows a gradient back in time.

# %% [markdown]
# <!-- dlmath:exercises -->

# %%
import os

import numpy as np

from dlmath import plots, units
from dlmath.capstones import rnn_sequence
from dlmath.gradcheck import check_gradients

# %% [markdown]
# ## Your unit files
#
# Your `rnn.py` is read from the folder `UNITS`: this notebook's folder by
# default (or `$DLMATH_UNITS`). Run this cell again after editing it. The
# trained network below also uses your `linear.py`, `losses.py` and
# `optim.py`.

# %%
UNITS = os.environ.get("DLMATH_UNITS", ".")
units.use(UNITS)
units.clear_cache()
rnn = units.load("rnn")
print("rnn.py from", units.folder())

# %% [markdown]
# ## A network that predicts the next value of a wave
#
# The capstone model (`dlmath.capstones.rnn_sequence`): `nn.RNN(1, 32)` reads
# noisy sine waves and a linear layer predicts, at every step, the next
# value. A short training run with your units:

# %%
data = rnn_sequence.load_data()
model = rnn_sequence.NextValue(seed=0)
epoch_losses = rnn_sequence.fit(model, data["x_train"], data["y_train"], epochs=6)
predictions = model(data["x_test"])
model_mse = rnn_sequence.scored_mse(predictions, data["y_test"])
baseline_mse = rnn_sequence.scored_mse(data["x_test"], data["y_test"])
print(f"training loss per epoch: {np.round(epoch_losses, 4)}")
print(f"test MSE {model_mse:.4f}; repeating the last value: {baseline_mse:.4f}")

# %% [markdown]
# ## The hidden state over time
#
# Top: one test wave, the network's prediction of each next value, and the
# true next values. Bottom: the 32 hidden units (rows) at each step
# (columns), `output[n, t, :]` of your `rnn_forward`. The units settle into
# oscillations at the wave's own frequency, with different phases: together
# they encode where the wave is in its cycle, which is what the prediction
# needs. (The rows are sorted by the phase of each unit's oscillation.)

# %%
n = 3
hidden = model.hidden_states[n]  # (T, 32), from the forward just run on the test set
# Sort the units by the phase of their oscillation (at the strongest frequency).
settled = hidden[rnn_sequence.WARMUP:]
spectrum = np.fft.rfft(settled - settled.mean(axis=0), axis=0)
peak = 1 + np.argmax(np.abs(spectrum[1:]).sum(axis=1))
order = np.argsort(np.angle(spectrum[peak]))
steps = np.arange(rnn_sequence.LENGTH)
fig, axes = plots.figure(2, 1, size=(9, 2.8))
axes[0].plot(steps, data["x_test"][n, :, 0], "o", ms=3, color="0.5", label="input x_t")
axes[0].plot(steps, data["y_test"][n, :, 0], color="0.5", lw=0.8, label="next value x_{t+1}")
axes[0].plot(steps, predictions[n, :, 0], color="C3", lw=2, label="prediction")
axes[0].axvspan(-0.5, rnn_sequence.WARMUP - 0.5, color="0.9", zorder=0)
axes[0].set_xlim(-0.5, rnn_sequence.LENGTH - 0.5)
axes[0].set_ylim(None, data["x_test"][n].max() + 1.0)
axes[0].legend(fontsize="small", ncols=3, loc="upper right")
axes[0].set_title("a test wave (shaded: the warm-up steps, not scored)")
plots.heatmap(axes[1], hidden[:, order].T, centered=True, colorbar=False,
              xlabel="time step t", ylabel="hidden unit (sorted)")
plots.show(fig)

# %% [markdown]
# ## Gradients that vanish or explode
#
# Take an RNN whose `weight_hh` is `scale` times a random rotation, put a
# random gradient on the last output only, and run your `rnn_backward`. The
# curves show how much of it reaches the input at each earlier step. Each step
# back multiplies the gradient by `weight_hh.T` and by `tanh'` (at most 1):
# below a scale of 1 it fades geometrically, so the first steps get no
# learning signal; well above 1 it grows geometrically instead (until the
# tanh saturates). That is the vanishing and exploding gradient problem
# (course.md, Chapter 8), the reason for gated cells (LSTM, GRU) and
# gradient clipping.

# %%
rng = np.random.default_rng(0)
N, T, H, D_in = 64, 60, 32, 4  # batch, steps, hidden units, input features
rotation, _ = np.linalg.qr(rng.standard_normal((H, H)))
x = 0.1 * rng.standard_normal((N, T, D_in))
weight_ih = 0.5 * rng.standard_normal((H, D_in))
fig, ax = plots.figure(size=(7, 3.8))
for scale in (0.5, 0.9, 1.0, 1.2, 1.5):
    (output, h_n), cache = rnn.rnn_forward(x, None, weight_ih, scale * rotation)
    grad_output = np.zeros_like(output)
    grad_output[:, -1] = rng.standard_normal((N, H))  # a loss on the last step only
    grad_x = rnn.rnn_backward(grad_output, None, cache)[0]  # (N, T, D_in)
    ax.plot(np.arange(T), np.linalg.norm(grad_x, axis=2).mean(axis=0),
            label=f"weight_hh = {scale} x rotation")
ax.set_yscale("log")
ax.set_xlabel("time step t (the loss is at the last step)")
ax.set_ylabel("mean |dL / dx_t|")
ax.legend(fontsize="small")
plots.show(fig)

# %% [markdown]
# ## Questions
#
# **Question 1 (written, 2 points).** The plot above shows gradients through
# time that vanish or explode depending on the scale of `weight_hh`. Explain
# with the product of Jacobians why, and name two remedies.

# %% [markdown] answer: rnn-q1 points=2
# YOUR ANSWER HERE

# %% [markdown]
# **Question 2 (1 point).** Predict, then check: a cell with hidden size 1,
# `weight_hh = 0.5` and inputs that keep every pre-activation at 0 (so the
# tanh's derivative is 1 at every step). What is the derivative of `h_10`
# with respect to `h_0`? Set `gradient_after_10` to it (Problem 8.3 of the
# course).

# %% answer: rnn-q2
gradient_after_10 = None  # a number

# %% check: rnn-q2 points=1
assert gradient_after_10 is not None, "set gradient_after_10 in the cell above"

# %% [markdown]
# ## Check your gradients
#
# `rnn_forward` returns two arrays, `(output, h_n)`; `check_gradients` puts a
# random upstream gradient on each and calls
# `rnn_backward(grad_output, grad_h_n, cache)`.

# %%
rng = np.random.default_rng(1)
N, T, D_in, H = 2, 4, 3, 5
inputs = [rng.standard_normal(shape) for shape in
          [(N, T, D_in), (N, H), (H, D_in), (H, H), (H,), (H,)]]
result = check_gradients(rnn.rnn_forward, rnn.rnn_backward, inputs)
