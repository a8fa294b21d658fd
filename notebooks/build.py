"""Build the lesson notebooks ``notebooks/<unit>.ipynb`` from ``notebooks/src/<unit>.py``.

The sources are plain Python files in the "percent" format (as jupytext and
VS Code read it): ``# %%`` starts a code cell and ``# %% [markdown]`` a
Markdown cell, whose lines are comments (``# text``). Never edit an
``.ipynb`` by hand: edit its source and run::

    python notebooks/build.py            # rewrite every notebook
    python notebooks/build.py --check    # exit 1 if a notebook is stale or orphaned

The notebooks are written without outputs, with fixed cell ids, so the same
source always gives the same file, byte for byte.
"""

import argparse
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "src"
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
MARKDOWN, CODE = "# %% [markdown]", "# %%"


class SourceError(ValueError):
    """A notebook source that does not follow the percent format."""


def parse(text, name="<source>"):
    """The cells of a percent-format source: a list of ``(kind, source)`` pairs.

    ``kind`` is ``"markdown"`` or ``"code"``; leading and trailing blank lines
    of each cell are dropped. Raises :class:`SourceError` on text before the
    first marker or a Markdown line that is not a comment.
    """
    cells, kind, lines = [], None, []

    def close():
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        if kind is not None:
            cells.append((kind, "\n".join(lines)))

    for number, line in enumerate(text.splitlines(), start=1):
        marker = line.rstrip()
        if marker == MARKDOWN or marker == CODE or marker.startswith(CODE + " "):
            close()
            kind, lines = ("markdown" if marker == MARKDOWN else "code"), []
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


def build(source):
    """The notebook (an ``nbformat`` node) for one source file."""
    unit = source.stem
    new_cell = {"markdown": nbformat.v4.new_markdown_cell, "code": nbformat.v4.new_code_cell}
    cells = []
    for index, (kind, text) in enumerate(parse(source.read_text(), str(source))):
        cell = new_cell[kind](text)
        cell.id = f"{unit}-{index:02d}"
        cells.append(cell)
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": dict(KERNELSPEC),
        "language_info": {"name": "python"},
        "dlmath": {"unit": unit, "source": f"src/{source.name}"},
    }
    nbformat.validate(nb)
    return nb


def render(source):
    """The exact text of the notebook file built from ``source``."""
    return nbformat.writes(build(source), version=4).rstrip("\n") + "\n"


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
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a notebook differs from its source")
    args = parser.parse_args(argv)
    try:
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
    except SourceError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
