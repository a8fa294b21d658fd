"""The grader's side of the child process that runs submission code.

``Child`` starts the runner (``grader.child.runner``) inside the sandbox with
two pipes, checks the confinement the runner reports before any submission
code runs, sends it plain-data requests and waits for each reply with a
timeout. A child that hangs is killed with everything it started; one that
dies, or answers with anything but a well-formed reply, costs the current
request only: the next request starts a fresh child in a fresh sandbox.
"""

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy

from grader.child import codec
from grader.errors import CallTimeout, ChildDied
from grader.run import sandbox
from grader.run.tree import SandboxTree
from grader.settings import CHILD_START_TIMEOUT, STAY_AWAKE_SECONDS

# BLAS must not pick another kernel or thread count in the child.
_ENV_KEPT = ("LANG", "LC_ALL", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
_CHILD_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONHASHSEED": "0",
    "PYTHONDONTWRITEBYTECODE": "1",
    "HOME": "/tmp",
}
_BOOT = ("import sys; sys.path[:0] = {path!r}; "
         "from {package}.runner import main; main(sys.argv[1])")
_REPO = Path(__file__).resolve().parents[2]


_graders_per_machine = 1


def share_cores(graders: int) -> None:
    """Say how many graders run at once on this machine (a pool's workers, in each of them)."""
    global _graders_per_machine
    _graders_per_machine = max(1, graders)


def stay_awake() -> bool:
    """Whether each grader and its child have a core to themselves (``STAY_AWAKE_SECONDS``).

    Polling on a core another grader needs would only slow it: a class graded by as many
    workers as cores took 25% longer with it.
    """
    return len(os.sched_getaffinity(0)) >= 2 * _graders_per_machine


@dataclass
class Reply:
    value: object
    warnings: list[str] = field(default_factory=list)
    mutated: list[str] = field(default_factory=list)


def describe_exit(returncode: int | None, sandboxed: bool = False) -> str:
    """A child's exit status in plain words.

    In the sandbox, bubblewrap reports a child killed by signal N as status 128 + N.
    """
    if returncode is None:
        return "stopped answering"
    if sandboxed and 128 < returncode < 128 + 65:
        returncode = 128 - returncode
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        plain = {"SIGSEGV": "a segmentation fault", "SIGKILL": "being killed (out of memory?)",
                 "SIGABRT": "an abort", "SIGXCPU": "using up its CPU time",
                 "SIGXFSZ": "writing too much output"}.get(name, name)
        return f"died from {plain}"
    return f"exited with status {returncode}"


def validate_reply(reply: object) -> dict:
    """``reply`` if it has the protocol's shape; otherwise ``ChildDied``."""
    if not isinstance(reply, dict) or not isinstance(reply.get("ok"), bool):
        raise ChildDied("sent a malformed reply")
    if reply["ok"]:
        lists = [reply.get("warnings", []), reply.get("mutated", [])]
        if "value" not in reply or not all(
                isinstance(items, list) and all(isinstance(i, str) for i in items)
                for items in lists):
            raise ChildDied("sent a malformed reply")
        return reply
    error = reply.get("error")
    if not isinstance(error, dict) or not all(
            isinstance(error.get(key, ""), str) for key in ("type", "message", "where")
    ) or not isinstance(error.get("type"), str) or set(error) - {"type", "message", "where"}:
        raise ChildDied("sent a malformed reply")
    return reply


class Child:
    """One child process at a time, restarted on demand after a failure.

    ``mode`` is ``require`` or ``best-effort`` (``grader.run.sandbox``);
    ``packages`` binds trusted packages (by import name) into the child, and
    ``preload`` names modules it imports before any submission code.
    """

    def __init__(self, workdir: Path, mode: str = sandbox.REQUIRE,
                 limits: sandbox.Limits | None = None, preload: tuple[str, ...] = (),
                 packages: dict[str, Path] | None = None):
        self.workdir = Path(workdir)
        self.mode = mode
        self.limits = limits or sandbox.Limits()
        self.preload = preload
        self.packages = packages or {}
        self.process: subprocess.Popen | None = None
        self.plan: sandbox.Plan | None = None
        self.confinement: dict | None = None
        self.generation = 0
        self.alone = self.confirmed = False
        self.loaded: set[str] = set()
        self._log = None

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def unit_path(self, name: str) -> str:
        """Where the child sees the submission's file ``name``."""
        folder = sandbox.SUBMISSION if self.plan and self.plan.confined else str(self.workdir)
        return f"{folder}/{name}"

    def start(self) -> None:
        """Start a fresh child; raise ``sandbox.SandboxUnavailable`` if it cannot be confined."""
        self.spawn()
        self.confirm()

    def spawn(self) -> None:
        """Start a fresh child without waiting for it: ``confirm`` reads what confines it.

        In the grader's main thread (``preexec_fn`` is not safe beside other threads); the
        child's start-up (the sandbox, Python, numpy) can then overlap with the grader's own.
        """
        self.plan = sandbox.plan(self.workdir, self.mode, self.packages)
        sandbox.prepare_scratch(self.workdir, self.plan.uid)
        parent_read, child_write = os.pipe()
        child_read, parent_write = os.pipe()
        self.generation += 1
        settings = {"read_fd": child_read, "write_fd": child_write,
                    "first_handle": self.generation << 32, "uid": self.plan.uid,
                    "processes": self.limits.processes, "preload": list(self.preload),
                    "parent": None if self.plan.confined else os.getpid(),
                    "stay_awake": STAY_AWAKE_SECONDS[0] if stay_awake() else 0.0,
                    "cwd": sandbox.SUBMISSION if self.plan.confined else None}
        self._log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            self._command(settings), pass_fds=(child_read, child_write, *self.plan.pass_fds),
            cwd=self.workdir, env=self._env(), stdin=subprocess.DEVNULL, stdout=self._log,
            stderr=self._log, start_new_session=True, preexec_fn=sandbox.rlimits(self.limits),
        )
        for fd in (child_read, child_write, *self.plan.pass_fds):
            os.close(fd)
        self.read_fd, self.write_fd = parent_read, parent_write
        # Confined, the grader watches the sandbox's processes itself (grader.run.tree).
        self.tree = SandboxTree(self.process.pid) if self.plan.confined else None
        self.reader = codec.FrameReader(parent_read, self._watch if self.tree else None)
        self.reader.stay_awake = STAY_AWAKE_SECONDS[1] if stay_awake() else 0.0
        self.loaded = set()
        self.confirmed = False

    def _command(self, settings: dict) -> list[str]:
        python = [os.path.realpath(sys.executable), "-I", "-S", "-B", "-c"]
        if self.plan.confined:
            setenv = [arg for key, value in self._env().items() for arg in ("--setenv", key, value)]
            boot = _BOOT.format(path=[sandbox.SANDBOX_LIB], package="dlmath_child")
            return [*self.plan.wrapper, *setenv, "--", *python, boot, json.dumps(settings)]
        # Limits only: the child can see the host, numpy is imported from where it lies.
        path = [str(_REPO), str(Path(numpy.__file__).resolve().parents[1]),
                *{str(Path(sys.modules[m.split(".")[0]].__file__).resolve().parents[1])
                  for m in self.preload}]
        return [*python, _BOOT.format(path=path, package="grader.child"), json.dumps(settings)]

    def _env(self) -> dict[str, str]:
        env = {key: os.environ[key] for key in _ENV_KEPT if key in os.environ}
        return {**env, **_CHILD_ENV}

    def confirm(self) -> None:
        """Read the runner's first frame: the confinement it observes; refuse a weaker one."""
        try:
            hello = validate_reply(self.reader.frame(time.monotonic() + CHILD_START_TIMEOUT))
        except (codec.ReadTimeout, codec.ProtocolError, ChildDied, OSError) as exc:
            log = self.output()
            self.stop()
            raise sandbox.SandboxUnavailable(
                f"the child did not start ({exc or 'no answer'}): {log[-300:]}") from None
        self.confinement = sandbox.describe(self.plan, self.limits, hello["value"])
        self.threads = self.tree.runner_threads() if self.tree else 0  # before any submission code
        # The seccomp filter refuses new processes and threads: the runner is alone for good.
        self.alone = bool(self.tree and hello["value"].get("spawn_refused") is True
                          and self.confinement["seccomp"])
        if self.mode == sandbox.REQUIRE and self.confinement["level"] != "full":
            problems = "; ".join(self.confinement["warnings"])
            self.stop()
            raise sandbox.SandboxUnavailable(f"the sandbox did not hold: {problems}")
        self.confirmed = True

    def output(self) -> str:
        """What the child printed so far (stdout and stderr)."""
        if self._log is None or self._log.closed:
            return ""
        self._log.seek(0)
        return self._log.read(64 * 1024).decode(errors="replace")

    def stop(self) -> None:
        """Kill the child and everything it started."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        if self.plan is not None and not self.plan.confined:
            sandbox.kill_user(self.plan.uid)
        for fd in (self.read_fd, self.write_fd):
            os.close(fd)
        self._log.close()
        self.process = None

    def request(self, message: dict, timeout: float) -> dict:
        """Send one request and return the child's reply, or raise ``ChildError``."""
        deadline = time.monotonic() + timeout  # for sending the request and the reply
        self.send(message, timeout, deadline)
        return self.receive(timeout, deadline)

    def send(self, message: dict, timeout: float, deadline: float | None = None) -> None:
        """Send one request (starting a child if none is alive), or raise ``ChildError``."""
        if not self.alive:
            self.stop()
            self.start()
        elif not self.confirmed:
            self.confirm()
        with self._failures(timeout):
            codec.write_frame(self.write_fd, codec.encode(message),
                              deadline or time.monotonic() + timeout)

    def receive(self, timeout: float, deadline: float | None = None) -> dict:
        """The child's next reply (a ``steps`` request has several), or ``ChildError``."""
        with self._failures(timeout):
            reply = validate_reply(self.reader.frame(deadline or time.monotonic() + timeout))
        if self.tree and not self.alone and reply.get("last", True):  # the call is over
            with self._failures(timeout):
                self._nothing_left_running()
        return reply

    def _nothing_left_running(self) -> None:
        """Kill the processes the call left; a thread it left running is ``ChildDied``.

        Nothing the call started may run on beside the next call. Threads are not processes
        (``after_call`` spares the runner and all its threads), and one left spinning would
        take CPU from the calls that follow, and from classmates graded beside it, until the
        child ends; a unit may not start threads at all.
        """
        extra = self.tree.after_call() - self.threads
        if extra > 0:
            raise ChildDied(f"started {extra} thread{'s' * (extra > 1)} that still ran when "
                            "the call returned (a unit may not start threads)")

    def _watch(self) -> None:
        """While a call runs: its processes share one memory limit, forks included."""
        used = self.tree.resident_bytes()
        if used > self.limits.memory_bytes:
            raise ChildDied(f"used {used // 2**20} MB of memory across its processes "
                            f"(the limit is {self.limits.memory_bytes // 2**20} MB)")

    @contextlib.contextmanager
    def _failures(self, timeout: float):
        """A child that is too slow, dies or breaks the protocol is stopped: ``ChildError``."""
        try:
            yield
        except codec.ReadTimeout:
            self.stop()
            raise CallTimeout(f"did not finish within {timeout:g} s") from None
        except (BrokenPipeError, codec.ProtocolError) as exc:
            died = self._died_message(exc)
            self.stop()
            raise ChildDied(died) from None
        except ChildDied:
            self.stop()
            raise

    def _died_message(self, exc: Exception) -> str:
        if isinstance(exc, codec.ChannelClosed) or isinstance(exc, BrokenPipeError):
            try:
                return describe_exit(self.process.wait(timeout=2), self.plan.confined)
            except subprocess.TimeoutExpired:
                pass
        return "sent a malformed reply"
