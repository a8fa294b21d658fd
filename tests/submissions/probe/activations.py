"""Probes of the child's confinement, called one by one by tests/grader/test_sandbox.py.

Each function tries to escape or exhaust something and reports what happened.
libc is reached through numpy, with no import statement.
"""

import numpy as np

libc = np.ctypeslib.ctypes.CDLL(None, use_errno=True)


def whoami():
    status = open("/proc/self/status").read()
    return int([line for line in status.splitlines() if line.startswith("Uid")][0].split()[1])


def read_file(path):
    try:
        return open(path).read()[:100]
    except OSError as exc:
        return type(exc).__name__


def allocate(gigabytes):
    block = np.ones(int(gigabytes * 2**30) // 8)
    return float(block[-1])


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
