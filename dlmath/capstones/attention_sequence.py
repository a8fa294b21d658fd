"""Capstone 4: one layer of self-attention learns to reverse a sequence of digits.

Each example is a sequence of 8 random digits (0 to 9); the answer is the same
sequence reversed: ``3 1 4 1 5 9 2 6 -> 6 2 9 5 1 4 1 3``. Every output
position must fetch the token of the mirror position, a pure "where to look"
problem, which is what attention does. The model::

    one_hot(token) ++ one_hot(position)       (N, 8, 10 + 8)
    Linear(18, 32)                            token + position embedding
    MultiheadAttention(32, 4 heads)           self-attention, no mask
    Linear(32, 10)                            logits of the output digit

trained with ``nn.CrossEntropyLoss`` over all positions and ``optim.Adam``
(the learning rate decaying along a cosine).
The positions enter as one-hot vectors; without them, attention could not
tell the first digit from the last. The metric is the token accuracy on
held-out sequences (each of the 8 output digits counts once).

Units used: ``attention``, ``linear``, ``losses``, ``optim``. With the
reference solutions it reaches a token accuracy of 1.000 in about a second
(the loss is near 0 after two epochs); the baseline, copying the input
unreversed, scores 0.099.
"""


import numpy as np

from dlmath import nn
from dlmath.capstones._common import Stopwatch, accuracy, fit_adam

NAME = "attention_sequence"
METRIC = "test token accuracy"
TARGET = 0.95
HIGHER_IS_BETTER = True
BASELINE = "token accuracy of copying the input unreversed"

VOCAB, LENGTH = 10, 8
EMBED, HEADS, EPOCHS, BATCH_SIZE, LR = 32, 4, 6, 64, 1e-2


def load_data() -> dict[str, np.ndarray]:
    """``x_train (4096, 8)`` random digits, ``y_train`` the reversed rows; ``x_test (1024, 8)``...

    Integer (int64) tokens, seeded: the same sequences every time. Needs
    NumPy only.
    """
    rng = np.random.default_rng(7)
    data = {}
    for split, n in (("train", 4096), ("test", 1024)):
        tokens = rng.integers(0, VOCAB, size=(n, LENGTH))
        data[f"x_{split}"], data[f"y_{split}"] = tokens, tokens[:, ::-1].copy()
    return data


def features(tokens):
    """``one_hot(token) ++ one_hot(position)``: ``(N, L)`` ints -> ``(N, L, VOCAB + L)``."""
    n, length = tokens.shape
    one_hot = np.eye(VOCAB)[tokens]  # (N, L, VOCAB)
    position = np.broadcast_to(np.eye(length), (n, length, length))
    return np.concatenate([one_hot, position], axis=-1)


class Reverser(nn.Module):
    """Embedding, one self-attention layer, output projection: ``(N, L, F)`` -> ``(N, L, V)``."""

    def __init__(self, embed=EMBED, heads=HEADS, seed=0):
        super().__init__()
        rng = np.random.default_rng(seed)
        self.embed = nn.Linear(VOCAB + LENGTH, embed, rng=rng)
        self.attention = nn.MultiheadAttention(embed, heads, batch_first=True, rng=rng)
        self.head = nn.Linear(embed, VOCAB, rng=rng)

    def forward(self, x):
        mixed, _ = self.attention(self.embed(x))
        return self.head(mixed)

    def backward(self, grad_output):
        return self.embed.backward(self.attention.backward(self.head.backward(grad_output)))


def fit(model, x, y, epochs=EPOCHS, seed=0):
    """Adam on ``CrossEntropyLoss`` over every position, cosine decay; loss per epoch.

    ``x (N, L, F)`` features, ``y (N, L)`` target tokens.
    """
    return fit_adam(model, nn.CrossEntropyLoss(), x, y, lr=LR, epochs=epochs,
                    batch_size=BATCH_SIZE, seed=seed, loss_of=_every_position)


def _every_position(model, criterion, x, y):
    logits = model(x)  # (B, L, V): one row of logits per position
    loss = criterion(logits.reshape(-1, VOCAB), y.reshape(-1))
    model.backward(criterion.backward().reshape(logits.shape))
    return loss


def predict(model, tokens):
    """The predicted output digits, ``(N, L)``."""
    return model(features(tokens)).argmax(axis=-1)


def train(data: dict[str, np.ndarray], seed: int = 0) -> dict[str, float]:
    """Train on ``data`` (see :func:`load_data`) and return the test token accuracy.

    Imports only NumPy, the standard library and dlmath: the model calls the
    unit files of the selected units folder (see :mod:`dlmath.units`).
    """
    clock = Stopwatch()
    model = Reverser(seed=seed)
    fit(model, features(data["x_train"]), data["y_train"], seed=seed)
    return {
        "metric": accuracy(predict(model, data["x_test"]), data["y_test"]),
        "target": TARGET,
        "baseline": accuracy(data["x_test"], data["y_test"]),
        "seconds": clock.seconds,
    }
