"""Turn what happened in one test item into a status and plain-words feedback."""

import traceback
from dataclasses import dataclass
from pathlib import Path

from hypothesis.errors import HypothesisException

from grader.errors import (
    CallTimeout,
    ChildDied,
    SandboxUnavailable,
    StudentError,
    UnitLoadError,
    UnitMissing,
)
from grader.feedback.expect import CheckFailed
from grader.i18n import DEFAULT, Msg, Phrase, render
from grader.paths import TESTS
from grader.text import plain, without_addresses

PASSED, FAILED, ERROR, TIMEOUT = "passed", "failed", "error", "timeout"
# The oracle or the checks' own code failed: not the student's doing. Scores 0, and every
# front end says so loudly (the command exits non-zero) so that the grader gets fixed.
GRADER_ERROR = "grader_error"
_ORACLE = TESTS / "oracle.py"
# Exceptions that only a bug in the checks' own code raises.
_CODE_BUGS = (NameError, ImportError, SyntaxError, RecursionError)


@dataclass(frozen=True)
class ItemOutcome:
    """One test item's verdict, attributed to one rubric check and the function it is about."""

    check: str
    status: str
    feedback: str = ""
    function: str = ""
    unwritten: bool = False  # the submission raised NotImplementedError: a stub's body


def classify(check: str, exc: BaseException | None, function: str,
             lang: str = DEFAULT) -> ItemOutcome:
    """The outcome of a test item that raised ``exc`` (or None when it passed).

    ``function`` names the submission function the check is about, for messages
    about calls that never returned; the feedback is in ``lang``.
    """
    exc = _innermost(exc)
    named = getattr(exc, "function", "") or function
    status, feedback = _verdict(exc, named)
    # it may quote the student
    unwritten = isinstance(exc, StudentError) and exc.type == "NotImplementedError"
    text = plain(without_addresses(render(feedback, lang)))  # addresses change every run
    return ItemOutcome(check, status, text, function, unwritten)


def _verdict(exc: BaseException | None, function: str) -> tuple[str, Msg | str]:
    if exc is None:
        return PASSED, ""
    if isinstance(exc, CheckFailed):
        message = exc.args[0] if exc.args else ""
        return FAILED, message if isinstance(message, Msg) else Phrase(str(exc))
    if isinstance(exc, StudentError):
        return FAILED, _student_error(exc, function)
    if isinstance(exc, CallTimeout):
        return TIMEOUT, Msg("timeout", function=function, what=Phrase(str(exc)))
    if isinstance(exc, ChildDied):
        return ERROR, Msg("child_died", function=function, what=Phrase(str(exc)))
    if isinstance(exc, UnitLoadError | UnitMissing):
        return ERROR, Phrase(str(exc))
    if _grader_fault(exc):
        return GRADER_ERROR, Msg("grader_fault", type=type(exc).__name__)
    return FAILED, Msg("unusable", function=function, type=type(exc).__name__, error=str(exc))


def _grader_fault(exc: BaseException) -> bool:
    """Whether ``exc`` came from (or through) the oracle, torch, hypothesis, or a bug in the
    checks' code: never from a submission, whose code runs in the child."""
    if isinstance(exc, (SandboxUnavailable, HypothesisException, *_CODE_BUGS)):
        return True
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename)
        if path == _ORACLE or "torch" in path.parts or "hypothesis" in path.parts:
            return True
    return type(exc).__module__.split(".")[0] == "torch"


def _student_error(exc: StudentError, function: str) -> Msg:
    if exc.type == "NotImplementedError":
        return Msg("not_implemented", function=function)
    where = Msg("raised_at", where=Phrase(exc.where)) if exc.where else ""
    return Msg("raised", function=function, type=exc.type, error=exc.message, where=where)


def _innermost(exc: BaseException | None) -> BaseException | None:
    """Unwrap exception groups (hypothesis may raise one) to their first leaf."""
    while getattr(exc, "exceptions", None):
        exc = exc.exceptions[0]
    return exc
