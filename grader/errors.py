"""What can go wrong while grading, as exceptions every layer may name.

The engine raises them (``grader.run``); scoring turns them into statuses and
feedback (``grader.score.outcome``); front ends report them. Keeping them
here lets each of those depend on this module instead of on each other.
"""

from dataclasses import dataclass

from grader.units import unit_file


class ChildError(Exception):
    """A request that did not produce a reply from submission code."""

    function = ""  # the submission function that was running, once known


class CallTimeout(ChildError):
    """The child did not answer in time and was killed."""


class ChildDied(ChildError):
    """The child exited, crashed, or broke the protocol."""


@dataclass
class StudentError(Exception):
    """Submission code raised an exception (reported by the child)."""

    type: str
    message: str
    where: str = ""
    function: str = ""

    def __str__(self) -> str:
        return f"{self.type}: {self.message}"


class UnitMissing(Exception):
    """The submission has no file for this unit."""


class UnitLoadError(Exception):
    """A unit file could not be imported in the child."""

    def __init__(self, unit: str, cause: Exception):
        super().__init__(f"{unit_file(unit)} could not be imported: {cause}")
        self.unit, self.cause = unit, cause


class BudgetSpent(CallTimeout):
    """The unit's time budget was used up before this call."""


class SandboxUnavailable(RuntimeError):
    """The allow-list sandbox cannot be built on this machine (the message says why)."""
