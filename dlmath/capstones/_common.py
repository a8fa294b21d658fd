"""Small helpers shared by the capstones (NumPy and the standard library only)."""

import math
import time

import numpy as np

from dlmath import optim


def minibatches(n, batch_size, rng):
    """The index arrays of one epoch's mini-batches, in a random order drawn from ``rng``."""
    order = rng.permutation(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


def accuracy(predicted, target):
    """Fraction of equal entries, a Python float."""
    return float(np.mean(np.asarray(predicted) == np.asarray(target)))


def majority_accuracy(y_train, y_test):
    """Accuracy of always predicting the most frequent class of ``y_train``."""
    values, counts = np.unique(y_train, return_counts=True)
    return accuracy(np.full(len(y_test), values[np.argmax(counts)]), y_test)


class Stopwatch:
    """``seconds`` since creation, by ``time.perf_counter``."""

    def __init__(self):
        self.start = time.perf_counter()

    @property
    def seconds(self):
        return time.perf_counter() - self.start


def cosine_lr(base_lr, step, total_steps):
    """Cosine decay from ``base_lr`` at step 0 to 0 at ``total_steps``."""
    return 0.5 * base_lr * (1 + math.cos(math.pi * step / total_steps))


def fit_adam(model, criterion, x, y, *, lr, epochs, batch_size, seed=0, weight_decay=0.0,
             cosine=True, loss_of=None):
    """Adam over seeded mini-batches of ``(x, y)``; the mean loss of each epoch.

    With ``cosine``, the learning rate decays from ``lr`` to 0 (:func:`cosine_lr`).
    ``loss_of(model, criterion, x_batch, y_batch) -> loss`` runs one forward and
    backward pass; by default ``criterion(model(x_batch), y_batch)`` then
    ``model.backward(criterion.backward())``.
    """
    step_losses = loss_of or _forward_backward
    optimizer = optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    rng = np.random.default_rng(seed)
    total_steps, step = epochs * math.ceil(len(x) / batch_size), 0
    losses = []
    for _ in range(epochs):
        total, batches = 0.0, minibatches(len(x), batch_size, rng)
        for idx in batches:
            if cosine:
                optimizer.param_groups[0]["lr"] = cosine_lr(lr, step, total_steps)
            step += 1
            optimizer.zero_grad()
            total += step_losses(model, criterion, x[idx], y[idx])
            optimizer.step()
        losses.append(total / len(batches))
    return losses


def _forward_backward(model, criterion, x, y):
    loss = criterion(model(x), y)
    model.backward(criterion.backward())
    return loss
