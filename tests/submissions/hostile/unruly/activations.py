"""Hostile: calls that break the runner's own code, and resources no watch would see.

``unprintable`` raises an exception whose ``__str__`` raises, ``base_exception``
one derived from BaseException (not Exception), and ``too_large`` returns a
zero-stride view that claims 8 TB: each once killed the runner while it built
the reply. ``spin_in_a_thread`` leaves a thread spinning after it returns (the
seccomp filter refuses to start it; without the filter, the grader finds it). ``hidden_memory``
fills memory that no process's resident size shows (System V shared memory,
kept after detaching, and memfd files), past the memory the grader watches.
"""

import numpy as np

_s = {}
exec("import ctypes, os, threading", _s)  # fresh globals: past the import guard
ctypes, os, threading = _s["ctypes"], _s["os"], _s["threading"]


class Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("no message for you")


class Escape(BaseException):
    """Not an Exception: ``except Exception`` does not catch it."""


def unprintable():
    raise Unprintable()


def base_exception():
    raise Escape("past except Exception")


def too_large():
    return np.lib.stride_tricks.as_strided(np.zeros(1), shape=(10**6, 10**6), strides=(0, 0))


def spin_in_a_thread():
    def spin():
        while True:
            pass

    threading.Thread(target=spin, daemon=True).start()
    return "spinning"


def threads():
    return len(os.listdir("/proc/self/task"))


def hidden_memory(kind, megabytes):
    """How much of ``megabytes`` MB was made of ``kind`` memory, or the errno that stopped it."""
    size = megabytes * 2**20
    if kind == "memfd":
        try:
            fd = os.memfd_create("hidden")  # kept open: its pages stay
            os.write(fd, b"\1" * size)
        except OSError as exc:
            return exc.errno
        return megabytes
    libc = ctypes.CDLL(None, use_errno=True)
    libc.shmget.argtypes = [ctypes.c_int, ctypes.c_size_t, ctypes.c_int]
    libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
    libc.shmat.restype = ctypes.c_void_p
    libc.shmdt.argtypes = [ctypes.c_void_p]
    segment = libc.shmget(0, size, 0o1600)  # IPC_PRIVATE, IPC_CREAT | 0600
    if segment < 0:
        return ctypes.get_errno()
    address = libc.shmat(segment, None, 0)
    ctypes.memset(address, 1, size)
    libc.shmdt(address)  # the pages stay, counted in no process's resident size
    return megabytes


def whoami():
    return int(np.asarray(os.getuid()))
