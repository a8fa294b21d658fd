"""Plain-data messages between the grader and the child that runs submission code.

A message is a JSON header plus the raw bytes of the arrays it carries, so
nothing is ever unpickled: whatever the child sends, the grader decodes only
numbers, strings, None, arrays of numeric dtypes, and tuples, lists and dicts
of those, plus ``Handle`` references to objects that stay in the child.

Frame: ``u32 header length | header JSON | u32 buffer count |
(u64 length | bytes) per buffer``. This module imports only the standard
library and numpy: the child imports it.
"""

import functools
import json
import math
import os
import select
import struct
import time
from dataclasses import dataclass

import numpy as np

# Sized to what grading exchanges, with a wide margin, so that a forged frame cannot
# take the grader's memory: the full hidden suite of the reference solutions sends
# replies of at most 315 header bytes and 1.0 MB of arrays, and requests of at most
# 0.3 MB; a capstone's data set is the largest request (a few MB).
MAX_HEADER_BYTES = 1024 * 1024
MAX_BUFFER_BYTES = 64 * 1024 * 1024  # all the arrays of one message together
MAX_BUFFERS = 4096
MAX_DEPTH = 64
_NUMERIC_KINDS = frozenset("biufc")
_JSON_SCALARS = frozenset({type(None), bool, int, float, str})
_SAFE_INT = 2**53  # beyond it, an int travels as a string (JSON readers round to a float)


def _json_writer():
    """JSON text of a header tree, by one encoder made once (``JSONEncoder.encode`` makes one
    per call): the C encoder where it exists, else the standard library's Python one."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return json.JSONEncoder(allow_nan=True).encode
    write = make(None, None, json.encoder.encode_basestring_ascii, None, ": ", ", ",
                 False, False, True)
    return lambda tree: "".join(write(tree, 0))


_JSON_TEXT = _json_writer()


class ProtocolError(Exception):
    """A message that is not well-formed plain data."""


class ChannelClosed(ProtocolError):
    """The other side closed the pipe (the child exited or was killed)."""


class ReadTimeout(Exception):
    """The other side did not take or send a whole message before the deadline."""


@dataclass(frozen=True)
class Handle:
    """A reference to an object that stays in the child (a cache, a closure)."""

    id: int
    type_name: str


def encode(value, opaque=None) -> bytes:
    """Encode ``value`` as one frame.

    ``opaque(obj) -> Handle`` turns a value that is not plain data into a
    handle; without it such a value raises ``ProtocolError``.
    """
    buffers: list[bytes] = []
    header = _JSON_TEXT(_to_json(value, buffers, opaque, 0)).encode()
    parts = [_U32.pack(len(header)), header, _U32.pack(len(buffers))]
    for buffer in buffers:
        parts += [_U64.pack(len(buffer)), buffer]
    return b"".join(parts)


_U32, _U64 = struct.Struct("<I"), struct.Struct("<Q")


def _to_json(value, buffers, opaque, depth):
    if depth > MAX_DEPTH:
        raise ProtocolError("value nested too deeply")
    kind = type(value)  # the common exact types first: every call into a submission pays this
    if kind is str or kind is float or kind is bool or value is None:
        return value
    if kind is np.ndarray and value.dtype.kind in _NUMERIC_KINDS:
        buffers.append(_bytes(value, buffers))
        return {"$nd": [value.dtype.str, list(value.shape), len(buffers) - 1]}
    if kind is int:
        return value if -_SAFE_INT < value < _SAFE_INT else {"$int": str(value)}
    depth += 1
    if kind is tuple:
        return {"$tuple": [_to_json(item, buffers, opaque, depth) for item in value]}
    if kind is list:
        return [_to_json(item, buffers, opaque, depth) for item in value]
    if kind is dict and all(type(key) is str for key in value):
        return {"$dict": [[k, _to_json(v, buffers, opaque, depth)] for k, v in value.items()]}
    depth -= 1
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int | float) and not isinstance(value, np.generic):
        return {"$int": str(value)} if isinstance(value, int) and abs(value) >= _SAFE_INT else value
    if isinstance(value, Handle):
        return {"$handle": value.id, "type": value.type_name}
    if isinstance(value, np.ndarray | np.generic) and value.dtype.kind in _NUMERIC_KINDS:
        array = np.asarray(value)
        buffers.append(_bytes(array, buffers))
        tag = "$nd" if isinstance(value, np.ndarray) else "$scalar"
        return {tag: [array.dtype.str, list(array.shape), len(buffers) - 1]}
    if isinstance(value, tuple | list):
        items = [_to_json(item, buffers, opaque, depth + 1) for item in value]
        return {"$tuple": items} if isinstance(value, tuple) else items
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {"$dict": [[k, _to_json(v, buffers, opaque, depth + 1)] for k, v in value.items()]}
    if opaque is None:
        raise ProtocolError(f"cannot send a value of type {type(value).__name__}")
    return _to_json(opaque(value), buffers, opaque, depth)


def _bytes(array: np.ndarray, buffers: list[bytes]) -> bytes:
    """The array's bytes, refused before they are made if the message could not be read.

    An array may claim far more than memory holds (zero strides, a broadcast view):
    its size is checked first, against the limits the reader enforces.
    """
    if len(buffers) >= MAX_BUFFERS:
        raise ProtocolError(f"cannot send more than {MAX_BUFFERS} arrays in one value")
    size = array.nbytes + sum(map(len, buffers))
    if size > MAX_BUFFER_BYTES:
        raise ProtocolError(f"cannot send {size / 2**20:.0f} MB of arrays: the limit is "
                            f"{MAX_BUFFER_BYTES // 2**20} MB")
    return array.tobytes(order="C")


def decode(header: bytes, buffers: list[bytearray]):
    """Decode one frame's parts, checking that everything is plain data.

    Arrays are views of ``buffers``: pass each message its own bytearrays.
    """
    if header.count(b"[") + header.count(b"{") <= MAX_DEPTH:  # so no deeper than that
        try:  # the tags turned into values by the JSON reader itself, innermost first
            return json.loads(header, object_hook=lambda node: _from_tagged(node, buffers))
        except ProtocolError:
            raise
        except (TypeError, ValueError, KeyError, AttributeError, OverflowError,
                RecursionError) as exc:
            raise ProtocolError(f"malformed message: {type(exc).__name__}") from None
    try:
        tree = json.loads(header)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(f"malformed header: {exc}") from None
    try:
        return _from_json(tree, buffers, 0)
    except ProtocolError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as exc:
        # anything the tree's shape breaks (int("x"), a $dict of non-pairs, 5000 digits)
        raise ProtocolError(f"malformed value: {type(exc).__name__}") from None


def _from_tagged(node: dict, buffers):
    """The value a tagged JSON object stands for, its contents already decoded."""
    if "$nd" in node:
        return _array(node["$nd"], buffers, scalar=False)
    if "$tuple" in node:
        return tuple(node["$tuple"])
    if "$dict" in node:
        return {str(k): v for k, v in node["$dict"]}
    return _from_rare_tag(node, buffers)


def _from_json(node, buffers, depth):
    if depth > MAX_DEPTH:
        raise ProtocolError("value nested too deeply")
    kind = type(node)  # json.loads makes exact types only
    if kind is dict:  # the common tags first: every call into a submission pays this
        if "$nd" in node:
            return _array(node["$nd"], buffers, scalar=False)
        depth += 1
        if "$tuple" in node:
            return tuple([_from_json(item, buffers, depth) for item in node["$tuple"]])
        if "$dict" in node:
            return {str(k): _from_json(v, buffers, depth) for k, v in node["$dict"]}
    elif kind is list:
        return [_from_json(item, buffers, depth + 1) for item in node]
    elif kind in _JSON_SCALARS:
        return node
    if kind is not dict:
        raise ProtocolError("unexpected value in header")
    return _from_rare_tag(node, buffers)


def _from_rare_tag(node: dict, buffers):
    if "$int" in node:
        return int(node["$int"])
    if "$handle" in node:
        return Handle(int(node["$handle"]), str(node.get("type", "object")))
    if "$nd" in node or "$scalar" in node:
        return _array(node.get("$nd") or node["$scalar"], buffers, scalar="$scalar" in node)
    raise ProtocolError("unexpected value in header")


def _array(spec, buffers, scalar):
    try:
        dtype_str, shape, index = spec
        dtype = _dtype(dtype_str)
        shape = tuple(map(int, shape))
        buffer = buffers[int(index)]
    except (TypeError, ValueError, IndexError) as exc:
        raise ProtocolError(f"malformed array: {exc}") from None
    if dtype.kind not in _NUMERIC_KINDS or min(shape, default=0) < 0:
        raise ProtocolError("malformed array")
    if math.prod(shape) * dtype.itemsize != len(buffer):
        raise ProtocolError("array size does not match its data")
    array = np.frombuffer(buffer, dtype=dtype).reshape(shape)  # writable: a bytearray
    return array[()] if scalar else array


@functools.lru_cache(maxsize=64)
def _dtype(name) -> np.dtype:
    return np.dtype(str(name))


def write_frame(fd: int, frame: bytes, deadline: float | None = None) -> None:
    """Write a whole frame to a pipe; ``deadline`` is a ``time.monotonic()`` value.

    With a deadline, a reader that stops reading cannot block the writer: each write
    waits until the pipe has room, and is at most PIPE_BUF bytes, which then fit.
    """
    view = memoryview(frame)
    while view:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([], [fd], [], left)[1]:
                raise ReadTimeout()
            view = view[os.write(fd, view[:select.PIPE_BUF]):]
        else:
            view = view[os.write(fd, view):]


def read_frame(fd: int, deadline: float | None = None):
    """Read and decode one frame; ``deadline`` is a ``time.monotonic()`` value.

    Only where one frame at a time is outstanding: the bytes it reads past the frame
    are lost. Where frames stream, keep one ``FrameReader`` per pipe.
    """
    return FrameReader(fd).frame(deadline)


def _read_message(reader: "FrameReader"):
    (header_len,) = struct.unpack("<I", reader.read(4))
    if header_len > MAX_HEADER_BYTES:
        raise ProtocolError("message header too large")
    header = reader.read(header_len)
    (count,) = struct.unpack("<I", reader.read(4))
    if count > MAX_BUFFERS:
        raise ProtocolError("message has too many arrays")
    buffers, total = [], 0
    for _ in range(count):
        (size,) = struct.unpack("<Q", reader.read(8))
        total += size
        if total > MAX_BUFFER_BYTES:
            raise ProtocolError("message too large")
        buffers.append(reader.read(size))
    return decode(header, buffers)


def decode_frame(frame: bytes):
    """Decode a whole frame held in memory (as ``encode`` made it), with the same limits."""
    reader = FrameReader(None)
    reader.buffer = bytearray(frame)
    value = _read_message(reader)
    if reader.buffer:
        raise ProtocolError("bytes after the end of the message")
    return value


def stay_awake(fd: int, seconds: float) -> None:
    """Poll ``fd`` for up to ``seconds``, yielding the CPU to anyone else, until it is readable.

    A process that sleeps lets its CPU idle, and on a virtual machine an idle CPU takes as
    long to wake as a whole round trip takes: polling keeps it awake for the next frame.
    """
    until = time.monotonic() + seconds
    while not select.select([fd], [], [], 0)[0] and time.monotonic() < until:
        os.sched_yield()


class FrameReader:
    """Reads frames from a pipe, taking whatever is available at each wake-up.

    What it reads past one frame stays in its buffer for the next: several frames
    may be on their way at once (the replies to a ``steps`` request).
    """

    WATCH_EVERY = 0.25  # seconds between calls of ``watch`` while waiting

    def __init__(self, fd: int | None, watch=None):
        self.fd, self.deadline = fd, None
        self.watch = watch  # called while waiting; it may raise to stop the wait
        self.buffer = bytearray()

    def frame(self, deadline: float | None = None):
        """Read and decode the next frame; ``deadline`` is a ``time.monotonic()`` value."""
        self.deadline = deadline
        return _read_message(self)

    stay_awake = 0.0  # seconds to poll before sleeping in ``select`` (see ``stay_awake``)

    def read(self, size: int) -> bytearray:
        if len(self.buffer) < size and self.stay_awake:
            stay_awake(self.fd, self.stay_awake)
        while len(self.buffer) < size:
            if self.deadline is not None:
                left = self.deadline - time.monotonic()
                if left <= 0:
                    raise ReadTimeout()
                wait = min(left, self.WATCH_EVERY) if self.watch else left
                if not select.select([self.fd], [], [], wait)[0]:
                    if self.watch:
                        self.watch()
                    continue
            if self.fd is None:  # a frame held in memory, cut short
                raise ChannelClosed("the message ends early")
            chunk = os.read(self.fd, max(size - len(self.buffer), 1 << 16))
            if not chunk:
                raise ChannelClosed("the other side closed the channel")
            self.buffer += chunk
        data = self.buffer[:size]  # a new bytearray: arrays made from it are writable
        del self.buffer[:size]
        return data
