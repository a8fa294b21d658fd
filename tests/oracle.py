"""torch as the oracle: reference values and gradients for the checks."""

import numpy as np
import torch

# The checks' tensors are tiny: one thread is fastest, and leaves the other core
# to the child (or to a second grading worker).
torch.set_num_threads(1)


def as_numpy(t: torch.Tensor) -> np.ndarray:
    """A tensor's values as a NumPy array (0-d tensors give 0-d arrays)."""
    return t.detach().numpy().copy()


def vjp(fn, inputs, grad_output: np.ndarray, **kwargs):
    """Run ``fn`` on ``inputs`` in torch; return ``(out, grads)`` as NumPy arrays.

    ``grads[i]`` is the gradient of ``<out, grad_output>`` with respect to
    ``inputs[i]``, from ``torch.autograd.grad``; an input that is not an array
    (None, an int array of classes) gets no gradient.
    """
    tensors = [_leaf(x) for x in inputs]
    out = fn(*tensors, **kwargs)
    wanted = [t for t in tensors if isinstance(t, torch.Tensor) and t.requires_grad]
    grads = torch.autograd.grad(out, wanted, torch.as_tensor(grad_output, dtype=out.dtype))
    by_input = iter(grads)
    return as_numpy(out), [
        as_numpy(next(by_input)) if isinstance(t, torch.Tensor) and t.requires_grad else None
        for t in tensors
    ]


def value(fn, *inputs, **kwargs) -> np.ndarray:
    """``fn`` of ``inputs`` in torch, without gradients, as a NumPy array."""
    with torch.no_grad():
        return as_numpy(fn(*[_leaf(x, grad=False) for x in inputs], **kwargs))


def _leaf(x, grad: bool = True):
    if not isinstance(x, np.ndarray):
        return x
    t = torch.from_numpy(x.copy())
    return t.requires_grad_(grad and t.is_floating_point())
