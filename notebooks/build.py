"""Build the lesson notebooks ``notebooks/<unit>.ipynb`` from ``notebooks/src/<unit>.py``.

The sources are plain Python files in the "percent" format (as jupytext and
VS Code read it): ``# %%`` starts a code cell and ``# %% [markdown]`` a
Markdown cell, whose lines are comments (``# text``). Never edit an
``.ipynb`` by hand: edit its source and run::

    python notebooks/build.py            # rewrite every notebook
    python notebooks/build.py --check    # exit 1 if a notebook is stale or orphaned

The notebooks are written without outputs, with fixed cell ids, so the same
source always gives the same file, byte for byte.

Inline questions. Three more markers make a question cell, each with an id:

    # %% [markdown] answer: UNIT-qN points=P   a written answer (manually graded)
    # %% answer: UNIT-qN                        a code cell where a short answer is set
    # %% check: UNIT-qN points=P                its check (autograded)

Such a cell carries ``metadata.dlmath.question`` (its id, kind and points).
The points are stated there only: the prose that asks "**Question N (...,
P points).**" must say the same, or the build fails. A check cell holds only
what students may see (that the answer is set); its key, the assertion that
grades it, lives in ``docs/answers-notebooks.toml``, which is never shipped
to students before the deadline and whose lines the leak check refuses;
``--check`` fails on a check without a key or a key without a check.
``grader.authoring.questions`` turns the question cells into nbgrader cells,
keys hidden, when ``dlmath nbgrader`` builds the course (the one definition
of that step, which this script imports).

Translations. ``notebooks/zh-CN/<unit>.ipynb`` is the same notebook with its
Markdown prose in simplified Chinese: the same source ``src/<unit>.py`` (so
the code is written once), with each Markdown cell replaced by its entry in
``zh-CN/<unit>.toml``. An entry maps the exact English text of a cell
(``en``) to its translation (``zh``); the exercise-list marker and the
written-answer cells are copied as they are. ``--check`` fails when a cell
has no translation (new, or its English text changed) or an entry matches
no cell (stale); ``--sync-translations`` adds an empty entry for each new
cell and keeps stale entries at the end of the table, to be translated again.
"""

import argparse
import json
import re
import sys
from pathlib import Path

import nbformat

from grader.authoring.questions import KEYS, load_keys, question_of
from grader.compat import tomllib

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "src"
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
MARKDOWN, CODE = "# %% [markdown]", "# %%"
QUESTION = re.compile(r"# %%(?P<markdown> \[markdown\])? (?P<kind>answer|check): "
                      r"(?P<id>[a-z0-9][a-z0-9-]*)(?: points=(?P<points>\d+(?:\.\d+)?))?$")
# the heading of a question's prose, in each language: "**Question 2 (numeric, 1 point).**"
ASKED = {
    "en": re.compile(r"\*\*Question (?P<number>\d+) \((?:[^)]*, )?(?P<points>\d+(?:\.\d+)?) "
                     r"points?\)\.\*\*"),
    "zh-CN": re.compile(r"\*\*问题 (?P<number>\d+)（(?:[^）]*，)?(?P<points>\d+(?:\.\d+)?) "
                        r"分）。\*\*"),
}
EXERCISES_MARKER = "<!-- dlmath:exercises -->"
LANGUAGES = {"zh-CN": "simplified Chinese"}  # folder of each translation: its language


class SourceError(ValueError):
    """A notebook source that does not follow the percent format."""


class TranslationError(ValueError):
    """A translation table that is missing, malformed, incomplete or stale."""

    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = list(problems)


def parse(text, name="<source>"):
    """The cells of a percent-format source: a list of ``(kind, source)`` pairs.

    ``kind`` is ``"markdown"`` or ``"code"``; leading and trailing blank lines
    of each cell are dropped. Raises :class:`SourceError` on text before the
    first marker or a Markdown line that is not a comment.
    """
    return [(kind, source) for kind, source, _ in parse_cells(text, name)]


def parse_cells(text, name="<source>"):
    """Like :func:`parse`, with a third item: the cell's question (a dict) or ``None``."""
    cells, kind, lines, question = [], None, [], None

    def close():
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        if kind is not None:
            cells.append((kind, "\n".join(lines), question))

    for number, line in enumerate(text.splitlines(), start=1):
        marker = line.rstrip()
        asked = QUESTION.match(marker)
        if asked:
            close()
            kind, lines = ("markdown" if asked["markdown"] else "code"), []
            question = _question(asked, f"{name}:{number}")
        elif marker == MARKDOWN or marker == CODE or marker.startswith(CODE + " "):
            close()
            kind, lines, question = ("markdown" if marker == MARKDOWN else "code"), [], None
        elif kind is None:
            if line.strip():
                raise SourceError(f"{name}:{number}: text before the first '# %%' marker")
        elif kind == "markdown":
            if line.strip() and not (line == "#" or line.startswith("# ")):
                raise SourceError(f"{name}:{number}: a Markdown line must start with '# '")
            lines.append(line[2:])
        else:
            lines.append(line)
    close()
    return cells


def _question(match, where):
    kind = "written" if match["markdown"] else ("answer" if match["kind"] == "answer" else "check")
    if match["markdown"] and match["kind"] != "answer":
        raise SourceError(f"{where}: a Markdown question cell must be an 'answer:'")
    if (kind == "answer") == (match["points"] is not None):
        raise SourceError(f"{where}: points= belongs on written answers and checks only")
    question = {"id": match["id"], "kind": kind}
    if match["points"] is not None:
        question["points"] = float(match["points"])
    return question


def build(source):
    """The notebook (an ``nbformat`` node) for one source file."""
    unit = source.stem
    new_cell = {"markdown": nbformat.v4.new_markdown_cell, "code": nbformat.v4.new_code_cell}
    cells = []
    for index, (kind, text, question) in enumerate(parse_cells(source.read_text(),
                                                               str(source))):
        cell = new_cell[kind](text)
        cell.id = f"{unit}-{index:02d}"
        if question:
            cell.metadata["dlmath"] = {"question": question}
        cells.append(cell)
    problems = stated_points_problems(cells, unit, "en")
    if problems:
        raise SourceError(f"{source}: {problems[0]}")
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": dict(KERNELSPEC),
        "language_info": {"name": "python"},
        "dlmath": {"unit": unit, "source": f"src/{source.name}"},
    }
    nbformat.validate(nb)
    return nb


def stated_points_problems(cells, unit, lang):
    """Where the prose (in ``lang``) gives a question other points than its marker does,
    or asks a question that has no marker with points: a list of messages."""
    points = {q["id"]: q["points"] for q in map(question_of, cells) if q and "points" in q}
    problems = []
    for cell in cells:
        if cell.cell_type != "markdown":
            continue
        for asked in ASKED[lang].finditer(cell.source):
            qid, stated = f"{unit}-q{asked['number']}", float(asked["points"])
            if qid not in points:
                problems.append(f"Question {asked['number']} has no graded cell (no "
                                f"'# %% ... {qid} points=' marker)")
            elif stated != points[qid]:
                problems.append(f"Question {asked['number']} says {stated:g} point(s), "
                                f"its marker {points[qid]:g}")
    return problems


def render(source):
    """The exact text of the notebook file built from ``source``."""
    return _text(build(source))


def _text(nb):
    return nbformat.writes(nb, version=4).rstrip("\n") + "\n"


def translatable(cell):
    """Whether a cell of a lesson notebook is prose to translate (not code, not the
    exercise-list marker, not a written answer, which is the student's)."""
    question = question_of(cell)
    return (cell.cell_type == "markdown" and cell.source != EXERCISES_MARKER
            and not (question and question["kind"] == "written"))


def table_path(source, lang):
    return HERE / lang / f"{source.stem}.toml"


def load_table(path):
    """The entries of a translation table, in order: a list of ``(en, zh)`` pairs."""
    where = f"notebooks/{path.parent.name}/{path.name}"
    if not path.is_file():
        raise TranslationError([f"{where} is missing"])
    try:
        with open(path, "rb") as f:
            cells = tomllib.load(f).get("cell", [])
    except tomllib.TOMLDecodeError as exc:
        raise TranslationError([f"{where}: {exc}"]) from exc
    entries, seen = [], set()
    for number, entry in enumerate(cells, start=1):
        en, zh = entry.get("en"), entry.get("zh")
        if not isinstance(en, str) or not isinstance(zh, str):
            raise TranslationError([f"{where}: cell {number} needs the strings en and zh"])
        en, zh = _unwrap(en), _unwrap(zh)
        if en in seen:
            raise TranslationError([f"{where}: cell {number} repeats the English of another"])
        seen.add(en)
        entries.append((en, zh))
    return entries


def _unwrap(value):
    # a multi-line string is written with its closing quotes on their own line
    return value[:-1] if value.endswith("\n") else value


def _toml_string(text):
    if "'''" not in text and "\r" not in text:
        return f"'''\n{text}\n'''"
    return json.dumps(text, ensure_ascii=False)  # a TOML basic string


def write_table(path, entries, source):
    """Write ``entries`` (``(en, zh)`` pairs) as the translation table ``path``."""
    lines = [f"# The {LANGUAGES[path.parent.name]} prose of notebooks/src/{source.name}, "
             "cell by cell: en is the exact English", "# text of a Markdown cell, zh its "
             "translation. Build with: python notebooks/build.py", ""]
    for en, zh in entries:
        lines += ["[[cell]]", f"en = {_toml_string(en)}", f"zh = {_toml_string(zh)}", ""]
    path.parent.mkdir(exist_ok=True)
    path.write_text("\n".join(lines).rstrip("\n") + "\n")


def translated(source, lang):
    """The notebook built from ``source`` with its prose from ``<lang>/<unit>.toml``.

    Raises :class:`TranslationError` listing every cell without a translation
    and every stale entry of the table.
    """
    nb = build(source)
    table = table_path(source, lang)
    where = f"notebooks/{lang}/{table.name}"
    entries = dict(load_table(table))
    used, problems = set(), []
    for cell in nb.cells:
        if not translatable(cell):
            continue
        en = cell.source
        zh = entries.get(en)
        used.add(en)
        if zh is None:
            problems.append(f"{where}: no translation of cell {cell.id} "
                            f"({en.splitlines()[0][:60]!r})")
        elif not zh.strip():
            problems.append(f"{where}: the translation of cell {cell.id} is empty")
        else:
            cell.source = zh
    for en in entries:
        if en not in used:
            problems.append(f"{where}: stale entry, its English is in no cell "
                            f"({en.splitlines()[0][:60]!r})")
    problems += [f"{where}: {problem}"
                 for problem in stated_points_problems(nb.cells, source.stem, lang)]
    if problems:
        raise TranslationError(problems)
    nb.metadata.dlmath.update({"source": f"../src/{source.name}", "language": lang,
                               "translation": table.name})
    nbformat.validate(nb)
    return nb


def sync_table(source, lang):
    """Rewrite ``<lang>/<unit>.toml`` in the order of the cells: translations kept,
    an empty one for each new cell, stale entries at the end. Returns the number
    of cells still without a translation."""
    table = table_path(source, lang)
    old = dict(load_table(table)) if table.is_file() else {}
    english = [cell.source for cell in build(source).cells if translatable(cell)]
    entries = [(en, old.get(en, "")) for en in dict.fromkeys(english)]
    entries += [(en, zh) for en, zh in old.items() if en not in english]
    write_table(table, entries, source)
    return sum(1 for en, zh in entries if en in english and not zh.strip())


def sources():
    return sorted(SOURCES.glob("*.py"))


def check():
    """Problems with the notebooks on disk (stale, missing or orphaned), as messages."""
    problems = []
    expected = set()
    for source in sources():
        target = HERE / f"{source.stem}.ipynb"
        expected.add(target.name)
        if not target.is_file():
            problems.append(f"{target.name} is missing")
        elif target.read_text() != render(source):
            problems.append(f"{target.name} is stale (differs from src/{source.name})")
    for notebook in sorted(HERE.glob("*.ipynb")):
        if notebook.name not in expected:
            problems.append(f"{notebook.name} has no source src/{notebook.stem}.py")
    problems += check_keys()
    for lang in LANGUAGES:
        problems += check_translations(lang)
    return problems


def check_keys(keys=None):
    """Problems with the keys: a check cell without one, or a key of a unit with a source
    that no check cell of that unit uses (stale)."""
    keys = load_keys() if keys is None else keys
    where = f"docs/{KEYS.name}"
    problems, stems = [], {source.stem for source in sources()}
    checks = {question["id"] for source in sources()
              for *_, question in parse_cells(source.read_text(), str(source))
              if question and question["kind"] == "check"}
    problems += [f"src/{qid.rsplit('-q', 1)[0]}.py: {qid} has no key in {where}"
                 for qid in sorted(checks - set(keys))]
    problems += [f"src/{qid.rsplit('-q', 1)[0]}.py: {where} holds a key for {qid}, which "
                 "has no check cell (stale)"
                 for qid in sorted(set(keys) - checks) if qid.rsplit("-q", 1)[0] in stems]
    return problems


def check_translations(lang):
    """Problems with the ``lang`` notebooks: stale, missing, orphaned or untranslated."""
    problems = []
    for source in sources():
        target = HERE / lang / f"{source.stem}.ipynb"
        try:
            text = _text(translated(source, lang))
        except TranslationError as exc:
            problems += [problem.removeprefix("notebooks/") for problem in exc.problems]
            continue
        if not target.is_file():
            problems.append(f"{lang}/{target.name} is missing")
        elif target.read_text() != text:
            problems.append(f"{lang}/{target.name} is stale (differs from src/{source.name} "
                            f"and {lang}/{source.stem}.toml)")
    stems = {source.stem for source in sources()}
    for path in sorted((HERE / lang).glob("*.ipynb")) + sorted((HERE / lang).glob("*.toml")):
        if path.stem not in stems:
            problems.append(f"{lang}/{path.name} has no source src/{path.stem}.py")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a notebook differs from its source")
    parser.add_argument("--sync-translations", action="store_true",
                        help="add an empty entry for each new Markdown cell to the "
                             "translation tables (and build nothing)")
    args = parser.parse_args(argv)
    try:
        if args.sync_translations:
            for lang in LANGUAGES:
                for source in sources():
                    missing = sync_table(source, lang)
                    if missing:
                        print(f"notebooks/{lang}/{source.stem}.toml: {missing} cells "
                              "to translate")
            return 0
        if args.check:
            problems = check()
            for problem in problems:
                print(f"notebooks/{problem}", file=sys.stderr)
            if problems:
                print("run: python notebooks/build.py", file=sys.stderr)
                return 1
            print(f"{len(sources())} notebooks are up to date")
            return 0
        for source in sources():
            target = HERE / f"{source.stem}.ipynb"
            text = render(source)
            if not target.is_file() or target.read_text() != text:
                target.write_text(text)
                print(f"wrote notebooks/{target.name}")
        return _write_translations()
    except SourceError as exc:
        print(exc, file=sys.stderr)
        return 2


def _write_translations():
    failed = False
    for lang in LANGUAGES:
        for source in sources():
            target = HERE / lang / f"{source.stem}.ipynb"
            try:
                text = _text(translated(source, lang))
            except TranslationError as exc:
                failed = True
                for problem in exc.problems:
                    print(problem, file=sys.stderr)
                continue
            if not target.is_file() or target.read_text() != text:
                target.write_text(text)
                print(f"wrote notebooks/{lang}/{target.name}")
    if failed:
        print("translate the cells above (python notebooks/build.py --sync-translations "
              "adds the new ones to the tables)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
