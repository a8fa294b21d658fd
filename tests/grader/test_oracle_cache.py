"""The oracle's cache never changes a grade, stays within its bound, and may vanish at any time.

Every grade here runs with ``DLMATH_CACHE`` pointing into the test's own temporary folder.
"""

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from grader.authoring.bugs import load_bank
from grader.cache import oracle_store
from grader.cache.fingerprint import Unkeyable, make_key
from grader.cache.store import DiskCache
from grader.paths import REPO_ROOT, SOLUTIONS
from grader.pipeline import grade
from grader.report.json_report import to_json
from grader.settings import CACHE_ENV
from tests import oracle
from tests.oracle import torch

# activations calls torch through vjp/value only; normalization also through functions of
# its own checks (batch norm's, whose inner vjp holds running-stat tensors in a closure).
UNITS = ["activations", "normalization"]
BUGS = {("activations", "relu_backward_at_zero"), ("normalization", "bn_biased_running_var")}


@pytest.fixture(scope="module")
def buggy(tmp_path_factory):
    """A submission with one bug in each unit of ``UNITS``."""
    folder = tmp_path_factory.mktemp("buggy")
    for bug in load_bank():
        if (bug.unit, bug.name) in BUGS:
            (folder / f"{bug.unit}.py").write_text(bug.source())
    assert sorted(p.stem for p in folder.iterdir()) == UNITS
    return folder


def _report(path, units=UNITS) -> str:
    return to_json(grade(path, units))


def _graded(path, cache, monkeypatch, units=UNITS) -> tuple[str, dict]:
    """The JSON report of ``path`` with the cache in ``cache`` ("off": none), and what it did."""
    monkeypatch.setenv(CACHE_ENV, str(cache))
    oracle.cache_stats.clear()
    report = _report(path, units)
    return report, dict(oracle.cache_stats)


@pytest.fixture(scope="module")
def uncached(buggy):
    """The reports with no cache at all: what every cached grade must equal, byte for byte."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv(CACHE_ENV, "off")
        return {"solutions": _report(SOLUTIONS), "buggy": _report(buggy)}


@pytest.mark.parametrize("student", ["solutions", "buggy"])
def test_cold_and_warm_reports_equal_the_uncached_one(student, buggy, uncached, tmp_path,
                                                      monkeypatch):
    path = SOLUTIONS if student == "solutions" else buggy
    cold, did_cold = _graded(path, tmp_path, monkeypatch)
    assert did_cold.get("miss", 0) > 100, did_cold  # (a hit: a case the checks repeat)
    assert not [what for what in did_cold if what.startswith("uncached")], did_cold

    ran_torch = []
    for name in ("_vjp", "_value"):
        real = getattr(oracle, name)
        monkeypatch.setattr(oracle, name,
                            lambda *a, _real=real, **k: ran_torch.append(1) or _real(*a, **k))
    warm, did_warm = _graded(path, tmp_path, monkeypatch)
    assert did_warm == {"hit": did_cold["miss"] + did_cold.get("hit", 0)}
    assert ran_torch == []
    assert cold == warm == uncached[student]


def test_deleting_the_cache_while_grading_changes_nothing(buggy, uncached, tmp_path, monkeypatch):
    _graded(buggy, tmp_path, monkeypatch)  # warm
    folder = tmp_path / "oracle"
    calls = {"n": 0}
    real_get = DiskCache.get

    def get_then_delete(self, key):
        calls["n"] += 1
        if calls["n"] in (40, 200):  # twice, mid-way through each unit
            shutil.rmtree(folder, ignore_errors=True)
        return real_get(self, key)

    monkeypatch.setattr(DiskCache, "get", get_then_delete)
    report, did = _graded(buggy, tmp_path, monkeypatch)
    assert did.get("hit", 0) > 0 and did.get("miss", 0) > 0, did
    assert report == uncached["buggy"]
    assert any(folder.iterdir())  # the cache started again after each deletion


def test_a_damaged_entry_is_computed_again(tmp_path, monkeypatch):
    _graded(SOLUTIONS, tmp_path, monkeypatch, ["activations"])
    entries = sorted((tmp_path / "oracle").glob("*.entry"))
    for entry in entries[::3]:
        entry.write_bytes(entry.read_bytes()[:-5])  # cut short
    for entry in entries[1::3]:
        entry.write_bytes(b"\xff" * 40)
    report, did = _graded(SOLUTIONS, tmp_path, monkeypatch, ["activations"])
    assert did.get("miss", 0) >= 2 * len(entries) // 3 - 1, did
    monkeypatch.setenv(CACHE_ENV, "off")
    assert report == _report(SOLUTIONS, ["activations"])


def test_the_cache_stays_within_its_bound(buggy, uncached, tmp_path, monkeypatch):
    bound = 200_000  # far less than the two units' results (about 2 MB)
    monkeypatch.setattr(oracle_store, "ORACLE_CACHE_MAX_BYTES", bound)
    monkeypatch.setattr(oracle_store, "_open", {})
    report, _ = _graded(buggy, tmp_path, monkeypatch)
    assert report == uncached["buggy"]
    cache = DiskCache(tmp_path / "oracle", bound)  # opening prunes to the bound
    assert 0 < cache.size() <= bound


def test_least_recently_used_entries_go_first(tmp_path):
    cache = DiskCache(tmp_path, 1000)
    for name in "abcd":
        cache.put(name, bytes(240))
        _age_all(tmp_path)
    assert cache.size() == 960
    assert cache.get("a") is not None  # a is used again: b is now the oldest
    cache.put("e", bytes(240))  # 1200 bytes: over the bound, pruned at once
    assert [cache.get(name) is not None for name in "abcde"] == [True, False, True, True, True]
    assert cache.size() == 960


def _age_all(folder):
    """Make every entry a second older, so that the order of use is unambiguous."""
    for entry in folder.iterdir():
        stat = entry.stat()
        os.utime(entry, ns=(stat.st_atime_ns, stat.st_mtime_ns - 1_000_000_000))


def test_the_cache_folder_is_outside_the_repository(monkeypatch):
    monkeypatch.delenv(CACHE_ENV, raising=False)
    folder = oracle_store.folder()
    assert folder is not None and SOLUTIONS.parent not in folder.parents
    for off in ("off", "0", ""):
        monkeypatch.setenv(CACHE_ENV, off)
        assert oracle_store.folder() is None and oracle_store.current() is None


def test_keys_cover_what_determines_the_result():
    x = np.arange(6.0).reshape(2, 3)
    assert make_key("value", np.exp, (x,), {}) == make_key("value", np.exp, (x.copy(),), {})
    variants = [
        make_key("value", np.exp, (x,), {}),
        make_key("value", np.exp, (x.astype(np.float32),), {}),  # dtype
        make_key("value", np.exp, (x.reshape(3, 2),), {}),  # shape
        make_key("value", np.exp, (x + 1e-300,), {}),  # bytes
        make_key("value", np.exp, (x,), {"dim": 0}),  # keyword
        make_key("value", np.log, (x,), {}),  # function
        make_key("vjp", np.exp, (x,), {}),  # kind
    ]
    assert len(set(variants)) == len(variants)

    def scaled(factor):
        return lambda t: t * factor

    assert make_key(scaled(2.0)) == make_key(scaled(2.0)) != make_key(scaled(3.0))


def test_a_function_over_mutable_state_is_keyed_by_that_state():
    table = {"w": np.ones(3)}

    def fn(t):
        return t * table["w"]

    before = make_key(fn)
    table["w"][0] = 2.0
    assert make_key(fn) != before  # so a function that updates its own state is never stored

    class Opaque:
        pass

    thing = Opaque()
    with pytest.raises(Unkeyable):
        make_key(lambda t: (t, thing))


def _trajectory(param, grads, lr):
    """Stands for torch code the checks run themselves (an optimizer's trajectory)."""
    out = []
    for grad in grads:
        param = param - lr * grad
        out.append({"param": param, "step": len(out) + 1})
    return out


RUNS = []


def _counted(x):
    RUNS.append(x)  # changes a global it names: never stored
    return x * 2


def test_cached_serves_the_checks_own_torch_code(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    oracle.cache_stats.clear()
    trajectory = oracle.cached(_trajectory)
    grads = [np.full(3, 0.5), np.full(3, -1.0)]
    first = trajectory(np.zeros(3), grads, lr=0.1)
    again = trajectory(np.zeros(3), grads, lr=0.1)
    other = trajectory(np.zeros(3), grads, lr=0.2)
    assert oracle.cache_stats == {"miss": 2, "hit": 1}
    assert [s["step"] for s in again] == [1, 2]
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a["param"], b["param"])
        assert b["param"].flags.owndata and b["param"].flags.writeable
    assert not np.array_equal(other[1]["param"], again[1]["param"])

    counted = oracle.cached(_counted)
    assert [counted(np.ones(1))[0] for _ in range(3)] == [2, 2, 2]
    assert len(RUNS) == 3


def _negated(x):
    return oracle.value(torch.neg, x)


def test_an_oracle_call_inside_a_cached_one_is_part_of_it(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    oracle.cache_stats.clear()
    negated = oracle.cached(_negated)
    x = np.arange(3.0)
    first, again = negated(x), negated(x)
    assert oracle.cache_stats == {"miss": 1, "hit": 1}  # the inner value() is not counted
    np.testing.assert_array_equal(first, -x)
    np.testing.assert_array_equal(again, -x)


def test_a_closure_over_a_tensor_is_never_cached(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    oracle.cache_stats.clear()
    state = torch.zeros(3, dtype=torch.float64)  # torch may update it in place

    def shifted(t):
        return t + state

    results = [oracle.value(shifted, np.ones(3)) for _ in range(2)]
    state += 1.0
    results.append(oracle.value(shifted, np.ones(3)))
    assert oracle.cache_stats == {"uncached: a value of type Tensor": 3}
    assert [r.tolist() for r in results] == [[1.0] * 3, [1.0] * 3, [2.0] * 3]


CHECK = '''
import sys

import numpy as np

from tests import oracle
from tests.oracle import F, torch

TABLE = {"gelu": F.gelu, "tanh": torch.tanh}  # made before torch is ever imported


def squashed(t):
    assert isinstance(t, torch.Tensor)
    return TABLE["tanh"](TABLE["gelu"](t * t))


x = np.linspace(-2.0, 2.0, 6).reshape(2, 3)
out, (grad,) = oracle.vjp(squashed, [x], np.full((2, 3), 0.5))
print(sys.modules.get("torch") is not None, oracle.cache_stats["hit"], out.tobytes().hex(),
      grad.tobytes().hex())
'''


def test_a_warm_cache_never_imports_torch(tmp_path):
    check = tmp_path / "check.py"
    check.write_text(CHECK)
    env = {**os.environ, CACHE_ENV: str(tmp_path / "cache"), "PYTHONPATH": str(REPO_ROOT)}

    def run() -> list[str]:
        return subprocess.run([sys.executable, str(check)], env=env, check=True,
                              capture_output=True, text=True).stdout.split()

    cold, warm = run(), run()
    assert cold[:2] == ["True", "0"]  # torch computed it
    assert warm[:2] == ["False", "1"]  # the cache answered, torch was never imported
    assert cold[2:] == warm[2:]
