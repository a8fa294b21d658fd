"""The capstones reach their targets on the reference solutions, and train()
imports nothing but NumPy, the standard library and dlmath.

Not a graded suite: it checks the course's own capstones (dlmath.capstones).
Training runs with one BLAS thread: on a busy 2-core machine, OpenBLAS's
threads fight other processes for the cores and small matrix products can
become a hundred times slower (an RNN capstone took 26 s instead of 2 s).
"""

import contextlib
import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dlmath import units
from dlmath.capstones import CAPSTONES, reached

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions"
ORDER = ["logistic_regression", "cnn_digits", "rnn_sequence", "attention_sequence", "char_lm",
         "lstm_vs_rnn"]
FORBIDDEN = ("torch", "sklearn", "scipy", "matplotlib", "pandas", "IPython")
TIME_LIMIT = 120.0  # seconds for one train() on the reference solutions

# Runs train() twice on a slice of the data in a fresh interpreter where the
# forbidden packages cannot be imported; prints the results and the top-level
# modules imported on top of the interpreter's start-up set.
CHILD = """
import json, sys
before = set(sys.modules)
for name in {forbidden!r}:
    sys.modules[name] = None  # any import of it now raises ImportError
import numpy as np
from dlmath import units
from dlmath.capstones import CAPSTONES
capstone = CAPSTONES[sys.argv[1]]
with np.load(sys.argv[2]) as archive:
    data = {{key: archive[key] for key in archive.files}}
with units.using(sys.argv[3]):
    runs = [capstone.train(data, seed=0) for _ in range(2)]
new = {{name.split(".")[0] for name, module in sys.modules.items()
       if module is not None and name not in before}}
print(json.dumps({{"runs": runs, "modules": sorted(new)}}))
"""


def one_blas_thread():
    """Limit NumPy's BLAS to one thread inside a ``with`` block (when threadpoolctl exists)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


@functools.cache
def dataset(name):
    return CAPSTONES[name].load_data()


def is_allowed(module):
    """NumPy, dlmath, the loaded unit files, the standard library (and NumPy's Cython runtime)."""
    return (module in ("numpy", "dlmath", "cython_runtime") or module in sys.stdlib_module_names
            or module.startswith(("_dlmath_unit_", "_cython_")))


def test_capstones_are_listed_in_order_with_their_constants():
    assert list(CAPSTONES) == ORDER
    for name, capstone in CAPSTONES.items():
        assert capstone.NAME == name
        assert isinstance(capstone.METRIC, str) and capstone.METRIC
        assert isinstance(capstone.BASELINE, str) and capstone.BASELINE
        assert isinstance(capstone.TARGET, float)
        assert isinstance(capstone.HIGHER_IS_BETTER, bool)


@pytest.mark.parametrize("name", ORDER)
def test_load_data_is_fixed(name):
    data = dataset(name)
    again = CAPSTONES[name].load_data()
    assert {"x_train", "y_train", "x_test", "y_test"} <= set(data)
    assert list(data) == list(again)
    for key, value in data.items():
        assert isinstance(value, np.ndarray), key
        np.testing.assert_array_equal(value, again[key], err_msg=key)
    for split in ("train", "test"):
        assert len(data[f"x_{split}"]) == len(data[f"y_{split}"]) > 0


@pytest.mark.parametrize("name", ORDER)
def test_capstone_reaches_its_target_with_the_reference_solutions(name):
    capstone = CAPSTONES[name]
    with units.using(SOLUTIONS), one_blas_thread():
        result = capstone.train(dataset(name))
    assert {"metric", "target", "baseline", "seconds"} <= set(result)
    numbers = {key: value for key, value in result.items() if key != "sample"}
    assert all(isinstance(value, float) for value in numbers.values()), result
    if name == "char_lm":  # a language model shows what it writes
        assert isinstance(result["sample"], str) and len(result["sample"]) > 100
    if name == "lstm_vs_rnn":  # same size, same training: the LSTM recalls, the RNN barely
        assert result["margin"] >= 0.3, result
    assert result["target"] == capstone.TARGET
    assert reached(capstone, result), (
        f"{name}: {capstone.METRIC} = {result['metric']:.4f}, target {capstone.TARGET:.4f}")
    assert result["seconds"] < TIME_LIMIT


@pytest.mark.parametrize("name", ORDER)
def test_train_imports_only_numpy_and_dlmath_and_is_deterministic(name, tmp_path):
    archive = tmp_path / "data.npz"
    np.savez(archive, **{key: value[:64] for key, value in dataset(name).items()})
    code = CHILD.format(forbidden=FORBIDDEN)
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    child = subprocess.run([sys.executable, "-I", "-c", code, name, str(archive), str(SOLUTIONS)],
                           capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert child.returncode == 0, child.stderr[-3000:]
    report = json.loads(child.stdout.splitlines()[-1])
    outside = [module for module in report["modules"] if not is_allowed(module)]
    assert not outside, f"{name}: train() imported {outside}"
    first, second = ({k: v for k, v in run.items() if k != "seconds"} for run in report["runs"])
    assert first == second, f"{name}: two runs with seed 0 differ"


def test_char_lm_target_is_well_below_the_ngram_baselines():
    """The language model's target asks for far better than counting characters."""
    from dlmath.capstones import char_lm

    unigram, bigram = char_lm.ngram_bits(dataset("char_lm"))
    assert unigram > bigram > char_lm.TARGET + 0.3, (unigram, bigram)


def test_char_lm_reads_only_the_standard_library():
    data = dataset("char_lm")
    for split in ("train", "test"):
        x, y = data[f"x_{split}"], data[f"y_{split}"]
        assert x.dtype == np.int64 and x.min() >= 0 and x.max() < 96
        np.testing.assert_array_equal(x[:, 1:], y[:, :-1])  # y is x shifted by one
