"""``grade_class(..., scheduler=ADDRESS)``: a real Dask cluster on 127.0.0.1, one worker killed.

A scheduler and two single-threaded workers are started as separate processes,
as an instructor would start them on several machines; one worker is killed
(its nanny with it) while the class is being graded, and the results must be
byte-identical to a local run.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import distributed
import psutil
import pytest

from grader.authoring.bugs import load_bank
from grader.batch.classfiles import write_class_files
from grader.batch.pool import grade_class
from grader.paths import EXERCISES, SOLUTIONS

UNIT = ["activations"]
HOST = "127.0.0.1"
DASK = [str(Path(sys.executable).with_name("dask"))]
START_TIMEOUT = 120


@pytest.fixture(scope="module")
def klass(tmp_path_factory) -> Path:
    """Five students: a full mark, a stub, two bugs and a zip; activations only."""
    bugs = {bug.name: bug for bug in load_bank() if bug.unit == "activations"}
    root = tmp_path_factory.mktemp("class")
    for name, source in [("ada", SOLUTIONS), ("ben", EXERCISES)]:
        (root / name).mkdir()
        shutil.copy(source / "activations.py", root / name)
    for name, bug in [("cleo", "sigmoid_overflows"), ("dev", "relu_backward_in_place")]:
        (root / name).mkdir()
        (root / name / "activations.py").write_text(bugs[bug].source())
    shutil.make_archive(str(root / "eve"), "zip", root / "cleo")
    return root


def _start(command: list[str], log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)


def _stop(process: subprocess.Popen) -> None:
    """The process and everything it started (a worker's nanny starts the worker)."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(wait)
            break
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture
def cluster(tmp_path):
    """A scheduler and two workers (1 process, 1 thread each): (address, worker processes)."""
    processes: list[subprocess.Popen] = []
    try:
        info = tmp_path / "scheduler.json"
        processes.append(_start([*DASK, "scheduler", "--host", HOST, "--port", "0",
                                 "--no-dashboard", "--scheduler-file", str(info)],
                                tmp_path / "scheduler.log"))
        deadline = time.monotonic() + START_TIMEOUT
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(info.read_text())["address"]
        assert address.startswith(f"tcp://{HOST}:")
        for n in range(2):
            processes.append(_start(
                [*DASK, "worker", address, "--host", HOST, "--nworkers", "1", "--nthreads", "1",
                 "--no-dashboard", "--local-directory", str(tmp_path / f"worker{n}")],
                tmp_path / f"worker{n}.log"))
        with distributed.Client(address, timeout=START_TIMEOUT) as client:
            client.wait_for_workers(2, timeout=START_TIMEOUT)
        yield address, processes[1:]
    finally:
        for process in reversed(processes):
            _stop(process)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_a_dask_cluster_grades_like_the_local_pool_even_when_a_worker_dies(
        klass, cluster, tmp_path):
    address, workers = cluster
    killed = []

    def kill_a_busy_worker(name: str) -> None:
        """After the first student, kill a worker that is grading another one."""
        if killed:
            return
        with distributed.Client(address, set_as_default=False) as client:
            busy = [addr for addr, keys in client.processing().items() if keys]
            pids = set(client.run(os.getpid, workers=busy).values())
        for process in workers:
            if {c.pid for c in _children(process.pid)} & pids:
                _stop(process)
                killed.append(process.pid)
                return

    run = grade_class(klass, tmp_path / "dask", units=UNIT, scheduler=address,
                      on_done=kill_a_busy_worker)
    assert killed, "a busy worker should have been killed mid-class"
    assert sorted(run.graded) == ["ada", "ben", "cleo", "dev", "eve"] and run.errors == {}
    write_class_files(tmp_path / "dask", run.students)

    local = grade_class(klass, tmp_path / "local", jobs=2, units=UNIT)
    write_class_files(tmp_path / "local", local.students)
    assert _files(tmp_path / "dask") == _files(tmp_path / "local")

    again = grade_class(klass, tmp_path / "dask", units=UNIT, scheduler=address)
    assert again.graded == [] and len(again.skipped) == 5


def _children(pid: int) -> list:
    return psutil.Process(pid).children(recursive=True)
