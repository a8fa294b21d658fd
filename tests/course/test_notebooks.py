"""The lesson notebooks are up to date with their sources, and run top to bottom.

Each notebook is executed with nbclient in a "python3" kernel, with
``DLMATH_UNITS`` pointing at the reference solutions and ``MPLBACKEND=Agg``
(and one BLAS thread, which keeps small matrix products fast on a busy
2-core machine), with the short answers of its inline questions filled in
from ``KEY``, so that their checks run too.
"""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from dlmath import units
from grader.authoring import questions as nbquestions

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
SOLUTIONS = ROOT / "solutions"
UNITS = ["activations", "losses", "linear", "optim", "conv", "rnn", "attention", "normalization",
         "training"]
EXERCISES = "<!-- dlmath:exercises -->"
# the right short answer of every autograded inline question, and a wrong one
KEY = {
    "activations-q2": ("overflow_logit = 709.78", "overflow_logit = 88.72"),
    "activations-q3": ('jacobian_choice = "a"', 'jacobian_choice = "b"'),
    "losses-q2": ("row_sum = 0", "row_sum = 1"),
    "linear-q2": ("backward_over_forward = 2", "backward_over_forward = 1"),
    "optim-q2": ("buffer_limit = 5.0", "buffer_limit = 10.0"),
    "conv-q2": ("output_height = 4", "output_height = 3"),
    "rnn-q2": ("gradient_after_10 = 0.0009765625", "gradient_after_10 = 0.5"),
    "attention-q2": ("allowed_pairs = 3", "allowed_pairs = 2"),
    "normalization-q2": ("running_var_after_one = 1.033", "running_var_after_one = 1.0"),
    "normalization-q3": ('running_mean_choice = "b"', 'running_mean_choice = "c"'),
    "training-q2": ("kaiming_bound = 0.471", "kaiming_bound = 0.306"),
    "training-q3": ('dropout_choice = "a"', 'dropout_choice = "b"'),
    "transformer-q2": ("block_parameters = 49984", "block_parameters = 49152"),
    "transformer-q3": ('embedding_choice = "b"', 'embedding_choice = "c"'),
    "gated-q2": ("lstm_parameters = 5376", "lstm_parameters = 5248"),
    "gated-q3": ('gru_choice = "b"', 'gru_choice = "a"'),
}
# every lesson notebook asks questions; transformer and gated are not executed here (each
# trains a capstone model, about 30 s), only their questions and keys are checked
QUESTION_UNITS = sorted(path.stem for path in (NOTEBOOKS / "src").glob("*.py"))


def _load_builder():
    spec = importlib.util.spec_from_file_location("_dlmath_notebooks_builder",
                                                  NOTEBOOKS / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


builder = _load_builder()


def questions(nb):
    """``{id: {kind: cell}}`` for the question cells of ``nb``."""
    found = {}
    for cell in nb.cells:
        question = cell.metadata.get("dlmath", {}).get("question")
        if question:
            found.setdefault(question["id"], {})[question["kind"]] = cell
    return found


def answered(nb, choice=0):
    """``nb`` with every short answer set to the key (``choice=0``) or a wrong one (1)."""
    for qid, cells in questions(nb).items():
        if "answer" in cells:
            cells["answer"].source = KEY[qid][choice]
    return nb


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
    (copy / "zh-CN").mkdir()  # the translation: a code edit leaves it current once rebuilt
    for name in ("build.py", "src/linear.py", "linear.ipynb", "zh-CN/linear.toml",
                 "zh-CN/linear.ipynb"):
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
    nb = answered(read(unit))
    client = NotebookClient(nb, kernel_name="python3", timeout=300,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # raises CellExecutionError, with the traceback, if a cell fails
    outputs = [output for cell in nb.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    images = [output for output in outputs if "image/png" in output.get("data", {})]
    assert images, f"{unit}.ipynb drew no figure"


@pytest.mark.parametrize("unit", QUESTION_UNITS)
def test_each_notebook_asks_written_and_autograded_questions(unit):
    found = questions(read(unit))
    kinds = [sorted(cells) for cells in found.values()]
    assert ["written"] in kinds, "no written (manually graded) question"
    assert ["answer", "check"] in kinds, "no autograded question"
    for qid, cells in found.items():
        assert qid.startswith(f"{unit}-q")
        for kind, cell in cells.items():
            meta = nbquestions.nbgrader_metadata(cell.metadata.dlmath.question)
            assert meta["grade_id"] in (qid, f"{qid}-check")
            if kind == "written":
                assert cell.cell_type == "markdown" and meta["grade"] and meta["solution"]
                assert meta["points"] > 0 and not meta["locked"]
            elif kind == "answer":
                assert cell.cell_type == "code" and meta["solution"] and not meta["grade"]
                assert "None" in cell.source  # unanswered until the student sets it
            else:
                assert cell.cell_type == "code" and meta["grade"] and meta["locked"]
                assert meta["points"] > 0 and qid in nbquestions.load_keys()
                assert "HIDDEN" not in cell.source  # the key is not in the lesson


@pytest.mark.parametrize("qid", sorted(KEY))
def test_a_check_accepts_the_key_and_rejects_a_wrong_or_missing_answer(qid):
    unit = qid.split("-")[0]
    cells = questions(nbquestions.as_nbgrader(read(unit)))[qid]
    check = cells["check"].source
    assert nbquestions.load_keys()[qid] in check  # nbgrader's version carries the key
    for answer, passes in ((KEY[qid][0], True), (KEY[qid][1], False),
                           (cells["answer"].source, False)):
        namespace = {}
        exec(answer, namespace)
        try:
            exec(check, namespace)
        except AssertionError:
            assert not passes, f"{qid}: the key {answer!r} fails its check"
        else:
            assert passes, f"{qid}: {answer!r} passes its check"


def test_the_nbgrader_version_hides_the_key_and_students_never_see_it():
    nb = nbquestions.as_nbgrader(read("conv"))
    graded = {c.metadata.nbgrader["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}
    assert set(graded) == {"conv-q1", "conv-q2", "conv-q2-check"}
    nbformat.validate(nb)
    check = graded["conv-q2-check"].source.splitlines()
    assert check[1:] == [nbquestions.BEGIN_HIDDEN, "assert int(output_height) == 4",
                         nbquestions.END_HIDDEN]
    student = nbquestions.for_students(nbquestions.as_nbgrader(read("conv")))
    assert [c.source for c in student.cells if "== 4" in c.source] == []
    lesson = "".join(cell.source for unit in QUESTION_UNITS for cell in read(unit).cells)
    assert not [key for key in nbquestions.load_keys().values() if key in lesson]
    with pytest.raises(nbquestions.MissingKey, match="no key for conv-q2"):
        nbquestions.as_nbgrader(read("conv"), keys={})


def test_the_parser_rejects_malformed_question_markers():
    with pytest.raises(builder.SourceError, match="points="):
        builder.parse_cells("# %% answer: unit-q1 points=2\nx = None\n")
    with pytest.raises(builder.SourceError, match="points="):
        builder.parse_cells("# %% check: unit-q1\nassert x\n")
    with pytest.raises(builder.SourceError, match="Markdown question"):
        builder.parse_cells("# %% [markdown] check: unit-q1 points=1\n# text\n")
    (cell,) = builder.parse_cells("# %% [markdown] answer: unit-q1 points=2\n# YOUR ANSWER HERE\n")
    assert cell == ("markdown", "YOUR ANSWER HERE",
                    {"id": "unit-q1", "kind": "written", "points": 2.0})
    assert re.match(builder.QUESTION, "# %% check: unit-q1 points=1")


def test_nbgrader_releases_the_questions_without_their_keys():
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    nb = nbquestions.as_nbgrader(read("activations"))
    nb, _ = ClearSolutions().preprocess(nb, {"language": "python"})
    nb, _ = ClearHiddenTests().preprocess(nb, {})
    found = questions(nb)
    assert found["activations-q1"]["written"].source == "YOUR ANSWER HERE"
    assert "raise NotImplementedError" in found["activations-q2"]["answer"].source
    released = found["activations-q2"]["check"].source
    assert "709.78" not in released and "overflow_logit is not None" in released


def _reference_answers():
    """The short answers of the questions of units 8 to 11, computed from the reference
    solutions as each question says to check them (MC: the matching option)."""
    from dlmath import nn
    from dlmath.capstones import char_lm, lstm_vs_rnn

    with units.using(SOLUTIONS):
        norm, train = units.load("normalization"), units.load("training")
        transformer, gated = units.load("transformer"), units.load("gated")
        (_, _, var), _ = norm.batch_norm_forward(np.array([[0.0], [0.0], [2.0], [2.0]]),
                                                 None, None, np.zeros(1), np.ones(1))
        mean, var10, stream = np.zeros(1), np.ones(1), np.random.default_rng(1)
        for _ in range(10):  # the notebook's batches, momentum 0.1
            batch = 3 + 2 * stream.standard_normal((16, 1))
            (_, mean, var10), _ = norm.batch_norm_forward(batch, None, None, mean, var10)
        bound = np.abs(train.kaiming_uniform((64, 3, 3, 3), nonlinearity="relu", seed=0)).max()
        x = np.random.default_rng(0).random(100_000) + 0.5
        out = train.dropout_forward(x, 0.5, seed=3)[0]
        dropout = {"a": abs(out.mean() / x.mean() - 1) < 0.01,
                   "b": abs(out.var() / x.var() - 1) < 0.01,
                   "c": np.count_nonzero(out) == x.size}
        out, cache = transformer.embedding_forward(np.array([[1, 3, 1], [0, 1, 2]]),
                                                   np.arange(12.0).reshape(4, 3), padding_idx=2)
        rows = transformer.embedding_backward(np.ones_like(out), cache)[1:3]
        rng, H = np.random.default_rng(0), 3
        h = rng.standard_normal((2, H))
        bias = np.zeros(3 * H)
        bias[H:2 * H] = 50.0  # z = 1
        copied, _ = gated.gru_cell_forward(rng.standard_normal((2, 2)), h,
                                           rng.standard_normal((3 * H, 2)),
                                           rng.standard_normal((3 * H, H)), bias, None)
    embedding = {(1.0, 1.0): "a", (3.0, 0.0): "b", (3.0, 1.0): "c"}

    def size(module):
        return sum(param.data.size for param in module.parameters())

    return {
        "normalization-q2": f"running_var_after_one = {float(var[0])!r}",
        "normalization-q3": "running_mean_choice = "
                            f"{'abc'[np.argmin(np.abs(np.array([0.3, 2, 3]) - mean[0]))]!r}",
        "training-q2": f"kaiming_bound = {float(bound)!r}",
        "training-q3": f"dropout_choice = {''.join(k for k, v in dropout.items() if v)!r}",
        "transformer-q2": f"block_parameters = {size(char_lm.CharTransformer().blocks[0])}",
        "transformer-q3": f"embedding_choice = {embedding.get((rows[0, 0], rows[1, 0]))!r}",
        "gated-q2": f"lstm_parameters = {size(lstm_vs_rnn.Recaller(nn.LSTM).recurrent)}",
        "gated-q3": f"gru_choice = {'b' if np.allclose(copied, h) else 'a'!r}",
    }


def test_the_keys_agree_with_the_reference_solutions():
    keys = nbquestions.load_keys()
    answers = _reference_answers()
    later = ("normalization", "training", "transformer", "gated")
    assert set(answers) == {qid for qid in KEY if qid.split("-")[0] in later}
    for qid, answer in answers.items():
        namespace = {}
        exec(answer, namespace)
        exec(keys[qid], namespace)  # raises AssertionError if the key disagrees
