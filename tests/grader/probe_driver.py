"""Attack the sandbox from a real child and print what happened, as JSON.

``python -m tests.grader.probe_driver`` (run as root, or as a throwaway user
through ``tests.grader.nonroot``) grades nothing: it loads the probe
submission (``tests/submissions/probe/activations.py``) into confined
children exactly as the grader does, calls each probe, then looks from
outside for anything the submission left behind. ``tests/grader/test_sandbox.py``
asserts on the result, once per mode.
"""

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import numpy

from grader.errors import ChildDied, SandboxUnavailable
from grader.load.submission import load_submission, make_scratch, remove_scratch
from grader.paths import HIDDEN_TESTS, REPO_ROOT, SOLUTIONS
from grader.run.sandbox import REQUIRE, is_root
from grader.run.session import Session, SubmissionProxy
from tests.grader import nonroot

PROBE = Path(__file__).resolve().parents[1] / "submissions" / "probe"
SITE_PACKAGES = str(Path(numpy.__file__).resolve().parents[1])


def run(mode: str, module: str, *args: str, timeout: float = 600) -> dict:
    """``python -m MODULE ARGS...`` as root or as a throwaway user (``mode``): its JSON.

    Skips (pytest) when the mode cannot be played here or the platform cannot
    build the sandbox; a driver that crashes fails the calling test.
    """
    import pytest

    argv = [sys.executable, "-m", module, *args]
    if mode == "root" and not is_root():
        pytest.skip("the root variant needs root (CI runs as root)")
    if mode == "user" and is_root():  # a throwaway user who can reach only what grading needs
        argv = nonroot.command([Path(sys.base_prefix), Path(sys.prefix), REPO_ROOT], argv)
    done = subprocess.run(argv, capture_output=True, text=True, cwd=REPO_ROOT, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    facts = json.loads(done.stdout)
    if "unavailable" in facts:
        pytest.skip(f"this platform cannot build the sandbox: {facts['unavailable']}")
    return facts


class Probe:
    """A confined child holding the probe submission (or another one's activations.py)."""

    def __init__(self, timeout: float = 30, folder: Path = PROBE):
        self.scratch = make_scratch()
        load_submission(folder, self.scratch)
        self.session = Session(self.scratch, timeout=timeout, sandbox_mode=REQUIRE)
        self.call = SubmissionProxy(self.session).activations

    def attempt(self, function: str, *args):
        """What one call (a check of its own) gave: its value, or the exception's type and
        message."""
        self.session.begin_item()
        try:
            return {"value": getattr(self.call, function)(*args)}
        except Exception as exc:  # the attack decides which; the tests assert on it
            return {"raised": type(exc).__name__, "message": str(exc)[:200]}

    def close(self) -> None:
        self.session.close()
        remove_scratch(self.scratch)


def escapes(probe: Probe, port: int) -> dict:
    """Every attack on the file system, processes, network and privileges."""
    call = probe.call
    return {
        "uid": call.whoami(),
        "confinement": probe.session.confinement,
        "solution": call.read_file(str(SOLUTIONS / "activations.py")),
        "solution_near_runner": call.the_solution_next_to_the_runner(),
        "hidden_test": call.read_file(str(HIDDEN_TESTS / "test_activations.py")),
        "git_folder": call.list_folder(str(REPO_ROOT / ".git")),
        "root": call.list_folder("/"),
        "runner_bytecode": call.write_file("/sandbox/lib/dlmath_child/__pycache__/runner.pyc"),
        "hidden_bytecode": call.write_file(str(HIDDEN_TESTS / "__pycache__" / "planted.pyc")),
        "pth_file": call.write_file(f"{SITE_PACKAGES}/planted.pth"),
        "submission_copy": call.write_file("/submission/activations.py"),
        "grader_memory": call.read_file(f"/proc/{os.getpid()}/mem"),
        "network": call.connect(port),
        "environment": sorted(call.environment()),
        "git": call.run_program(["git", "-C", str(REPO_ROOT), "show", "HEAD:solutions/"]),
        "torch": call.import_torch(SITE_PACKAGES),
        "processes": call.processes(),
        "setuid_files": call.setuid_files(),
        "no_new_privs": call.status_field("NoNewPrivs"),
        "capabilities": call.status_field("CapEff"),
        "keyring": call.syscall(250, 0, -4, 1),  # keyctl(GET_KEYRING_ID, user keyring, create)
        "ptrace": call.syscall(101, 0, 0, 0, 0),  # ptrace(PTRACE_TRACEME)
        "unshare": call.syscall(272, 0x10000000),  # unshare(CLONE_NEWUSER)
        "forks": call.fork_many(100),
    }


def leftovers(marker: str) -> dict:
    """A daemon and 128 MiB in each temporary folder; what of them survives the child."""
    probe = Probe()
    try:
        probe.call.spawn_daemon(marker)
        written = probe.call.fill_temporary_folders(marker, 128)
    finally:
        probe.close()
    time.sleep(1)
    daemons = [p.parent.name for p in Path("/proc").glob("[0-9]*/cmdline")
               if marker in _read(p)]
    files = [f for f in ("/tmp", "/var/tmp", "/dev/shm") if Path(f, marker).exists()]
    return {"written_mb": written, "daemons_left": daemons, "files_left": files}


def classmates() -> dict:
    """Two children at once, as in a class: can one see the other?"""
    first, second = Probe(), Probe()
    try:
        second.call.whoami()
        seen = first.call.processes()
        return {"seen_by_first": seen, "uids": [first.call.whoami(), second.call.whoami()],
                "second_scratch": str(second.scratch)}
    finally:
        first.close()
        second.close()


def forgeries() -> dict:
    """Replies forged by the child: each must cost one call, quickly, and nothing else."""
    results = {}
    probe = Probe()
    try:
        for kind in ("list", "huge", "extra_key"):
            start = time.monotonic()
            try:
                probe.session.begin_item()
                probe.call.forge_reply(kind)
                results[kind] = "accepted"
            except ChildDied as exc:
                results[kind] = str(exc)
            results[f"{kind}_seconds"] = time.monotonic() - start
        probe.session.begin_item()
        results["next_call"] = probe.call.whoami()
    finally:
        probe.close()
    return results


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode(errors="replace")
    except OSError:
        return ""


def main() -> None:
    facts: dict = {"grader_uid": os.getuid()}
    try:
        with socket.socket() as server:
            server.bind(("127.0.0.1", 0))
            server.listen()
            probe = Probe()
            try:
                facts.update(escapes(probe, server.getsockname()[1]))
            finally:
                probe.close()
        facts.update(leftovers(f"dlmath-probe-{uuid.uuid4().hex}"))
        facts["classmates"] = classmates()
        facts["forgeries"] = forgeries()
    except SandboxUnavailable as exc:
        facts = {"unavailable": str(exc)}
    json.dump(facts, sys.stdout)


if __name__ == "__main__":
    main()
