"""The child is confined: limits, its own user, no network, nothing survives it.

Each probe in ``tests/submissions/probe/activations.py`` tries one escape
through the real child, started the way the grader starts it.
"""

import os
import socket
import time
from pathlib import Path

import pytest

from grader.load.submission import load_submission, make_scratch, remove_scratch
from grader.paths import SOLUTIONS
from grader.run.child import CallTimeout, StudentError
from grader.run.sandbox import is_root
from grader.run.session import Session, SubmissionProxy

PROBE = Path(__file__).resolve().parents[1] / "submissions" / "probe"
as_root = pytest.mark.skipif(not is_root(), reason="the grader drops privileges only as root")


@pytest.fixture
def child():
    scratch = make_scratch()
    load_submission(PROBE, scratch)
    session = Session(scratch, timeout=20)
    yield session, SubmissionProxy(session).activations
    session.close()
    remove_scratch(scratch)


def test_memory_is_capped_at_two_gigabytes(child):
    _, probe = child
    with pytest.raises(StudentError) as caught:
        probe.allocate(3)
    assert caught.value.type == "MemoryError"
    assert probe.allocate(0.5) == 1.0  # the same child lives on


def test_stdin_ends_at_once(child):
    assert child[1].read_stdin() == "EOF"


def test_open_files_are_capped(child):
    assert child[1].open_files(1000).startswith("OSError after")


def test_printing_a_gigabyte_costs_only_that_call(child):
    _, probe = child
    start = time.monotonic()
    with pytest.raises(StudentError) as caught:
        probe.print_lots(1024)
    assert caught.value.type == "OSError" and "too large" in caught.value.message
    assert time.monotonic() - start < 20
    assert probe.read_stdin() == "EOF"


def test_nothing_the_child_started_survives_it(child):
    session, probe = child
    pid = probe.spawn_sleeper()
    assert pid > 0 and Path(f"/proc/{pid}").exists()
    session.close()
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


@as_root
def test_the_child_runs_as_an_unprivileged_user_of_its_own(child):
    uid = child[1].whoami()
    assert uid not in (0, os.getuid())


@as_root
def test_processes_are_capped(child):
    assert child[1].fork_many(100) < 32


@as_root
def test_the_solutions_and_tests_are_out_of_reach(child):
    probe = child[1]
    assert probe.read_file(str(SOLUTIONS / "activations.py")) == "FileNotFoundError"
    assert probe.read_file(str(Path(__file__))) == "FileNotFoundError"
    assert probe.read_file("/root/.bashrc") in {"PermissionError", "FileNotFoundError"}


@as_root
def test_there_is_no_network():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        scratch = make_scratch()
        load_submission(PROBE, scratch)
        session = Session(scratch, timeout=20)
        try:
            assert SubmissionProxy(session).activations.connect(port) == -1
        finally:
            session.close()
            remove_scratch(scratch)


def test_a_hung_child_is_replaced_by_a_fresh_one(child):
    session, probe = child
    session.timeout = 1
    with pytest.raises(CallTimeout):
        probe.spin()
    with pytest.raises(CallTimeout):
        probe.read_stdin()  # the same check fails at once, without waiting again
    session.begin_item()
    assert probe.read_stdin() == "EOF"
