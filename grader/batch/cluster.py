"""Class grading on a Dask cluster: ``grade_class(..., scheduler="tcp://host:8786")``.

Each student's parcel (their files as bytes) travels to a Dask worker inside
the task, so the workers need the grader installed but no shared file
system. The worker grades it with the same function as a local worker and
sends the report back; this process writes it, atomically, as a local run
does, so the results are byte-identical and progress and resume work as today.

A worker plugin imports torch and the checks once per worker, and again on
any worker that joins later. Grading a student has no side effect on the
worker, so when a worker dies mid-student the scheduler gives the task to
another worker; a task that keeps killing workers ends as ``KilledWorker``
and that student gets a row of errors. At most a few parcels per worker
thread are in flight at once, so a large class does not sit in memory.
"""

import hashlib
import os
from collections.abc import Callable, Iterator
from itertools import islice

from distributed import Client, WorkerPlugin, as_completed
from distributed.scheduler import KilledWorker

from grader.batch.worker import DIED, Graded, error_report, grade_parcel, import_grader
from grader.run.child import share_cores

IN_FLIGHT_PER_THREAD = 2
RETRIES = 2  # for a task that raised on a worker (a worker's death is retried by the scheduler)
CONNECT_TIMEOUT = "30s"


class LoadGrader(WorkerPlugin):
    """Pays for the torch import when a worker starts, not on its first student."""

    name = "dlmath-grader"

    def setup(self, worker) -> None:
        import_grader()
        # Workers usually fill their machine, one per core: no core to spare for polling.
        share_cores(len(os.sched_getaffinity(0)))


def grade_on_cluster(address: str, jobs_left: Iterator, units: list[str] | None,
                     options: dict, record: Callable[[Graded], None]) -> None:
    """Grade the packed ``jobs_left`` on the cluster at ``address``; ``record`` each result."""
    with Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False) as client:
        client.register_plugin(LoadGrader())
        threads = sum(client.nthreads().values())
        done = as_completed(loop=client.loop)
        names = {}

        def submit(job) -> None:
            future = client.submit(grade_parcel, job.name, job.parcel, units, options,
                                   key=_key(job, units, options), pure=False, retries=RETRIES)
            names[future.key] = job.name
            done.add(future)

        for job in islice(jobs_left, max(4, IN_FLIGHT_PER_THREAD * threads)):
            submit(job)
        for future in done:
            try:
                graded = future.result()
            except KilledWorker:
                graded = Graded(names[future.key], error_report(units, DIED), 0.0, 0.0)
            record(graded)
            future.release()
            if (job := next(jobs_left, None)) is not None:
                submit(job)


def _key(job, units: list[str] | None, options: dict) -> str:
    """The same student, files and options give the same key: a retried task is the same task."""
    digest = hashlib.sha256(job.parcel)
    digest.update(repr((units, sorted(options.items()))).encode())
    return f"dlmath-grade-{job.name}-{digest.hexdigest()[:16]}"
