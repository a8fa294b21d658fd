"""Confinement for the child process that runs submission code.

Applied between fork and exec (``preexec``): resource limits, a fresh
network namespace with no interfaces up, and, when the grader runs as root,
a private mount namespace in which the reference solutions and the tests are
hidden under empty read-only folders. The child's runner then drops to an
unprivileged user of its own (``SANDBOX_UID_ENV``) once it has imported what
it needs (``grader.child.runner.confine_self``). Each step the platform
refuses is skipped: the limits still apply.
"""

import contextlib
import ctypes
import os
import resource
import signal
from dataclasses import dataclass
from pathlib import Path

from grader.child import SANDBOX_UID_ENV
from grader.load.submission import is_scratch
from grader.paths import SOLUTIONS, TESTS

__all__ = ["SANDBOX_UID_ENV", "Limits", "kill_user", "preexec", "prepare_scratch", "sandbox_uid"]

_UID_BASE = 100_000  # + the grader's pid: one user per grading process, never shared
_CLONE_NEWNS, _CLONE_NEWNET = 0x00020000, 0x40000000
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 1, 2, 4, 8
_MS_REC, _MS_PRIVATE = 0x4000, 0x40000
HIDDEN_FROM_CHILD = (SOLUTIONS, TESTS)


@dataclass(frozen=True)
class Limits:
    """What one child may use."""

    memory_bytes: int = 2 * 1024**3
    cpu_seconds: int = 600
    processes: int = 32
    open_files: int = 64
    file_bytes: int = 16 * 1024**2  # also caps the captured stdout and stderr


def is_root() -> bool:
    return os.geteuid() == 0


def sandbox_uid() -> int | None:
    """The unprivileged user this grading process's children run as (root only)."""
    return _UID_BASE + os.getpid() if is_root() else None


def preexec(limits: Limits, uid: int | None):
    """The function ``Popen`` runs in the child between fork and exec."""

    def confine() -> None:
        if uid is not None:
            _isolate_namespaces()
        for kind, value in (
            (resource.RLIMIT_AS, limits.memory_bytes),
            (resource.RLIMIT_CPU, limits.cpu_seconds),
            (resource.RLIMIT_NOFILE, limits.open_files),
            (resource.RLIMIT_FSIZE, limits.file_bytes),
            (resource.RLIMIT_CORE, 0),
        ):
            resource.setrlimit(kind, (value, value))
        if uid is not None:  # counted per user, so only for the child's own user
            resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))

    return confine


def _isolate_namespaces() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(_CLONE_NEWNET) != 0:
        return
    if libc.unshare(_CLONE_NEWNS) != 0:
        return
    libc.mount(None, b"/", None, _MS_REC | _MS_PRIVATE, None)
    flags = _MS_RDONLY | _MS_NOSUID | _MS_NODEV | _MS_NOEXEC
    for folder in HIDDEN_FROM_CHILD:
        if folder.is_dir():
            libc.mount(b"tmpfs", bytes(folder), b"tmpfs", flags, b"size=4k")


def prepare_scratch(folder: Path, uid: int | None) -> None:
    """Make a scratch copy readable by the sandbox user, and by nobody else.

    Only a scratch folder (see ``grader.load.submission.make_scratch``) is
    handed over: never a folder of the course itself.
    """
    if uid is None:
        return
    if not is_scratch(folder):
        raise ValueError(f"{folder} is not a scratch folder: copy the submission first")
    for path in [folder, *folder.iterdir()]:
        os.chown(path, uid, uid)
        path.chmod(0o500 if path.is_dir() else 0o400)


def kill_user(uid: int | None) -> None:
    """Kill every process of the sandbox user: nothing a submission started survives."""
    if uid is None:
        return
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError, ValueError):
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines())
            if int(fields["Uid"].split()[1]) == uid:
                os.kill(int(status.parent.name), signal.SIGKILL)
