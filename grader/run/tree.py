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

_PAGE = os.sysconf("SC_PAGE_SIZE")


class SandboxTree:
    """The processes below the sandbox's init, found from the sandbox command's pid."""

    def __init__(self, command_pid: int):
        self.command_pid = command_pid
        self._init: int | None = None

    @property
    def init(self) -> int | None:
        """The namespace's init, looked for once it exists (bubblewrap starts it after us)."""
        if self._init is None:
            self._init = _namespace_init(self.command_pid)
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
        """The runner's host pid: the init's first child."""
        return None if self.init is None else next(iter(_children(self.init)), None)

    def runner_threads(self) -> int:
        """How many threads the runner has (its own, and any the submission started)."""
        try:
            return len(os.listdir(f"/proc/{self.runner}/task"))
        except OSError:
            return 0

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


def _children(pid: int) -> list[int]:
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    children = []
    for task in tasks:
        try:  # plain open(), not pathlib: this runs a few times after every call
            with open(f"/proc/{pid}/task/{task}/children") as listed:
                children += [int(child) for child in listed.read().split()]
        except OSError:
            continue
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
