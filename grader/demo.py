"""A sample class of synthetic students, for ``dlmath demo``.

Built from the reference solutions, the stubs and the bug bank: full marks,
untouched stubs, one typical bug per unit, an endless loop, a crash, a torch
import, and a half-finished submission.
"""

import shutil
from pathlib import Path

from grader.authoring.bugs import inject, load_bank
from grader.paths import EXERCISES, SOLUTIONS
from grader.units import UNITS, unit_file

TYPICAL_BUGS = {  # student: (unit, bug from the bank)
    "cleo": ("activations", "sigmoid_overflows"),
    "dev": ("losses", "cross_entropy_sum_not_mean"),
    "eve": ("linear", "grad_weight_transposed"),
    "finn": ("optim", "sgd_momentum_buffer_starts_at_zero"),
    "gus": ("conv", None),
    "hana": ("rnn", "backprop_one_step_only"),
    "ivy": ("attention", "sdpa_no_scale"),
}
SABOTAGE = {  # student: (unit, function, first line of its body)
    "jay": ("activations", "relu_forward", "while True:  # an endless loop\n    pass"),
    "kai": ("losses", "mse_loss_forward", "np.ctypeslib.ctypes.string_at(0)  # a crash"),
}


def build_demo_class(folder: Path) -> list[str]:
    """Write the sample class into ``folder``; return the students' names."""
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / "ada", {u: _solution(u) for u in UNITS})
    _write(folder / "ben", {u: (EXERCISES / unit_file(u)).read_text() for u in UNITS})
    for student, (unit, bug) in TYPICAL_BUGS.items():
        _write(folder / student, {**_all_solutions(), unit: _bug(unit, bug)})
    for student, (unit, function, line) in SABOTAGE.items():
        _write(folder / student, {**_all_solutions(), unit: inject(_solution(unit), function,
                                                                  line)})
    _write(folder / "lea", {**_all_solutions(), "linear": "import torch\n" + _solution("linear")})
    _write(folder / "max", {u: _solution(u) for u in ("activations", "losses")})
    return sorted(p.name for p in folder.iterdir() if p.is_dir())


def _solution(unit: str) -> str:
    return (SOLUTIONS / unit_file(unit)).read_text()


def _all_solutions() -> dict[str, str]:
    return {unit: _solution(unit) for unit in UNITS}


def _bug(unit: str, name: str | None) -> str:
    bugs = [bug for bug in load_bank() if bug.unit == unit]
    return next((bug for bug in bugs if bug.name == name), bugs[0]).source()


def _write(student: Path, units: dict[str, str]) -> None:
    if student.exists():
        shutil.rmtree(student)
    student.mkdir()
    for unit, source in units.items():
        (student / unit_file(unit)).write_text(source)
