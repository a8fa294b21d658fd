"""Kernel benchmark: the reference NumPy solutions against PyTorch on the CPU.

Times forward plus backward of each layer, in float32 and float64, for the
NumPy reference (``solutions/``) and for torch (autograd: ``out.backward(grad)``
with a random upstream gradient), side by side in one process with the same
number of threads, and prints the ratio ``numpy / torch`` against the goal
(3x for conv2d, 2x for the rest)::

    python benchmarks/kernels.py              # the full table (about a minute on 2 cores)
    python benchmarks/kernels.py --quick      # smoke run, about 15 seconds
    python benchmarks/kernels.py --repeats 31 --only conv2d

See benchmarks/README.md for how to read the table.
"""

import argparse
import hashlib
import importlib.util
import json
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from dlmath import units

HERE = Path(__file__).resolve().parent
SOLUTIONS = HERE.parent / "solutions"


def _load_sibling(name):
    """Import ``benchmarks/<name>.py`` from its path (benchmarks/ is not a package)."""
    module_name = f"_dlmath_benchmarks_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


timing = _load_sibling("timing")

DTYPES = ("float32", "float64")
COLUMNS = ("case", "dtype", "numpy_ms", "torch_ms", "ratio", "goal", "meets")
DEFAULT_REPEATS = 25
DEFAULT_WARMUP = 2
QUICK_REPEATS = 3
QUICK_WARMUP = 1
# Timed calls come in blocks of BLOCK per side, each block after a sleep of
# SETTLE seconds: numpy's OpenBLAS workers spin for about 0.1 s after a call
# and torch's OpenMP workers briefly too, and a call of the other library made
# meanwhile runs on shared cores and is slowed down (2-3x measured on 2 cores).
BLOCK = 5
SETTLE = 0.25
# Relative agreement required between numpy's and torch's results, per dtype.
TOLERANCE = {"float32": 2e-3, "float64": 1e-8}

@dataclass(frozen=True)
class Case:
    """One benchmark case: a name, the unit it exercises, its goal and its sizes."""

    name: str
    unit: str
    goal: float
    # build(unit_module, np_dtype, rng, **sizes) -> (numpy_step, torch_step). A step
    # is a zero-argument callable doing forward + backward that returns
    # ([outputs], [grads]) as NumPy arrays, so that both sides can be compared.
    build: Callable
    sizes: dict


# ---------------------------------------------------------------- helpers


def _rand(rng, shape, dtype, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(dtype)


def _leaf(a):
    """A torch leaf tensor holding a copy of ``a``, requiring grad."""
    return torch.tensor(a).requires_grad_(True)


def _torch_step(forward, leaves, grad):
    """The torch step: ``out = forward()``, ``out.backward(grad)``, then every leaf's .grad."""
    grad = torch.from_numpy(grad)

    def step():
        for p in leaves:
            p.grad = None  # a fresh gradient each call, not an accumulation
        out = forward()
        out.backward(grad)
        return [out.detach().numpy()], [p.grad.numpy() for p in leaves]

    return step


# ---------------------------------------------------------------- cases


def _linear(mod, dtype, rng, N, D_in, D_out):
    x = _rand(rng, (N, D_in), dtype)
    w = _rand(rng, (D_out, D_in), dtype, 1 / math.sqrt(D_in))
    b = _rand(rng, (D_out,), dtype)
    g = _rand(rng, (N, D_out), dtype)

    def numpy_step():
        out, cache = mod.linear_forward(x, w, b)
        return [out], list(mod.linear_backward(g, cache))

    tx, tw, tb = _leaf(x), _leaf(w), _leaf(b)
    return numpy_step, _torch_step(lambda: F.linear(tx, tw, tb), [tx, tw, tb], g)


def _conv2d(mod, dtype, rng, N, C_in, C_out, H, W, k, stride, padding):
    x = _rand(rng, (N, C_in, H, W), dtype)
    w = _rand(rng, (C_out, C_in, k, k), dtype, 1 / math.sqrt(C_in * k * k))
    b = _rand(rng, (C_out,), dtype)
    H_out = (H + 2 * padding - k) // stride + 1
    W_out = (W + 2 * padding - k) // stride + 1
    g = _rand(rng, (N, C_out, H_out, W_out), dtype)

    def numpy_step():
        out, cache = mod.conv2d_forward(x, w, b, stride=stride, padding=padding)
        return [out], list(mod.conv2d_backward(g, cache))

    tx, tw, tb = _leaf(x), _leaf(w), _leaf(b)
    return numpy_step, _torch_step(
        lambda: F.conv2d(tx, tw, tb, stride=stride, padding=padding), [tx, tw, tb], g)


def _max_pool2d(mod, dtype, rng, N, C, H, W, k, stride):
    x = _rand(rng, (N, C, H, W), dtype)
    g = _rand(rng, (N, C, (H - k) // stride + 1, (W - k) // stride + 1), dtype)

    def numpy_step():
        out, cache = mod.max_pool2d_forward(x, k, stride)
        return [out], [mod.max_pool2d_backward(g, cache)]

    tx = _leaf(x)
    return numpy_step, _torch_step(lambda: F.max_pool2d(tx, k, stride), [tx], g)


def _rnn(mod, dtype, rng, N, T, D_in, H):
    s = 1 / math.sqrt(H)  # torch's init scale: keeps tanh out of saturation
    x = _rand(rng, (N, T, D_in), dtype)
    h0 = _rand(rng, (N, H), dtype, 0.5)
    w_ih = _rand(rng, (H, D_in), dtype, s)
    w_hh = _rand(rng, (H, H), dtype, s)
    b_ih = _rand(rng, (H,), dtype, s)
    b_hh = _rand(rng, (H,), dtype, s)
    g = _rand(rng, (N, T, H), dtype)

    def numpy_step():
        (out, _h_n), cache = mod.rnn_forward(x, h0, w_ih, w_hh, b_ih, b_hh)
        return [out], list(mod.rnn_backward(g, None, cache))

    rnn = torch.nn.RNN(D_in, H, batch_first=True, dtype=getattr(torch, dtype.name))
    with torch.no_grad():
        for name, value in (("weight_ih_l0", w_ih), ("weight_hh_l0", w_hh),
                            ("bias_ih_l0", b_ih), ("bias_hh_l0", b_hh)):
            getattr(rnn, name).copy_(torch.from_numpy(value))
    tx, th0 = _leaf(x), _leaf(h0)
    params = [rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0]
    # torch wants h0 as (num_layers, N, H); unsqueeze inside, so that th0.grad is (N, H).
    return numpy_step, _torch_step(lambda: rnn(tx, th0.unsqueeze(0))[0],
                                   [tx, th0, *params], g)


def _sdpa(mod, dtype, rng, N, heads, L, E):
    q, k, v = (_rand(rng, (N, heads, L, E), dtype) for _ in range(3))
    g = _rand(rng, (N, heads, L, E), dtype)

    def numpy_step():
        out, cache = mod.scaled_dot_product_attention_forward(q, k, v)
        return [out], list(mod.scaled_dot_product_attention_backward(g, cache))

    tq, tk, tv = _leaf(q), _leaf(k), _leaf(v)
    return numpy_step, _torch_step(
        lambda: F.scaled_dot_product_attention(tq, tk, tv), [tq, tk, tv], g)


def _mha(mod, dtype, rng, N, L, E, heads):
    s = 1 / math.sqrt(E)
    x = _rand(rng, (N, L, E), dtype)
    w_in = _rand(rng, (3 * E, E), dtype, s)
    b_in = _rand(rng, (3 * E,), dtype, s)
    w_out = _rand(rng, (E, E), dtype, s)
    b_out = _rand(rng, (E,), dtype, s)
    g = _rand(rng, (N, L, E), dtype)

    def numpy_step():
        out, cache = mod.multi_head_attention_forward(x, w_in, b_in, w_out, b_out, heads)
        return [out], list(mod.multi_head_attention_backward(g, cache))

    mha = torch.nn.MultiheadAttention(E, heads, batch_first=True,
                                      dtype=getattr(torch, dtype.name))
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.from_numpy(w_in))
        mha.in_proj_bias.copy_(torch.from_numpy(b_in))
        mha.out_proj.weight.copy_(torch.from_numpy(w_out))
        mha.out_proj.bias.copy_(torch.from_numpy(b_out))
    tx = _leaf(x)
    params = [mha.in_proj_weight, mha.in_proj_bias, mha.out_proj.weight, mha.out_proj.bias]
    return numpy_step, _torch_step(
        lambda: mha(tx, tx, tx, need_weights=False)[0], [tx, *params], g)


def cases():
    """The benchmark's cases, with the sizes of the performance issue."""
    return [
        Case("linear 256x512->512", "linear", 2.0, _linear, dict(N=256, D_in=512, D_out=512)),
        Case("conv2d 32x16->32 32x32 k3 s1 p1", "conv", 3.0, _conv2d,
             dict(N=32, C_in=16, C_out=32, H=32, W=32, k=3, stride=1, padding=1)),
        Case("conv2d 32x16->32 32x32 k3 s2 p1", "conv", 3.0, _conv2d,
             dict(N=32, C_in=16, C_out=32, H=32, W=32, k=3, stride=2, padding=1)),
        Case("max_pool2d 32x32 32x32 k2 s2", "conv", 2.0, _max_pool2d,
             dict(N=32, C=32, H=32, W=32, k=2, stride=2)),
        Case("rnn N32 T50 64->128", "rnn", 2.0, _rnn, dict(N=32, T=50, D_in=64, H=128)),
        Case("sdpa (8,4,128,32)", "attention", 2.0, _sdpa, dict(N=8, heads=4, L=128, E=32)),
        Case("mha N8 L128 E128 h4", "attention", 2.0, _mha, dict(N=8, L=128, E=128, heads=4)),
    ]


def tiny_cases():
    """The same cases at toy sizes: for smoke tests of the benchmark itself."""
    tiny = {
        "linear": dict(N=4, D_in=8, D_out=6),
        "conv2d s1": dict(N=2, C_in=3, C_out=4, H=8, W=8, k=3, stride=1, padding=1),
        "conv2d s2": dict(N=2, C_in=3, C_out=4, H=8, W=8, k=3, stride=2, padding=1),
        "max_pool2d": dict(N=2, C=3, H=8, W=8, k=2, stride=2),
        "rnn": dict(N=2, T=3, D_in=4, H=5),
        "sdpa": dict(N=2, heads=2, L=5, E=4),
        "mha": dict(N=2, L=5, E=8, heads=2),
    }
    return [Case(f"{label} tiny", case.unit, case.goal, case.build, sizes)
            for case, (label, sizes) in zip(cases(), tiny.items(), strict=True)]


# ---------------------------------------------------------------- running


def _check(case, dtype, numpy_result, torch_result):
    """Both sides must compute the same thing, or the timing means nothing."""
    for kind, ours, theirs in zip(("output", "gradient"), numpy_result, torch_result,
                                  strict=True):
        assert len(ours) == len(theirs), f"{case.name} {dtype}: {kind} count differs"
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            a, b = np.asarray(a), np.asarray(b)
            if a.shape != b.shape or a.dtype != b.dtype:
                raise AssertionError(f"{case.name} {dtype}: {kind} {i} is {a.dtype}{a.shape}, "
                                     f"torch's {b.dtype}{b.shape}")
            scale = max(1.0, float(np.max(np.abs(b))))
            err = float(np.max(np.abs(a.astype(np.float64) - b))) / scale
            if not err <= TOLERANCE[dtype]:
                raise AssertionError(f"{case.name} {dtype}: {kind} {i} differs from torch's "
                                     f"(relative error {err:.2e})")


def run_case(case, dtype, module, repeats=DEFAULT_REPEATS, warmup=DEFAULT_WARMUP, seed=0,
             clock="wall", settle=SETTLE):
    """Time one case in one dtype; returns a row dict with the keys in ``COLUMNS``."""
    rng = np.random.default_rng(seed)
    numpy_step, torch_step = case.build(module, np.dtype(dtype), rng, **case.sizes)
    _check(case, dtype, numpy_step(), torch_step())
    times = timing.side_by_side({"numpy": numpy_step, "torch": torch_step},
                                repeats=repeats, warmup=warmup, clock=clock,
                                block=min(BLOCK, repeats), settle=settle)
    numpy_ms, torch_ms = 1e3 * times["numpy"], 1e3 * times["torch"]
    r = timing.ratio(numpy_ms, torch_ms)
    return {"case": case.name, "dtype": dtype, "numpy_ms": numpy_ms, "torch_ms": torch_ms,
            "ratio": r, "goal": case.goal, "meets": r <= case.goal}


def run(case_list=None, dtypes=DTYPES, repeats=DEFAULT_REPEATS, warmup=DEFAULT_WARMUP,
        units_dir=SOLUTIONS, progress=None, clock="wall", settle=SETTLE):
    """Time every case in every dtype; returns the rows (dicts keyed by ``COLUMNS``).

    ``units_dir`` is the folder of unit files timed against torch (the
    reference solutions by default). ``progress``, if given, is called with
    each row as soon as it is measured. ``clock`` is ``"wall"`` or ``"cpu"``
    (see ``timing.CLOCKS``); ``settle`` is the pause between blocks of calls
    (see ``timing.side_by_side``).
    """
    case_list = cases() if case_list is None else case_list
    rows = []
    with units.using(units_dir):
        modules = {unit: units.load(unit) for unit in sorted({c.unit for c in case_list})}
    for case in case_list:
        for dtype in dtypes:
            row = run_case(case, dtype, modules[case.unit], repeats=repeats, warmup=warmup,
                           clock=clock, settle=settle)
            rows.append(row)
            if progress is not None:
                progress(row)
    return rows


def quick(case_list=None, dtypes=DTYPES, units_dir=SOLUTIONS, settle=SETTLE):
    """The ``--quick`` smoke run: every case, few repeats (numbers are indicative only)."""
    return run(case_list, dtypes, repeats=QUICK_REPEATS, warmup=QUICK_WARMUP,
               units_dir=units_dir, settle=settle)


# ---------------------------------------------------------------- printing


def _header(case_width):
    return (f"{'case':<{case_width}}  {'dtype':<7}  {'numpy ms':>9}  {'torch ms':>9}  "
            f"{'ratio':>6}  {'goal':>5}  meets")


def format_row(row, case_width=34):
    """One table line for a row of :func:`run`."""
    return (f"{row['case']:<{case_width}}  {row['dtype']:<7}  {row['numpy_ms']:9.3f}  "
            f"{row['torch_ms']:9.3f}  {row['ratio']:5.2f}x  {row['goal']:4.0f}x  "
            f"{'yes' if row['meets'] else 'NO'}")


def _fingerprint(path):
    """The first 10 hex digits of a file's SHA-1 (which version of a unit was timed)."""
    try:
        return hashlib.sha1(path.read_bytes()).hexdigest()[:10]
    except OSError:
        return "(missing)"


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Time the NumPy reference kernels against torch (forward + backward, CPU).")
    parser.add_argument("--repeats", type=int, default=None,
                        help=f"timed runs per case and side, median reported "
                             f"(default {DEFAULT_REPEATS}, {QUICK_REPEATS} with --quick)")
    parser.add_argument("--warmup", type=int, default=None,
                        help=f"untimed runs first (default {DEFAULT_WARMUP}, "
                             f"{QUICK_WARMUP} with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run (about 15 s): 3 repeats, indicative numbers only")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for numpy's BLAS and torch alike "
                             "(default: torch follows numpy's BLAS)")
    parser.add_argument("--clock", choices=tuple(timing.CLOCKS), default="wall",
                        help="wall-clock time (default), or process CPU time: less "
                             "disturbed by other processes, but summed over threads, "
                             "so use it with --threads 1")
    parser.add_argument("--settle", type=float, default=SETTLE, metavar="SECONDS",
                        help=f"pause before each block of {BLOCK} calls, so that the other "
                             f"library's idle threads stop spinning (default {SETTLE}; "
                             f"0 shows how much they interfere)")
    parser.add_argument("--only", default=None, metavar="TEXT",
                        help="only the cases whose name contains TEXT (e.g. conv2d, rnn)")
    parser.add_argument("--dtype", choices=DTYPES, action="append", default=None,
                        help="only this dtype (may be repeated; default both)")
    parser.add_argument("--units", type=Path, default=SOLUTIONS, metavar="DIR",
                        help="folder of the unit files to time (default: solutions/)")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE",
                        help="also write the machine and the rows to FILE as JSON")
    args = parser.parse_args(argv)

    repeats = args.repeats or (QUICK_REPEATS if args.quick else DEFAULT_REPEATS)
    warmup = args.warmup if args.warmup is not None else (
        QUICK_WARMUP if args.quick else DEFAULT_WARMUP)
    blas_threads, torch_threads = timing.match_threads(args.threads)
    info = timing.machine_info()
    case_list = [c for c in cases() if args.only is None or args.only in c.name]
    if not case_list:
        parser.error(f"no case name contains {args.only!r}")
    dtypes = tuple(args.dtype) if args.dtype else DTYPES

    for line in timing.machine_lines(info):
        print(line)
    print(f"threads: numpy BLAS {blas_threads}, torch {torch_threads}; "
          f"median of {repeats} runs after {warmup} warm-up, forward + backward, "
          f"{args.clock} clock, blocks of {min(BLOCK, repeats)} after {args.settle} s "
          f"pauses; units from {args.units}")
    print("unit files: " + ", ".join(
        f"{unit}.py {_fingerprint(args.units / f'{unit}.py')}"
        for unit in sorted({c.unit for c in case_list})))
    if args.clock == "cpu" and max(blas_threads or 1, torch_threads) > 1:
        print("warning: the cpu clock sums the time of all threads (spinning ones too); "
              "use it with --threads 1")
    if args.quick:
        print("--quick: few repeats, the numbers are indicative only")
    print()
    width = max(len(c.name) for c in case_list)
    print(_header(width))
    print("-" * len(_header(width)))
    start = time.perf_counter()
    rows = run(case_list, dtypes, repeats=repeats, warmup=warmup, units_dir=args.units,
               progress=lambda row: print(format_row(row, width), flush=True),
               clock=args.clock, settle=args.settle)
    elapsed = time.perf_counter() - start
    missed = [f"{r['case']} {r['dtype']}" for r in rows if not r["meets"]]
    print()
    print(f"{len(rows) - len(missed)} of {len(rows)} rows meet their goal "
          f"(ratio = numpy ms / torch ms, lower is better); {elapsed:.0f} s")
    if missed:
        print("missed: " + "; ".join(missed))
    load = timing.load_average()
    if load is not None:
        print(f"load average {load:.2f} at the end (this run itself adds up to "
              f"{max(blas_threads or 1, torch_threads)})")
    busy = info["load_average"] is not None and info["load_average"] > 0.5
    if busy:
        print(f"warning: the machine was busy at the start (load average "
              f"{info['load_average']:.2f}): other processes skew multi-threaded timings; "
              f"rerun on a quiet machine before quoting these numbers")
    if args.json is not None:
        args.json.write_text(json.dumps({"machine": info, "repeats": repeats,
                                         "warmup": warmup, "clock": args.clock,
                                         "settle": args.settle,
                                         "rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
