"""Grade many students in parallel worker processes, resumably.

Each worker imports torch and the checks once, then grades one student at a
time from a parcel of their files (``grader.batch.parcel``). This process
packs each parcel just before it is needed and writes each student's reports
atomically as soon as they come back. Students whose report exists are
skipped, so after Ctrl-C or a kill the same command finishes the rest; the
class files are then built from the stored reports alone, so they are
identical whether a run was resumed or not, and for any number of workers.

One student cannot hurt the class: a submission that cannot be packed or
loaded gets a row of errors with the reason. A worker that dies breaks the
process pool and every student it held; those students are graded again,
each alone in a fresh worker, and one whose worker dies again gets a row of
errors. Then the rest of the class goes on in a fresh pool.

With ``scheduler`` (a Dask scheduler's address) the grading goes to a Dask
cluster instead (``grader.batch.cluster``); everything else is the same.
"""

import inspect
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from grader.batch import store
from grader.batch.discover import Student, discover
from grader.batch.parcel import Unreadable, pack
from grader.batch.worker import DIED, Graded, error_report, grade_parcel, start_worker

WORKER_CHECK_SECONDS = 1.0  # how often a pool with no finished student is looked at


@dataclass
class ClassRun:
    """What a ``grade_class`` call did."""

    students: list[str]
    graded: list[str]
    skipped: list[str]
    seconds: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: float = 0.0
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class Job:
    """A student to grade, packed; or the reason they cannot be."""

    name: str
    parcel: bytes = b""
    refused: str = ""


def grade_class(submissions: Path, out: Path, jobs: int = 1, regrade: bool = False,
                units: list[str] | None = None, on_done: Callable[[str], None] | None = None,
                scheduler: str | None = None, **grade_options) -> ClassRun:
    """Grade every student in ``submissions`` into ``out`` (see ``grader.batch.classfiles``).

    Each student is graded by ``grader.pipeline.grade(sources, units, **grade_options)``
    (``timeout`` is one of those options).
    """
    _check_options(units, grade_options)
    students = discover(submissions)  # refuses name collisions before anything is graded
    todo = [s for s in students
            if regrade or not store.is_done(out, s.name, grade_options.get("lang", "en"))]
    run = ClassRun([s.name for s in students], [s.name for s in todo],
                   [s.name for s in students if s not in todo])
    record = partial(_record, out=out, run=run, on_done=on_done or (lambda name: None),
                     lang=grade_options.get("lang", "en"))
    jobs_left = _packed(todo, units, record)
    if scheduler:
        from grader.batch.cluster import grade_on_cluster

        grade_on_cluster(scheduler, jobs_left, units, grade_options, record)
    elif todo:
        _grade_locally(jobs_left, jobs, partial(grade_parcel, units=units, options=grade_options),
                       units, record)
    return run


def _check_options(units: list[str] | None, options: dict) -> None:
    """A mistyped option fails here, once, not as an error row for every student."""
    from grader.pipeline import grade

    inspect.signature(grade).bind([], units, **options)


def _packed(todo: list[Student], units: list[str] | None,
            record: Callable[[Graded], None]) -> Iterator[Job]:
    """Each student's parcel, packed when it is needed; refused students are recorded here."""
    for student in todo:
        try:
            yield Job(student.name, pack(student.name, student.sources))
        except Unreadable as exc:
            record(Graded(student.name, error_report(units, str(exc)), 0.0, 0.0))


def _record(graded: Graded, out: Path, run: ClassRun, on_done: Callable[[str], None],
            lang: str = "en") -> None:
    store.save(out, graded.name, graded.report, lang)
    run.seconds[graded.name] = graded.seconds
    run.peak_rss_mb = max(run.peak_rss_mb, graded.peak_rss_mb)
    reasons = {check.feedback for unit in graded.report.units for check in unit.checks
               if unit.status == "error"}
    if len(reasons) == 1 and all(u.status == "error" for u in graded.report.units):
        run.errors[graded.name] = reasons.pop()
    on_done(graded.name)


def _grade_locally(jobs_left: Iterator[Job], workers: int, task: Callable[..., Graded],
                   units: list[str] | None, record: Callable[[Graded], None]) -> None:
    while (suspects := _run_pool(jobs_left, workers, task, record)) is not None:
        for job in suspects:  # whose worker died? each alone, in a fresh worker
            if _run_pool(iter([job]), 1, task, record) is not None:
                record(Graded(job.name, error_report(units, DIED), 0.0, 0.0))


def _run_pool(jobs_left: Iterator[Job], workers: int, task: Callable[..., Graded],
              record: Callable[[Graded], None]) -> list[Job] | None:
    """Grade ``jobs_left`` with at most ``workers`` students in flight.

    Returns None when all are graded, or the students in flight when a worker
    died and broke the pool; the students not yet started stay in ``jobs_left``.
    """
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=start_worker,
                               initargs=(workers,))
    in_flight: dict = {}
    try:
        while True:
            while len(in_flight) < workers and (job := next(jobs_left, None)) is not None:
                in_flight[pool.submit(task, job.name, job.parcel)] = job
            if not in_flight:
                break
            done, _ = wait(in_flight, timeout=WORKER_CHECK_SECONDS, return_when=FIRST_COMPLETED)
            if not done and _a_worker_died(pool):
                break  # the executor missed the death (it can deadlock): its students are suspects
            broken = [f for f in done if isinstance(f.exception(), BrokenProcessPool)]
            for future in done:
                if future not in broken:
                    record(future.result())
                    del in_flight[future]
            if broken:
                break
    except BaseException:
        _end(pool)
        raise
    if in_flight:  # a worker died: nothing of this pool can be trusted to finish
        _end(pool)
    else:
        pool.shutdown()
    return list(in_flight.values()) or None


def _a_worker_died(pool: ProcessPoolExecutor) -> bool:
    """Whether one of the pool's worker processes has ended (workers never end on their own).

    ``_processes`` is private, but the executor can miss a worker killed while it held the
    call queue's lock and then wait forever (observed: a class that never finished).
    """
    return any(process.exitcode is not None for process in list(pool._processes.values()))


def _end(pool: ProcessPoolExecutor) -> None:
    """Stop a pool without waiting for it: kill its workers, drop what was queued."""
    for process in list((pool._processes or {}).values()):
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
