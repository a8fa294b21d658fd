"""The child's messages: plain data only, whatever the child sends."""

import json
import os
import struct

import numpy as np
import pytest

from grader.child import codec


def roundtrip(value):
    read_fd, write_fd = os.pipe()
    try:
        codec.write_frame(write_fd, codec.encode(value))
        return codec.read_frame(read_fd, deadline=None)
    finally:
        os.close(read_fd)
        os.close(write_fd)


def test_plain_data_survives_the_trip():
    value = (np.arange(6.0).reshape(2, 3).T, np.float32(1.5), np.asarray(2.0), None, 3, 2**70,
             [True, "text"], {"step": 4, "exp_avg": np.zeros(2, np.float32)})
    back = roundtrip(value)
    assert isinstance(back, tuple) and back[1].dtype == np.float32 and back[2].shape == ()
    np.testing.assert_array_equal(back[0], value[0])
    assert back[3:7] == (None, 3, 2**70, [True, "text"])
    assert back[7]["exp_avg"].dtype == np.float32


def test_objects_become_handles_only_where_allowed():
    with pytest.raises(codec.ProtocolError):
        codec.encode(lambda: 1)
    handles = []
    frame = codec.encode((1, lambda: 1), opaque=lambda obj: handles.append(obj) or
                         codec.Handle(7, type(obj).__name__))
    read_fd, write_fd = os.pipe()
    codec.write_frame(write_fd, frame)
    assert codec.read_frame(read_fd) == (1, codec.Handle(7, "function"))


def _frame(header: dict, buffers=()):
    raw = json.dumps(header).encode()
    parts = [struct.pack("<I", len(raw)), raw, struct.pack("<I", len(buffers))]
    for b in buffers:
        parts += [struct.pack("<Q", len(b)), b]
    return b"".join(parts)


@pytest.mark.parametrize("header, buffers", [
    ({"$nd": ["|O", [1], 0]}, [b"\0" * 8]),  # object arrays would unpickle
    ({"$nd": ["<f8", [3], 0]}, [b"\0" * 8]),  # size does not match the data
    ({"$nd": ["<f8", [-1], 0]}, [b""]),
    ({"$nd": ["<f8", [1], 5]}, []),
    ({"$pickle": "gASVAAAA"}, []),
])
def test_malformed_or_unsafe_values_are_refused(header, buffers):
    read_fd, write_fd = os.pipe()
    os.write(write_fd, _frame(header, buffers))
    with pytest.raises(codec.ProtocolError):
        codec.read_frame(read_fd)


def test_a_silent_peer_times_out_and_a_closed_one_is_reported():
    read_fd, write_fd = os.pipe()
    with pytest.raises(codec.ReadTimeout):
        codec.read_frame(read_fd, deadline=0)
    os.close(write_fd)
    with pytest.raises(codec.ChannelClosed):
        codec.read_frame(read_fd)
