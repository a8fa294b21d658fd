"""Write an nbgrader course directory for dlmath (``dlmath nbgrader DIR``).

::

    DIR/nbgrader_config.py                 settings (rewritten on every run)
    DIR/source/<unit>/<unit>.ipynb         the unit's notebook, with nbgrader metadata
    DIR/source/<unit>/<unit>.py            the student stub (never the solution)

Each unit is one nbgrader assignment named after it. Students hand in the
notebook and their ``<unit>.py``; autograde keeps their file (the config's
``Autograde.exclude_overwriting``), and the graded cells grade it with the
hidden checks. The notebook's inline questions are graded cells too (see
``grader.authoring.questions``): the keys of their checks sit in hidden test
regions of the source notebook, which nbgrader removes from what it releases.
Every source folder (read as students will get it: without its hidden test
regions) and every release folder found must pass the leak check: a leak
raises ``LeakError``.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from grader.authoring.notebook import build_notebook, stub_source, write_notebook
from grader.authoring.questions import BEGIN_HIDDEN, for_students
from grader.bundle import leaks
from grader.nbgrader.kernel import kernelspec
from grader.score.rubric import load_rubric
from grader.units import unit_file

CONFIG = "nbgrader_config.py"
KERNEL = "dlmath-confined"
LOCAL_CONFIG = "nbgrader_config_local.py"

CONFIG_TEXT = '''\
"""nbgrader settings for the dlmath course, written by `dlmath nbgrader`.

Running `dlmath nbgrader` again rewrites this file. Put settings of your own
(course_id, the exchange, late penalties, ...) in {local} beside it: it
is read last, so it overrides these.
"""

import os
import sys

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import ClearHiddenTests, GetGrades

from grader.nbgrader.course import HiddenTracebacks

c = get_config()  # noqa: F821 (traitlets defines it)
here = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.root = here
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(here, "gradebook.db")

# Students hand in their unit file beside the notebook: autograde grades theirs
# instead of putting the stub from source/ back.
c.Autograde.exclude_overwriting = {{
{exclude}}}

# nbgrader gives zero to a graded cell with any output on stderr. dlmath's check
# cells print plain words on stdout only (the checks run in a process of their
# own); this also drops a stray library warning, should one ever reach stderr.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"Warning"


# The first check cell of a unit runs the whole unit's checks (the others reuse
# the result); with a hanging submission (10 s per hung call) that can take
# minutes. Every other cell gets 5 minutes.
def cell_timeout(cell):
    graded = cell.get("metadata", {{}}).get("nbgrader", {{}}).get("grade", False)
    return 3600 if graded or "grader.nbgrader.cells" in cell.get("source", "") else 300


c.Execute.timeout = 300
c.Execute.timeout_func = cell_timeout

# Notebooks are autograded in dlmath's confined kernel (kernels/dlmath-confined here):
# it sees no solutions, no checks, no .git and no other student. Grade with
# `dlmath autograde ASSIGNMENT`, which takes every graded cell's score from the sandbox.
# (Only for autograde: `nbgrader validate` runs the public checks in a normal kernel.)
os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [here, os.environ.get("JUPYTER_PATH")]))
if sys.argv[1:2] == ["autograde"]:
    c.Execute.kernel_name = "{kernel}"

# Feedback shows each check's points and message, never the hidden cells' source (nor
# the lines of it that an error's traceback would quote, such as a question's key).
c.GenerateFeedback.preprocessors = [GetGrades, HiddenTracebacks, ClearHiddenTests,
                                    CSSHTMLHeaderPreprocessor]

local = os.path.join(here, "{local}")
if os.path.exists(local):
    load_subconfig(local)  # noqa: F821 (traitlets defines it)
'''


class HiddenTracebacks(Preprocessor):
    """For the feedback: an error in a cell with hidden tests shows its name and message only.

    Its traceback would quote the cell's source around the failing line: the hidden
    test itself (a question's key, say), which ``ClearHiddenTests`` removes from the
    source only.
    """

    enabled = Bool(True, help="whether to shorten those tracebacks").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and BEGIN_HIDDEN in cell.source:
            for output in cell.outputs:
                if output.output_type == "error":
                    message = output.evalue or "a hidden check of this cell failed"
                    output.traceback = [f"{output.ename}: {message}"]
        return cell, resources


def config_text(units: list[str]) -> str:
    exclude = "".join(f'    "{unit}": ["{unit_file(unit)}"],\n' for unit in units)
    return CONFIG_TEXT.format(exclude=exclude, local=LOCAL_CONFIG, kernel=KERNEL)


def write_kernelspec(root: Path) -> Path:
    """``kernels/dlmath-confined/kernel.json`` in the course folder (found through JUPYTER_PATH)."""
    path = root / "kernels" / KERNEL / "kernel.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(kernelspec(), indent=1) + "\n")
    return path


def write_course(root: Path, units: list[str] | None = None) -> list[Path]:
    """Write the config and the source of ``units`` (default: all); return the files written.

    Leak-checks every source folder written and every release folder present.
    """
    rubric = load_rubric()
    units = [u for u in rubric if units is None or u in units]
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    (root / CONFIG).write_text(config_text(list(rubric)))
    written = [root / CONFIG, write_kernelspec(root)]
    for unit in units:
        folder = root / "source" / unit
        folder.mkdir(parents=True, exist_ok=True)
        (folder / unit_file(unit)).write_text(stub_source(unit))
        write_notebook(build_notebook(unit, graded=True), folder / f"{unit}.ipynb")
        written += [folder / f"{unit}.ipynb", folder / unit_file(unit)]
    check_leaks(root, units)
    return written


def check_leaks(root: Path, units: list[str]) -> list[Path]:
    """Leak-check the source folders of ``units`` and every release folder; return them.

    A source folder may hold the notebook keys (``leaks.ANSWERS``) inside hidden test
    regions only: it is checked as a whole with the answers allowed, and as students
    get it (without those regions) with nothing allowed. A release folder allows nothing.
    """
    secrets = leaks.load_secrets()
    sources = [root / "source" / unit for unit in units]
    release = root / "release"
    releases = sorted(p for p in release.iterdir() if p.is_dir()) if release.is_dir() else []
    found = []
    for folder in sources:
        found += _found(root, folder, leaks.scan(folder, secrets, allow_answers=True))
        with tempfile.TemporaryDirectory(prefix="dlmath-leaks-") as view:
            found += _found(root, folder, leaks.scan(_students_view(folder, Path(view)),
                                                     secrets))
    for folder in releases:
        found += _found(root, folder, leaks.scan(folder, secrets))
    if found:
        raise leaks.LeakError(root, found)
    return sources + releases


def _found(root: Path, folder: Path, found: list[leaks.Leak]) -> list[leaks.Leak]:
    prefix = folder.relative_to(root).as_posix()
    return [leaks.Leak(f"{prefix}/{leak.path}", leak.where, leak.what) for leak in found]


def _students_view(folder: Path, view: Path) -> Path:
    """A copy of ``folder`` in ``view`` with every notebook's hidden test regions removed."""
    shutil.copytree(folder, view, dirs_exist_ok=True)
    for path in view.rglob("*.ipynb"):
        try:
            nb = nbformat.read(path, as_version=4)
        except (OSError, ValueError):
            continue  # not a notebook: scanned as it is
        nbformat.write(for_students(nb), path)
    return view


def nbgrader_env() -> dict[str, str]:
    """The environment to run nbgrader in: this Python's scripts first on PATH.

    nbgrader's gradebook runs the ``alembic`` script found on PATH, so a virtual
    environment that is not activated needs its ``bin`` folder there.
    """
    scripts = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": os.pathsep.join(filter(None, [scripts, os.environ.get("PATH")]))}


def generate(root: Path, units: list[str]) -> None:
    """Run ``nbgrader generate_assignment --force`` for each unit, then leak-check release/."""
    for unit in units:
        done = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", unit,
                               "--force"], cwd=root, capture_output=True, text=True,
                              env=nbgrader_env())
        if done.returncode != 0:
            raise RuntimeError(f"nbgrader generate_assignment {unit} failed:\n"
                               f"{done.stderr[-3000:]}")
    check_leaks(root, units)
