"""dlmath: PyTorch-style wrappers around your own NumPy unit files (ungraded).

- :mod:`dlmath.units` selects the folder of your unit files and loads them;
- :mod:`dlmath.nn` has layers and losses (``nn.Linear``, ``nn.MSELoss``...);
- :mod:`dlmath.optim` has optimizers (``optim.SGD``, ``optim.Adam``...);
- :mod:`dlmath.gradcheck` checks a backward against finite differences.

Typical use::

    from dlmath import nn, optim, units
    units.use("path/to/my/units")
"""

from dlmath import gradcheck, nn, optim, units

__all__ = ["gradcheck", "nn", "optim", "units"]
