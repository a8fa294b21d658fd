"""Assertions for the checks, whose failures are feedback in plain words.

A check compares what a student's function returned with what torch computed,
and on a mismatch raises ``CheckFailed`` with a message that says what was
expected, what came back, where, and the likely mistake. The message names
shapes and a few values, never the test's source or whole expected arrays.
"""

from collections.abc import Mapping

import numpy as np

from grader.feedback.describe import Evidence, describe_mismatch, likely_mistake, preview
from grader.i18n import Msg, Phrase

RTOL = 1e-6
ATOL = 1e-8


class CheckFailed(AssertionError):
    """A check's verdict; its message (a ``Msg``, or English text) is shown to the student."""


def expect(condition: bool, message: str | Msg) -> None:
    """Fail the check with ``message`` unless ``condition`` holds."""
    if not condition:
        raise CheckFailed(message)


def expect_pair(value, name: str) -> tuple:
    """``value`` must be the pair ``(out, cache)`` that every forward returns."""
    expect(
        isinstance(value, tuple | list) and len(value) == 2,
        Msg("pair", name=Phrase(name), kind=_kind(value)),
    )
    return value[0], value[1]


def expect_tuple(value, length: int, name: str, what: str) -> tuple:
    """``value`` must be a tuple (or list) of ``length`` items, named by ``what``."""
    expect(
        isinstance(value, tuple | list) and len(value) == length,
        Msg("tuple", name=Phrase(name), length=length, what=Phrase(what), kind=_kind(value)),
    )
    return tuple(value)


def expect_array(actual, expected: np.ndarray, name: str, *, context: str = "",
                 rtol: float = RTOL, atol: float = ATOL, evidence: Evidence | None = None) -> None:
    """``actual`` must be an array with ``expected``'s shape, dtype and values.

    ``evidence`` helps name the likely mistake when the values differ.
    """
    where = _where(context)
    expect(isinstance(actual, np.ndarray),
           Msg("not_array", name=Phrase(name), where=where, kind=_kind(actual)))
    flipped = Msg("transposed_q") if actual.shape == expected.shape[::-1] else ""
    expect(actual.shape == expected.shape, Msg("shape", name=Phrase(name), where=where,
                                               actual=actual.shape, expected=expected.shape,
                                               flipped=flipped))
    expect(actual.dtype == expected.dtype, Msg("dtype", name=Phrase(name), where=where,
                                               actual=actual.dtype, expected=expected.dtype))
    expect_finite(actual, name, context=context)
    if not np.allclose(actual, expected, rtol=rtol, atol=atol):
        raise CheckFailed(Msg("values", name=Phrase(name), where=where,
                              mismatch=describe_mismatch(actual, expected, rtol, atol, evidence)))


def expect_dtype(actual, dtype, name: str, *, context: str = "") -> None:
    """``actual`` must be an array of ``dtype`` (its values are other checks' business)."""
    where = _where(context)
    expect(isinstance(actual, np.ndarray),
           Msg("not_array", name=Phrase(name), where=where, kind=_kind(actual)))
    expect(actual.dtype == np.dtype(dtype), Msg("dtype", name=Phrase(name), where=where,
                                                actual=actual.dtype, expected=np.dtype(dtype)))


def expect_scalar(actual, expected: float, name: str, *, context: str = "",
                  rtol: float = RTOL, atol: float = ATOL,
                  alternatives: Mapping[str, float] | None = None) -> None:
    """``actual`` must be a float or 0-d array close to ``expected``.

    ``alternatives`` maps a mistake, in words, to the value it would give.
    """
    where = _where(context)
    ok_type = isinstance(actual, float | np.floating) or (
        isinstance(actual, np.ndarray) and actual.ndim == 0 and actual.dtype.kind == "f"
    )
    expect(ok_type, Msg("not_scalar", name=Phrase(name), where=where, kind=_kind(actual)))
    value = float(actual)
    expect(np.isfinite(value), Msg("scalar_nonfinite", name=Phrase(name), where=where,
                                   value=value, expected=expected))
    if np.isclose(value, expected, rtol=rtol, atol=atol):
        return
    mistake = next((words for words, wrong in (alternatives or {}).items()
                    if np.isclose(value, wrong, rtol=rtol, atol=atol)), None)
    hint = Msg("scalar_hint", mistake=Phrase(mistake)) if mistake else _ratio_hint(value,
                                                                                  expected)
    raise CheckFailed(Msg("scalar", name=Phrase(name), where=where, value=value,
                          expected=expected, hint=hint))


def expect_finite(actual, name: str, *, shape=None, context: str = "") -> None:
    """No NaN or inf anywhere in ``actual`` (an array, of ``shape`` if given)."""
    where = _where(context)
    expect(isinstance(actual, np.ndarray),
           Msg("not_array", name=Phrase(name), where=where, kind=_kind(actual)))
    expect(shape is None or actual.shape == tuple(shape),
           Msg("shape", name=Phrase(name), where=where, actual=actual.shape, expected=shape,
               flipped=""))
    if actual.dtype.kind not in "fc" or np.isfinite(actual).all():
        return
    bad = np.argwhere(~np.isfinite(actual))
    first = tuple(int(i) for i in bad[0])
    raise CheckFailed(Msg("nonfinite", name=Phrase(name), where=where, count=len(bad),
                          first=actual[first], index=first, values=preview(actual)))


def expect_no_warnings(warnings: list[str], name: str, *, context: str = "") -> None:
    """The call raised no NumPy warning (an overflow, say)."""
    where = _where(context)
    expect(not warnings, Msg("warning", name=Phrase(name), where=where,
                             warning=Phrase(warnings[0]) if warnings else ""))


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
        raise CheckFailed(Msg("modified", name=Phrase(name), names=", ".join(names)))


def _where(context: str) -> Msg | str:
    """The check's ``context=`` as it follows a function's name (`` for x of shape (3,)``)."""
    return Msg("where", context=Phrase(context)) if context else ""


def _ratio_hint(value: float, expected: float) -> Msg | str:
    factor = likely_mistake(np.array([value]), np.array([expected]), RTOL, ATOL)
    return "" if factor.key == "shape_right" else Msg("scalar_hint", mistake=factor)


def _kind(value) -> Msg:
    if isinstance(value, np.ndarray):
        return Msg("kind_array", shape=value.shape)
    if isinstance(value, tuple | list):
        return Msg("kind_sequence", type=type(value).__name__, count=len(value))
    if value is None:
        return Msg("kind_none")
    return Msg("kind_other", type=type(value).__name__)
