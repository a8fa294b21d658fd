"""Build the Gradescope autograder zip: the grader, the checks, and two scripts.

The zip holds everything ``dlmath grade`` needs and nothing a student should
not see beyond it: no reference solutions, no bug bank, no grader tests.
Gradescope unpacks it into ``/autograder/source``, runs ``setup.sh`` once,
and ``run_autograder`` for every submission.
"""

import json
import zipfile
from pathlib import Path

from grader.i18n import DEFAULT
from grader.paths import REPO_ROOT
from grader.run.sandbox import REQUIRE
from grader.settings import CALL_TIMEOUT

CONFIG = "gradescope.json"
SHIPPED = ("pyproject.toml", "constraints.txt", "README.md", "grader", "dlmath",
           "tests/__init__.py", "tests/conftest.py", "tests/strategies.py", "tests/oracle.py",
           "tests/hidden", "tests/public")

SETUP_SH = """#!/usr/bin/env bash
# Runs once when Gradescope builds the image: a virtual environment with pinned versions.
# Set PIP_EXTRA_INDEX_URL in the environment to take torch's CPU-only build from its index.
set -euo pipefail
cd /autograder/source
if ! command -v python3.11 >/dev/null; then
    apt-get update && apt-get install -y python3.11 python3.11-venv
fi
python3.11 -m venv /autograder/venv
/autograder/venv/bin/pip install --upgrade pip
/autograder/venv/bin/pip install -c constraints.txt -e .
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Grades /autograder/submission into /autograder/results/results.json.
# DLMATH_AUTOGRADER_ROOT and DLMATH_AUTOGRADER_PYTHON override the paths (for tests).
root="${DLMATH_AUTOGRADER_ROOT:-/autograder}"
python="${DLMATH_AUTOGRADER_PYTHON:-$root/venv/bin/python}"
cd "$root/source" && exec "$python" -m grader.gradescope "$root"
"""


def build_autograder(out: Path, visibility: str = "after_published",
                     timeout: float = CALL_TIMEOUT, sandbox_mode: str = REQUIRE,
                     lang: str = DEFAULT) -> list[str]:
    """Write the autograder zip to ``out``; return the names it holds."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        _script(zf, "setup.sh", SETUP_SH)
        _script(zf, "run_autograder", RUN_AUTOGRADER)
        config = {"visibility": visibility, "timeout": timeout, "sandbox": sandbox_mode}
        if lang != DEFAULT:  # an English autograder's config stays as it was
            config["lang"] = lang
        zf.writestr(CONFIG, json.dumps(config) + "\n")
        for name in SHIPPED:
            for path in _files(REPO_ROOT / name):
                zf.write(path, path.relative_to(REPO_ROOT).as_posix())
        return zf.namelist()


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                  and ".egg-info" not in str(p))


def _script(zf: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name)
    info.external_attr = 0o755 << 16
    zf.writestr(info, text)
