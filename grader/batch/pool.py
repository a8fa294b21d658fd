"""Grade many students in parallel worker processes, resumably.

Each worker imports torch and the checks once, then grades one student at a
time, writing that student's reports atomically as soon as they are done.
Students whose report exists are skipped, so after Ctrl-C or a kill the same
command finishes the rest; the class files are then built from the stored
reports alone, so they are identical whether a run was resumed or not.
"""

import multiprocessing
import resource
import signal
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from grader.batch import store
from grader.batch.discover import Student, discover


@dataclass
class ClassRun:
    """What a ``grade_class`` call did."""

    students: list[str]
    graded: list[str]
    skipped: list[str]
    seconds: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: float = 0.0


def grade_class(submissions: Path, out: Path, jobs: int = 1, regrade: bool = False,
                timeout: float = 10.0, units: list[str] | None = None,
                on_done: Callable[[str], None] | None = None) -> ClassRun:
    """Grade every student in ``submissions`` into ``out`` (see ``grader.batch.classfiles``)."""
    students = discover(submissions)
    todo = [s for s in students if regrade or not store.is_done(out, s.name)]
    run = ClassRun([s.name for s in students], [s.name for s in todo],
                   [s.name for s in students if s not in todo])
    if todo:
        task = partial(_grade_one, out=out, timeout=timeout, units=units)
        _grade_in_workers(task, todo, jobs, run, on_done or (lambda name: None))
    return run


def _grade_in_workers(task: Callable, todo: list[Student], jobs: int, run: ClassRun,
                      on_done: Callable[[str], None]) -> None:
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_worker)
    try:
        futures = [pool.submit(task, student) for student in todo]
        for future in as_completed(futures):
            name, seconds, peak_mb = future.result()
            run.seconds[name] = seconds
            run.peak_rss_mb = max(run.peak_rss_mb, peak_mb)
            on_done(name)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _start_worker() -> None:
    """Pay the startup costs once per worker: torch and the checks' modules."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # unwinds, so children are stopped
    import torch  # noqa: F401

    import grader.pipeline  # noqa: F401


def _grade_one(student: Student, out: Path, timeout: float, units: list[str] | None
               ) -> tuple[str, float, float]:
    from grader.pipeline import grade

    start = time.monotonic()
    report = grade(list(student.sources), units, timeout)
    store.save(out, student.name, report)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return student.name, time.monotonic() - start, peak_mb
