"""The code is ruff-clean (the rules are in pyproject.toml)."""

import importlib.util
import subprocess
import sys

import pytest

from grader.paths import REPO_ROOT


@pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff comes with [dev]")
def test_ruff_is_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", str(REPO_ROOT)],
                            capture_output=True, text=True, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stdout[-5000:]
