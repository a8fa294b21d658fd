"""Linear regression trained twice: with PyTorch, and with your NumPy units.

The founding document's worked example (section 4) trains ``nn.Linear`` with
``nn.MSELoss`` and ``optim.SGD(lr=0.01)`` for 1000 full-batch epochs on 100
two-feature samples, but it builds a ``LinearRegression`` model and then
trains an undefined ``linear``. Here is that example fixed (the model instance
is created and used), next to the same model written with :mod:`dlmath`,
whose layers call your ``linear.py``, ``losses.py`` and ``optim.py``.

Both start from the same weights, see the same (seeded) data in float64 and
take the same steps, so the two loss curves agree to rounding error, epoch
after epoch, when your units are right. Run it on a folder of unit files::

    python examples/linear_regression.py --units solutions
"""

import argparse

import numpy as np
import torch

from dlmath import nn, optim, units

IN_FEATURES, OUT_FEATURES, N_SAMPLES, LR = 2, 1, 100, 0.01


def make_data(seed=0):
    """Synthetic data ``y = x @ [2, -3.4] + 4.2 + noise``: ``x (100, 2)``, ``y (100, 1)``."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N_SAMPLES, IN_FEATURES))
    y = x @ np.array([[2.0], [-3.4]]) + 4.2 + 0.1 * rng.standard_normal((N_SAMPLES, 1))
    return x, y


class TorchLinearRegression(torch.nn.Module):
    """The founding document's model: one ``torch.nn.Linear`` layer."""

    def __init__(self, input_size, output_size):
        super().__init__()
        self.linear = torch.nn.Linear(input_size, output_size, dtype=torch.float64)

    def forward(self, x):
        return self.linear(x)


class LinearRegression(nn.Module):
    """The same model with dlmath: the backward pass is explicit."""

    def __init__(self, input_size, output_size, rng=None):
        super().__init__()
        self.linear = nn.Linear(input_size, output_size, rng=rng)

    def forward(self, x):
        return self.linear(x)

    def backward(self, grad_output):
        return self.linear.backward(grad_output)


def train_torch(model, x, y, epochs):
    """The document's ``train``, with the model passed in. Returns the losses."""
    criterion = torch.nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def train_numpy(model, x, y, epochs):
    """The same loop with dlmath: ``loss.backward()`` becomes two explicit calls."""
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=LR)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        model.backward(criterion.backward())
        optimizer.step()
        losses.append(loss)
    return losses


def run(units_folder=None, epochs=1000, seed=0):
    """Train both twins; returns ``(torch_losses, numpy_losses)``, one per epoch.

    ``units_folder`` is the folder of unit files (default: see dlmath.units).
    """
    x, y = make_data(seed)
    with units.using(units_folder):
        model = LinearRegression(IN_FEATURES, OUT_FEATURES, rng=np.random.default_rng(seed))
        twin = TorchLinearRegression(IN_FEATURES, OUT_FEATURES)
        with torch.no_grad():  # same initial weights
            twin.linear.weight.copy_(torch.from_numpy(model.linear.weight.data))
            twin.linear.bias.copy_(torch.from_numpy(model.linear.bias.data))
        return train_torch(twin, x, y, epochs), train_numpy(model, x, y, epochs)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", help="folder of unit files (default: $DLMATH_UNITS or .)")
    parser.add_argument("--epochs", type=int, default=1000)
    args = parser.parse_args(argv)
    try:
        torch_losses, numpy_losses = run(args.units, args.epochs)
    except (FileNotFoundError, NotADirectoryError) as exc:
        parser.exit(2, f"{exc}\n")
    print(f"{'epoch':>6} {'torch loss':>14} {'dlmath loss':>14} {'difference':>11}")
    for epoch, (a, b) in enumerate(zip(torch_losses, numpy_losses, strict=True), start=1):
        if epoch <= 10 or epoch % 100 == 0:
            print(f"{epoch:>6} {a:>14.8f} {b:>14.8f} {abs(a - b):>11.1e}")
    worst = max(abs(a - b) for a, b in zip(torch_losses, numpy_losses, strict=True))
    print(f"largest difference over {len(torch_losses)} epochs: {worst:.1e}")


if __name__ == "__main__":
    main()
