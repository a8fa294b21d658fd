"""Capstone 3: a recurrent network predicts the next value of noisy sine waves.

Every sequence is a sine wave with its own amplitude, frequency and phase,
plus Gaussian noise: ``s_t = A sin(omega t + phi) + 0.1 eps_t``, 51 samples.
At every step ``t`` the network reads ``s_0 .. s_t`` and predicts
``s_{t+1}``. The model is ``nn.RNN(1, 32, batch_first=True)`` followed by
``nn.Linear(32, 1)`` applied at every step, trained with ``nn.MSELoss`` and
``optim.Adam`` (the learning rate decaying along a cosine).

The baseline repeats the last value (``s_{t+1} ~ s_t``). Both are scored by
their mean squared error on the test sequences, over the steps after a
warm-up of 10 steps (the network needs a few samples to see the frequency).
The metric is the ratio ``model MSE / baseline MSE`` (lower is better): the
target asks the network for at most a third of the baseline's error. The
noise alone costs any predictor ``0.1**2 = 0.01`` per step.

Units used: ``rnn``, ``linear``, ``losses``, ``optim``. With the reference
solutions the ratio is 0.184 (test MSE 0.0195 against the baseline's 0.1056)
after about two seconds of training on two cores.
"""


import numpy as np

from dlmath import nn
from dlmath.capstones._common import Stopwatch, fit_adam

NAME = "rnn_sequence"
METRIC = "test MSE relative to the baseline's (model MSE / baseline MSE)"
TARGET = 1 / 3
HIGHER_IS_BETTER = False
BASELINE = "test MSE of repeating the last value, s_{t+1} ~ s_t"

LENGTH, NOISE, WARMUP = 50, 0.1, 10
HIDDEN, EPOCHS, BATCH_SIZE, LR = 32, 20, 32, 1e-2


def make_waves(n, rng):
    """``n`` noisy sine waves of ``LENGTH + 1`` samples each, ``(n, LENGTH + 1)``."""
    amplitude = rng.uniform(0.5, 1.5, (n, 1))
    omega = rng.uniform(0.15, 0.6, (n, 1))  # radians per step: periods of 10 to 42 steps
    phase = rng.uniform(0, 2 * np.pi, (n, 1))
    t = np.arange(LENGTH + 1)
    return amplitude * np.sin(omega * t + phase) + NOISE * rng.standard_normal((n, LENGTH + 1))


def load_data() -> dict[str, np.ndarray]:
    """``x_train (1024, 50, 1)`` and ``y_train`` (the next values), ``x_test (256, 50, 1)``...

    ``y[:, t] = x[:, t + 1]``, the sample after ``x[:, t]``. Seeded: the same
    waves every time. Needs NumPy only.
    """
    rng = np.random.default_rng(2024)
    data = {}
    for split, n in (("train", 1024), ("test", 256)):
        waves = make_waves(n, rng)[..., None]  # (n, LENGTH + 1, 1)
        data[f"x_{split}"], data[f"y_{split}"] = waves[:, :-1], waves[:, 1:]
    return data


class NextValue(nn.Module):
    """``nn.RNN(1, hidden)`` then ``nn.Linear(hidden, 1)`` at every step: ``(N, T, 1)`` -> same."""

    def __init__(self, hidden=HIDDEN, seed=0):
        super().__init__()
        rng = np.random.default_rng(seed)
        self.rnn = nn.RNN(1, hidden, batch_first=True, rng=rng)
        self.head = nn.Linear(hidden, 1, rng=rng)

    def forward(self, x):
        output, _ = self.rnn(x)  # (N, T, hidden): every hidden state
        self.hidden_states = output
        return self.head(output)

    def backward(self, grad_output):
        grad_x, _ = self.rnn.backward(self.head.backward(grad_output))
        return grad_x


def fit(model, x, y, epochs=EPOCHS, seed=0):
    """Adam on ``MSELoss`` over all steps, seeded mini-batches, cosine decay; loss per epoch."""
    return fit_adam(model, nn.MSELoss(), x, y, lr=LR, epochs=epochs, batch_size=BATCH_SIZE,
                    seed=seed)


def scored_mse(predicted, target):
    """Mean squared error over the steps ``t >= WARMUP``."""
    return float(np.mean((predicted[:, WARMUP:] - target[:, WARMUP:]) ** 2))


def train(data: dict[str, np.ndarray], seed: int = 0) -> dict[str, float]:
    """Train on ``data`` (see :func:`load_data`); metric = model MSE / baseline MSE.

    Imports only NumPy, the standard library and dlmath: the model calls the
    unit files of the selected units folder (see :mod:`dlmath.units`).
    """
    clock = Stopwatch()
    model = NextValue(seed=seed)
    fit(model, data["x_train"], data["y_train"], seed=seed)
    model_mse = scored_mse(model(data["x_test"]), data["y_test"])
    baseline_mse = scored_mse(data["x_test"], data["y_test"])  # repeat the last value
    return {
        "metric": model_mse / baseline_mse,
        "target": TARGET,
        "baseline": baseline_mse,
        "model_mse": model_mse,
        "seconds": clock.seconds,
    }
