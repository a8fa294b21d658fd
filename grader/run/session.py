"""Calls into one submission, as the hidden checks see it.

``Session`` owns the child, loads unit files into it on demand and turns its
replies into values or exceptions. ``SubmissionProxy`` lets a check write
``submission.activations.relu_forward(x)``: the call runs in the child, and
what comes back is plain data, or a ``Handle`` for a forward's cache (which
stays in the child) and for anything else that is not plain data.
"""

import time
from pathlib import Path

from grader.child.codec import Handle
from grader.errors import (
    BudgetSpent,
    CallTimeout,
    ChildDied,
    ChildError,
    StudentError,
    UnitLoadError,
    UnitMissing,
)
from grader.run import sandbox
from grader.run.child import Child, Reply
from grader.settings import CALL_TIMEOUT, UNIT_BUDGET
from grader.units import unit_file


class Session:
    """One submission folder and the child that runs its code.

    Every call may take ``timeout`` seconds, and all the calls into one unit
    ``budget`` seconds together; once a unit's budget is spent, its remaining
    calls fail at once with ``BudgetSpent``.
    """

    def __init__(self, folder: Path, timeout: float = CALL_TIMEOUT,
                 sandbox_mode: str = sandbox.REQUIRE, budget: float = UNIT_BUDGET):
        self.folder = Path(folder).resolve()
        self.timeout = timeout
        self.budget = budget
        self.spent: dict[str, float] = {}
        self.child = Child(self.folder, sandbox_mode)
        self.broken: Exception | None = None
        self.last: Reply | None = None

    @property
    def confinement(self) -> dict | None:
        """What held around the child, as it reported (None before it first started)."""
        return self.child.confinement

    def _request(self, unit: str, message: dict) -> dict:
        """One request for ``unit``, within its call timeout and what is left of its budget."""
        left = self.budget - self.spent.get(unit, 0.0)
        if left <= 0:
            raise BudgetSpent(f"was not run: the unit's time budget of {self.budget:g} s was "
                              "used up by earlier calls")
        start = time.monotonic()
        try:
            return self.child.request(message, min(self.timeout, left))
        except CallTimeout:
            if left < self.timeout:
                raise BudgetSpent(f"did not finish within the {left:.3g} s left of the unit's "
                                  f"time budget ({self.budget:g} s)") from None
            raise
        finally:
            self.spent[unit] = self.spent.get(unit, 0.0) + time.monotonic() - start

    def has_unit(self, unit: str) -> bool:
        return (self.folder / unit_file(unit)).is_file()

    def begin_item(self) -> None:
        """Start a new check: a failure in the previous one no longer applies."""
        self.broken = None

    def end_item(self) -> None:
        """Forget the caches the last check left in the child."""
        if self.child.alive:
            try:
                self.child.request({"op": "release"}, self.timeout)
            except ChildError:
                pass

    def load(self, unit: str) -> None:
        """Import ``unit`` in the current child, if it is not there yet."""
        if unit in self.child.loaded and self.child.alive:
            return
        if not self.has_unit(unit):
            raise UnitMissing(f"the submission has no {unit_file(unit)}")
        if not self.child.alive:
            self.child.stop()
            self.child.start()
        path = self.child.unit_path(unit_file(unit))
        try:
            reply = self._request(unit, {"op": "load", "unit": unit, "path": path})
        except BudgetSpent:
            raise
        except ChildError as exc:
            raise UnitLoadError(unit, exc) from None
        if not reply.get("ok"):
            raise UnitLoadError(unit, StudentError(**reply["error"]))
        self.child.loaded.add(unit)

    def call(self, unit: str, fn: str, args: tuple, kwargs: dict, keep=()) -> object:
        """Run ``unit.fn(*args, **kwargs)`` in the child and return its value.

        After a timeout or a crash, later calls in the same check fail the
        same way at once, so a check never waits twice for a hung function.
        """
        if self.broken is not None:
            raise self.broken
        if any(isinstance(h, Handle) and h.id >> 32 != self.child.generation
               for h in _handles(args, kwargs)):
            raise ChildDied("a cache from a child that has since died was passed back")
        try:
            self.load(unit)
            request = {"op": "call", "unit": unit, "fn": fn, "args": tuple(args),
                       "kwargs": dict(kwargs), "keep": list(keep)}
            reply = self._request(unit, request)
        except ChildError as exc:
            exc.function = exc.function or fn
            self.broken = exc
            raise
        if not reply.get("ok"):
            raise StudentError(**reply["error"], function=fn)
        self.last = Reply(reply["value"], reply.get("warnings", []), reply.get("mutated", []))
        return self.last.value

    def modules(self) -> list[str]:
        """The modules loaded in the child (to prove what it does not hold)."""
        return self.child.request({"op": "modules"}, self.timeout)["value"]

    def close(self) -> None:
        self.child.stop()


def _handles(args, kwargs):
    stack = [*args, *kwargs.values()]
    while stack:
        value = stack.pop()
        if isinstance(value, tuple | list):
            stack.extend(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
        else:
            yield value


class UnitProxy:
    """``proxy.fn(*args)`` calls ``fn`` of one unit in the child."""

    def __init__(self, session: Session, unit: str):
        self._session, self._unit = session, unit

    def __getattr__(self, fn: str):
        if fn.startswith("_"):
            raise AttributeError(fn)
        keep = (1,) if fn.endswith("_forward") else ()  # the cache stays in the child

        def call(*args, **kwargs):
            return self._session.call(self._unit, fn, args, kwargs, keep)

        call.__name__ = fn
        return call

    @property
    def last(self) -> Reply:
        """The last call's reply: its value, warnings and mutated arguments."""
        return self._session.last


class SubmissionProxy:
    """``proxy.activations`` is a ``UnitProxy`` for that unit."""

    def __init__(self, session: Session):
        self._session = session

    def __getattr__(self, unit: str) -> UnitProxy:
        if unit.startswith("_"):
            raise AttributeError(unit)
        return UnitProxy(self._session, unit)
