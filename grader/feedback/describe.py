"""Describe how an array differs from the expected one, in plain words."""

import numpy as np

PREVIEW_ITEMS = 4


def preview(array: np.ndarray) -> str:
    """The first few values of ``array``, flattened."""
    flat = np.asarray(array).ravel()
    shown = ", ".join(f"{v:.4g}" for v in flat[:PREVIEW_ITEMS])
    more = ", ..." if flat.size > PREVIEW_ITEMS else ""
    return f"[{shown}{more}]"


def describe_mismatch(actual: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> str:
    """Where and by how much ``actual`` is off, and the likely mistake."""
    error = np.abs(actual.astype(np.float64) - expected.astype(np.float64))
    index = tuple(int(i) for i in np.unravel_index(np.argmax(error), error.shape))
    wrong = ~np.isclose(actual, expected, rtol=rtol, atol=atol)
    lines = [
        f"{int(wrong.sum())} of {wrong.size} values differ from torch's. The largest error is "
        f"{error[index]:.3g} at index {index}: expected {expected[index]:.6g}, "
        f"got {actual[index]:.6g}.",
        f"Expected {preview(expected)}, got {preview(actual)}.",
    ]
    hint = likely_mistake(actual, expected, rtol, atol)
    if hint:
        lines.append(f"Likely mistake: {hint}")
    return " ".join(lines)


def likely_mistake(actual: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> str:
    """A guess at the mistake, only where the evidence supports it."""
    a, e = actual.astype(np.float64), expected.astype(np.float64)
    if a.ndim == 2 and a.shape[0] == a.shape[1] > 1 and np.allclose(a, e.T, rtol, atol):
        return "the result is transposed."
    if np.allclose(a, -e, rtol, atol):
        return "the sign is flipped."
    factor = _constant_factor(a, e)
    if factor is not None:
        return f"the result is off by a constant factor of {factor}."
    return "the shape is right but the values are not."


def _constant_factor(a: np.ndarray, e: np.ndarray) -> str | None:
    mask = np.abs(e) > 1e-12
    if mask.sum() < 2 or np.any(np.abs(a[~mask]) > 1e-12):
        return None
    ratios = a[mask] / e[mask]
    if not np.allclose(ratios, ratios[0], rtol=1e-6):
        return None
    ratio = float(ratios[0])
    for value, words in ((2.0, "2"), (0.5, "1/2")):
        if np.isclose(ratio, value, rtol=1e-6):
            return words
    inverse = 1 / ratio
    if abs(inverse - round(inverse)) < 1e-6 and round(inverse) > 1:
        return f"1/{round(inverse)} (an extra division, by N perhaps?)"
    if abs(ratio - round(ratio)) < 1e-6 and round(ratio) > 1:
        return f"{round(ratio)} (a missing division, by N perhaps?)"
    return f"{ratio:.4g}"
