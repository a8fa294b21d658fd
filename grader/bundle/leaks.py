"""The leak check: a folder meant for students holds nothing that grades them.

A folder leaks when one of its files

- sits where a secret lives (``solutions/``, ``tests/hidden/``,
  ``tests/submissions/``, ``tests/grader/``) or is a byte-for-byte copy of a
  file from there, under any name;
- holds a line of code from inside a solution region of ``solutions/*.py``
  (trivial lines are ignored: blank lines, comments, lines shorter than
  ``MIN_LINE`` characters, imports, bare ``if``/``else``/``try`` headers and
  ``raise`` lines, which give no formula away, and lines that also stand
  outside the solution regions, such as ``return out, cache``);
- holds a distinctive line of a hidden suite ``tests/hidden/test_*.py``: one
  that is not trivial (as above) and that no shared, shipped file (the public
  suite, its helpers, the grader) holds too;
- unless the answers are released (``allow_answers``, ``dlmath release
  --with-answers``): is one of the answers files ``ANSWERS`` (the worked
  derivations, ``docs/answers.md``, and the keys of the notebooks' inline
  questions, ``docs/answers-notebooks.toml``), under any name, or holds a
  distinctive line of the appendix that course.md does not hold, or the
  assertion of a notebook key.

Lines are compared after stripping them and collapsing runs of white space.
Notebooks are read cell by cell (sources and text outputs), .zip files
member by member, and every other file as UTF-8 text (binary files are
skipped).
"""

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from grader.authoring.sync import BEGIN, END
from grader.compat import tomllib
from grader.paths import HIDDEN_TESTS, PUBLIC_TESTS, REPO_ROOT, SOLUTIONS, TESTS

MIN_LINE = 20
MIN_COPY_BYTES = 64  # smaller files (an empty __init__.py) say nothing
SECRET_FOLDERS = ("solutions", "tests/hidden", "tests/submissions", "tests/grader")
ANSWERS = ("docs/answers.md", "docs/answers-notebooks.toml")  # released after the deadline
MAX_REPORTED = 20
_TRIVIAL = re.compile(r"#|(if|elif|else|try|except|finally)\b.*:$|raise\b|(import|from)\s")


@dataclass(frozen=True)
class Leak:
    """One finding: where in the scanned folder, and what it gives away."""

    path: str
    where: str
    what: str

    def __str__(self) -> str:
        location = f"{self.path} ({self.where})" if self.where else self.path
        return f"{location}: {self.what}"


class LeakError(Exception):
    """A folder meant for students gives away solutions or hidden checks."""

    def __init__(self, folder: Path, leaks: list[Leak]):
        shown = "\n".join(f"  {leak}" for leak in leaks[:MAX_REPORTED])
        more = f"\n  ... and {len(leaks) - MAX_REPORTED} more" if len(leaks) > MAX_REPORTED else ""
        super().__init__(f"LEAK: {folder} gives away {len(leaks)} secret(s):\n{shown}{more}")
        self.folder, self.leaks = folder, leaks


@dataclass
class Secrets:
    """What must never reach a student, indexed for the scan."""

    solution_lines: dict[str, str] = field(default_factory=dict)  # line -> where it comes from
    hidden_lines: dict[str, str] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)  # sha256 -> the secret file
    answer_lines: dict[str, str] = field(default_factory=dict)  # allowed with the answers
    answer_digests: dict[str, str] = field(default_factory=dict)


def normalise(line: str) -> str:
    return " ".join(line.split())


def load_secrets(root: Path = REPO_ROOT) -> Secrets:
    """Index the secrets of the course at ``root``."""
    secrets = Secrets()
    solutions = root / SOLUTIONS.relative_to(REPO_ROOT)
    inside: dict[str, str] = {}
    outside: set[str] = set()
    for path in sorted(solutions.glob("*.py")):
        in_region = False
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            marker = line.strip()
            if marker in (BEGIN, END):
                in_region = marker == BEGIN
            elif in_region:
                inside.setdefault(normalise(line), f"solutions/{path.name}:{number}")
            else:
                outside.add(normalise(line))
    secrets.solution_lines = {line: where for line, where in inside.items()
                              if _distinctive(line) and line not in outside}

    shared = set(outside)
    for path in _shared_sources(root):
        shared.update(normalise(line) for line in path.read_text().splitlines())
    hidden = root / HIDDEN_TESTS.relative_to(REPO_ROOT)
    for path in sorted(hidden.glob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            text = normalise(line)
            if _distinctive(text) and text not in shared:
                secrets.hidden_lines.setdefault(text, f"tests/hidden/{path.name}:{number}")

    for folder in SECRET_FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                data = path.read_bytes()
                if len(data) >= MIN_COPY_BYTES:
                    secrets.digests[_digest(data)] = path.relative_to(root).as_posix()
    _load_answers(root, secrets)
    return secrets


def _load_answers(root: Path, secrets: Secrets) -> None:
    """Index the answers appendix and the notebook keys (secret until released)."""
    course = root / "course.md"
    shipped = {normalise(line) for line in course.read_text().splitlines()} if (
        course.is_file()) else set()
    appendix, keys = (root / name for name in ANSWERS)
    if appendix.is_file():
        secrets.answer_digests[_digest(appendix.read_bytes())] = ANSWERS[0]
        for number, line in enumerate(appendix.read_text().splitlines(), start=1):
            text = normalise(line)
            if len(text) >= MIN_LINE and text not in shipped:
                secrets.answer_lines.setdefault(text, f"{ANSWERS[0]}:{number}")
    if keys.is_file():
        secrets.answer_digests[_digest(keys.read_bytes())] = ANSWERS[1]
        for qid, entry in tomllib.loads(keys.read_text()).items():
            for line in str(entry.get("check", "")).splitlines():
                if normalise(line):
                    secrets.answer_lines.setdefault(normalise(line), f"{ANSWERS[1]} [{qid}]")


def _shared_sources(root: Path) -> list[Path]:
    """Shipped files that the hidden suites may share lines with."""
    tests = root / TESTS.relative_to(REPO_ROOT)
    public = root / PUBLIC_TESTS.relative_to(REPO_ROOT)
    files = [*public.glob("*.py"), *(tests / name for name in
                                     ("__init__.py", "conftest.py", "strategies.py", "oracle.py"))]
    files += (root / "grader").rglob("*.py")
    return sorted(p for p in files if p.is_file())


def _distinctive(line: str) -> bool:
    return len(line) >= MIN_LINE and not _TRIVIAL.match(line)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def scan(folder: Path, secrets: Secrets | None = None, allow_answers: bool = False) -> list[Leak]:
    """Every leak in ``folder`` (a folder meant for students), in file order.

    ``allow_answers`` accepts the answers appendix and the notebook keys: the
    folder is released after the deadline.
    """
    secrets = secrets or load_secrets()
    folder = Path(folder)
    leaks: list[Leak] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        if "__pycache__" in path.parts:
            continue
        leaks.extend(_scan_file(relative, path.read_bytes(), secrets, allow_answers))
    return leaks


def check(folder: Path, secrets: Secrets | None = None, allow_answers: bool = False) -> None:
    """Raise ``LeakError`` if ``folder`` leaks anything (``allow_answers``: see :func:`scan`)."""
    leaks = scan(folder, secrets, allow_answers)
    if leaks:
        raise LeakError(Path(folder), leaks)


def _scan_file(relative: str, data: bytes, secrets: Secrets,
               allow_answers: bool = False) -> list[Leak]:
    leaks = []
    for secret in SECRET_FOLDERS:
        if _under(relative, secret):
            leaks.append(Leak(relative, "", f"a file of {secret}/ must never ship"))
    copied = secrets.digests.get(_digest(data))
    if copied is not None:
        leaks.append(Leak(relative, "", f"a copy of {copied}"))
    answers = secrets.answer_digests.get(_digest(data))
    if not allow_answers and answers is not None:
        leaks.append(Leak(relative, "", f"a copy of {answers}, which ships only after the "
                                        "deadline (dlmath release --with-answers)"))
    for where, line in _lines(relative, data):
        text = normalise(line)
        if text in secrets.solution_lines:
            leaks.append(Leak(relative, where,
                              f"solution code from {secrets.solution_lines[text]}: {text!r}"))
        elif text in secrets.hidden_lines:
            leaks.append(Leak(relative, where,
                              f"hidden-check code from {secrets.hidden_lines[text]}: {text!r}"))
        elif not allow_answers and answers is None and text in secrets.answer_lines:
            leaks.append(Leak(relative, where,
                              f"an answer from {secrets.answer_lines[text]}: {text[:80]!r}"))
    if relative.endswith(".zip"):
        leaks.extend(_scan_zip(relative, data, secrets, allow_answers))
    return leaks


def _under(relative: str, folder: str) -> bool:
    parts = PurePosixPath(relative).parts
    wanted = PurePosixPath(folder).parts
    return any(parts[i:i + len(wanted)] == wanted for i in range(len(parts) - len(wanted)))


def _scan_zip(relative: str, data: bytes, secrets: Secrets,
              allow_answers: bool = False) -> list[Leak]:
    leaks = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in zf.infolist():
                if not info.is_dir():
                    leaks += _scan_file(f"{relative}/{info.filename}", zf.read(info), secrets,
                                        allow_answers)
    except zipfile.BadZipFile:
        pass
    return leaks


def _lines(relative: str, data: bytes) -> Iterator[tuple[str, str]]:
    """``(where, line)`` for every line of text the file shows a reader."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    if relative.endswith(".ipynb"):
        try:
            notebook = json.loads(text)
        except ValueError:
            notebook = None
        if isinstance(notebook, dict):
            yield from _notebook_lines(notebook)
            return
    for number, line in enumerate(text.splitlines(), start=1):
        yield f"line {number}", line


def _notebook_lines(notebook: dict) -> Iterator[tuple[str, str]]:
    for index, cell in enumerate(notebook.get("cells", [])):
        texts = [("source", cell.get("source", ""))]
        for output in cell.get("outputs", []):
            texts.append(("output", output.get("text", "")))
            texts.extend(("output", value) for value in output.get("data", {}).values())
        for kind, value in texts:
            joined = "".join(value) if isinstance(value, list) else value
            if not isinstance(joined, str):
                continue
            for number, line in enumerate(joined.splitlines(), start=1):
                yield f"cell {index} {kind} line {number}", line
