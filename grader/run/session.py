"""Calls into one submission, as the hidden checks see it.

``Session`` owns the child, loads unit files into it on demand and turns its
replies into values or exceptions. ``SubmissionProxy`` lets a check write
``submission.activations.relu_forward(x)``: the call runs in the child, and
what comes back is plain data, or a ``Handle`` for a forward's cache (which
stays in the child) and for anything else that is not plain data.
"""

import contextlib
import time
from collections.abc import Iterator
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
        self.owed = 0  # replies the child still owes (a release, the rest of a steps run)

    @property
    def confinement(self) -> dict | None:
        """What held around the child, as it reported (None before it first started)."""
        return self.child.confinement

    def _request(self, unit: str, message: dict) -> dict:
        """One request for ``unit``, within its call timeout and what is left of its budget."""
        self.settle()
        left = self._left(unit)
        start = time.monotonic()
        try:
            with self._charged(unit, left, start):
                return self.child.request(message, min(self.timeout, left))
        finally:
            self.spent[unit] = self.spent.get(unit, 0.0) + time.monotonic() - start

    def _left(self, unit: str) -> float:
        """What is left of ``unit``'s budget; ``BudgetSpent`` when nothing is."""
        left = self.budget - self.spent.get(unit, 0.0)
        if left <= 0:
            raise BudgetSpent(f"was not run: the unit's time budget of {self.budget:g} s was "
                              "used up by earlier calls")
        return left

    @contextlib.contextmanager
    def _charged(self, unit: str, left: float, start: float):
        """A timeout that the unit's budget cut short is ``BudgetSpent``."""
        try:
            yield
        except CallTimeout:
            if left < self.timeout:
                raise BudgetSpent(f"did not finish within the {left:.3g} s left of the unit's "
                                  f"time budget ({self.budget:g} s)") from None
            raise

    def settle(self) -> None:
        """Read the replies the child still owes, so that the next reply is the next request's.

        They are a release's, or the rest of a ``steps`` run whose checks stopped reading
        (a failed check). Not charged to any budget, as if those calls were never made; a
        child that does not answer in time is stopped, and a fresh one serves what follows.
        """
        while self.owed > 0 and self.child.alive:
            try:
                reply = self.child.receive(self.timeout)
            except ChildError:
                break
            self.owed = 0 if reply.get("last") else self.owed - 1
        self.owed = 0

    def spawn(self) -> None:
        """Start the child now and confirm it later, at the first load (``Child.spawn``)."""
        if not self.child.alive:
            self.child.stop()
            self.child.spawn()

    def has_unit(self, unit: str) -> bool:
        return (self.folder / unit_file(unit)).is_file()

    def begin_item(self) -> None:
        """Start a new check: a failure in the previous one no longer applies."""
        self.broken = None

    def end_item(self) -> None:
        """Forget the caches the last check left in the child.

        The reply is read before the next request, not now: the child forgets while the
        next check gets ready.
        """
        self.settle()
        if self.child.alive:
            try:
                self.child.send({"op": "release"}, self.timeout)
                self.owed = 1
            except ChildError:
                pass

    def load(self, unit: str) -> None:
        """Import ``unit`` in the current child, if it is not there yet."""
        self.settle()  # which may stop a child that does not answer: then a fresh one loads
        if unit in self.child.loaded and self.child.alive:
            return
        if not self.has_unit(unit):
            raise UnitMissing(f"the submission has no {unit_file(unit)}")
        if not self.child.alive:
            self.child.stop()
            self.child.start()
        elif not self.child.confirmed:  # spawned ahead (``spawn``): its start-up is not charged
            self.child.confirm()
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

    def steps(self, unit: str, fn: str, calls: list[tuple[tuple, dict]],
              feed: dict[int, int], keep=()) -> Iterator[object]:
        """Run ``unit.fn(*args, **kwargs)`` for each ``(args, kwargs)`` of ``calls``, in order.

        Each call after the first gets, at argument position ``a``, item ``feed[a]`` of the
        previous call's value (an optimizer's new parameter and state, a cell's new hidden
        state); with an empty ``feed`` the calls are independent (a schedule's rate at each
        step). One request, one reply per call: yields each call's value as it arrives
        (``last`` is that call's reply). Every call has its own timeout and is charged to
        the unit's budget, as ``call`` would be; a failure raises at its call, and the rest
        of the run is not made. Stop reading early and the calls the child made meanwhile
        count for nothing. The child only ever receives the arguments.
        """
        if not calls:
            return
        if self.broken is not None:
            raise self.broken
        args0 = calls[0][0]
        if any(not 0 <= a < len(args0) or any(not 0 <= a < len(args) for args, _ in calls)
               for a in feed):
            raise ValueError("a fed argument position is not in every call's arguments")
        if any(isinstance(h, Handle) and h.id >> 32 != self.child.generation
               for args, kwargs in calls for h in _handles(args, kwargs)):
            raise ChildDied("a cache from a child that has since died was passed back")
        request = {"op": "steps", "unit": unit, "fn": fn,
                   "calls": [(tuple(args), dict(kwargs)) for args, kwargs in calls],
                   "feed": sorted(feed.items()), "keep": list(keep)}
        try:
            self.load(unit)  # (after the replies still owed)
            left = self._left(unit)
            start = time.monotonic()
            with self._charged(unit, left, start):
                try:
                    self.child.send(request, min(self.timeout, left))
                finally:
                    self.spent[unit] = self.spent.get(unit, 0.0) + time.monotonic() - start
        except ChildError as exc:
            exc.function = exc.function or fn
            self.broken = exc
            raise
        self.owed = len(calls)
        for _ in calls:
            reply = self._step_reply(unit, fn)
            self.last = Reply(reply["value"], reply.get("warnings", []), reply.get("mutated", []))
            yield self.last.value
            if reply.get("last"):
                return

    def _step_reply(self, unit: str, fn: str) -> dict:
        """The next reply of a ``steps`` run, within the call timeout and the unit's budget."""
        try:
            left = self._left(unit)
            start = time.monotonic()
            try:
                with self._charged(unit, left, start):
                    reply = self.child.receive(min(self.timeout, left))
            finally:
                self.spent[unit] = self.spent.get(unit, 0.0) + time.monotonic() - start
        except ChildError as exc:
            self.owed = 0
            exc.function = exc.function or fn
            self.broken = exc
            raise
        self.owed -= 1
        if reply.get("last"):
            self.owed = 0
        if not reply.get("ok"):
            raise StudentError(**reply["error"], function=fn)
        return reply

    def modules(self) -> list[str]:
        """The modules loaded in the child (to prove what it does not hold)."""
        self.settle()
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


def one_by_one(session: Session, unit: str, fn: str, calls: list[tuple[tuple, dict]],
               feed: dict[int, int], keep=()) -> Iterator[object]:
    """What ``Session.steps`` does, one ``call`` at a time (and where there is no child)."""
    value = None
    for index, (args, kwargs) in enumerate(calls):
        args = list(args)
        for position, item in feed.items() if index else ():
            args[position] = value[item]
        value = session.call(unit, fn, tuple(args), kwargs, keep)
        yield value
        if feed and not (isinstance(value, tuple | list) and all(0 <= i < len(value)
                                                                 for i in feed.values())):
            return


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

        def steps(calls: list[tuple[tuple, dict]], feed: dict[int, int]) -> Iterator[object]:
            """``fn`` on each ``(args, kwargs)`` in one request: see ``Session.steps``."""
            if isinstance(self._session.__dict__.get("child"), Child):
                return self._session.steps(self._unit, fn, calls, feed, keep)
            return one_by_one(self._session, self._unit, fn, calls, feed, keep)

        call.__name__ = fn
        call.steps = steps
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
