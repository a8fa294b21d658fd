"""The grader's side of the child process that runs submission code.

``Child`` starts ``python -I -m grader.child.runner`` with two pipes, sends it
plain-data requests and waits for each reply with a timeout. A child that
hangs is killed with its whole process group; one that dies, or answers with
anything but plain data, costs the current request only: the next request
starts a fresh child.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from grader.child import PARENT_PID_ENV, PRELOAD_ENV, codec
from grader.run import sandbox

# Passed through to the child: BLAS must not pick another kernel or thread count there.
_ENV_KEPT = ("PATH", "LANG", "LC_ALL", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
_SINGLE_THREADED = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONHASHSEED": "0",
    "PYTHONDONTWRITEBYTECODE": "1",
}


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


@dataclass
class Reply:
    value: object
    warnings: list[str] = field(default_factory=list)
    mutated: list[str] = field(default_factory=list)


def describe_exit(returncode: int | None) -> str:
    """A child's exit status in plain words."""
    if returncode is None:
        return "stopped answering"
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


class Child:
    """One child process at a time, restarted on demand after a failure."""

    def __init__(self, workdir: Path, limits: sandbox.Limits | None = None,
                 preload: tuple[str, ...] = ()):
        self.workdir = workdir
        self.limits = limits or sandbox.Limits()
        self.preload = preload
        self.uid = sandbox.sandbox_uid()
        sandbox.prepare_scratch(workdir, self.uid)
        self.process: subprocess.Popen | None = None
        self.generation = 0
        self.loaded: set[str] = set()
        self._log = None

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        parent_read, child_write = os.pipe()
        child_read, parent_write = os.pipe()
        self.generation += 1
        env = {key: os.environ[key] for key in _ENV_KEPT if key in os.environ}
        env.update(_SINGLE_THREADED, HOME=str(self.workdir))
        env[PARENT_PID_ENV] = str(os.getpid())
        env[PRELOAD_ENV] = ",".join(self.preload)
        if self.uid is not None:
            env[sandbox.SANDBOX_UID_ENV] = str(self.uid)
        self._log = tempfile.TemporaryFile()
        command = [sys.executable, "-I", "-m", "grader.child.runner",
                   str(child_read), str(child_write), str(self.generation << 32)]
        self.process = subprocess.Popen(
            command, pass_fds=(child_read, child_write), cwd=self.workdir, env=env,
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log,
            start_new_session=True, preexec_fn=sandbox.preexec(self.limits, self.uid),
        )
        os.close(child_read)
        os.close(child_write)
        self.read_fd, self.write_fd = parent_read, parent_write
        self.loaded = set()

    def stop(self) -> None:
        """Kill the child and everything it started."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        sandbox.kill_user(self.uid)
        self.process.wait()
        for fd in (self.read_fd, self.write_fd):
            os.close(fd)
        self._log.close()
        self.process = None

    def request(self, message: dict, timeout: float) -> dict:
        """Send one request and return the child's reply, or raise ``ChildError``."""
        if not self.alive:
            self.stop()
            self.start()
        try:
            codec.write_frame(self.write_fd, codec.encode(message))
            return codec.read_frame(self.read_fd, time.monotonic() + timeout)
        except codec.ReadTimeout:
            self.stop()
            raise CallTimeout(f"did not finish within {timeout:g} s") from None
        except (BrokenPipeError, codec.ProtocolError) as exc:
            died = self._died_message(exc)
            self.stop()
            raise ChildDied(died) from None

    def _died_message(self, exc: Exception) -> str:
        try:
            returncode = self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return f"sent something that is not plain data ({exc})"
        return describe_exit(returncode)
