"""Smoke test of benchmarks/kernels.py: it runs and reports well-formed rows.

No speed is asserted here: speed goals are read from the benchmark's table on
a quiet machine, never checked by a timed test.
"""

import importlib.util
import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KERNELS = ROOT / "benchmarks" / "kernels.py"


@pytest.fixture(scope="module")
def kernels():
    """Import ``benchmarks/kernels.py`` from its path (benchmarks/ is not a package)."""
    name = "_dlmath_benchmarks_kernels"
    spec = importlib.util.spec_from_file_location(name, KERNELS)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(name, None)


def _assert_well_formed(kernels, row):
    assert tuple(row) == kernels.COLUMNS
    assert row["numpy_ms"] > 0 and math.isfinite(row["numpy_ms"])
    assert row["torch_ms"] > 0 and math.isfinite(row["torch_ms"])
    assert row["ratio"] == pytest.approx(row["numpy_ms"] / row["torch_ms"])
    assert row["goal"] in (2.0, 3.0)
    assert row["meets"] == (row["ratio"] <= row["goal"])
    kernels.format_row(row)  # prints without error


def test_quick_run_on_one_tiny_case(kernels):
    tiny = {case.name: case for case in kernels.tiny_cases()}
    # settle=0: no pauses between blocks, the timings of a smoke test are not read.
    rows = kernels.quick([tiny["linear tiny"]], dtypes=("float32", "float64"), settle=0.0)
    assert [(r["case"], r["dtype"]) for r in rows] == [
        ("linear tiny", "float32"), ("linear tiny", "float64")]
    for row in rows:
        _assert_well_formed(kernels, row)


def test_every_case_has_a_tiny_twin_that_agrees_with_torch(kernels):
    # run_case checks numpy's outputs and gradients against torch's before timing.
    tiny = kernels.tiny_cases()
    assert len(tiny) == len(kernels.cases())
    modules = {}
    for case in tiny:
        if case.unit not in modules:
            with kernels.units.using(kernels.SOLUTIONS):
                modules[case.unit] = kernels.units.load(case.unit)
        row = kernels.run_case(case, "float64", modules[case.unit], repeats=1, warmup=0,
                               settle=0.0)
        _assert_well_formed(kernels, row)
