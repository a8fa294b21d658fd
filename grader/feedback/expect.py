"""Assertions for the checks, whose failures are feedback in plain words.

A check compares what a student's function returned with what torch computed,
and on a mismatch raises ``CheckFailed`` with a message that says what was
expected, what came back, where, and the likely mistake. The message names
shapes and a few values, never the test's source or whole expected arrays.
"""

from collections.abc import Mapping

import numpy as np

from grader.feedback.describe import Evidence, describe_mismatch, likely_mistake, preview

RTOL = 1e-6
ATOL = 1e-8


class CheckFailed(AssertionError):
    """A check's verdict; its message is shown to the student."""


def expect(condition: bool, message: str) -> None:
    """Fail the check with ``message`` unless ``condition`` holds."""
    if not condition:
        raise CheckFailed(message)


def expect_pair(value, name: str) -> tuple:
    """``value`` must be the pair ``(out, cache)`` that every forward returns."""
    expect(
        isinstance(value, tuple | list) and len(value) == 2,
        f"{name} should return a pair (out, cache); it returned {_kind(value)}.",
    )
    return value[0], value[1]


def expect_tuple(value, length: int, name: str, what: str) -> tuple:
    """``value`` must be a tuple (or list) of ``length`` items, named by ``what``."""
    expect(
        isinstance(value, tuple | list) and len(value) == length,
        f"{name} should return {length} values ({what}); it returned {_kind(value)}.",
    )
    return tuple(value)


def expect_array(actual, expected: np.ndarray, name: str, *, context: str = "",
                 rtol: float = RTOL, atol: float = ATOL, evidence: Evidence | None = None) -> None:
    """``actual`` must be an array with ``expected``'s shape, dtype and values.

    ``evidence`` helps name the likely mistake when the values differ.
    """
    where = f" {context}" if context else ""
    expect(isinstance(actual, np.ndarray),
           f"{name}{where} should return a NumPy array; it returned {_kind(actual)}.")
    flipped = " (transposed?)" if actual.shape == expected.shape[::-1] else ""
    expect(actual.shape == expected.shape,
           f"{name}{where} returned shape {actual.shape}; expected {expected.shape}{flipped}.")
    expect(actual.dtype == expected.dtype,
           f"{name}{where} returned dtype {actual.dtype}; expected {expected.dtype} "
           f"(keep the input's dtype: float32 in, float32 out).")
    expect_finite(actual, name, context=context)
    if not np.allclose(actual, expected, rtol=rtol, atol=atol):
        raise CheckFailed(
            f"{name}{where}: {describe_mismatch(actual, expected, rtol, atol, evidence)}")


def expect_dtype(actual, dtype, name: str, *, context: str = "") -> None:
    """``actual`` must be an array of ``dtype`` (its values are other checks' business)."""
    where = f" {context}" if context else ""
    expect(isinstance(actual, np.ndarray),
           f"{name}{where} should return a NumPy array; it returned {_kind(actual)}.")
    expect(actual.dtype == np.dtype(dtype),
           f"{name}{where} returned dtype {actual.dtype}; expected {np.dtype(dtype)} "
           f"(keep the input's dtype: float32 in, float32 out).")


def expect_scalar(actual, expected: float, name: str, *, context: str = "",
                  rtol: float = RTOL, atol: float = ATOL,
                  alternatives: Mapping[str, float] | None = None) -> None:
    """``actual`` must be a float or 0-d array close to ``expected``.

    ``alternatives`` maps a mistake, in words, to the value it would give.
    """
    where = f" {context}" if context else ""
    ok_type = isinstance(actual, float | np.floating) or (
        isinstance(actual, np.ndarray) and actual.ndim == 0 and actual.dtype.kind == "f"
    )
    expect(ok_type, f"{name}{where} should return a float or a 0-d array; "
                    f"it returned {_kind(actual)}.")
    value = float(actual)
    expect(np.isfinite(value), f"{name}{where} returned {value}; expected {expected:.6g}.")
    if np.isclose(value, expected, rtol=rtol, atol=atol):
        return
    mistake = next((words for words, wrong in (alternatives or {}).items()
                    if np.isclose(value, wrong, rtol=rtol, atol=atol)), None)
    hint = f". Likely mistake: {mistake}" if mistake else _ratio_hint(value, expected)
    raise CheckFailed(f"{name}{where} returned {value:.6g}; expected {expected:.6g}{hint}.")


def expect_finite(actual, name: str, *, shape=None, context: str = "") -> None:
    """No NaN or inf anywhere in ``actual`` (an array, of ``shape`` if given)."""
    where = f" {context}" if context else ""
    expect(isinstance(actual, np.ndarray),
           f"{name}{where} should return a NumPy array; it returned {_kind(actual)}.")
    expect(shape is None or actual.shape == tuple(shape),
           f"{name}{where} returned shape {actual.shape}; expected {shape}.")
    if actual.dtype.kind not in "fc" or np.isfinite(actual).all():
        return
    bad = np.argwhere(~np.isfinite(actual))
    first = tuple(int(i) for i in bad[0])
    raise CheckFailed(
        f"{name}{where} returned {len(bad)} non-finite value(s) (NaN or inf), the first "
        f"{actual[first]} at index {first}. Values: {preview(actual)}."
    )


def expect_no_warnings(warnings: list[str], name: str, *, context: str = "") -> None:
    """The call raised no NumPy warning (an overflow, say)."""
    where = f" {context}" if context else ""
    expect(not warnings, f"{name}{where} raised a warning: {warnings[0] if warnings else ''}. "
                         "A stable implementation never overflows.")


def expect_unmodified(mutated: list[str], name: str, arg_names: tuple) -> None:
    """The call changed none of its watched array arguments in place.

    ``mutated`` holds positions (as strings) or keywords, as the child reports
    them; ``arg_names`` names the positions, and a position named ``None``
    (a student's own cache, say) is not watched.
    """
    names = [
        arg_names[int(m)] if m.isdigit() and int(m) < len(arg_names) else m
        for m in mutated
        if not (m.isdigit() and (int(m) >= len(arg_names) or arg_names[int(m)] is None))
    ]
    if names:
        raise CheckFailed(
            f"{name} modified its argument(s) {', '.join(names)} in place. Functions must "
            "leave their inputs untouched: the caller may still need them (use out-of-place "
            "operations, or copy first)."
        )


def _ratio_hint(value: float, expected: float) -> str:
    factor = likely_mistake(np.array([value]), np.array([expected]), RTOL, ATOL)
    return "" if factor.startswith("the shape is right") else f". Likely mistake: {factor}"


def _kind(value) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, tuple | list):
        return f"a {type(value).__name__} of {len(value)} items"
    if value is None:
        return "None"
    return f"a {type(value).__name__}"
