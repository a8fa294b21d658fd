"""Small helpers shared by the capstones (NumPy and the standard library only)."""

import math
import time

import numpy as np


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
