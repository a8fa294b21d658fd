"""Describe how an array differs from the expected one, in plain words."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from grader.i18n import Msg, Phrase

PREVIEW_ITEMS = 4


def preview(array: np.ndarray) -> str:
    """The first few values of ``array``, flattened."""
    flat = np.asarray(array).ravel()
    shown = ", ".join(f"{v:.4g}" for v in flat[:PREVIEW_ITEMS])
    more = ", ..." if flat.size > PREVIEW_ITEMS else ""
    return f"[{shown}{more}]"


@dataclass(frozen=True)
class Evidence:
    """What a check knows beyond the expected values, to name the likely mistake.

    ``alternatives`` maps a mistake, in words, to the result that mistake gives
    (``{"it ignores dim": softmax_along_last_axis}``); ``except_at`` is a mask
    and the words for it (``(x == 0, "where x is exactly 0")``); ``hint`` is a
    diagnosis the check establishes itself, or a function that tries to (by a
    second, simpler call into the submission, made only once the values differ).
    """

    alternatives: Mapping[str, np.ndarray] = field(default_factory=dict)
    except_at: tuple[np.ndarray, str] | None = None
    hint: str | Callable[[], str | None] | None = None


def describe_mismatch(actual: np.ndarray, expected: np.ndarray, rtol: float, atol: float,
                      evidence: Evidence | None = None) -> Msg:
    """Where and by how much ``actual`` is off, and the likely mistake."""
    error = np.abs(actual.astype(np.float64) - expected.astype(np.float64))
    index = tuple(int(i) for i in np.unravel_index(np.argmax(error), error.shape))
    wrong = ~np.isclose(actual, expected, rtol=rtol, atol=atol)
    mistake = (_from_evidence(actual, wrong, evidence or Evidence(), rtol, atol)
               or likely_mistake(actual, expected, rtol, atol))
    return Msg("mismatch", wrong=int(wrong.sum()), size=wrong.size, error=error[index],
               index=index, expected=expected[index], actual=actual[index],
               expected_preview=preview(expected), actual_preview=preview(actual),
               mistake=mistake)


def _from_evidence(actual: np.ndarray, wrong: np.ndarray, evidence: Evidence, rtol: float,
                   atol: float) -> Msg | Phrase | None:
    hint = evidence.hint() if callable(evidence.hint) else evidence.hint
    if hint:
        return hint if isinstance(hint, Msg) else Phrase(hint)
    for words, result in evidence.alternatives.items():
        if result.shape == actual.shape and np.allclose(actual, result, rtol=rtol, atol=atol):
            return Phrase(words)
    if evidence.except_at is not None:
        mask, words = evidence.except_at
        if mask.shape == wrong.shape and mask[wrong].all():
            return Msg("except_at", words=Phrase(words))
    return None


def likely_mistake(actual: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> Msg:
    """A guess from the two arrays alone: transposed, sign, a constant factor."""
    a, e = actual.astype(np.float64), expected.astype(np.float64)
    if a.ndim == 2 and a.shape[0] == a.shape[1] > 1 and np.allclose(a, e.T, rtol, atol):
        return Msg("transposed")
    if np.allclose(a, -e, rtol, atol):
        return Msg("sign_flipped")
    factor = _constant_factor(a, e)
    if factor is not None:
        return Msg("constant_factor", factor=factor)
    return Msg("shape_right")


def _constant_factor(a: np.ndarray, e: np.ndarray) -> Msg | str | None:
    """``a`` is ``e`` times a constant: which one, and what usually causes it.

    From a single value only a whole number or its inverse counts as evidence.
    """
    mask = np.abs(e) > 1e-12
    if not mask.any() or np.any(np.abs(a[~mask]) > 1e-12):
        return None
    ratios = a[mask] / e[mask]
    if not np.allclose(ratios, ratios[0], rtol=1e-6):
        return None
    ratio = float(ratios[0])
    if ratio <= 0:
        return None
    whole, inverse = round(ratio), round(1 / ratio)
    if whole >= 2 and abs(ratio - whole) < 1e-6 * whole:
        return Msg("factor_whole", whole=whole)
    if inverse >= 2 and abs(1 / ratio - inverse) < 1e-6 * inverse:
        return Msg("factor_inverse", inverse=inverse)
    return f"{ratio:.4g}" if mask.sum() >= 2 else None
