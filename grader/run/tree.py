"""The processes of one sandbox, seen from the grader's side of its pid namespace.

Everything the submission runs lives in the sandbox's own pid namespace, under
its init (bubblewrap's pid 1) and the runner. What the child says about itself
cannot be trusted, so the grader walks that tree itself (``/proc/<pid>/task/*/children``):
to end every process a call left behind once the call has returned, and to sum
the memory of all of them while a call runs (an rlimit on address space is per
process, so forks would multiply it).
"""

import os
import signal
import time
from pathlib import Path

from grader.errors import ChildDied

_PAGE = os.sysconf("SC_PAGE_SIZE")
_KILL_PASSES = 8


class SandboxTree:
    """The processes below the sandbox's init, found from the sandbox command's pid."""

    def __init__(self, command_pid: int):
        self.command_pid = command_pid
        self._init: int | None = None
        self._runner: int | None = None
        self._init_tasks: list[str] | None = None

    @property
    def init(self) -> int | None:
        """The namespace's init, looked for once it exists (bubblewrap starts it after us)."""
        if self._init is None:
            self._init = _namespace_init(self.command_pid)
            # bubblewrap's init is single-threaded: its thread list is read once.
            self._init_tasks = None if self._init is None else _tasks(self._init)
        return self._init

    def processes(self) -> list[int]:
        """Host pids of every process below the namespace's init, parents first."""
        if self.init is None:
            return []
        found, frontier = [], [self.init]
        while frontier:
            pid = frontier.pop()
            for child in _children(pid):
                found.append(child)
                frontier.append(child)
        return found

    @property
    def runner(self) -> int | None:
        """The runner's host pid: the init's first child (found once: it outlives every call)."""
        if self._runner is None and self.init is not None:
            self._runner = next(iter(_children(self.init)), None)
        return self._runner

    def runner_threads(self) -> int:
        """How many threads the runner has (its own, and any the submission started)."""
        return len(_tasks(self.runner))

    def after_call(self) -> int:
        """Kill every process a call left behind; return the runner's thread count then.

        Runs after every reply, so the usual case (nothing left) is a few reads: the init's
        children and the runner's. Processes a stray starts while it is being killed are
        found on the next pass.
        """
        for _ in range(_KILL_PASSES):
            runner = self.runner
            tasks = _tasks(runner)
            below = {*_children(runner, tasks), *_children(self.init, self._init_tasks)}
            if not any(_running(pid) for pid in below - {runner}):  # zombies: the init reaps
                return len(tasks)
            self.kill_strays()
        raise ChildDied("kept starting processes after its call returned")

    def kill_strays(self) -> int:
        """Kill every process but the runner (the init's first child); how many there were."""
        if self.init is None:
            return 0
        runner = self.runner
        strays = [pid for pid in self.processes() if pid != runner]
        for pid in strays:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 1.0  # SIGKILL is asynchronous: see them gone
        while any(_running(pid) for pid in strays) and time.monotonic() < deadline:
            time.sleep(0.002)
        return len(strays)

    def resident_bytes(self) -> int:
        """The resident memory of the runner and everything it started, together."""
        return sum(_resident(pid) for pid in self.processes())


def _namespace_init(command_pid: int) -> int | None:
    """The first process at or below ``command_pid`` that is pid 1 of its own namespace."""
    frontier = [command_pid]
    while frontier:
        pid = frontier.pop(0)
        if _namespace_pids(pid)[-1:] == ["1"]:
            return pid
        frontier += _children(pid)
    return None


def _namespace_pids(pid: int) -> list[str]:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return []
    line = next((line for line in status.splitlines() if line.startswith("NSpid:")), "")
    return line.split()[1:]


def _tasks(pid: int | None) -> list[str]:
    try:
        return os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []


def _children(pid: int | None, tasks: list[str] | None = None) -> list[int]:
    """The children of every thread of ``pid`` (``tasks``: its threads, if already listed)."""
    children = []
    for task in _tasks(pid) if tasks is None else tasks:
        try:  # os.open, not open() or pathlib: this runs after every call
            fd = os.open(f"/proc/{pid}/task/{task}/children", os.O_RDONLY)
        except OSError:
            continue
        try:
            children += [int(child) for child in os.read(fd, 1 << 16).split()]
        except OSError:
            pass
        finally:
            os.close(fd)
    return children


def _resident(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _running(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie, dead but not yet waited for, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")
