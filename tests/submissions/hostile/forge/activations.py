"""Hostile: reply frames written by the submission itself, past the runner.

Each frame is well-formed JSON with the protocol's tags, but a tag's content
is not what the codec expects (a non-numeric ``$int``, a ``$dict`` that is not
a list of pairs, ...). The genuine reply of the runner follows it, so a grader
that does not discard the child after such a frame reads every later reply one
call late.
"""

import numpy as np

_s = {}
exec("import json, struct, os, sys, time", _s)  # fresh globals: past the import guard
_WRITE_FD = _s["json"].loads(_s["sys"].argv[1])["write_fd"]

BAD_VALUES = {
    "int": {"$int": "x"},
    "dict": {"$dict": 5},
    "handle": {"$handle": "x"},
    "bigint": {"$int": "1" * 5000},
    "pairs": {"$dict": [[1, 2, 3]]},
}


def send(value):
    reply = {"$dict": [["ok", True], ["value", value], ["warnings", []], ["mutated", []]]}
    header = _s["json"].dumps(reply).encode()
    _s["os"].write(_WRITE_FD, _s["struct"].pack("<I", len(header)) + header
                   + _s["struct"].pack("<I", 0))


def forge(kind):
    send(BAD_VALUES[kind])
    _s["time"].sleep(0.3)  # let the grader act on the forged frame first
    return "the reply to forge"


def whoami():
    return "the reply to whoami"


def relu_forward(x):
    return np.maximum(x, 0), x
