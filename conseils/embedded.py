"""The periodic tasks under ``make run``: one Celery worker process, with
beat in one of its threads, started and stopped with the development server.

``manage.py run_embedded`` (what ``make run`` serves with) starts
``manage.py worker_embedded`` beside ``runserver`` and stops it when the
server stops. The worker takes its tasks from the dev settings' broker: with
no REDIS_URL that is kombu's in-memory transport, which beat, being a thread
of the same process, shares: no broker to run, no folder left behind, and no
queue of a previous run to find. What a lost message would have done is
written in the database first and found again by a sweep (common/tasks.py).
The web process keeps running its own tasks inline (``CELERY_TASK_ALWAYS_EAGER``),
so what a page queues is done before the page answers.

Production runs ``celery worker`` and ``celery beat`` as services of their
own (docker-compose.yml); nothing here is used there.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess  # nosec B404 (starts this project's own manage.py, fixed arguments)
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from celery import bootsteps
from celery.beat import EmbeddedService
from django.conf import settings

# How long a stopping worker may finish the task in hand before it is killed.
STOP_GRACE_SECONDS = 15
# How often the worker checks that the process that started it still lives.
PARENT_POLL_SECONDS = 1.0
LOG_FORMAT = "[%(asctime)s worker] %(levelname)s %(message)s"
TASK_LOG_FORMAT = "[%(asctime)s worker] %(levelname)s %(task_name)s: %(message)s"
# "Task ... received" and "Task ... succeeded" at INFO; failures are errors.
QUIET_LOGGERS = ("celery.worker.strategy", "celery.app.trace")


class FrequentEntriesFilter(logging.Filter):
    """Drops beat's "Sending due task" line for the entries that run at least
    once a minute (the sweeps, three lines every 30 seconds that would bury
    the rest), keeping those of the digest, the purges and the warnings."""

    def __init__(self, beat_schedule: dict):
        super().__init__()
        self.frequent = {
            name
            for name, entry in beat_schedule.items()
            if isinstance(entry["schedule"], timedelta | int | float)
            and _seconds(entry["schedule"]) <= 60
        }

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (
            message.startswith("Scheduler: Sending due task ")
            and message.split()[4] in self.frequent
        )


def _seconds(schedule: timedelta | float) -> float:
    return schedule.total_seconds() if isinstance(schedule, timedelta) else float(schedule)


def schedule_path() -> Path:
    """Where beat keeps when each entry last ran (dev settings)."""
    return Path(settings.CELERY_BEAT_SCHEDULE_FILENAME)


class ThreadedBeat(bootsteps.StartStopStep):
    """Celery beat as a thread of the worker. (``celery worker -B`` forks it
    into a process of its own, which the in-memory broker would not reach
    and which outlives a worker that is killed.)"""

    label = "Beat (thread)"
    requires = ("celery.worker.components:Timer",)

    def create(self, w):
        return EmbeddedService(w.app, thread=True, schedule_filename=w.schedule_filename)


def _parent_watch(parent: int) -> None:
    """Stop the worker (warm shutdown, as Ctrl-C would) once the process
    that started it is gone, however it ended: a killed ``make run`` leaves
    no worker behind."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os.kill(os.getpid(), signal.SIGTERM)


def worker_run(*, parent: int, schedule: Path, loglevel: str = "INFO") -> None:
    """Run the worker with its beat in this process until it is stopped."""
    from conseils.celery import app

    # This process is the worker: what its tasks queue goes to the broker,
    # and so to this worker, as in production.
    app.conf.task_always_eager = False
    app.conf.worker_log_format = LOG_FORMAT
    app.conf.worker_task_log_format = TASK_LOG_FORMAT
    # What the tasks print (the console mail backend's e-mails) goes to the
    # console as it is, not through the log as warnings.
    app.conf.worker_redirect_stdouts = False
    if app.conf.broker_url.startswith("memory://"):
        # An in-memory queue costs nothing to look at: a task that queues
        # another (the digest, then each of its e-mails) goes on at once.
        app.conf.broker_transport_options = {"polling_interval": 0.1}
    app.steps["worker"].add(ThreadedBeat)
    # Concise: beat says which entry it sends, errors show, and the tasks' own
    # messages (an e-mail printed by the console backend) with them; not two
    # more lines for every task received and done.
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("celery.beat").addFilter(FrequentEntriesFilter(app.conf.beat_schedule))
    schedule.parent.mkdir(parents=True, exist_ok=True)
    threading.Thread(target=_parent_watch, args=(parent,), name="parent-watch", daemon=True).start()
    worker = app.Worker(
        hostname=f"embedded@{os.uname().nodename}",
        pool_cls="solo",
        loglevel=loglevel,
        schedule_filename=str(schedule),
        without_gossip=True,
        without_mingle=True,
        without_heartbeat=True,
        quiet=True,
    )
    worker.start()
    sys.exit(worker.exitcode or 0)


def worker_start(**popen) -> subprocess.Popen:
    """Start ``manage.py worker_embedded`` as a child of this process, in a
    session of its own (Ctrl-C reaches it through ``worker_stop`` only)."""
    command = [
        sys.executable,
        str(Path(settings.BASE_DIR) / "manage.py"),
        "worker_embedded",
        "--parent",
        str(os.getpid()),
    ]
    return subprocess.Popen(command, start_new_session=True, **popen)  # noqa: S603  # nosec B603


def worker_stop(worker: subprocess.Popen, *, grace: float = STOP_GRACE_SECONDS) -> int:
    """Ask the worker to finish the task in hand and stop; kill it after
    ``grace`` seconds, or at once if the wait is interrupted. Its exit code."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=grace)
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            worker.kill()
    return worker.wait()
