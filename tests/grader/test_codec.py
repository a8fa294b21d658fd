"""The child's messages: plain data only, whatever the child sends."""

import json
import os
import struct
import time

import numpy as np
import pytest

from grader.child import codec
from grader.errors import CallTimeout, StudentError
from grader.run import child as child_module
from grader.run.session import Session, SubmissionProxy, one_by_one
from grader.settings import STAY_AWAKE_SECONDS


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


def test_both_decoders_agree_and_refuse_what_is_nested_too_deeply():
    """Few brackets: the JSON reader decodes the tags itself; more than ``MAX_DEPTH``: a walk
    that counts the depth. Either way the same values, and too deep is refused."""
    few = (np.arange(3.0), {"a": (1, [2.5, None])}, codec.Handle(3, "x"), 2**70, np.float32(2))
    many = [few] * 30
    assert repr(roundtrip(few)) == repr(few)
    assert repr(roundtrip(many)) == repr(many)
    deep = 1
    for _ in range(codec.MAX_DEPTH + 2):
        deep = [deep]
    read_fd, write_fd = os.pipe()
    os.write(write_fd, _frame(deep))
    with pytest.raises(codec.ProtocolError, match="too deeply"):
        codec.read_frame(read_fd)


def test_staying_awake_ends_when_a_frame_arrives_or_its_time_is_up():
    read_fd, write_fd = os.pipe()
    start = time.monotonic()
    codec.stay_awake(read_fd, 0.05)
    assert 0.05 <= time.monotonic() - start < 2
    os.write(write_fd, b"x")
    start = time.monotonic()
    codec.stay_awake(read_fd, 30)
    assert time.monotonic() - start < 2


def test_a_child_and_its_grader_stay_awake_only_with_a_core_each(tmp_path):
    """As many graders as cores (a pool, Dask workers): polling would take a core another
    grader needs, so nobody polls."""
    (tmp_path / "stepper.py").write_text(STEPPER)
    cores = len(os.sched_getaffinity(0))
    try:
        for graders, awake in ((cores, False), (1, cores >= 2)):
            child_module.share_cores(graders)
            assert child_module.stay_awake() is awake
            session = Session(tmp_path, timeout=2, sandbox_mode="best-effort")
            try:
                session.load("stepper")
                assert session.child.reader.stay_awake == (STAY_AWAKE_SECONDS[1] if awake else 0)
            finally:
                session.close()
    finally:
        child_module.share_cores(1)


def test_a_silent_peer_times_out_and_a_closed_one_is_reported():
    read_fd, write_fd = os.pipe()
    with pytest.raises(codec.ReadTimeout):
        codec.read_frame(read_fd, deadline=0)
    os.close(write_fd)
    with pytest.raises(codec.ChannelClosed):
        codec.read_frame(read_fd)


# --- steps: calls that belong together, in one request with one reply per call ------------

STEPPER = '''
import numpy as np


def step(param, grad, state, lr=0.1, fail_at=None, hang_at=None, bad_at=None):
    t = 1 if state is None else state["t"] + 1
    if t == fail_at:
        raise ValueError(f"fails at step {t}")
    while t == hang_at:
        pass
    if t == bad_at:
        return "not a pair"
    grad *= 1.0 if t % 2 else 2.0  # an in-place change at every even step
    return param - lr * grad, {"t": t, "seen": float(np.sum(grad))}


class Stuck:
    def __del__(self):
        while True:
            pass


def hold_forward(x):
    return x, Stuck()  # a cache that hangs when the child forgets it
'''


@pytest.fixture
def stepper(tmp_path):
    (tmp_path / "stepper.py").write_text(STEPPER)
    session = Session(tmp_path, timeout=2, sandbox_mode="best-effort")
    try:
        yield session, SubmissionProxy(session).stepper.step
    finally:
        session.close()


def _calls(count, **kwargs):
    rng = np.random.default_rng(5)
    param = rng.standard_normal((2, 3))
    return [((param, rng.standard_normal((2, 3)), None), kwargs) for _ in range(count)]


FEED = {0: 0, 2: 1}  # param <- new param, state <- new state


def test_steps_give_what_calls_one_by_one_give(stepper):
    session, step = stepper
    batched, lasts = [], []
    for value in step.steps(_calls(6), FEED):
        batched.append(value)
        lasts.append((session.last.mutated, session.last.warnings))
    alone, alone_lasts = [], []
    for value in one_by_one(session, "stepper", "step", _calls(6), FEED):
        alone.append(value)
        alone_lasts.append((session.last.mutated, session.last.warnings))
    assert len(batched) == len(alone) == 6
    for (p1, s1), (p2, s2) in zip(batched, alone, strict=True):
        np.testing.assert_array_equal(p1, p2)
        assert s1 == s2
    assert batched[-1][1]["t"] == 6
    assert lasts == alone_lasts and lasts[1] == (["1"], [])  # the grad changed at step 2


def test_a_failing_step_raises_there_and_nothing_after_it_runs(stepper):
    _, step = stepper
    seen = []
    with pytest.raises(StudentError, match="fails at step 3"):
        for value in step.steps(_calls(5, fail_at=3), FEED):
            seen.append(value[1]["t"])
    assert seen == [1, 2]
    assert step(*_calls(1)[0][0])[1]["t"] == 1  # the channel is in step with the requests


def test_a_value_that_cannot_be_fed_on_ends_the_run(stepper):
    _, step = stepper
    values = list(step.steps(_calls(5, bad_at=2), FEED))
    assert [v if isinstance(v, str) else v[1]["t"] for v in values] == [1, "not a pair"]


def test_steps_with_nothing_fed_are_independent_calls(stepper):
    """With no ``feed`` (a schedule's rate at each step), a value that could not be fed on
    does not end the run: every call is made, as one by one."""
    session, step = stepper
    calls = _calls(3, bad_at=1)  # state None each time: every call is step 1
    assert list(step.steps(calls, {})) == ["not a pair"] * 3
    assert list(one_by_one(session, "stepper", "step", calls, {})) == ["not a pair"] * 3


def test_checks_may_stop_reading_early(stepper):
    _, step = stepper
    for value in step.steps(_calls(8), FEED):
        if value[1]["t"] == 2:
            break  # a check failed at step 2: the rest is read and forgotten
    assert step(*_calls(1)[0][0], lr=0.5)[1]["t"] == 1


def test_each_step_has_its_own_timeout(stepper):
    session, step = stepper
    seen = []
    with pytest.raises(CallTimeout, match="within 2 s"):
        for value in step.steps(_calls(5, hang_at=4), FEED):
            seen.append(value[1]["t"])
    assert seen == [1, 2, 3]
    with pytest.raises(CallTimeout):  # the rest of the check fails at once, as after a call
        step(*_calls(1)[0][0])
    session.begin_item()
    assert step(*_calls(1)[0][0])[1]["t"] == 1  # a fresh child serves the next check


def test_a_release_is_answered_before_the_next_request(stepper):
    session, step = stepper
    step(*_calls(1)[0][0])
    session.end_item()
    assert session.owed == 1
    assert step(*_calls(1)[0][0])[1]["t"] == 1 and session.owed == 0


def test_frames_in_one_read_are_kept_for_the_next(tmp_path):
    read_fd, write_fd = os.pipe()
    try:
        for index in range(3):
            codec.write_frame(write_fd, codec.encode({"i": index, "a": np.arange(index)}))
        reader = codec.FrameReader(read_fd)
        assert [reader.frame(None)["i"] for _ in range(3)] == [0, 1, 2]
    finally:
        os.close(read_fd)
        os.close(write_fd)
    frame = codec.encode((1.5, np.eye(2)))
    assert codec.decode_frame(frame)[0] == 1.5
    for damaged in (frame[:-3], frame + b"x", b"\xff" * 12):
        with pytest.raises(codec.ProtocolError):
            codec.decode_frame(damaged)


def test_a_release_that_hangs_costs_the_next_check_nothing(stepper):
    session, step = stepper
    hold = SubmissionProxy(session).stepper.hold_forward
    hold(np.zeros(2))
    session.end_item()  # the child hangs forgetting the cache
    session.begin_item()
    assert step(*_calls(1)[0][0])[1]["t"] == 1  # a fresh child, with the unit loaded again

