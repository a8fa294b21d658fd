"""Hypothesis strategies for every suite, in one place.

Arrays are drawn as a shape and a seed, then filled by a seeded NumPy
generator: the cases are well-conditioned, reproducible, and (under the
derandomized ``dlmath`` profile) the same for every student and every run.
"""

import numpy as np
from hypothesis import strategies as st

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
