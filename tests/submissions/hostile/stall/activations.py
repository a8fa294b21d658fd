"""Hostile to the whole class: a grader stuck writing, where no timeout applies.

At import, the pipe that brings requests is shrunk to one page (F_SETPIPE_SZ works
from either end). relu_forward answers the call itself with a well-formed reply whose
cache is 32 kB, and then never reads again: the grader takes the reply, moves on, and
blocks in ``os.write`` on the next request that does not fit in the pipe (the
backward's, which carries the cache back). The call timeout only bounds reading a
reply, so nothing ends the wait.
"""

import numpy as np

_s = {}
exec("import json, os, sys, time", _s)  # fresh globals: past the import guard
_SETTINGS = _s["json"].loads(_s["sys"].argv[1])
_F_SETPIPE_SZ = 1031
np.ctypeslib.ctypes.CDLL(None).fcntl(_SETTINGS["read_fd"], _F_SETPIPE_SZ, 4096)


def _answer_then_stall(out):
    """Send the call's reply ourselves, with a 32 kB "cache" the grader will send back."""
    codec = _s["sys"].modules["dlmath_child.codec"]
    cache = np.zeros(4096)
    frame = codec.encode({"ok": True, "value": (out, cache), "warnings": [], "mutated": []})
    _s["os"].write(_SETTINGS["write_fd"], frame)
    while True:
        _s["time"].sleep(3600)


def relu_forward(x):
    _answer_then_stall(np.maximum(x, 0))
