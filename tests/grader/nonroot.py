"""Run a command as a throwaway unprivileged user, as an instructor without root would.

CI runs as root, and the interpreter, the virtual environment or the checkout
may sit under folders only root can enter (``/root`` is 0700). Inside a
private mount namespace, each such folder is covered by a world-readable
tmpfs through which only the paths the command needs are bound again, so the
user can reach them; nothing outside that namespace changes.

``python -m tests.grader.nonroot UID PATH... -- COMMAND...`` (as root).
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

USER = 61_234  # no other process on the machine uses it


def command(paths: list[Path], argv: list[str], uid: int = USER) -> list[str]:
    """The command line that runs ``argv`` as ``uid`` with ``paths`` reachable."""
    return ["unshare", "--mount", "--propagation", "private", sys.executable, "-m",
            "tests.grader.nonroot", str(uid), *map(str, paths), "--", *argv]


def _closed_ancestors(path: Path) -> list[Path]:
    """The folders above ``path`` that others may not enter, outermost first."""
    return [a for a in reversed(path.parents) if not os.stat(a).st_mode & 0o001]


def _expose(path: Path, uid: int) -> None:
    for closed in _closed_ancestors(path):
        if os.stat(closed).st_mode & 0o001:  # already opened for an earlier path
            continue
        original = Path(tempfile.mkdtemp(prefix="dlmath-nonroot-"))
        subprocess.run(["mount", "--bind", str(closed), str(original)], check=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=755", "tmpfs", str(closed)],
                       check=True)
        inner = closed / path.relative_to(closed).parts[0]
        source = original / inner.name
        if source.is_dir():
            inner.mkdir()
        else:
            inner.touch()
        subprocess.run(["mount", "--bind", str(source), str(inner)], check=True)


def main(argv: list[str]) -> None:
    split = argv.index("--")
    uid, paths, command_line = int(argv[0]), argv[1:split], argv[split + 1:]
    for path in paths:
        _expose(Path(path).resolve(), uid)
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    os.execvp(command_line[0], command_line)


if __name__ == "__main__":
    main(sys.argv[1:])
