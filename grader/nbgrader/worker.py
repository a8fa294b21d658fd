"""Run one unit's checks on one unit file, in a process of its own.

``python -m grader.nbgrader.worker {hidden,public} UNIT FILE OUT`` copies FILE
(if it exists) into an empty folder, runs the unit's hidden checks (through
``grader.pipeline.grade``, exactly as ``dlmath grade`` does) or its public
checks, and writes the result to OUT as JSON: the contract's report for the
hidden checks, ``PublicResult.to_dict()`` for the public ones.
"""

import argparse
import json
import shutil
import tempfile
from pathlib import Path

from grader.units import UNITS, unit_file


def run(kind: str, unit: str, path: Path, timeout: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="dlmath-cell-") as folder:
        if path.is_file():
            shutil.copyfile(path, Path(folder) / unit_file(unit))
        if kind == "hidden":
            from dataclasses import asdict

            from grader.pipeline import grade

            return asdict(grade(Path(folder), [unit], timeout))
        from grader.bundle.selfcheck import run_public

        result = run_public(Path(folder), [unit], timeout)
        result.folder = path.parent
        return result.to_dict()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.nbgrader.worker")
    parser.add_argument("kind", choices=("hidden", "public"))
    parser.add_argument("unit", choices=UNITS)
    parser.add_argument("file", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--timeout", type=float, default=10.0)
    args = parser.parse_args(argv)
    result = run(args.kind, args.unit, args.file, args.timeout)
    args.out.write_text(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
