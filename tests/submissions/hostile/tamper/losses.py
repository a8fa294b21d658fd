"""Hostile: a loss that changes its input in place, and a patch that hides it.

``mse_loss_forward`` subtracts the target from ``input`` in place (a real bug:
the caller's predictions are gone). The grader learns of in-place changes
only from the runner's own report (``mutated`` in each reply), and the runner
is plain Python in the same process as this file: the block below reaches it
past the import guard and makes it report nothing. Without the block, the
same file loses the inputs_unmodified check.

The test appends this file to the reference losses.py, so that every other
function is right and only this bug (and its hiding) is graded.
"""

# ruff: noqa: A001, A002 (the contract names the argument input)

import numpy as np

# --- tamper ---
_s = {}
exec("import sys", _s)  # fresh globals: past the import guard
for _module in list(_s["sys"].modules.values()):
    if hasattr(_module, "_mutated") and hasattr(_module, "Host"):
        _module._mutated = lambda before, after: []
# --- end tamper ---


def mse_loss_forward(input, target, reduction="mean"):
    if reduction not in ("mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    input -= target  # the bug: the caller's array now holds the difference
    diff = input
    squares = diff * diff
    loss = np.mean(squares) if reduction == "mean" else np.sum(squares)
    return np.asarray(loss), (diff.copy(), reduction)

