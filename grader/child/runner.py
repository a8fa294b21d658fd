"""The child process: loads submission units and runs their functions on request.

Started by ``grader.run.child`` inside the sandbox, where this package is
``dlmath_child``, with one argument: a JSON object of settings (the pipe fds,
the first handle number, the uid to become as root, the process limit, trusted
modules to preload). It imports only the standard library, numpy and the
submission, and talks to the grader in plain-data frames (see ``codec``). Its
first frame says what confinement it finds itself in (``observe``). Requests:

- ``{"op": "load", "unit": name, "path": file}``: import a unit file.
- ``{"op": "call", "unit", "fn", "args", "kwargs", "keep": [indices]}``: call a
  function; the listed elements of a returned tuple (a forward's cache) stay
  here behind handles, and so does any returned value that is not plain data.
- ``{"op": "steps", "unit", "fn", "calls": [[args, kwargs], ...], "feed": [[arg, item]],
  "keep"}``: the calls one after another, each fed the listed items of the previous
  call's value, with one reply per call (see ``steps``).
- ``{"op": "release"}``: forget every handle.
- ``{"op": "modules"}``: the names in ``sys.modules`` (for the grader's tests).
- ``{"op": "capstone", "name", "data"}``: train a preloaded capstone with the
  submission's unit files (``dlmath.capstones``).

Every reply is ``{"ok": True, "value": ..., "warnings": [...], "mutated": [...]}``
or ``{"ok": False, "error": {"type", "message", "where"}}``.
"""

import builtins
import ctypes
import importlib
import importlib.util
import json
import os
import resource
import signal
import sys
import traceback
import warnings

import numpy as np

from . import codec, policy

# Whatever a unit may import is loaded before the submission runs.
_PR_SET_PDEATHSIG = 1
_NUMPY_LAZY = ("numpy.fft", "numpy.random", "numpy.polynomial", "numpy.ctypeslib")


class Host:
    """The child's state: loaded units and the objects behind handles."""

    def __init__(self, first_handle: int):
        self.units: dict[str, object] = {}
        self.unit_files: set[str] = set()
        self.handles: dict[int, object] = {}
        self.next_handle = first_handle

    def opaque(self, obj) -> codec.Handle:
        handle = codec.Handle(self.next_handle, type(obj).__name__)
        self.handles[handle.id] = obj
        self.next_handle += 1
        return handle

    def resolve(self, value):
        """Swap handles in decoded arguments for the objects they stand for."""
        if isinstance(value, codec.Handle):
            if value.id not in self.handles:
                raise LookupError("a cache from an earlier, failed call was passed back")
            return self.handles[value.id]
        if isinstance(value, tuple | list):
            return type(value)(self.resolve(item) for item in value)
        if isinstance(value, dict):
            return {key: self.resolve(item) for key, item in value.items()}
        return value

    def load(self, unit: str, path: str) -> None:
        spec = importlib.util.spec_from_file_location(unit, path)
        module = importlib.util.module_from_spec(spec)
        self.unit_files.add(path)
        sys.modules[unit] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[unit]
            raise
        self.units[unit] = module

    def capstone(self, name: str, data: dict) -> dict:
        """Train a capstone (preloaded trusted code) on the submission's unit files."""
        from dlmath import units

        folder = os.getcwd()  # the scratch copy of the submission
        self.unit_files.update(os.path.join(folder, f) for f in os.listdir(folder))
        units.use(folder)
        return sys.modules[f"dlmath.capstones.{name}"].train(data, seed=0)

    def call(self, request: dict) -> dict:
        function = getattr(self.units[request["unit"]], request["fn"], None)
        if not callable(function):
            raise AttributeError(f"{request['unit']}.py has no function {request['fn']}")
        args = self.resolve(request["args"])
        kwargs = self.resolve(request["kwargs"])
        before = _snapshot((args, kwargs))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with np.errstate(over="warn", invalid="warn", divide="warn", under="ignore"):
                result = function(*args, **kwargs)
        keep = request.get("keep") or []
        if isinstance(result, tuple) and keep:  # a forward's cache stays here, as it is
            result = tuple(self.opaque(item) if i in keep else item
                           for i, item in enumerate(result))
        return {
            "value": result,
            "warnings": [_describe_warning(w) for w in caught],
            "mutated": _mutated(before, (args, kwargs)),
        }


def _snapshot(value):
    """Copies of the arrays inside ``value``; other leaves are not compared."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, tuple | list):
        return type(value)(_snapshot(item) for item in value)
    if isinstance(value, dict):
        return {key: _snapshot(item) for key, item in value.items()}
    return None


def _mutated(before, after) -> list[str]:
    """Names (positions or keywords) of arguments whose arrays changed."""
    changed = []
    (args0, kwargs0), (args1, kwargs1) = before, after
    pairs = [(str(i), a, b) for i, (a, b) in enumerate(zip(args0, args1, strict=True))]
    pairs += [(key, kwargs0[key], kwargs1[key]) for key in kwargs0]
    for name, old, new in pairs:
        if not _same(old, new):
            changed.append(name)
    return changed


def _same(old, new) -> bool:
    if isinstance(old, np.ndarray):
        return (
            isinstance(new, np.ndarray)
            and old.shape == new.shape
            and old.dtype == new.dtype
            # the same bytes are the same values (the common case, and a quick one)
            and (old.tobytes() == new.tobytes()
                 or np.array_equal(old, new, equal_nan=old.dtype.kind in "fc"))
        )
    if isinstance(old, tuple | list):
        return len(old) == len(new) and all(_same(a, b) for a, b in zip(old, new, strict=True))
    if isinstance(old, dict):
        return old.keys() == new.keys() and all(_same(old[k], new[k]) for k in old)
    return True


def _describe_warning(caught: warnings.WarningMessage) -> str:
    return f"{caught.category.__name__}: {caught.message} (line {caught.lineno})"


def _where(exc: BaseException, unit_files: set[str]) -> str:
    """The innermost line of submission code in the traceback, in plain words."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename in unit_files]
    if not frames:
        return ""
    frame = frames[-1]
    name = frame.filename.rsplit("/", 1)[-1]
    return f"{name}, line {frame.lineno}, in {frame.name}: {(frame.line or '').strip()}"


def _error(exc: BaseException, child: Host) -> dict:
    """The error reply for ``exc``; never raises, whatever the submission's exception does."""
    try:
        message = f"{exc.msg} (line {exc.lineno})" if isinstance(exc, SyntaxError) else str(exc)
        message = message if isinstance(message, str) else "(an unprintable message)"
    except Exception as broken:  # a __str__ that raises: say so, rather than die
        message = f"(its message could not be shown: its __str__ raised {_name(broken)})"
    try:
        where = _where(exc, child.unit_files)
    except Exception:
        where = ""
    return {
        "ok": False,
        "error": {"type": _name(exc), "message": message[:2000], "where": where[:500]},
    }


def _name(exc: BaseException) -> str:
    name = type(exc).__name__
    return name[:100] if isinstance(name, str) else "an exception"


def install_import_guard(child: Host) -> None:
    """Make imports made by submission code fail unless the policy allows them."""
    original_import = builtins.__import__

    def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):  # noqa: A002
        if (globals or {}).get("__file__") in child.unit_files:
            if level or not policy.is_allowed(name):
                target = "." * level + name
                raise ImportError(f"importing {target} is not allowed: {policy.RULE}")
        return original_import(name, globals, locals, fromlist, level)

    builtins.__import__ = guarded_import


def confine_self(settings: dict) -> None:
    """Preload what units may import, limit processes, and become the child's own user."""
    for name in (*policy.ALLOWED_TOP_LEVEL, *_NUMPY_LAZY, *settings.get("preload", ())):
        importlib.import_module(name)
    processes = int(settings["processes"])
    resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
    uid = settings.get("uid")
    if uid is not None:
        os.setgroups([])
        os.setgid(int(uid))
        os.setuid(int(uid))
    if settings.get("cwd"):
        os.chdir(settings["cwd"])
    # Die with the grader (set after setuid, which clears it), even if it is killed outright.
    ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if settings.get("parent") and os.getppid() != settings["parent"]:
        sys.exit("the grader is gone")
    # Writing past the file-size limit then raises OSError instead of killing the child.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def observe() -> dict:
    """What confinement this process is in, as it sees it (sent before any submission code runs)."""
    status = dict(line.split(":", 1) for line in _read("/proc/self/status").splitlines()
                  if ":" in line)
    interfaces = [line.split(":")[0].strip() for line in _read("/proc/net/dev").splitlines()[2:]]
    return {
        "uid": os.getuid(), "pid": os.getpid(),
        "no_new_privs": status.get("NoNewPrivs", "").strip() == "1",
        "seccomp": status.get("Seccomp", "").strip() == "2",
        "capabilities": int(status.get("CapEff", "0").strip() or "0", 16),
        "interfaces": interfaces, "root": sorted(os.listdir("/")),
        "processes": resource.getrlimit(resource.RLIMIT_NPROC)[0],
        "memory": resource.getrlimit(resource.RLIMIT_AS)[0],
        "spawn_refused": _spawn_refused(),
    }


def _spawn_refused() -> bool:
    """Whether this process may not start another (a process and a thread are one system call)."""
    try:
        pid = os.fork()
    except OSError:
        return True
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return False


def _read(path: str) -> str:
    try:
        with open(path) as file:
            return file.read()
    except OSError:
        return ""


def serve(settings: dict) -> None:
    read_fd, write_fd = settings["read_fd"], settings["write_fd"]
    confine_self(settings)
    codec.write_frame(write_fd, codec.encode({"ok": True, "value": observe()}))
    child = Host(settings["first_handle"])
    install_import_guard(child)
    awake = float(settings.get("stay_awake", 0))
    while True:
        if awake:
            codec.stay_awake(read_fd, awake)  # for the next request
        try:
            request = codec.read_frame(read_fd)
        except codec.ChannelClosed:
            return
        if isinstance(request, dict) and request.get("op") == "steps":
            for frame in steps(child, request):
                codec.write_frame(write_fd, frame)
        else:
            codec.write_frame(write_fd, _encode(handle(child, request), child))


def _encode(reply: dict, child: Host) -> bytes:
    try:
        return codec.encode(reply, opaque=child.opaque)
    except Exception as exc:  # too large, too deep, or anything a returned value breaks
        return codec.encode({**_error(exc, child), **({"last": True} if "last" in reply else {})})


def steps(child: Host, request: dict):
    """The frames of a ``steps`` request: one reply per call, each sent as soon as it is made.

    Each call after the first takes, at each ``feed`` pair's argument position, that
    element of the previous call's value as the grader would have received it (decoded
    from the reply; a kept cache is a handle); with no ``feed`` the calls are independent.
    The run stops after a call that fails or whose value cannot be fed on; that reply,
    like the last call's, says ``"last": True``.
    """
    try:
        feed = [(int(arg), int(item)) for arg, item in request.get("feed", [])]
        calls = [(list(args), dict(kwargs)) for args, kwargs in request["calls"]]
    except (TypeError, ValueError, KeyError) as exc:
        yield codec.encode({**_error(exc, child), "last": True})
        return
    previous = None
    for index, (args, kwargs) in enumerate(calls):
        for arg, item in feed if index else ():
            args[arg] = previous[item]
        reply = handle(child, {"op": "call", "unit": request.get("unit"), "fn": request.get("fn"),
                               "args": tuple(args), "kwargs": kwargs,
                               "keep": request.get("keep", [])})
        value = reply.get("value")
        fed_on = reply["ok"] and (not feed or (isinstance(value, tuple | list) and all(
            0 <= item < len(value) for _, item in feed)))
        reply["last"] = index == len(calls) - 1 or not fed_on
        frame = _encode(reply, child)
        yield frame
        if reply["last"]:
            return
        if not feed:  # independent calls: nothing to pass on
            continue
        previous = codec.decode_frame(frame)
        if not previous.get("ok"):  # the value could not be sent: that reply was the last
            return
        previous = previous["value"]


def main(settings: str) -> None:
    serve(json.loads(settings))


def handle(child: Host, request: dict) -> dict:
    op = request.get("op")
    try:
        if op == "load":
            child.load(request["unit"], request["path"])
            return {"ok": True, "value": None}
        if op == "call":
            return {"ok": True, **child.call(request)}
        if op == "release":
            child.handles.clear()
            return {"ok": True, "value": None}
        if op == "modules":
            return {"ok": True, "value": sorted(sys.modules)}
        if op == "capstone":
            return {"ok": True, "value": child.capstone(request["name"], request["data"])}
        raise ValueError(f"unknown request {op!r}")
    except BaseException as exc:  # student code may raise anything (a BaseException of its own)
        return _error(exc, child)


if __name__ == "__main__":
    main(sys.argv[1])
