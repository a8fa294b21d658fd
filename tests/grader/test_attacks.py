"""Red team: hostile submissions against every front end, and what the grader must hold.

Each test plays one attack a student could make, to gain points without the
work or to hurt classmates or the instructor, and passes when the grader
contains it. An attack that still works is kept as ``xfail(strict=True)``
with the hole in its reason: it runs, and it starts failing (so the marker
must go) the day the hole is closed.

The attacks on the confined child run through this module's own driver
(``python -m tests.grader.test_attacks MODE``), once as root and once as a
throwaway unprivileged user (``tests/grader/nonroot.py``), which is how an
instructor grades on a laptop. The front ends (``dlmath grade``,
``grade-class``, Gradescope's ``run_autograder`` and the grading pipeline
itself) are attacked as the user running this file. The hostile submissions
are in ``tests/submissions/hostile/``; each file says what it attacks.
"""

import io
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from grader.paths import REPO_ROOT, SOLUTIONS
from grader.run.sandbox import is_root
from tests.grader import nonroot, probe_driver

HOSTILE = Path(__file__).resolve().parents[1] / "submissions" / "hostile"
MODES = ("root", "user")
DLMATH = [sys.executable, "-c", "import sys; from grader.cli import main; sys.exit(main())"]
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all but tab and line feed
SPAWN_REFUSED = platform.machine() in ("x86_64", "AMD64")  # where the seccomp filter exists


# --------------------------------------------------------------------------------------
# The driver: attacks on real confined children, reported as JSON (run as a subprocess).
# --------------------------------------------------------------------------------------


def _hostile(name: str, timeout: float = 20) -> probe_driver.Probe:
    """A confined child holding one hostile submission, as the grader starts it."""
    return probe_driver.Probe(timeout, HOSTILE / name)


def _undecodable_replies() -> dict:
    child = _hostile("forge")
    try:
        facts = {}
        for kind in ("int", "dict", "handle", "bigint", "pairs"):
            facts[kind] = {"forged": child.attempt("forge", kind),
                           "next": child.attempt("whoami")}
        return facts
    finally:
        child.close()


def _classmates() -> dict:
    """A student who leaves CPU burners behind, and a classmate graded at the same time."""
    attacker, classmate = _hostile("spin"), _hostile("spin")
    try:
        alone = classmate.attempt("busy", 1_000_000)
        started = attacker.attempt("fork_spinners", 8)
        left = attacker.attempt("processes")
        beside = classmate.attempt("busy", 1_000_000)
        killed = attacker.attempt("kill_everyone")
        return {"started": started, "left_after_the_call": left, "classmate_alone": alone,
                "classmate_beside": beside, "kill_everyone": killed,
                "classmate_after_kill": classmate.attempt("whoami")}
    finally:
        attacker.close()
        classmate.close()


def _forked_memory() -> dict:
    child = _hostile("spin", timeout=60)
    try:
        return {"held_mib": child.attempt("fork_holders", 3, 768)}
    finally:
        child.close()


def _grader_memory(function: str, size: int) -> dict:
    """How much the grader's own peak memory grows while one hostile reply arrives."""
    child = _hostile("spin", timeout=60)
    try:
        child.attempt("whoami")
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        outcome = child.attempt(function, size)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return {"outcome": outcome.get("raised", "accepted"), "growth_mib": (after - before) / 1024}
    finally:
        child.close()


def _escape() -> dict:
    """Inherited descriptors, a frozen child, and files left in /tmp for later checks."""
    child, classmate = _hostile("escape", timeout=3), _hostile("escape")
    try:
        return {"descriptors": child.attempt("descriptors"), "reopen": child.attempt("reopen"),
                "stash": child.attempt("stash", "an earlier check's inputs"),
                "unstash_next_check": child.attempt("unstash"),
                "unstash_classmate": classmate.attempt("unstash"),
                "stopped": child.attempt("stop_self"), "after_stop": child.attempt("whoami"),
                "unstash_after_restart": child.attempt("unstash")}
    finally:
        child.close()
        classmate.close()


def _unruly() -> dict:
    """Exceptions and values that broke the runner, a thread left spinning, hidden memory."""
    from grader.run import tree

    child = _hostile("unruly")
    try:
        facts = {"first": child.attempt("whoami"), "generation": child.session.child.generation}
        for attack in ("unprintable", "base_exception", "too_large"):
            facts[attack] = child.attempt(attack)
        facts["same_child"] = child.session.child.generation == facts["generation"]
        facts["memfd"] = child.attempt("hidden_memory", "memfd", 8)
        facts["sysv"] = child.attempt("hidden_memory", "sysv", 64)
        child.attempt("whoami")
        runner = child.session.child.tree.runner
        facts["spin"] = child.attempt("spin_in_a_thread")
        deadline = time.monotonic() + 2  # the namespace's end is asynchronous
        while tree._running(runner) and time.monotonic() < deadline:
            time.sleep(0.01)
        facts["runner_left"] = tree._running(runner)
        facts["threads_after"] = child.attempt("threads")
        return facts
    finally:
        child.close()


def _drive(what: list[str]) -> dict:
    from grader.errors import SandboxUnavailable

    try:
        if what[0] == "child":
            return {"undecodable": _undecodable_replies(), "classmates": _classmates(),
                    "escape": _escape(), "unruly": _unruly(),
                    "forked_memory": _forked_memory()}
        return _grader_memory(what[1], int(what[2]))
    except SandboxUnavailable as exc:
        return {"unavailable": str(exc)}


def _run_driver(mode: str, *what: str) -> dict:
    return probe_driver.run(mode, "tests.grader.test_attacks", *what, timeout=300)


@pytest.fixture(scope="module", params=MODES)
def attacked(request) -> tuple[str, dict]:
    return request.param, _run_driver(request.param, "child")


# --------------------------------------------------------------------------------------
# The child: forged replies, classmates, memory.
# --------------------------------------------------------------------------------------

def test_a_reply_the_codec_cannot_decode_is_a_malformed_reply(attacked):
    _, facts = attacked
    for kind, seen in facts["undecodable"].items():
        assert seen["forged"].get("raised") == "ChildDied", (kind, seen)
        assert "malformed" in seen["forged"]["message"], (kind, seen)
        assert seen["next"] == {"value": "the reply to whoami"}, (kind, seen)


def test_one_student_cannot_kill_a_classmate_or_the_grader(attacked):
    _, facts = attacked
    assert facts["classmates"]["kill_everyone"]["value"] in ("still here", "still here, alone")
    assert facts["classmates"]["classmate_after_kill"]["value"] is not None


def test_a_child_holds_no_descriptor_of_the_graders_but_its_own_channel(attacked):
    """Only /dev/null, the two pipes and the child's own output log are open in it; reopened
    through /proc/self/fd they reach nothing else (a pipe reopened for writing is the
    child's own channel)."""
    _, facts = attacked
    held = facts["escape"]["descriptors"]["value"]
    kinds = {"null" if t == "/dev/null" else "pipe" if t.startswith("pipe:") else
             "log" if re.fullmatch(r"/tmp/#\d+ \(deleted\)", t) else t for t in held.values()}
    assert kinds <= {"null", "pipe", "log", "FileNotFoundError"}, held  # the listing's own fd
    assert sum(t.startswith("pipe:") for t in held.values()) == 2, held
    assert set(facts["escape"]["reopen"]["value"]) == set(held.values())


def test_a_frozen_child_costs_one_call_and_is_replaced(attacked):
    _, facts = attacked
    assert facts["escape"]["stopped"]["raised"] == "CallTimeout"
    assert isinstance(facts["escape"]["after_stop"].get("value"), int)


def test_files_left_in_tmp_reach_no_classmate_and_no_fresh_child(attacked):
    """One student's own child keeps its /tmp from check to check, as it keeps its globals
    (nothing of the grader's is there to find); a classmate and a restarted child start
    empty."""
    _, facts = attacked
    escape = facts["escape"]
    assert escape["unstash_next_check"] == escape["stash"]
    assert escape["unstash_classmate"] == {"value": "FileNotFoundError"}
    assert escape["unstash_after_restart"] == {"value": "FileNotFoundError"}


def test_an_exception_or_value_that_breaks_the_reply_costs_its_call_only(attacked):
    """An exception whose __str__ raises, one that is a BaseException, and a view claiming
    8 TB each once killed the runner ("exited with status 1"): now each is the call's own
    error, said plainly, and the same child serves the next call."""
    _, facts = attacked
    unruly = facts["unruly"]
    assert unruly["unprintable"]["raised"] == "StudentError"
    assert "could not be shown" in unruly["unprintable"]["message"], unruly
    assert unruly["base_exception"] == {"raised": "StudentError",
                                        "message": "Escape: past except Exception"}
    assert unruly["too_large"]["raised"] == "StudentError"
    assert "MB of arrays: the limit is 64 MB" in unruly["too_large"]["message"], unruly
    assert unruly["same_child"], unruly


def test_no_thread_is_left_running(attacked):
    """A thread left spinning would take CPU from later calls and from classmates. The seccomp
    filter refuses to start one: the call fails with the submission's own error. Without the
    filter (not on x86_64), the grader finds the thread once the call has returned: the call
    fails, saying why, and its child ends."""
    _, facts = attacked
    unruly = facts["unruly"]
    if SPAWN_REFUSED:
        assert unruly["spin"]["raised"] == "StudentError", unruly
        assert "can't start new thread" in unruly["spin"]["message"], unruly
    else:
        assert unruly["spin"]["raised"] == "ChildDied", unruly
        assert "thread that still ran when the call returned" in unruly["spin"]["message"]
        assert not unruly["runner_left"]
    assert unruly["threads_after"] == {"value": 1}


def test_memory_no_process_shows_cannot_be_made(attacked):
    """System V shared memory (kept after shmdt, unbounded in a fresh IPC namespace) and
    memfd files count in no process's resident size, so the grader's memory watch missed
    them: 3 x 800 MB of shared memory took 2.4 GB beyond the 2 GB limit. Both fail (EPERM)."""
    _, facts = attacked
    assert facts["unruly"]["memfd"] == {"value": 1}, facts["unruly"]
    assert facts["unruly"]["sysv"] == {"value": 1}, facts["unruly"]


def test_processes_a_call_leaves_behind_do_not_keep_running(attacked):
    """The seccomp filter refuses new processes; without it, the grader ends them."""
    _, facts = attacked
    started = facts["classmates"]["started"].get("value", 0)
    assert started == 0 if SPAWN_REFUSED else started > 0, facts  # the attack itself ran
    assert len(facts["classmates"]["left_after_the_call"]["value"]) <= 1  # the runner alone


def test_forked_processes_share_the_memory_limit(attacked):
    _, facts = attacked
    held = facts["forked_memory"]["held_mib"]  # 3 x 768 MiB asked for: more than 2048
    if "value" in held:
        assert held["value"] <= 2048, held
    else:  # the grader, summing the sandbox's processes, stopped the call
        assert held["raised"] == "ChildDied" and "MB of memory across its processes" in \
            held["message"], held


@pytest.mark.parametrize("attack", ["header_bomb", "big_buffer"])
def test_a_reply_at_the_codecs_limits_does_not_swell_the_grader(attack):
    """Empty lists up to the header limit (two Python lists per 3 bytes), or one array up
    to the buffer limit: what the grader may hold for one reply stays small."""
    from grader.child import codec

    size = codec.MAX_HEADER_BYTES if attack == "header_bomb" else codec.MAX_BUFFER_BYTES
    facts = _run_driver("root" if is_root() else "user", "grader", attack, str(size - 1024))
    assert facts["growth_mib"] < 256, facts


def test_a_child_that_stops_reading_cannot_block_the_grader():
    from grader.load.submission import load_submission, make_scratch, remove_scratch
    from grader.run.session import Session, SubmissionProxy

    scratch = make_scratch()
    load_submission(HOSTILE / "stall", scratch)
    session = Session(scratch, timeout=2)
    outcome = []
    try:
        call = SubmissionProxy(session).activations
        x = np.linspace(-1, 1, 12).reshape(3, 4)
        _, cache = call.relu_forward(x)  # the reply the submission wrote itself

        def backward():
            try:
                call.relu_backward(x, cache)
            except Exception as exc:  # a timeout or a dead child: either is contained
                outcome.append(type(exc).__name__)

        thread = threading.Thread(target=backward, daemon=True)
        start = time.monotonic()
        thread.start()
        thread.join(timeout=12)
        waited = time.monotonic() - start
    finally:
        session.close()  # kills the child, which also ends a blocked write (EPIPE)
        remove_scratch(scratch)
    assert outcome and waited < 12, f"the grader was still writing after {waited:.0f} s"


# --------------------------------------------------------------------------------------
# Points without the work.
# --------------------------------------------------------------------------------------

def test_an_update_that_does_nothing_scores_nothing():
    """Property checks (float32, inputs_unmodified) pay only when the values are right."""
    from grader.pipeline import grade

    report = grade(HOSTILE / "lazy", ["optim"])
    optim = report.units[0]
    assert [c.id for c in optim.checks if c.status == "passed"] == []
    assert report.score == 0


def test_values_that_lie_and_a_patched_numpy_score_nothing():
    """Objects whose __array__/__eq__/__float__ lie, an ndarray subclass, a memmap, the
    caller's own array, and numpy's comparisons patched in the child: the grader decodes
    plain arrays in its own process and compares them with its own numpy."""
    from grader.pipeline import grade

    report = grade(HOSTILE / "liar", ["losses"])
    assert [c.id for c in report.units[0].checks if c.status == "passed"] == []
    assert report.score == 0


@pytest.mark.xfail(strict=True, reason=(
    "in-place changes to the inputs are known only from the child's own report "
    "(grader/child/runner.py Host.call puts _mutated(...) in the reply, and "
    "expect_unmodified reads submission.<unit>.last.mutated); the runner is plain Python "
    "in the submission's process, reached past the import guard (exec('import sys', {})), "
    "and tests/submissions/hostile/tamper replaces runner._mutated: the reference "
    "losses.py with mse_loss_forward changing input in place scores 18/19, the same file "
    "with the 4-line patch 19/19. The same patch hides warnings (expect_no_warnings, the "
    "*_stable checks) and cache changes (cache_untouched). Fix: decide these checks from "
    "values the grader sees, e.g. keep the arguments in the child behind handles, call "
    "the function twice on the same handles and hold both results to torch (a changed "
    "input changes the second result); never from a field the child fills in"))
def test_hiding_an_in_place_change_does_not_earn_inputs_unmodified(tmp_path):
    from grader.pipeline import grade

    buggy = (SOLUTIONS / "losses.py").read_text() + (HOSTILE / "tamper" / "losses.py").read_text()
    honest = re.sub(r"# --- tamper ---.*# --- end tamper ---", "", buggy, flags=re.DOTALL)
    status = {}
    for name, source in (("honest", honest), ("tampered", buggy)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "losses.py").write_text(source)
        checks = grade(tmp_path / name, ["losses"]).units[0].checks
        status[name] = {c.id: c.status for c in checks}["losses/inputs_unmodified"]
    assert status["honest"] == "failed"  # the bug is real, and costs its check
    assert status["tampered"] == "failed"


def test_the_import_scan_reads_the_source_as_python_runs_it(tmp_path):
    """An encoding declaration (UTF-7) once hid an import from the report's flags, which
    read the file as UTF-8; and a UTF-8 file saved with a byte order mark (as Windows
    Notepad saves it), which Python runs, was refused as a syntax error."""
    from grader.load.submission import load_submission

    (tmp_path / "encoded").mkdir()
    loaded = load_submission(HOSTILE / "encoded", tmp_path / "encoded")
    assert any(flag.startswith("losses.py imports os:") for flag in loaded.flags), loaded.flags
    (tmp_path / "bom").mkdir()
    (tmp_path / "bom" / "losses.py").write_bytes(b"\xef\xbb\xbf" + (SOLUTIONS / "losses.py")
                                                 .read_bytes())
    (tmp_path / "scratch").mkdir()
    loaded = load_submission(tmp_path / "bom", tmp_path / "scratch")
    assert loaded.units == ["losses"] and not loaded.problems and not loaded.flags, loaded


def _decoded(dtype: str, shape: tuple, data: bytes):
    """What the grader decodes from a reply frame the child wrote by hand."""
    from grader.child import codec

    header = json.dumps({"$nd": [dtype, list(shape), 0]}).encode()
    return codec.decode(header, [bytearray(data)])


def test_no_reply_value_passes_for_the_expected_array():
    """Dtype tricks, NaN and values that claim equality: each reply a check can be sent
    fails the value check, or is refused by the codec before any check sees it."""
    from grader.child import codec
    from grader.feedback.expect import CheckFailed, expect_array

    expected = np.arange(6, dtype=np.float64).reshape(2, 3)
    forged = [
        _decoded(">f8", (2, 3), expected.astype(">f8").tobytes()),  # same values, swapped
        _decoded("<f4", (2, 3), expected.astype("<f4").tobytes()),
        _decoded("<c16", (2, 3), expected.astype("<c16").tobytes()),
        _decoded("<i8", (2, 3), expected.astype("<i8").tobytes()),
        _decoded("<f8", (3, 2), expected.tobytes()),  # transposed shape
        _decoded("<f8", (2, 3), np.full(6, np.nan).tobytes()),
        _decoded("<f8", (1, 1, 2, 3), expected.tobytes()),  # broadcasts, but not the shape
        _decoded("<f8", (), b"\0" * 8),  # a scalar that broadcasts
    ]
    for value in forged:
        with pytest.raises(CheckFailed):
            expect_array(value, expected, "f")
    for dtype in ("|O", "|V48", "<M8[s]", "<U6", "(2,3)<f8"):  # no object or record arrays
        with pytest.raises(codec.ProtocolError):
            _decoded(dtype, (1,), b"\0" * 48)
    with pytest.raises(codec.ProtocolError):  # the buffer must match the shape exactly
        _decoded("<f8", (2**62, 4), expected.tobytes())


def test_the_feedback_does_not_give_away_a_value_that_passes():
    from grader.feedback.expect import CheckFailed, expect_scalar

    expected = 0.7310585786300049  # what torch computes for the hidden case
    with pytest.raises(CheckFailed) as failed:
        expect_scalar(0.0, expected, "mse_loss_forward")
    said = re.search(r"expected ([-+0-9.e]+)", str(failed.value)).group(1).rstrip(".")
    with pytest.raises(CheckFailed):
        expect_scalar(float(said), expected, "mse_loss_forward")


NAIVE_SIGMOID = '''

def sigmoid_forward(x):  # the textbook formula, its overflow warning silenced
    with np.errstate(over="ignore"):
        out = 1 / (1 + np.exp(-x))
    return out, out
'''


def test_a_silenced_textbook_sigmoid_is_torchs_own_and_earns_stability(tmp_path):
    """Not a hole: torch's CPU sigmoid is 1 / (1 + exp(-x)) too (0.0 at x = -710 in float64,
    at -89 in float32), so these are torch's values exactly, and no warning reaches the
    student's user. np.errstate is a legitimate way to be stable here, so it earns the point."""
    import torch

    from grader.pipeline import grade

    extremes = torch.tensor([-710.0, -89.0, 0.0, 89.0, 710.0], dtype=torch.float64)
    with np.errstate(over="ignore"):
        textbook = 1 / (1 + np.exp(-extremes.numpy()))
    np.testing.assert_array_equal(torch.sigmoid(extremes).numpy(), textbook)
    (tmp_path / "activations.py").write_text(
        (SOLUTIONS / "activations.py").read_text() + NAIVE_SIGMOID)
    report = grade(tmp_path, ["activations"])
    status = {c.id: c.status for c in report.units[0].checks}
    assert status["activations/sigmoid_forward"] == "passed"
    assert status["activations/sigmoid_stable"] == "passed"


def _class_folder(root: Path, names: dict[bytes, Path | None]) -> Path:
    """A class folder: each name an empty folder (None), or a link to a folder."""
    folder = root / "class"
    folder.mkdir()
    for name, target in names.items():
        path = os.path.join(os.fsencode(folder), name)
        if target is None:
            os.mkdir(path)
        else:
            os.symlink(target, path)
    return folder


def _grade_class(folder: Path, out: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([*DLMATH, "grade-class", str(folder), "--out", str(out), "-j", "1",
                           "--unit", "losses", *options], capture_output=True, text=True,
                          cwd=REPO_ROOT, timeout=600)


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory):
    """One grade-class run over a class of hostile students (the losses unit only)."""
    root = tmp_path_factory.mktemp("hostile-class")
    folder = _class_folder(root, {
        b"forger": None,
        b"noisy": None,
        b"=HYPERLINK(\"http:evil\",\"ok\")": None,
        b"<img src=x onerror=alert(1)>": None,
        b"zed\n\xe2\x94\x82 alice \xe2\x94\x82 19 \xe2\x94\x82 19": None,
        b"\x1b[2J\x1b[Hansi": None,
    })
    shutil.copy(HOSTILE / "forge_import" / "losses.py", folder / "forger")
    shutil.copy(HOSTILE / "noisy" / "losses.py", folder / "noisy")
    out = root / "out"
    done = _grade_class(folder, out)
    return done, out


def _reports(out: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in (out / "reports").glob("*.json")}


def test_a_student_folder_that_links_to_the_solutions_is_not_graded_on_them(tmp_path):
    from grader.batch.discover import DiscoveryError, discover
    from grader.batch.parcel import Unreadable, pack

    folder = _class_folder(tmp_path, {b"eve": SOLUTIONS, b"mallory": None})
    (folder / "mallory" / "hw1").symlink_to(SOLUTIONS, target_is_directory=True)
    try:
        students = discover(folder)
    except DiscoveryError:
        return
    solution = (SOLUTIONS / "losses.py").read_bytes()
    for student in students:
        try:
            parcel = pack(student.name, student.sources)
        except Unreadable:
            continue
        with zipfile.ZipFile(io.BytesIO(parcel)) as zf:
            packed = [zf.read(name) for name in zf.namelist()]
        assert solution not in packed, student.name


def test_a_reply_forged_at_import_gives_that_student_an_error_row(hostile_class):
    done, out = hostile_class
    assert done.returncode in (0, 3), done.stderr[-2000:]
    forger = _reports(out)["forger"]
    assert forger["score"] == 0
    assert all(c["status"] in ("error", "failed") for u in forger["units"] for c in u["checks"])
    assert len(_reports(out)) == 6  # everyone else was graded


def test_hostile_names_and_messages_stay_data_in_grade_class(hostile_class):
    done, out = hostile_class
    assert "\x1b" not in done.stdout + done.stderr
    csv = (out / "grades.csv").read_text()
    assert not re.search(r"^[=+@-]", csv, re.MULTILINE)  # no cell starts a formula
    report = (out / "class_report.md").read_text()
    feedback = (out / "feedback" / "noisy.md").read_text()
    for text in (report, feedback):
        assert "<script>" not in text and "<img" not in text
        assert not re.search(r"(?<!\\)\]\(javascript:", text)  # no live link
        assert not CONTROL.search(text)


def test_a_name_cannot_draw_a_row_of_its_own_in_the_terminal(hostile_class):
    done, _ = hostile_class
    assert not re.search(r"^\W*alice\b", done.stdout, re.MULTILINE), done.stdout[-3000:]


def test_a_very_long_student_name_does_not_stop_the_class(tmp_path):
    from grader.batch import store
    from grader.batch.discover import DiscoveryError, discover
    from grader.batch.worker import error_report

    try:
        students = discover(_class_folder(tmp_path, {b"x" * 250: None}))
    except DiscoveryError:
        return
    store.save(tmp_path / "out", students[0].name, error_report(["losses"], "empty"))
    assert store.is_done(tmp_path / "out", students[0].name)


def test_a_zip_reaches_no_file_outside_itself(tmp_path):
    """Entries named ../ or absolute, and an entry that is a symbolic link to a solution
    (unzip would make the link): only the archive's own bytes reach the scratch copy."""
    import stat

    from grader.load.submission import load_submission, make_scratch, remove_scratch

    archive = tmp_path / "mallory.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../bob/losses.py", "print('planted')")
        zf.writestr("/tmp/losses.py", "print('planted')")
        link = zipfile.ZipInfo("losses.py")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, str(SOLUTIONS / "losses.py"))
    scratch = make_scratch()
    try:
        loaded = load_submission(archive, scratch)
        assert sorted(p.name for p in scratch.iterdir()) == ["losses.py"]
        assert (scratch / "losses.py").read_text() == str(SOLUTIONS / "losses.py")
        assert not (scratch / "losses.py").is_symlink()
        assert sum("outside the extraction folder" in f for f in loaded.flags) == 2
    finally:
        remove_scratch(scratch)
    assert not (tmp_path.parent / "bob").exists() and not Path("/tmp/losses.py").exists()


def _colliding_class(root: Path) -> Path:
    folder = _class_folder(root, {b"bob": None, b"Bob": None, b"ann": None})
    with zipfile.ZipFile(folder / "ann.zip", "w") as zf:
        zf.writestr("losses.py", "")
    return folder


def test_names_that_differ_only_in_case_or_zip_suffix_are_refused(tmp_path):
    from grader.batch.discover import DiscoveryError, discover

    with pytest.raises(DiscoveryError, match=r"Bob and bob.*ann and ann\.zip"):
        discover(_colliding_class(tmp_path))


def test_a_name_collision_is_one_line_and_a_usage_error(tmp_path):
    done = _grade_class(_colliding_class(tmp_path), tmp_path / "out")
    assert not (tmp_path / "out" / "reports").exists()
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr[-2000:]


def test_names_that_look_identical_are_refused(tmp_path):
    from grader.batch.discover import DiscoveryError, discover

    with pytest.raises(DiscoveryError):
        discover(_class_folder(tmp_path, {b"caf\xc3\xa9": None, b"cafe\xcc\x81": None}))
    (tmp_path / "b").mkdir()
    with pytest.raises(DiscoveryError):
        discover(_class_folder(tmp_path / "b", {b"ann\xff": None, b"ann\xfe": None}))


def test_a_regrade_is_byte_identical_even_with_addresses_in_messages():
    from grader.errors import StudentError
    from grader.load.submission import load_submission, make_scratch, remove_scratch
    from grader.run.session import Session, SubmissionProxy
    from grader.score.outcome import classify

    feedback = []
    for _ in range(2):  # two gradings of the same submission: two children
        scratch = make_scratch()
        load_submission(HOSTILE / "address", scratch)
        session = Session(scratch, timeout=20)
        try:
            with pytest.raises(StudentError) as caught:
                SubmissionProxy(session).losses.mse_loss_forward(1.0, 2.0)
            feedback.append(classify("losses/mse_loss_forward", caught.value,
                                     "mse_loss_forward").feedback)
        finally:
            session.close()
            remove_scratch(scratch)
    assert "cannot combine with" in feedback[0]
    assert feedback[0] == feedback[1]


# --------------------------------------------------------------------------------------
# dlmath grade and Gradescope.
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
def test_dlmath_grade_survives_a_reply_forged_at_import(mode):
    done, report = _dlmath_grade(mode, HOSTILE / "forge_import", "activations")
    assert done.returncode in (0, 3), done.stderr[-2000:]
    assert report["score"] == 0


def _dlmath_grade(mode: str, folder: Path, unit: str) -> tuple[subprocess.CompletedProcess, dict]:
    """``dlmath grade FOLDER --unit UNIT --json``, as root or as a throwaway user."""
    out = Path(tempfile.mkdtemp(prefix="dlmath-attack-"))
    try:
        out.chmod(0o777)  # the throwaway user writes the report here
        shutil.copytree(folder, out / "submission")
        for path in [out / "submission", *(out / "submission").iterdir()]:
            path.chmod(0o777 if path.is_dir() else 0o644)
        argv = [*DLMATH, "grade", str(out / "submission"), "--unit", unit, "--json",
                str(out / "report.json")]
        if mode == "user":
            if not is_root():
                pytest.skip("only root can become a throwaway user; this run is one already")
            argv = nonroot.command([Path(sys.base_prefix), Path(sys.prefix), REPO_ROOT], argv)
        elif not is_root():
            pytest.skip("the root variant needs root (CI runs as root)")
        done = subprocess.run(argv, capture_output=True, text=True, cwd=REPO_ROOT, timeout=300)
        report = out / "report.json"
        return done, json.loads(report.read_text()) if report.exists() else {"score": None}
    finally:
        shutil.rmtree(out, ignore_errors=True)


@pytest.fixture(scope="module")
def noisy_grade(tmp_path_factory):
    """``dlmath grade --json`` on a submission whose every message is hostile text."""
    report = tmp_path_factory.mktemp("noisy") / "report.json"
    done = subprocess.run([*DLMATH, "grade", str(HOSTILE / "noisy"), "--unit", "losses",
                           "--json", str(report)],
                          capture_output=True, text=True, cwd=REPO_ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done, json.loads(report.read_text())


def test_dlmath_grade_prints_hostile_messages_as_data(noisy_grade):
    done, report = noisy_grade
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    assert "[bold green]" in done.stdout  # rich markup printed as text, not obeyed
    assert report["score"] == 0
    for unit in report["units"]:
        for check in unit["checks"]:
            assert not CONTROL.search(check["feedback"]), check


def test_a_message_cannot_write_lines_of_its_own_in_the_terminal(noisy_grade):
    """Lines of feedback after the first are indented, and long lines are left to the
    terminal to wrap: 'ALL CHECKS PASSED: 19 / 19' or a fake table row never starts a line."""
    done, _ = noisy_grade
    assert "ALL CHECKS PASSED: 19 / 19" in done.stdout  # the message is shown, as data
    assert not re.search(r"^(ALL CHECKS PASSED|\| fake)", done.stdout, re.MULTILINE)


def _too_deep_to_parse(folder: Path, unit: str) -> Path:
    """A 400 kB unit file (under the 1 MiB limit) whose expression is 200,000 levels deep."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{unit}.py").write_text("x = " + "1+" * 200_000 + "1\n")
    return folder


@pytest.mark.parametrize("mode", MODES)
def test_dlmath_grade_survives_a_source_too_deep_to_parse(mode, tmp_path):
    done, report = _dlmath_grade(mode, _too_deep_to_parse(tmp_path / "deep", "losses"),
                                 "losses")
    assert done.returncode in (0, 3), done.stderr[-2000:]
    assert report["score"] == 0


@pytest.fixture(scope="module")
def autograder(tmp_path_factory):
    from grader.gradescope.build import build_autograder

    root = tmp_path_factory.mktemp("gradescope")
    build_autograder(root / "autograder.zip")
    with zipfile.ZipFile(root / "autograder.zip") as zf:
        zf.extractall(root / "autograder" / "source")
    return root / "autograder"


def _run_autograder(root: Path, files: dict[str, Path],
                    links: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """Gradescope's run: ``files`` copied (or, for ``links``, linked) into submission/."""
    submission = root / "submission"
    shutil.rmtree(submission, ignore_errors=True)
    shutil.rmtree(root / "results", ignore_errors=True)
    submission.mkdir()
    for name, source in files.items():
        if name in links:
            (submission / name).symlink_to(source)
        else:
            shutil.copy(source, submission / name)
    env = {**os.environ, "DLMATH_AUTOGRADER_ROOT": str(root),
           "DLMATH_AUTOGRADER_PYTHON": sys.executable}
    return subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env,
                          capture_output=True, text=True, timeout=600)


def test_gradescope_survives_a_reply_forged_at_import(autograder):
    done = _run_autograder(autograder, {"losses.py": HOSTILE / "forge_import" / "losses.py"})
    results = json.loads((autograder / "results" / "results.json").read_text())
    assert results["score"] == 0, done.stderr[-2000:]


def test_gradescope_survives_a_source_too_deep_to_parse(autograder, tmp_path):
    deep = _too_deep_to_parse(tmp_path / "deep", "losses") / "losses.py"
    done = _run_autograder(autograder, {"losses.py": deep})
    results = json.loads((autograder / "results" / "results.json").read_text())
    assert results["score"] == 0, done.stderr[-2000:]


@pytest.fixture(scope="module")
def noisy_gradescope(autograder):
    """run_autograder on hostile messages (losses.py) and a link to a solution."""
    done = _run_autograder(autograder, {"losses.py": HOSTILE / "noisy" / "losses.py",
                                        "activations.py": SOLUTIONS / "activations.py"},
                           links=("activations.py",))
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads((autograder / "results" / "results.json").read_text())


def test_gradescope_output_is_plain_text_without_control_characters(noisy_gradescope):
    results = noisy_gradescope
    assert results.get("test_output_format", "text") == "text"
    for test in results["tests"]:
        assert test.get("output_format", "text") == "text"
        assert not CONTROL.search(test.get("output", "")), test


def test_gradescope_refuses_a_link_out_of_the_submission(noisy_gradescope):
    assert noisy_gradescope["score"] == 0


# --------------------------------------------------------------------------------------
# nbgrader (dlmath autograde).
# --------------------------------------------------------------------------------------

def test_dlmath_autograde_does_not_grade_a_linked_assignment_folder(tmp_path):
    autograde = pytest.importorskip("grader.nbgrader.autograde")
    course = tmp_path / "course"
    folder = course / "submitted" / "eve" / "losses"
    folder.parent.mkdir(parents=True)
    folder.symlink_to(SOLUTIONS, target_is_directory=True)
    results = autograde._grade_in_sandbox(course, "losses", "eve", folder, 10.0, "require")
    assert json.loads(results.read_text())["hidden"]["score"] == 0


@pytest.mark.xfail(strict=True, reason=(
    "grader/nbgrader/kernel.py command() runs the autograde kernel, which executes the "
    "student's notebook, in the host's network namespace (nbgrader talks to it over TCP): "
    "the notebook reaches every service on localhost (an unauthenticated Dask scheduler, "
    "as grade-class --scheduler uses, runs whatever it is sent, outside any sandbox) and "
    "the internet. Fix: --unshare-net with the kernel's ZMQ sockets on the ipc transport "
    "(a connection file with transport 'ipc', its socket folder bound into the sandbox)"))
def test_the_confined_kernel_cannot_reach_localhost(tmp_path):
    import socket

    kernel = pytest.importorskip("grader.nbgrader.kernel")
    connection = tmp_path / "kernel.json"
    connection.write_text("{}")
    args = kernel.command(str(connection), str(tmp_path), None)
    wrapper = args[:args.index("--")]
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        probe = (f"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=5); "
                 "print('connected')")
        done = subprocess.run([*wrapper, "--", sys.executable, "-I", "-c", probe],
                              capture_output=True, text=True, timeout=60)
    assert "connected" not in done.stdout, done.stderr[-1000:]


if __name__ == "__main__":
    json.dump(_drive(sys.argv[1:]), sys.stdout)
