"""The lesson notebooks are up to date with their sources, and run top to bottom.

Each notebook is executed with nbclient in a "python3" kernel, with
``DLMATH_UNITS`` pointing at the reference solutions and ``MPLBACKEND=Agg``
(and one BLAS thread, which keeps small matrix products fast on a busy
2-core machine).
"""

import importlib.util
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
SOLUTIONS = ROOT / "solutions"
UNITS = ["activations", "losses", "linear", "optim", "conv", "rnn", "attention"]
EXERCISES = "<!-- dlmath:exercises -->"


def build(*args):
    return subprocess.run([sys.executable, str(NOTEBOOKS / "build.py"), *args],
                          capture_output=True, text=True)


def read(unit):
    return nbformat.read(NOTEBOOKS / f"{unit}.ipynb", as_version=4)


def test_build_check_passes():
    result = build("--check")
    assert result.returncode == 0, result.stderr


def test_build_check_fails_on_a_stale_notebook(tmp_path, capsys):
    copy = tmp_path / "notebooks"
    (copy / "src").mkdir(parents=True)
    for name in ("build.py", "src/linear.py", "linear.ipynb"):
        (copy / name).write_text((NOTEBOOKS / name).read_text())
    spec = importlib.util.spec_from_file_location("_dlmath_notebooks_build", copy / "build.py")
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)  # builds the notebooks next to this copy
    with (copy / "src" / "linear.py").open("a") as source:
        source.write("\n# %%\nprint('an edit')\n")
    assert builder.main(["--check"]) == 1
    assert "linear.ipynb is stale" in capsys.readouterr().err
    assert builder.main([]) == 0
    assert builder.main(["--check"]) == 0
    (copy / "orphan.ipynb").write_text((NOTEBOOKS / "linear.ipynb").read_text())
    assert builder.main(["--check"]) == 1
    assert "orphan.ipynb has no source" in capsys.readouterr().err


@pytest.mark.parametrize("unit", UNITS)
def test_notebook_layout(unit):
    nb = read(unit)
    assert nb.nbformat == 4
    assert nb.metadata.kernelspec.name == "python3"
    assert nb.metadata.kernelspec.display_name == "Python 3"
    title, placeholder = nb.cells[0], nb.cells[1]
    assert title.cell_type == "markdown" and title.source.startswith("# Unit ")
    assert placeholder.cell_type == "markdown" and placeholder.source == EXERCISES
    code = [cell.source for cell in nb.cells if cell.cell_type == "code"]
    assert any("units.use(" in source for source in code), "no cell selects the units folder"
    assert all(not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")


@pytest.mark.parametrize("unit", UNITS)
def test_notebook_runs_and_draws(unit, monkeypatch):
    monkeypatch.setenv("DLMATH_UNITS", str(SOLUTIONS))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    nb = read(unit)
    client = NotebookClient(nb, kernel_name="python3", timeout=300,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # raises CellExecutionError, with the traceback, if a cell fails
    outputs = [output for cell in nb.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    images = [output for output in outputs if "image/png" in output.get("data", {})]
    assert images, f"{unit}.ipynb drew no figure"
