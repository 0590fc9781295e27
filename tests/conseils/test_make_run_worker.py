"""The periodic tasks under ``make run``: the worker with its beat that
``run_embedded`` starts (conseils/embedded.py), run for real in processes of
their own on the dev settings, over a copy of the test database."""

from __future__ import annotations

import logging
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from celery.beat import PersistentScheduler
from django.db import connection
from django.utils import timezone

from conseils import embedded
from conseils.celery import app
from notifications import registry
from notifications.models import Notification
from outbox.models import OutboundEmail
from tests.accounts.factories import UserFactory
from tests.forums.factories import national_forum, reply_in, topic_in

ROOT = Path(__file__).resolve().parents[2]
# Generous: two cores shared with the rest of the suite.
WAIT_SECONDS = 60


def _dev_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    """The environment ``make run`` gives its processes, with our database."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "CELERY_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="conseils.settings.dev",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(tmp_path / "media"),
        CELERY_BEAT_SCHEDULE_FILENAME=str(tmp_path / "beat-schedule"),
        PYTHONUNBUFFERED="1",
    )
    return env


@contextmanager
def _database_for_other_processes(tmp_path: Path):
    """A URL other processes reach the test database by. SQLite's test
    database lives in this process's memory: it is copied to a file for
    them, and what they wrote is copied back at the end."""
    if connection.vendor != "sqlite":
        db = {
            key: quote(str(value or ""), safe="") for key, value in connection.settings_dict.items()
        }
        yield (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or 'localhost'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
        return
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    try:
        yield f"sqlite:///{path}"
    finally:
        with sqlite3.connect(path) as copy:
            copy.backup(connection.connection)


def _last_ran(schedule: Path, **last_run_at: datetime) -> None:
    """Write beat's schedule file as if these entries last ran then."""
    scheduler = PersistentScheduler(app=app, schedule_filename=str(schedule))
    for name, when in last_run_at.items():
        scheduler.schedule[name].last_run_at = when
    scheduler.sync()
    scheduler.close()


def _wait_for(what: str, condition: Callable[[], object], *, log: Path | None = None):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.2)
    shown = log.read_text(errors="replace")[-3000:] if log else ""
    pytest.fail(f"Still waiting after {WAIT_SECONDS} s for {what}.\n{shown}")


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for a parent that does not reap it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in {"Z", "X"}


def _processes_of_run(outer: int) -> list[str]:
    """The live processes ``run_embedded`` (pid ``outer``) started: its
    development server (same process group) and its worker."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or not _alive(int(entry.name)):
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            group = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[2])
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
        if group == outer or f"--parent {outer} " in f"{command} ":
            found.append(f"{entry.name}: {command}")
    return found


@pytest.mark.django_db(transaction=True)
def test_the_daily_digest_leaves_from_the_worker_once_its_hour_has_passed(tmp_path, settings):
    # New accounts' posts are neither held back nor paced here.
    settings.FORUM_NEW_ACCOUNT_DAYS = 0
    settings.FORUM_APPROVE_FIRST_POSTS = 0
    author, replier = UserFactory(), UserFactory()
    topic = topic_in(national_forum(), author, title="Budget participatif")
    reply_in(topic, replier)
    waiting = Notification.objects.get(recipient=author)
    assert waiting.delivery == registry.DIGEST
    assert not OutboundEmail.objects.exists()
    # Beat last sent the digests yesterday before their hour: they are due.
    schedule = tmp_path / "beat-schedule"  # CELERY_BEAT_SCHEDULE_FILENAME
    yesterday = timezone.localtime() - timedelta(days=1)
    _last_ran(schedule, **{"notifications-daily-digests": yesterday.replace(hour=0, minute=0)})
    log = tmp_path / "worker.log"

    with _database_for_other_processes(tmp_path) as database_url, log.open("wb") as output:
        worker = embedded.worker_start(
            env=_dev_env(tmp_path, database_url),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            # The console mail backend prints the digest among the worker's lines.
            _wait_for(
                "the digest in the console",
                lambda: f"To: {author.email}" in log.read_text(errors="replace"),
                log=log,
            )
        finally:
            code = embedded.worker_stop(worker)

    console = log.read_text(errors="replace")
    assert code == 0, console
    assert "Sending due task notifications-daily-digests" in console
    assert "embedded@" in console and "ready." in console
    waiting.refresh_from_db()
    assert waiting.delivered_at is not None
    (digest,) = OutboundEmail.objects.all()
    assert digest.template == "notifications/email/digest"
    assert digest.status == OutboundEmail.Status.SENT


def test_the_worker_stops_when_the_process_that_started_it_is_killed(tmp_path):
    log = tmp_path / "worker.log"
    parent_code = (
        "import time, django; django.setup(); "
        "from conseils import embedded; "
        "worker = embedded.worker_start(); "
        "print('worker pid', worker.pid, flush=True); time.sleep(300)"
    )
    env = _dev_env(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with log.open("wb") as output:
        parent = subprocess.Popen(  # noqa: S603 (our own interpreter, fixed code)
            [sys.executable, "-c", parent_code],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        worker_pid = int(
            _wait_for(
                "the worker's pid",
                lambda: re.search(r"^worker pid (\d+)$", log.read_text(errors="replace"), re.M),
                log=log,
            )[1]
        )
        _wait_for("the worker", lambda: "ready." in log.read_text(errors="replace"), log=log)
        parent.kill()  # no chance to stop its worker itself
        parent.wait()
        _wait_for("the worker to stop", lambda: not _alive(worker_pid), log=log)
    finally:
        parent.kill()
        parent.wait()
        if "worker_pid" in locals() and _alive(worker_pid):
            os.kill(worker_pid, signal.SIGKILL)
    assert "beat: Shutting down" in log.read_text(errors="replace")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_ctrl_c_on_make_run_stops_the_server_and_the_worker(tmp_path):
    makefile = (ROOT / "Makefile").read_text()
    assert "$(PY) manage.py run_embedded $(HOST):$(PORT)" in makefile
    port = _free_port()
    log = tmp_path / "run.log"
    env = _dev_env(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    # As from a terminal: Ctrl-C interrupts (a test runner may ignore SIGINT,
    # and what is ignored stays ignored in the processes it starts).
    launcher = (
        "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
        "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"
    )
    with log.open("wb") as output:
        run = subprocess.Popen(  # noqa: S603 (our own interpreter, fixed arguments)
            [sys.executable, "-c", launcher, "manage.py", "run_embedded", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for("the worker", lambda: "ready." in log.read_text(errors="replace"), log=log)

        def serving() -> bool:
            with socket.socket() as probe:
                return probe.connect_ex(("127.0.0.1", port)) == 0

        _wait_for("the development server", serving, log=log)
        assert any("worker_embedded" in process for process in _processes_of_run(run.pid))

        os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C sends to the terminal's group
        run.wait(timeout=WAIT_SECONDS)
        _wait_for("every process of make run to end", lambda: not _processes_of_run(run.pid))
    finally:
        for line in _processes_of_run(run.pid):
            os.kill(int(line.split(":")[0]), signal.SIGKILL)
        if run.poll() is None:
            run.kill()
            run.wait()
    assert "Warm shutdown" in log.read_text(errors="replace")


def test_the_console_names_the_digest_when_beat_sends_it_but_not_every_sweep(settings):
    beat_filter = embedded.FrequentEntriesFilter(settings.CELERY_BEAT_SCHEDULE)

    def shown(message: str) -> bool:
        record = logging.LogRecord("celery.beat", logging.INFO, __file__, 1, message, None, None)
        return beat_filter.filter(record)

    assert not shown("Scheduler: Sending due task outbox-sweep (outbox.tasks.outbox_sweep)")
    assert not shown(
        "Scheduler: Sending due task documents-missing-thumbnails "
        "(documents.tasks.missing_thumbnails_make)"
    )
    assert shown(
        "Scheduler: Sending due task notifications-daily-digests "
        "(notifications.tasks.send_daily_digests)"
    )
    assert shown("Scheduler: Sending due task outbox-purge (outbox.tasks.outbox_purge)")
    assert shown("beat: Starting...")
