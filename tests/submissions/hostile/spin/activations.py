"""Hostile to classmates and to the grader's memory: processes that outlive the call that
started them, and replies at the codec's limits. Libc and os are reached past the guard."""

import numpy as np

_s = {}
exec("import json, struct, os, sys, time, signal", _s)  # fresh globals: past the import guard
os, time = _s["os"], _s["time"]
_WRITE_FD = _s["json"].loads(_s["sys"].argv[1])["write_fd"]


def fork_spinners(count):
    """Start ``count`` processes that burn CPU forever, then return at once."""
    started = 0
    for _ in range(count):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            while True:
                pass
        started += 1
    return started


def fork_holders(count, mebibytes):
    """Start ``count`` processes that each touch ``mebibytes`` and keep it; how many made it."""
    read_fd, write_fd = os.pipe()
    started = 0
    for _ in range(count):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            try:
                block = np.ones(mebibytes * 2**17)  # 8 bytes each: touched, so resident
                os.write(write_fd, b"1" if block[-1] == 1 else b"0")
            except MemoryError:
                os.write(write_fd, b"0")
            time.sleep(600)
            os._exit(0)
        started += 1
    held = sum(os.read(read_fd, 1) == b"1" for _ in range(started))
    return held * mebibytes


def processes():
    """Processes running in this pid namespace (the sandbox's init and zombies excluded)."""
    return sorted(int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) > 1
                  and _state(p) not in ("Z", "X"))


def _state(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0]
    except OSError:
        return "X"


def kill_everyone():
    """kill(-1, SIGKILL): every process this child may signal, except itself."""
    try:
        os.kill(-1, _s["signal"].SIGKILL)
    except ProcessLookupError:  # nothing else it may signal (the grader killed its strays)
        return "still here, alone"
    return "still here"


def busy(iterations):
    """A fixed amount of CPU work; how long it took."""
    start = time.monotonic()
    total = 0
    for i in range(iterations):
        total += i
    return time.monotonic() - start


def _frame(header, buffers=()):
    struct = _s["struct"]
    os.write(_WRITE_FD, struct.pack("<I", len(header)) + header + struct.pack("<I", len(buffers)))
    for size, chunk in buffers:
        os.write(_WRITE_FD, struct.pack("<Q", size))
        left = size
        while left:
            left -= os.write(_WRITE_FD, chunk[:min(left, len(chunk))])


def header_bomb(size):
    """A reply whose header is about ``size`` bytes of empty lists: cheap here, costly to
    decode (each 3 bytes become two Python lists)."""
    value = b"[" + b"[]," * (size // 3 - 40) + b"[]]"
    _frame(b'{"$dict": [["ok", true], ["warnings", []], ["mutated", []], ["value", '
           + value + b"]]}")
    time.sleep(30)


def big_buffer(size):
    """A reply carrying one array of ``size`` bytes, written from a 1 MiB block."""
    header = ('{"$dict": [["ok", true], ["warnings", []], ["mutated", []], '
              f'["value", {{"$nd": ["|u1", [{size}], 0]}}]]}}').encode()
    _frame(header, [(size, b"\0" * 2**20)])
    time.sleep(30)


def whoami():
    return os.getuid()
