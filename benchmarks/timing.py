"""Small timing helpers shared by the benchmarks in this folder.

* :func:`median_time` times one callable: warm-up calls, then the median of
  ``repeats`` timed calls.
* :func:`side_by_side` times several callables in one interleaved loop, so
  that they share the same process, threads, caches and machine load; compare
  their medians with :func:`ratio`.
* :func:`match_threads` makes torch use as many threads as numpy's BLAS.
* :func:`machine_info` / :func:`machine_lines` describe the machine, so that a
  number is never quoted without the machine it was measured on.

benchmarks/ is not a package: a script in this folder loads this file by its
path with ``importlib.util.spec_from_file_location`` (see ``kernels.py``).
Only the standard library is imported at module level; numpy, torch and
threadpoolctl are imported by the functions that need them.
"""

import gc
import os
import platform
import re
import statistics
import time
from collections.abc import Callable

# The clocks a benchmark may use: wall-clock time, or the CPU time of the
# whole process (summed over its threads, so meaningful with one thread only,
# but much less disturbed than wall-clock time by other processes).
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def _run_timed(fn: Callable[[], object], clock: Callable[[], float]) -> float:
    start = clock()
    fn()
    return clock() - start


def median_time(fn: Callable[[], object], repeats: int = 11, warmup: int = 1,
                clock: str = "wall") -> float:
    """Median seconds of ``repeats`` calls of ``fn()``, after ``warmup`` calls.

    ``clock`` is a key of :data:`CLOCKS`. The garbage collector is paused while
    timing (as :mod:`timeit` does).
    """
    return side_by_side({"fn": fn}, repeats=repeats, warmup=warmup, clock=clock)["fn"]


def side_by_side(fns: dict[str, Callable[[], object]], repeats: int = 11,
                 warmup: int = 1, clock: str = "wall", block: int = 1,
                 settle: float = 0.0) -> dict[str, float]:
    """Median seconds per call of each callable in ``fns``, measured side by side.

    Every callable is first called ``warmup`` times. Then the ``repeats``
    timed calls of each callable are made in rounds: a round gives every
    callable in turn a block of ``block`` consecutive timed calls, the order
    of the callables reversed every other round, so that a slow drift of the
    machine (another process, clock changes, a warming cache) affects every
    callable alike. The garbage collector is paused while timing. ``clock``
    is a key of :data:`CLOCKS`: ``"wall"`` (default) or ``"cpu"`` (process
    CPU time, for one thread).

    ``settle`` (seconds) matters when the callables use different thread
    pools, e.g. numpy's OpenBLAS and torch's OpenMP: after a call, a pool's
    idle workers keep spinning on the cores for a while (OpenBLAS about 2**28
    cycles, some 0.1 s; libgomp 300,000 spins) and slow down whatever runs
    next. With ``settle > 0``, each block starts with a sleep of ``settle``
    seconds, so that the other pool's workers go to sleep, and one untimed
    call, so that this callable's own workers are awake again.

    Returns ``{name: median seconds}`` in the order of ``fns``.
    """
    timer = CLOCKS[clock]
    if repeats < 1 or block < 1:
        raise ValueError(f"repeats and block must be at least 1, got {repeats}, {block}")
    names = list(fns)
    for name in names:
        for _ in range(warmup):
            fns[name]()
    samples: dict[str, list[float]] = {name: [] for name in names}
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        r = 0
        while len(samples[names[0]]) < repeats:
            for name in names if r % 2 == 0 else reversed(names):
                if settle > 0:
                    time.sleep(settle)
                    fns[name]()
                for _ in range(min(block, repeats - len(samples[name]))):
                    samples[name].append(_run_timed(fns[name], timer))
            r += 1
    finally:
        if was_enabled:
            gc.enable()
    return {name: statistics.median(samples[name]) for name in names}


def ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``, ``inf`` when the denominator is not positive."""
    return numerator / denominator if denominator > 0 else float("inf")


def numpy_blas() -> dict:
    """numpy's BLAS as threadpoolctl sees it: library, version, core type, threads.

    Returns a dict with the keys ``name``, ``version``, ``architecture``,
    ``threading_layer``, ``num_threads`` and ``filepath`` (values may be None).
    """
    import numpy as np
    from threadpoolctl import threadpool_info

    blas = [info for info in threadpool_info() if info.get("user_api") == "blas"]
    numpy_dir = os.path.dirname(os.path.dirname(np.__file__))
    # torch can bring a BLAS of its own: prefer the one shipped with numpy.
    blas.sort(key=lambda info: not str(info.get("filepath", "")).startswith(numpy_dir))
    if not blas:
        return {"name": None, "version": None, "architecture": None,
                "threading_layer": None, "num_threads": None, "filepath": None}
    info = blas[0]
    return {
        "name": info.get("internal_api"),
        "version": info.get("version"),
        "architecture": info.get("architecture"),
        "threading_layer": info.get("threading_layer"),
        "num_threads": info.get("num_threads"),
        "filepath": info.get("filepath"),
    }


def match_threads(threads: int | None = None) -> tuple[int | None, int]:
    """Give numpy's BLAS and torch the same number of threads.

    With ``threads=None``, torch is set to the thread count numpy's BLAS
    already uses (``torch.set_num_threads``); with a number, both are set to
    it (numpy's BLAS through threadpoolctl, for the rest of the process).
    Returns ``(numpy BLAS threads, torch threads)`` as they are afterwards.
    """
    import torch
    from threadpoolctl import threadpool_limits

    if threads is not None:
        # Kept for the whole process on purpose: the limiter is not used as a context.
        threadpool_limits(limits=threads, user_api="blas")
    blas_threads = numpy_blas()["num_threads"]
    target = threads if threads is not None else blas_threads
    if target is not None:
        torch.set_num_threads(int(target))
    return blas_threads, torch.get_num_threads()


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.lower().startswith(("model name", "hardware", "cpu model")):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _torch_blas() -> str:
    """torch's BLAS from its build configuration, e.g. ``mkl 2024.2, oneDNN v3.12.0``."""
    import torch

    config = torch.__config__.show()
    blas = re.search(r"BLAS_INFO=([^,\s]+)", config)
    parts = [blas.group(1) if blas else "unknown"]
    mkl = re.search(r"Math Kernel Library Version ([\w.]+)", config)
    if mkl:
        parts[0] += f" {mkl.group(1)}"
    onednn = re.search(r"MKL-DNN (v[\w.]+)", config)
    if onednn:
        parts.append(f"oneDNN {onednn.group(1)}")
    return ", ".join(parts)


def machine_info() -> dict:
    """What the numbers were measured on: CPU, cores, library versions, BLAS, env."""
    import numpy as np
    import torch

    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count()
    blas = numpy_blas()
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "numpy_blas": blas,
        "torch_blas": _torch_blas(),
        "numpy_blas_threads": blas["num_threads"],
        "torch_threads": torch.get_num_threads(),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
        "load_average": load_average(),
    }


def load_average() -> float | None:
    """The 1-minute load average, or None where the OS does not tell.

    Anything else running competes with the timed threads: compare it with the
    number of cores before trusting a table.
    """
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def machine_lines(info: dict | None = None) -> list[str]:
    """:func:`machine_info` as a few printable lines."""
    info = machine_info() if info is None else info
    blas = info["numpy_blas"]
    numpy_blas_text = " ".join(
        str(v) for v in (blas["name"], blas["version"]) if v is not None) or "unknown"
    if blas["architecture"]:
        numpy_blas_text += f" (core type {blas['architecture']})"
    coretype = info["OPENBLAS_CORETYPE"]
    return [
        f"machine: {info['cpu']}, {info['cores']} cores ({info['usable_cores']} usable), "
        f"Python {info['python']}",
        f"numpy {info['numpy']} with BLAS {numpy_blas_text}, "
        f"{info['numpy_blas_threads']} BLAS threads",
        f"torch {info['torch']} with BLAS {info['torch_blas']}, "
        f"{info['torch_threads']} threads",
        "OPENBLAS_CORETYPE="
        + ("(unset)" if coretype is None else repr(coretype))
        + (f"; load average {info['load_average']:.2f} at start"
           if info.get("load_average") is not None else ""),
    ]
