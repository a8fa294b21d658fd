"""Hypothesis strategies for every suite, in one place.

Arrays are drawn as a shape and a seed, then filled by a seeded NumPy
generator: the cases are well-conditioned, reproducible, and (under the
derandomized ``dlmath`` profile) the same for every student and every run.
"""

import numpy as np
from hypothesis import strategies as st

from grader.feedback.expect import expect

seeds = st.integers(min_value=0, max_value=2**32 - 1)


def shapes(min_dims: int = 1, max_dims: int = 4, min_side: int = 1, max_side: int = 5):
    """Array shapes; sides of 1 (a batch of one) are drawn as often as any."""
    return st.lists(
        st.integers(min_side, max_side), min_size=min_dims, max_size=max_dims
    ).map(tuple)


def random_array(shape, seed: int, scale: float = 2.0, dtype=np.float64,
                 zeros: bool = False) -> np.ndarray:
    """A standard-normal array times ``scale``; with ``zeros``, about a fifth exactly 0."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) * scale
    if zeros:
        x[rng.random(shape) < 0.2] = 0.0
    return x.astype(dtype)


@st.composite
def arrays(draw, min_dims: int = 1, max_dims: int = 4, max_side: int = 5,
           scale: float = 2.0, zeros: bool = False, dtype=np.float64) -> np.ndarray:
    """An array of a drawn shape (see ``random_array``)."""
    shape = draw(shapes(min_dims, max_dims, max_side=max_side))
    return random_array(shape, draw(seeds), scale, dtype, zeros)


@st.composite
def arrays_and_dim(draw, min_dims: int = 1, max_dims: int = 4, max_side: int = 5,
                   scale: float = 2.0):
    """An array and an axis of it, given as a negative or non-negative index."""
    x = draw(arrays(min_dims, max_dims, max_side, scale))
    dim = draw(st.integers(-x.ndim, x.ndim - 1))
    return x, dim


def upstream(shape, seed: int, dtype=np.float64) -> np.ndarray:
    """A random upstream gradient: never ones, never the gradient of a sum."""
    return np.random.default_rng(seed ^ 0x5EED).standard_normal(shape).astype(dtype)


# Property checks (float32, inputs_unmodified) hold the values they ran on to torch too, so
# that a stub of the right shapes and dtypes earns nothing there. float32 arithmetic is
# compared with float32's precision.
FLOAT32_TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def as_float64(*arrays):
    """float32 inputs upcast for the float64 oracle (None and integer arrays unchanged)."""
    return [a.astype(np.float64) if isinstance(a, np.ndarray) and a.dtype == np.float32 else a
            for a in arrays]


def cache_untouched(mutated: list[str], name: str, position: int = 1) -> None:
    """A backward left the arrays of its cache (argument ``position``) as they were.

    In a network the cache holds the forward's own arguments and outputs (the
    caller's input, the next layer's input); changing them in place changes
    the caller's arrays, as torch forbids for the tensors it saves.
    """
    expect(str(position) not in mutated,
           f"{name} changed the arrays its cache holds in place. In a network those are "
           "the forward's own input and output, arrays the caller still holds (the next "
           "layer's input, say): compute new arrays instead of writing into them.")
