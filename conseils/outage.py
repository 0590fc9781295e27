"""A database that does not answer: how to recognise it, and how to log it
once per minute instead of once per request.

During an outage every request fails the same way; a traceback per request
drowns the logs (26,675 lines in 30 seconds when PostgreSQL restarted). The
first failure is logged with its traceback, the next ones are counted and
summed up in one line a minute, and the first new connection that works
after them logs that the database answers again. The count is per process:
each gunicorn worker logs its own.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

# PostgreSQL's SQLSTATEs that say "no database to talk to", not "your query
# is wrong": class 08 (connection exceptions), the server shutting down,
# crashing or starting up, and no connection slot left.
UNAVAILABLE_SQLSTATES = {"57P01", "57P02", "57P03", "53300"}
UNAVAILABLE_SQLITE_MESSAGES = ("database is locked", "unable to open database file")

SUMMARY_EVERY = 60.0


def is_database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` says the database cannot be reached (connection refused
    or lost, server shutting down or starting up, no connection slot left),
    as opposed to an error in the query itself (a bug: answered 500)."""
    if isinstance(exc, InterfaceError):
        # The connection is closed or broken: no query gets through it. A
        # cursor used once closed, or a value the driver cannot bind (SQLite),
        # is an InterfaceError too, and a bug: answered 500.
        return "connection" in str(exc.__cause__ or exc).lower()
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if cause is None:
        return False
    if hasattr(cause, "sqlstate") or hasattr(cause, "pgcode"):
        # psycopg 3 (sqlstate) or psycopg 2 (pgcode). No code at all: the
        # client library failed on its own, connecting or reading the socket.
        code = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
        return code is None or code.startswith("08") or code in UNAVAILABLE_SQLSTATES
    message = str(cause).lower()
    return type(cause).__module__ == "sqlite3" and any(
        text in message for text in UNAVAILABLE_SQLITE_MESSAGES
    )


class OutageLog:
    """What one process has logged of the current outage. Thread-safe: the
    gthread workers share it."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self.started_at: float | None = None
        self._window_started_at = 0.0
        self._in_window = 0
        self.total = 0

    @property
    def active(self) -> bool:
        return self.started_at is not None

    def failure(self, record: logging.LogRecord) -> logging.LogRecord | bool:
        """Decide what becomes of the log record of one failed request: the
        first one of an outage goes through with its traceback, those of the
        next minute are only counted, the first one after it is replaced with
        a one-line summary of the minute."""
        request = getattr(record, "request", None)
        if getattr(request, "_database_outage_counted", False):
            # Answered 503 twice (once in a view, once in a middleware on
            # its way out): one request, counted once.
            return False
        if request is not None:
            request._database_outage_counted = True
        now = self._clock()
        with self._lock:
            self.total += 1
            if self.started_at is None:
                self.started_at = self._window_started_at = now
                self._in_window = 0
                first = True
            elif now - self._window_started_at < SUMMARY_EVERY:
                self._in_window += 1
                return False
            else:
                count, elapsed = self._in_window + 1, now - self._window_started_at
                self._window_started_at, self._in_window = now, 0
                first = False
        if first:
            return _copy(
                record,
                "The database does not answer: requests are answered 503 until it "
                "does (logged once, then summed up every minute). First one: "
                + record.getMessage(),
                keep_traceback=True,
            )
        return _copy(
            record,
            f"The database still does not answer: {count} requests answered 503 "
            f"in the last {elapsed:.0f} s.",
            keep_traceback=False,
        )

    def recovered(self) -> None:
        """A new connection works: log the end of the outage, if there was one."""
        if self.started_at is None:
            return
        with self._lock:
            if self.started_at is None:
                return
            duration, total = self._clock() - self.started_at, self.total
            self.started_at, self.total, self._in_window = None, 0, 0
        logger.warning(
            "The database answers again, after %.0f s; %d requests were answered 503.",
            duration,
            total,
        )


def _copy(record: logging.LogRecord, message: str, *, keep_traceback: bool) -> logging.LogRecord:
    copied = logging.makeLogRecord(record.__dict__)
    copied.msg, copied.args = message, ()
    if not keep_traceback:
        copied.exc_info, copied.exc_text = None, None
    return copied


OUTAGE = OutageLog()


class DatabaseOutageFilter(logging.Filter):
    """The ``django.request`` filter: a database that does not answer is
    logged once a minute; every other record passes unchanged."""

    def __init__(self, outage: OutageLog | None = None):
        super().__init__()
        self.outage = outage or OUTAGE

    def filter(self, record: logging.LogRecord) -> logging.LogRecord | bool:
        exc = record.exc_info[1] if record.exc_info else None
        if not is_database_unavailable(exc):
            return True
        return self.outage.failure(record)


def database_connected(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: a connection that opens ends an outage."""
    OUTAGE.recovered()
