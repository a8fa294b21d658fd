"""The zh-CN lesson notebooks: current, the same code as the English ones, prose in Chinese.

``notebooks/zh-CN/<unit>.ipynb`` is built by ``notebooks/build.py`` from the same
source as ``notebooks/<unit>.ipynb`` and the translation table
``notebooks/zh-CN/<unit>.toml``. Only one of them (linear, a short one) is
executed here; the others share its code cells with the English notebooks,
which test_notebooks.py runs.
"""

import importlib.util
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
ZH = NOTEBOOKS / "zh-CN"
UNITS = sorted(path.stem for path in (NOTEBOOKS / "src").glob("*.py"))
# inline code, math and addresses are not prose: they stay as they are
NOT_PROSE = re.compile(r"`[^`]*`|\$[^$]*\$|https?://\S+|\"[^\"]*\"")
ENGLISH_PHRASE = re.compile(r"[A-Za-z]+(?:[ ,;:'()-]+[A-Za-z]+){5}")
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")


def _load_builder(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


builder = _load_builder(NOTEBOOKS / "build.py", "_dlmath_notebooks_builder_zh")


def read(path):
    return nbformat.read(path, as_version=4)


def english_paragraphs(text):
    """The paragraphs and headings of ``text`` that read as English, not Chinese.

    Outside code, math and quoted titles: a heading must hold a Chinese
    character, a paragraph of 20 or more Latin letters too, and no paragraph
    may hold six English words in a row (a Chinese sentence names functions
    and activations, joined by Chinese punctuation, not English phrases).
    """
    found = []
    for paragraph in text.split("\n\n"):
        prose = NOT_PROSE.sub("", paragraph)
        headings = [line for line in prose.splitlines() if line.startswith("#")]
        latin, cjk = len(LATIN.findall(prose)), len(CJK.findall(prose))
        if (any(not CJK.search(line) for line in headings) or (latin >= 20 and not cjk)
                or ENGLISH_PHRASE.search(prose)):
            found.append(paragraph)
    return found


def test_english_paragraphs_finds_english_and_passes_chinese():
    assert english_paragraphs("## Questions\n\n本节的问题。") == ["## Questions"]
    chinese = "这是中文，带有 `some_long_identifier(x, y)` 和 $\\frac{a}{b}$。"
    assert english_paragraphs(chinese) == []
    english = "The derivations are in course.md, Chapter 3."
    assert english_paragraphs(f"## 推导\n\n{english}") == [english]
    mixed = "用 ReLU、leaky ReLU、sigmoid、tanh 和 softmax 作为激活函数。"
    assert english_paragraphs(mixed) == []
    half = "两个均值之比保持为 1. Without dropout the two curves coincide."
    assert english_paragraphs(half) == [half]


def test_every_english_markdown_cell_reads_as_english():
    cells = [cell for unit in UNITS for cell in read(NOTEBOOKS / f"{unit}.ipynb").cells
             if builder.translatable(cell)]
    assert len(cells) > 50
    assert [cell.id for cell in cells if not english_paragraphs(cell.source)] == []


@pytest.mark.parametrize("unit", UNITS)
def test_build_check_the_zh_notebook_is_current(unit):
    source = NOTEBOOKS / "src" / f"{unit}.py"
    expected = builder._text(builder.translated(source, "zh-CN"))
    assert (ZH / f"{unit}.ipynb").read_text() == expected, "run: python notebooks/build.py"


def test_build_check_covers_every_unit_and_no_orphan():
    assert builder.check_translations("zh-CN") == []
    assert sorted(path.stem for path in ZH.glob("*.ipynb")) == UNITS
    assert sorted(path.stem for path in ZH.glob("*.toml")) == UNITS


@pytest.mark.parametrize("unit", UNITS)
def test_the_zh_notebook_has_the_same_cells_and_code(unit):
    english, chinese = read(NOTEBOOKS / f"{unit}.ipynb"), read(ZH / f"{unit}.ipynb")
    assert [(c.id, c.cell_type) for c in chinese.cells] == \
        [(c.id, c.cell_type) for c in english.cells]
    for en, zh in zip(english.cells, chinese.cells, strict=True):
        assert zh.metadata == en.metadata, f"{zh.id}: metadata differ"
        if en.cell_type == "code" or not builder.translatable(en):
            assert zh.source == en.source, f"{zh.id} differs from the English notebook"
        else:
            assert zh.source != en.source, f"{zh.id} is not translated"
    assert chinese.metadata.kernelspec == english.metadata.kernelspec
    assert chinese.metadata.dlmath == {**english.metadata.dlmath, "language": "zh-CN",
                                       "source": f"../src/{unit}.py",
                                       "translation": f"{unit}.toml"}


@pytest.mark.parametrize("unit", UNITS)
def test_no_markdown_cell_of_the_zh_notebook_is_left_in_english(unit):
    nb = read(ZH / f"{unit}.ipynb")
    english = {cell.id: english_paragraphs(cell.source)
               for cell in nb.cells if builder.translatable(cell)}
    assert english and not {cid: found for cid, found in english.items() if found}
    number = re.match(r"# Unit (\d+): ", read(NOTEBOOKS / f"{unit}.ipynb").cells[0].source)
    assert nb.cells[0].source.startswith(f"# 单元 {number[1]}：{unit}\n")


def test_the_translations_avoid_the_renderings_the_glossary_rejects():
    course = (ROOT / "course.zh-CN.md").read_text()
    table = course.split("<!-- glossary -->")[1].split("<!-- /glossary -->")[0]
    rows = [row.strip().strip("|").split("|") for row in table.splitlines()
            if row.startswith("|")][2:]  # below the header and its rule
    rejected = {word.strip() for row in rows for word in re.split("[、，,]", row[2])
                if word.strip()}
    assert "权值" in rejected and "滤波器" in rejected  # the table was read
    prose = "".join(cell.source for unit in UNITS for cell in read(ZH / f"{unit}.ipynb").cells
                    if cell.cell_type == "markdown")
    assert [word for word in sorted(rejected) if word in prose] == []


@pytest.fixture
def copy(tmp_path):
    """A copy of notebooks/ with only the linear unit, and its builder."""
    folder = tmp_path / "notebooks"
    (folder / "src").mkdir(parents=True)
    (folder / "zh-CN").mkdir()
    for name in ("build.py", "src/linear.py", "linear.ipynb", "zh-CN/linear.toml",
                 "zh-CN/linear.ipynb"):
        (folder / name).write_text((NOTEBOOKS / name).read_text())
    return folder, _load_builder(folder / "build.py", "_dlmath_notebooks_build_zh_copy")


def test_build_check_fails_on_a_stale_or_missing_translation(copy, capsys):
    folder, copied = copy
    assert copied.main(["--check"]) == 0
    source = folder / "src" / "linear.py"
    original = source.read_text()
    source.write_text(original.replace("Sixty noisy points", "Sixty-one noisy points"))
    assert copied.main(["--check"]) == 1
    err = capsys.readouterr().err
    assert "zh-CN/linear.toml: no translation of cell linear-05 ('## Data" in err
    assert "zh-CN/linear.toml: stale entry, its English is in no cell ('## Data" in err
    assert copied.main([]) == 1  # the English notebook is written, the Chinese one is not
    assert "Sixty-one" in (folder / "linear.ipynb").read_text()
    capsys.readouterr()

    # --sync-translations keeps the old translation (stale, at the end) and adds an empty one
    assert copied.main(["--sync-translations"]) == 0
    assert "linear.toml: 1 cells to translate" in capsys.readouterr().out
    entries = copied.load_table(folder / "zh-CN" / "linear.toml")
    assert entries[2][0].startswith("## Data") and "Sixty-one" in entries[2][0]
    assert entries[2][1] == ""
    assert "Sixty noisy" in entries[-1][0] and "六十个" in entries[-1][1]
    assert copied.main(["--check"]) == 1
    err = capsys.readouterr().err
    assert "the translation of cell linear-05 is empty" in err and "stale entry" in err

    source.write_text(original)  # back to the English that was translated
    table = folder / "zh-CN" / "linear.toml"
    copied.write_table(table, [entry for entry in entries if "Sixty-one" not in entry[0]],
                       source)
    assert copied.main([]) == 0  # the English notebook is rebuilt, the Chinese one is current
    assert copied.main(["--check"]) == 0
    capsys.readouterr()

    copied.write_table(table, entries[:1], source)  # translations removed
    assert copied.main(["--check"]) == 1
    assert "no translation of cell linear-03" in capsys.readouterr().err
    table.unlink()
    assert copied.main(["--check"]) == 1
    assert "zh-CN/linear.toml is missing" in capsys.readouterr().err


def test_build_check_fails_on_a_stale_or_orphaned_zh_notebook(copy, capsys):
    folder, copied = copy
    notebook = folder / "zh-CN" / "linear.ipynb"
    notebook.write_text(notebook.read_text().replace("全连接层", "全链接层"))
    assert copied.main(["--check"]) == 1
    assert "zh-CN/linear.ipynb is stale" in capsys.readouterr().err
    assert copied.main([]) == 0
    assert "全连接层" in notebook.read_text()
    (folder / "zh-CN" / "orphan.toml").write_text("")
    assert copied.main(["--check"]) == 1
    assert "zh-CN/orphan.toml has no source" in capsys.readouterr().err


def test_a_malformed_table_is_reported(copy, capsys):
    folder, copied = copy
    table = folder / "zh-CN" / "linear.toml"
    table.write_text("[[cell]]\nen = 'x'\n")
    assert copied.main(["--check"]) == 1
    assert "cell 1 needs the strings en and zh" in capsys.readouterr().err
    table.write_text("[[cell]]\nen = 'x'\nzh = 'y'\n[[cell]]\nen = 'x'\nzh = 'z'\n")
    assert copied.main(["--check"]) == 1
    assert "cell 2 repeats the English of another" in capsys.readouterr().err


def test_the_zh_linear_notebook_runs_and_draws(monkeypatch):
    monkeypatch.setenv("DLMATH_UNITS", str(ROOT / "solutions"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    nb = read(ZH / "linear.ipynb")
    (answer,) = [cell for cell in nb.cells
                 if cell.metadata.get("dlmath", {}).get("question", {}).get("kind") == "answer"]
    answer.source = "backward_over_forward = 2"
    client = NotebookClient(nb, kernel_name="python3", timeout=300,
                            resources={"metadata": {"path": str(ZH)}})
    client.execute()  # raises CellExecutionError, with the traceback, if a cell fails
    outputs = [output for cell in nb.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    assert [output for output in outputs if "image/png" in output.get("data", {})]
