"""Capstone 1: logistic regression on the Wisconsin breast-cancer data.

569 tumours described by 30 measurements, labelled malignant (0) or benign
(1): scikit-learn's bundled copy, nothing is downloaded. A fixed stratified
split keeps 25% of the tumours for the test. The model is one
``nn.Linear(30, 1)`` giving a logit, trained with ``nn.BCEWithLogitsLoss``
and ``optim.Adam`` (with a light L2 penalty, ``weight_decay``) on
mini-batches; features are standardised with the statistics of the training
set only.

Units used: ``linear``, ``losses``, ``optim``. With the reference solutions
it reaches a test accuracy of 0.965 (138 of 143 tumours) in a fraction of a
second; the baseline, always answering the most frequent class of the
training set, scores 0.629.
"""

import numpy as np

from dlmath import nn
from dlmath.capstones._common import Stopwatch, accuracy, fit_adam, majority_accuracy

NAME = "logistic_regression"
METRIC = "test accuracy"
TARGET = 0.95
HIGHER_IS_BETTER = True
BASELINE = "accuracy of always predicting the most frequent training class"

EPOCHS, BATCH_SIZE, LR, WEIGHT_DECAY = 20, 32, 1e-2, 1e-2


def load_data() -> dict[str, np.ndarray]:
    """The split: ``x_train (426, 30)``, ``y_train (426,)``, ``x_test (143, 30)``, ``y_test``.

    Labels are 0.0 (malignant) or 1.0 (benign); features are raw (not scaled).
    Runs in the grader's process: it may use scikit-learn.
    """
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    x, y = load_breast_cancer(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y.astype(np.float64), test_size=0.25, random_state=0, stratify=y)
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


def build_model(n_features=30, seed=0):
    """One ``nn.Linear(n_features, 1)``: a logit per sample."""
    return nn.Linear(n_features, 1, rng=np.random.default_rng(seed))


def standardise(x_train, *others):
    """Scale every feature to mean 0, std 1 with the statistics of ``x_train``."""
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    return [(x - mean) / std for x in (x_train, *others)]


def fit(model, x, y, epochs=EPOCHS, seed=0):
    """Adam (light L2 penalty) on ``BCEWithLogitsLoss``, seeded mini-batches; loss per epoch."""
    return fit_adam(model, nn.BCEWithLogitsLoss(), x, y[:, None], lr=LR, epochs=epochs,
                    batch_size=BATCH_SIZE, seed=seed, weight_decay=WEIGHT_DECAY, cosine=False)


def train(data: dict[str, np.ndarray], seed: int = 0) -> dict[str, float]:
    """Train on ``data`` (see :func:`load_data`) and return the test accuracy.

    Imports only NumPy, the standard library and dlmath: the model calls the
    unit files of the selected units folder (see :mod:`dlmath.units`).
    """
    clock = Stopwatch()
    x_train, x_test = standardise(data["x_train"], data["x_test"])
    model = build_model(x_train.shape[1], seed)
    fit(model, x_train, data["y_train"], seed=seed)
    predicted = (model(x_test)[:, 0] > 0).astype(np.float64)
    return {
        "metric": accuracy(predicted, data["y_test"]),
        "target": TARGET,
        "baseline": majority_accuracy(data["y_train"], data["y_test"]),
        "seconds": clock.seconds,
    }
