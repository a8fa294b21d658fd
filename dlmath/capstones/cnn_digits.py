"""Capstone 2: a small convolutional network on 8x8 images of handwritten digits.

scikit-learn's bundled digits (1,797 grey images of 8x8 pixels, values 0 to
16; nothing is downloaded), with a fixed stratified split that keeps 25% of
the images (450) for the test. The network::

    Conv2d(1, 32, 3, padding=1) -> ReLU -> MaxPool2d(2)    (N, 32, 4, 4)
    Flatten -> Linear(512, 10)                              (N, 10) logits

in float32, trained with ``nn.CrossEntropyLoss`` and ``optim.Adam`` on
mini-batches, the learning rate decaying along a cosine (set through
``optimizer.param_groups``, as in torch).

Units used: ``conv``, ``activations``, ``linear``, ``losses``, ``optim``. With
the reference solutions it reaches a test accuracy of 0.980 (441 of 450
images) in about a second on two cores; the baseline, always answering the
most frequent class of the training set, scores 0.102.
"""


import numpy as np

from dlmath import nn
from dlmath.capstones._common import (
    Stopwatch,
    accuracy,
    fit_adam,
    majority_accuracy,
)

NAME = "cnn_digits"
METRIC = "test accuracy"
TARGET = 0.97
HIGHER_IS_BETTER = True
BASELINE = "accuracy of always predicting the most frequent training class"

EPOCHS, BATCH_SIZE, LR = 12, 32, 1e-2
DTYPE = np.float32


def load_data() -> dict[str, np.ndarray]:
    """The split: ``x_train (1347, 1, 8, 8)``, ``y_train (1347,)``, ``x_test (450, 1, 8, 8)``...

    and ``y_test (450,)``. Images are float32 scaled to [0, 1]; labels are
    int64 digits. Runs in the grader's process: it may use scikit-learn.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = (digits.images / 16.0).astype(DTYPE)[:, None]  # (1797, 1, 8, 8)
    y = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=0.25, random_state=0, stratify=y)
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


def build_model(seed=0, channels=32):
    """The network of the module docstring, initialised from ``seed``."""
    rng = np.random.default_rng(seed)
    return nn.Sequential(
        nn.Conv2d(1, channels, 3, padding=1, rng=rng, dtype=DTYPE), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(channels * 4 * 4, 10, rng=rng, dtype=DTYPE),
    )


def fit(model, x, y, epochs=EPOCHS, seed=0):
    """Adam on ``CrossEntropyLoss``, seeded mini-batches, cosine decay; loss per epoch."""
    return fit_adam(model, nn.CrossEntropyLoss(), x, y, lr=LR, epochs=epochs,
                    batch_size=BATCH_SIZE, seed=seed)


def predict(model, x):
    """The predicted digit of each image, ``(N,)``."""
    return model(x).argmax(axis=1)


def train(data: dict[str, np.ndarray], seed: int = 0) -> dict[str, float]:
    """Train on ``data`` (see :func:`load_data`) and return the test accuracy.

    Imports only NumPy, the standard library and dlmath: the model calls the
    unit files of the selected units folder (see :mod:`dlmath.units`).
    """
    clock = Stopwatch()
    model = build_model(seed)
    fit(model, data["x_train"], data["y_train"], seed=seed)
    return {
        "metric": accuracy(predict(model, data["x_test"]), data["y_test"]),
        "target": TARGET,
        "baseline": majority_accuracy(data["y_train"], data["y_test"]),
        "seconds": clock.seconds,
    }
