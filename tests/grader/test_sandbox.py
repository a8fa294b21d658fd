"""The child is confined, as root and as a normal user, and every probe is contained.

``tests/grader/probe_driver.py`` attacks a real sandboxed child the way students
have (``tests/submissions/probe/activations.py``) and reports what happened;
each test below asserts on one attack class, once as root and once as a
throwaway unprivileged user (``tests/grader/nonroot.py``), which is how an
instructor grades on a laptop. The limits are probed in this process.
"""

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.errors import BudgetSpent, CallTimeout, StudentError
from grader.load.submission import load_submission, make_scratch, remove_scratch
from grader.run.sandbox import REQUIRE, is_root
from grader.run.session import Session, SubmissionProxy
from tests.grader import nonroot, probe_driver

PROBE = Path(__file__).resolve().parents[1] / "submissions" / "probe"
MODES = ("root", "user")
VISIBLE_ROOT = {"dev", "etc", "lib", "lib64", "proc", "root", "sandbox", "submission", "tmp",
                "usr", "var", "bin", "sbin"}
CHILD_ENVIRONMENT = {"HOME", "LANG", "LC_ALL", "MKL_NUM_THREADS", "OMP_NUM_THREADS",
                     "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "PWD",
                     "PYTHONDONTWRITEBYTECODE", "PYTHONHASHSEED"}
EPERM = 1


@pytest.fixture(scope="module", params=MODES)
def probed(request) -> tuple[str, dict]:
    return request.param, probe_driver.run(request.param, "tests.grader.probe_driver")


def test_the_report_states_full_confinement(probed):
    mode, facts = probed
    confinement = facts["confinement"]
    assert confinement["level"] == "full" and not confinement["warnings"]
    assert confinement["pid"] and confinement["net"] and confinement["no_new_privs"]
    assert confinement["filesystem"].startswith("allow-list")
    expected_user = "a uid of its own" if mode == "root" else "its own user namespace"
    assert confinement["user"].startswith(expected_user)


def test_each_child_has_an_identity_no_other_shares(probed):
    mode, facts = probed
    first, second = facts["classmates"]["uids"]
    if mode == "root":
        assert facts["uid"] not in (0, facts["grader_uid"]) and first != second
    else:  # one user namespace per child: the same number inside, no shared identity outside
        assert facts["uid"] == first == second == 1000


def test_the_solutions_tests_and_repository_are_out_of_reach(probed):
    _, facts = probed
    for key in ("solution", "hidden_test", "git_folder"):
        assert facts[key] in {"FileNotFoundError", "PermissionError"}, key
    assert set(facts["solution_near_runner"]) <= {"FileNotFoundError", "PermissionError"}
    assert set(facts["root"]) <= VISIBLE_ROOT and "work" not in facts["root"]


def test_no_program_or_torch_can_be_reached(probed):
    _, facts = probed
    assert facts["git"] in {"FileNotFoundError", "PermissionError"}
    assert facts["torch"] == "ModuleNotFoundError"


def test_the_graders_files_cannot_be_written(probed):
    _, facts = probed
    for key in ("runner_bytecode", "hidden_bytecode", "pth_file", "submission_copy"):
        assert facts[key] != "ok", key


def test_the_grader_and_classmates_are_invisible(probed):
    _, facts = probed
    assert facts["grader_memory"] == "FileNotFoundError"
    seen = facts["classmates"]["seen_by_first"]
    assert len(seen) <= 2  # bubblewrap's init and this child's runner
    assert not any(facts["classmates"]["second_scratch"] in line for line in seen.values())


def test_there_is_no_network_and_a_cleared_environment(probed):
    _, facts = probed
    assert facts["network"] == -1
    assert set(facts["environment"]) <= CHILD_ENVIRONMENT


def test_no_privilege_can_be_gained(probed):
    _, facts = probed
    assert facts["no_new_privs"] == "1"  # setuid files (if any are visible) grant nothing
    assert int(facts["capabilities"], 16) == 0
    for call in ("keyring", "ptrace", "unshare"):  # refused by the seccomp filter
        assert facts[call] == [-1, EPERM], call


def test_processes_are_refused_or_capped(probed):
    """The seccomp filter (x86_64) refuses new processes; elsewhere the process limit holds."""
    _, facts = probed
    assert facts["forks"] == 0 if platform.machine() in ("x86_64", "AMD64") else facts["forks"] < 32


def test_nothing_the_submission_started_or_wrote_survives_it(probed):
    _, facts = probed
    assert facts["daemons_left"] == []
    assert facts["files_left"] == []
    assert all(mb <= 64 for mb in facts["written_mb"].values())


def test_forged_replies_cost_one_call_quickly(probed):
    _, facts = probed
    forged = facts["forgeries"]
    for kind in ("list", "huge", "extra_key"):
        assert forged[kind] == "sent a malformed reply", kind
        assert forged[f"{kind}_seconds"] < 10, kind
    assert forged["next_call"] >= 0  # a fresh child serves the next call


@pytest.fixture
def child():
    scratch = make_scratch()
    load_submission(PROBE, scratch)
    session = Session(scratch, timeout=20, sandbox_mode=REQUIRE)
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


def test_a_hung_child_is_replaced_by_a_fresh_one(child):
    session, probe = child
    session.timeout = 1
    with pytest.raises(CallTimeout):
        probe.spin()
    with pytest.raises(CallTimeout):
        probe.read_stdin()  # the same check fails at once, without waiting again
    session.begin_item()
    assert probe.read_stdin() == "EOF"


def test_a_units_time_budget_bounds_calls_that_each_stay_under_the_timeout(child):
    session, probe = child
    session.timeout, session.budget = 1.0, 2.5
    start, slept = time.monotonic(), 0
    with pytest.raises(BudgetSpent):
        for _ in range(20):
            session.begin_item()
            slept += probe.sleep(0.8)
    assert slept < 2.5  # three sleeps of 0.8 s at most, then the budget is spent
    assert time.monotonic() - start < 6
    session.begin_item()
    with pytest.raises(BudgetSpent, match=r"budget of 2\.5 s was used up"):
        probe.whoami()  # once spent, the unit's calls fail at once


def test_the_sandbox_never_fails_open_silently(tmp_path, monkeypatch):
    """Without bubblewrap, ``require`` refuses and ``best-effort`` says it is limits only."""
    from grader.run import sandbox

    monkeypatch.setattr(sandbox, "bwrap_path", lambda: None)
    sandbox.check_available.cache_clear()
    try:
        (tmp_path / "activations.py").write_text("def whoami():\n    return 1\n")
        scratch = make_scratch()
        load_submission(tmp_path, scratch)
        with pytest.raises(sandbox.SandboxUnavailable, match="bubblewrap"):
            Session(scratch, sandbox_mode=REQUIRE).load("activations")
        weak = Session(scratch, sandbox_mode=sandbox.BEST_EFFORT)
        try:
            assert SubmissionProxy(weak).activations.whoami() == 1
            assert weak.confinement["level"] == "limits-only"
            assert any("no sandbox" in w for w in weak.confinement["warnings"])
        finally:
            weak.close()
            remove_scratch(scratch)
    finally:
        sandbox.check_available.cache_clear()


def test_the_throwaway_user_is_not_root():
    if not is_root():
        pytest.skip("only root can become another user")
    done = subprocess.run(nonroot.command([Path(sys.base_prefix), Path(sys.prefix)],
                                          [sys.executable, "-c", "import os; print(os.getuid())"]),
                          capture_output=True, text=True, check=True)
    assert int(done.stdout) == nonroot.USER != os.getuid()
