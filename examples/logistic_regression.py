"""Logistic regression trained twice: with PyTorch, and with your NumPy units.

Binary classification of scikit-learn's bundled Wisconsin breast-cancer data
(569 tumours, 30 features; no download): a fixed stratified split, features
standardised with the training statistics, one ``Linear(30, 1)`` layer giving
logits, ``BCEWithLogitsLoss`` and ``Adam``, mini-batches in a seeded order.

Both twins start from the same weights and see the same batches in float64,
so their loss curves and test accuracies agree when your ``linear.py``,
``losses.py`` and ``optim.py`` are right. Run it on a folder of unit files::

    python examples/logistic_regression.py --units solutions
"""

import argparse
from typing import NamedTuple

import numpy as np
import torch
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

from dlmath import nn, optim, units

LR, BATCH_SIZE = 1e-2, 32


class Result(NamedTuple):
    torch_losses: list  # mean training loss per epoch
    numpy_losses: list
    torch_accuracy: float  # test accuracy, in percent
    numpy_accuracy: float


def make_data(seed=0):
    """Standardised split: ``x_train (426, 30)``, ``y_train (426, 1)``, ``x_test (143, 30)``..."""
    x, y = load_breast_cancer(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y.astype(np.float64), test_size=0.25, random_state=seed, stratify=y)
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    return ((x_train - mean) / std, y_train[:, None], (x_test - mean) / std, y_test[:, None])


def batches(n, epochs, seed):
    """Per epoch, the list of index arrays of its mini-batches (seeded shuffles)."""
    rng = np.random.default_rng(seed)
    return [np.array_split(rng.permutation(n), range(BATCH_SIZE, n, BATCH_SIZE))
            for _ in range(epochs)]


def train_torch(model, x, y, schedule):
    """Adam on BCEWithLogitsLoss; returns the mean batch loss of each epoch."""
    criterion = torch.nn.BCEWithLogitsLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    losses = []
    for epoch in schedule:
        total = 0.0
        for idx in epoch:
            optimizer.zero_grad()
            loss = criterion(model(x[idx]), y[idx])
            loss.backward()
            optimizer.step()
            total += loss.item()
        losses.append(total / len(epoch))
    return losses


def train_numpy(model, x, y, schedule):
    """The same loop with dlmath and an explicit backward pass."""
    criterion = nn.BCEWithLogitsLoss()
    optimizer = optim.Adam(model.parameters(), lr=LR)
    losses = []
    for epoch in schedule:
        total = 0.0
        for idx in epoch:
            optimizer.zero_grad()
            total += criterion(model(x[idx]), y[idx])
            model.backward(criterion.backward())
            optimizer.step()
        losses.append(total / len(epoch))
    return losses


def accuracy(logits, y):
    """Percentage of samples whose logit has the sign of the label (1: > 0)."""
    return 100.0 * float(np.mean((np.asarray(logits) > 0) == (y > 0.5)))


def run(units_folder=None, epochs=20, seed=0):
    """Train both twins; returns a :class:`Result` (loss curves, test accuracies).

    ``units_folder`` is the folder of unit files (default: see dlmath.units).
    """
    x_train, y_train, x_test, y_test = make_data(seed)
    schedule = batches(len(x_train), epochs, seed)
    with units.using(units_folder):
        model = nn.Linear(x_train.shape[1], 1, rng=np.random.default_rng(seed))
        twin = torch.nn.Linear(x_train.shape[1], 1, dtype=torch.float64)
        with torch.no_grad():  # same initial weights
            twin.weight.copy_(torch.from_numpy(model.weight.data))
            twin.bias.copy_(torch.from_numpy(model.bias.data))
        torch_losses = train_torch(twin, x_train, y_train, schedule)
        numpy_losses = train_numpy(model, x_train, y_train, schedule)
        with torch.no_grad():
            torch_accuracy = accuracy(twin(torch.from_numpy(x_test)).numpy(), y_test)
        numpy_accuracy = accuracy(model(x_test), y_test)
    return Result(torch_losses, numpy_losses, torch_accuracy, numpy_accuracy)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", help="folder of unit files (default: $DLMATH_UNITS or .)")
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args(argv)
    try:
        result = run(args.units, args.epochs)
    except (FileNotFoundError, NotADirectoryError) as exc:
        parser.exit(2, f"{exc}\n")
    print(f"{'epoch':>6} {'torch loss':>12} {'dlmath loss':>12} {'difference':>11}")
    pairs = list(zip(result.torch_losses, result.numpy_losses, strict=True))
    for epoch, (a, b) in enumerate(pairs, start=1):
        print(f"{epoch:>6} {a:>12.8f} {b:>12.8f} {abs(a - b):>11.1e}")
    print(f"test accuracy: torch {result.torch_accuracy:.2f}%, "
          f"dlmath {result.numpy_accuracy:.2f}%")


if __name__ == "__main__":
    main()
