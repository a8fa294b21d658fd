"""Turn what happened in one test item into a status and plain-words feedback."""

from dataclasses import dataclass

from grader.feedback.expect import CheckFailed
from grader.run.child import CallTimeout, ChildDied, StudentError
from grader.run.session import UnitLoadError, UnitMissing

PASSED, FAILED, ERROR, TIMEOUT = "passed", "failed", "error", "timeout"


@dataclass(frozen=True)
class ItemOutcome:
    """One test item's verdict, attributed to one rubric check and the function it is about."""

    check: str
    status: str
    feedback: str = ""
    function: str = ""


def classify(check: str, exc: BaseException | None, function: str) -> ItemOutcome:
    """The outcome of a test item that raised ``exc`` (or None when it passed).

    ``function`` names the submission function the check is about, for messages
    about calls that never returned.
    """
    exc = _innermost(exc)
    named = getattr(exc, "function", "") or function
    status, feedback = _verdict(exc, named)
    return ItemOutcome(check, status, feedback, function)


def _verdict(exc: BaseException | None, function: str) -> tuple[str, str]:
    if exc is None:
        return PASSED, ""
    if isinstance(exc, CheckFailed):
        return FAILED, str(exc)
    if isinstance(exc, StudentError):
        return FAILED, _student_error(exc, function)
    if isinstance(exc, CallTimeout):
        return TIMEOUT, f"{function} {exc}: is there an endless loop?"
    if isinstance(exc, ChildDied):
        return ERROR, f"the process running your code {exc} during {function}."
    if isinstance(exc, UnitLoadError | UnitMissing):
        return ERROR, str(exc)
    return FAILED, (f"the check could not use what {function} returned "
                    f"({type(exc).__name__}: {exc}).")


def _student_error(exc: StudentError, function: str) -> str:
    if exc.type == "NotImplementedError":
        return f"{function} is not implemented yet."
    where = f" at {exc.where}" if exc.where else ""
    return f"{function} raised {exc.type}: {exc.message}{where}."


def _innermost(exc: BaseException | None) -> BaseException | None:
    """Unwrap exception groups (hypothesis may raise one) to their first leaf."""
    while getattr(exc, "exceptions", None):
        exc = exc.exceptions[0]
    return exc
