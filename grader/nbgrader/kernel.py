"""The confined kernel that nbgrader's autograde runs students' notebooks in.

``python -m grader.nbgrader.kernel -f CONNECTION_FILE`` starts ipykernel
inside bubblewrap. The kernel sees the interpreter, the installed packages
with torch masked, the course's ``grader`` and ``dlmath`` packages (never
``solutions/``, ``tests/``, ``.git`` or the gradebook), the student's own
assignment folder read-only, and the results of the sandboxed grading of
that student (``RESULTS_ENV``), which the graded cells print. It has its own
pid, IPC and UTS namespaces, a private ``/tmp``, no capabilities and
``no_new_privs``. It shares the host's network namespace: nbgrader talks to
the kernel over TCP on localhost.

Whatever a notebook prints therefore cannot hold a hidden check or a
solution, and a notebook that tampers with its own kernel changes only the
kernel's scores, which ``dlmath autograde`` replaces with the sandbox's and
lists as evidence.
"""

import os
import sys
from pathlib import Path

import numpy

from grader.paths import REPO_ROOT
from grader.run import sandbox

RESULTS_ENV = "DLMATH_RESULTS"  # the sandboxed results of the student, as JSON
CONFINED_ENV = "DLMATH_CONFINED_KERNEL"  # set inside the confined kernel
RESULTS_INSIDE = "/dlmath/results.json"
MASKED_PACKAGES = ("torch", "torchgen", "functorch")


def command(connection_file: str, cwd: str, results: str | None) -> list[str]:
    """The bubblewrap command that runs ipykernel for ``connection_file``."""
    site = Path(numpy.__file__).resolve().parents[1]
    args = [sandbox.bwrap_path(), "--unshare-pid", "--unshare-ipc", "--unshare-uts",
            "--die-with-parent", "--new-session", "--clearenv", "--proc", "/proc",
            "--dev", "/dev", "--cap-drop", "ALL", *_tmpfs(), *sandbox.system_binds(),
            "--ro-bind", str(site), str(site)]
    args += [arg for name in MASKED_PACKAGES if (site / name).is_dir()
             for arg in ("--tmpfs", str(site / name))]
    for package in ("grader", "dlmath"):
        args += ["--ro-bind", str(REPO_ROOT / package), str(REPO_ROOT / package)]
    connection = Path(connection_file).resolve()
    args += ["--ro-bind", str(connection), str(connection),
             "--ro-bind", cwd, cwd, "--chdir", cwd]
    env = {"HOME": "/tmp", "MPLCONFIGDIR": "/tmp", "JUPYTER_RUNTIME_DIR": "/tmp",
           "IPYTHONDIR": "/tmp/ipython", "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg",
           CONFINED_ENV: "1"}
    if results:
        args += ["--ro-bind", str(Path(results).resolve()), RESULTS_INSIDE]
        env[RESULTS_ENV] = RESULTS_INSIDE
    for key, value in env.items():
        args += ["--setenv", key, value]
    venv = [Path(sys.executable), Path(sys.prefix, "pyvenv.cfg")]
    args += sandbox.expose([p for p in venv if p.exists()])
    python = [sys.executable, "-m", "ipykernel_launcher", "-f", str(connection)]
    return [*args, "--", *python]


def _tmpfs() -> list[str]:
    return [arg for folder in ("/tmp", "/var/tmp", "/dev/shm") for arg in ("--tmpfs", folder)]


def kernelspec() -> dict:
    """The kernel.json of the confined kernel."""
    return {"argv": [sys.executable, "-m", "grader.nbgrader.kernel", "-f",
                     "{connection_file}"],
            "display_name": "Python 3 (dlmath, confined)", "language": "python"}


def main(argv: list[str]) -> None:
    if len(argv) != 2 or argv[0] != "-f":
        sys.exit("usage: python -m grader.nbgrader.kernel -f CONNECTION_FILE")
    problem = sandbox.check_available()
    if problem:
        sys.exit(f"dlmath's confined kernel cannot start: {problem}")
    argv_ = command(argv[1], os.getcwd(), os.environ.get(RESULTS_ENV))
    os.execv(argv_[0], argv_)


if __name__ == "__main__":
    main(sys.argv[1:])

