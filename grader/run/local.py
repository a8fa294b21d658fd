"""Calls into a submission in the grader's own process: no isolation at all.

Only for measuring what isolation costs (``benchmarks/grading.py``) and for
trusted code: a hung, crashing or hostile submission takes the grader down.
It serves the checks exactly as ``Session`` does, through the child's own
``Host`` class, minus the process boundary and its encoding.
"""

from pathlib import Path

from grader.child.runner import Host
from grader.errors import StudentError
from grader.run.child import Reply
from grader.run.session import Session
from grader.units import unit_file


class LocalSession(Session):
    """A ``Session`` whose "child" is an object in this process."""

    def __init__(self, folder: Path, timeout: float):
        self.folder = Path(folder).resolve()
        self.timeout = timeout
        self.local = Host(first_handle=1)
        self.broken = None
        self.last = None

    def spawn(self) -> None:
        pass  # no child

    def end_item(self) -> None:
        self.local.handles.clear()

    def load(self, unit: str) -> None:
        if unit not in self.local.units:
            self.local.load(unit, str(self.folder / unit_file(unit)))

    def call(self, unit: str, fn: str, args: tuple, kwargs: dict, keep=()) -> object:
        self.load(unit)
        try:
            result = self.local.call({"unit": unit, "fn": fn, "args": args, "kwargs": kwargs,
                                      "keep": list(keep)})
        except Exception as exc:  # what the child would report
            raise StudentError(type(exc).__name__, str(exc), function=fn) from None
        self.last = Reply(result["value"], result["warnings"], result["mutated"])
        return self.last.value

    def modules(self) -> list[str]:
        return []

    def close(self) -> None:
        self.local.handles.clear()
