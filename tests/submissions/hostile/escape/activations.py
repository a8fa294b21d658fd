"""Hostile: what a child can do with the descriptors and signals it holds.

``descriptors`` lists every open file descriptor and what it points at (a
descriptor inherited from the grader could reach its files or sockets);
``reopen`` opens each of them again through /proc/self/fd, for writing when it
can (a pipe reopened that way is a write end of it); ``stop_self`` freezes the
child with SIGSTOP, which no timeout of the child's own can undo; ``stash``
and ``unstash`` leave a file in the private /tmp for a later check to find.
"""

import numpy as np

_s = {}
exec("import os, signal", _s)  # fresh globals: past the import guard
os = _s["os"]


def descriptors():
    found = {}
    for name in os.listdir("/proc/self/fd"):
        try:
            found[name] = os.readlink(f"/proc/self/fd/{name}")
        except OSError as exc:
            found[name] = type(exc).__name__
    return found


def reopen():
    """For each descriptor, how far reopening it through /proc got."""
    reached = {}
    for name, target in descriptors().items():
        try:
            fd = os.open(f"/proc/self/fd/{name}", os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)
            reached[target] = "writable"
        except OSError as exc:
            reached[target] = type(exc).__name__
    return reached


def stop_self():
    os.kill(os.getpid(), _s["signal"].SIGSTOP)
    return "woke up"


def stash(text):
    with open("/tmp/stash.txt", "w") as file:
        file.write(text)
    return text


def unstash():
    try:
        with open("/tmp/stash.txt") as file:
            return file.read()
    except OSError as exc:
        return type(exc).__name__


def whoami():
    return int(np.asarray(os.getuid()))
