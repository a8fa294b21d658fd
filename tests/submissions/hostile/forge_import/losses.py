"""Hostile: a reply frame forged while the unit is imported (the grader is waiting for "load")."""

_s = {}
exec("import json, struct, os, sys", _s)  # fresh globals: past the import guard
_fd = _s["json"].loads(_s["sys"].argv[1])["write_fd"]
_header = _s["json"].dumps({"$dict": [["ok", True], ["value", {"$int": "x"}]]}).encode()
_s["os"].write(_fd, _s["struct"].pack("<I", len(_header)) + _header + _s["struct"].pack("<I", 0))
