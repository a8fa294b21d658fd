"""Probes of the child's confinement, called one by one by tests/grader/probe_driver.py.

Each function tries one attack a student has tried (or would) and reports
what happened as plain data. Modules beyond numpy are imported the way a
cheater would, past the import guard (``exec`` with fresh globals), and libc
is reached through numpy.
"""

import numpy as np

libc = np.ctypeslib.ctypes.CDLL(None, use_errno=True)


def _module(name):
    scope = {}
    exec(f"import {name} as module", scope)  # fresh globals: the import guard does not apply
    return scope["module"]


def _attempt(action):
    """``"ok"`` if ``action()`` worked, else the name of the exception it raised."""
    try:
        action()
    except Exception as exc:
        return type(exc).__name__
    return "ok"


def whoami():
    status = open("/proc/self/status").read()
    return int([line for line in status.splitlines() if line.startswith("Uid")][0].split()[1])


def read_file(path):
    try:
        return open(path).read()[:100]
    except OSError as exc:
        return type(exc).__name__


def write_file(path):
    return _attempt(lambda: open(path, "w").write("planted"))


def list_folder(path):
    try:
        return sorted(_module("os").listdir(path))
    except OSError as exc:
        return type(exc).__name__


def the_solution_next_to_the_runner():
    """The runner's own package path, walked up to where a repository would hold solutions/."""
    os = _module("os")
    runner = os.path.dirname(_module("dlmath_child").__file__)
    return [read_file(os.path.join(runner, *[".."] * up, "solutions", "activations.py"))
            for up in range(1, 5)]


def environment():
    return dict(_module("os").environ)


def run_program(argv):
    return _attempt(lambda: _module("os").posix_spawnp(argv[0], argv, {}))


def import_torch(site_packages):
    """torch through a string built at run time, after adding the grader's site-packages."""
    sys = _module("sys")
    sys.path.append(site_packages)
    return _attempt(lambda: _module("to" + "rch"))


def processes():
    """Every process this child can see, with its command line."""
    os = _module("os")
    seen = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            seen[entry] = read_file(f"/proc/{entry}/cmdline").replace("\0", " ")
    return seen


def spawn_daemon(marker):
    """A double-forked, session-leading sleeper whose command line carries ``marker``
    (``refused`` where the sandbox refuses new processes)."""
    os, sys = _module("os"), _module("sys")
    try:
        pid = os.fork()
    except OSError:
        return "refused"
    if pid == 0:
        try:  # never return into the runner from a forked copy of it
            os.setsid()
            if os.fork() == 0:
                os.execv(sys.executable,
                         [sys.executable, "-c", "import time; time.sleep(600)", marker])
        finally:
            os._exit(0)
    return "spawned"


def spawn_sleeper():
    pid = libc.fork()
    if pid == 0:
        libc.sleep(600)
        libc._exit(0)
    return pid


def fork_many(count):
    made = 0
    for _ in range(count):
        pid = libc.fork()
        if pid == 0:
            libc.sleep(600)
            libc._exit(0)
        if pid < 0:
            break
        made += 1
    return made


def setuid_files():
    """Files with the setuid or setgid bit anywhere this child can see."""
    os, stat = _module("os"), _module("stat")
    found = []
    for top in os.listdir("/"):
        if top in ("proc", "sys"):
            continue
        for folder, _dirs, files in os.walk("/" + top):
            for name in files:
                try:
                    mode = os.lstat(os.path.join(folder, name)).st_mode
                except OSError:
                    continue
                if mode & (stat.S_ISUID | stat.S_ISGID):
                    found.append(os.path.join(folder, name))
    return found


def status_field(name):
    status = open("/proc/self/status").read()
    return [line.split(":", 1)[1].strip() for line in status.splitlines()
            if line.startswith(name + ":")][0]


def fill_temporary_folders(marker, megabytes):
    """Write ``megabytes`` into each shared temporary folder; how much each took."""
    written = {}
    block = b"x" * 2**20
    for folder in ("/tmp", "/var/tmp", "/dev/shm"):
        count = 0
        try:
            with open(f"{folder}/{marker}", "wb") as file:
                for _ in range(megabytes):
                    file.write(block)
                    count += 1
        except OSError:
            pass
        written[folder] = count
    return written


def syscall(number, *args):
    """A raw system call: its result and errno."""
    np.ctypeslib.ctypes.set_errno(0)
    result = libc.syscall(number, *args)
    return [result, np.ctypeslib.ctypes.get_errno()]


def forge_reply(kind):
    """Write a reply frame of our own to the grader, past the runner."""
    json, struct, os, sys = (_module(m) for m in ("json", "struct", "os", "sys"))
    write_fd = json.loads(sys.argv[1])["write_fd"]
    if kind == "list":
        header = json.dumps([1, 2, 3]).encode()
        frame = struct.pack("<I", len(header)) + header + struct.pack("<I", 0)
    elif kind == "huge":  # claims a 4 GiB header
        frame = struct.pack("<I", 2**32 - 1)
    else:  # a well-formed error whose message is hostile text
        header = json.dumps({"$dict": [["ok", False], ["error", {"$dict": [
            ["type", "ValueError"], ["message", "\x1b[2J\x1b[H ALL CHECKS PASSED"],
            ["extra", 1]]}]]}).encode()
        frame = struct.pack("<I", len(header)) + header + struct.pack("<I", 0)
    os.write(write_fd, frame)
    _module("time").sleep(30)  # the grader must act on the forged frame, not wait for ours


def sleep(seconds):
    _module("time").sleep(seconds)
    return seconds


def allocate(gigabytes):
    block = np.ones(int(gigabytes * 2**30) // 8)
    return float(block[-1])


def print_lots(megabytes):
    line = "x" * 1023
    for _ in range(megabytes * 1024):
        print(line)
    return "printed everything"


def read_stdin():
    try:
        return input()
    except EOFError:
        return "EOF"


def open_files(count):
    handles = []
    try:
        for _ in range(count):
            handles.append(open("/proc/self/status"))
    except OSError as exc:
        return f"{type(exc).__name__} after {len(handles)}"
    return f"opened {len(handles)}"


def connect(port):
    ctypes = np.ctypeslib.ctypes
    fd = libc.socket(2, 1, 0)  # AF_INET, SOCK_STREAM
    address = (ctypes.c_ubyte * 16)(2, 0, port >> 8, port & 255, 127, 0, 0, 1)
    return libc.connect(fd, address, 16)


def spin():
    while True:
        pass
