"""A database that does not answer: a French 503 page that asks to come back
in a minute, one traceback in the logs rather than one per request, and the
site serving again by itself once the database answers."""

from __future__ import annotations

import logging
import sqlite3

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import (
    InterfaceError,
    OperationalError,
    ProgrammingError,
    close_old_connections,
    connection,
)
from django.test import Client, RequestFactory, override_settings

from conseils import outage
from conseils.outage import DatabaseOutageFilter, OutageLog, is_database_unavailable
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db
ON_POSTGRESQL = connection.vendor == "postgresql"


def _wrapped(cls, cause):
    """The error as Django raises it: the driver's error as its cause."""
    try:
        raise cls(str(cause)) from cause
    except cls as exc:
        return exc


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (_wrapped(OperationalError, psycopg.OperationalError("connection refused")), True),
        (_wrapped(OperationalError, psycopg.errors.AdminShutdown("terminating")), True),
        (_wrapped(OperationalError, psycopg.errors.CannotConnectNow("starting up")), True),
        (_wrapped(OperationalError, psycopg.errors.TooManyConnections("no slot")), True),
        (_wrapped(InterfaceError, psycopg.InterfaceError("connection already closed")), True),
        (_wrapped(OperationalError, sqlite3.OperationalError("database is locked")), True),
        # Errors of the query, not of the database: bugs, answered 500.
        (_wrapped(OperationalError, psycopg.errors.QueryCanceled("statement timeout")), False),
        (_wrapped(OperationalError, sqlite3.OperationalError("no such table: x")), False),
        # A cursor used after it was closed, a value the driver cannot bind.
        (_wrapped(InterfaceError, psycopg.InterfaceError("the cursor is closed")), False),
        (
            _wrapped(
                InterfaceError,
                sqlite3.InterfaceError("Error binding parameter 1: type 'dict' is not supported"),
            ),
            False,
        ),
        (_wrapped(ProgrammingError, psycopg.errors.UndefinedTable("no table")), False),
        (ValueError("not a database error"), False),
        (None, False),
    ],
)
def test_what_counts_as_the_database_not_answering(error, unavailable):
    assert is_database_unavailable(error) is unavailable


@pytest.fixture
def fresh_outage(monkeypatch):
    """The outage log of the configured ``django.request`` filter, empty."""
    (request_filter,) = [
        f
        for f in logging.getLogger("django.request").filters
        if isinstance(f, DatabaseOutageFilter)
    ]
    fresh = OutageLog()
    monkeypatch.setattr(request_filter, "outage", fresh)
    monkeypatch.setattr(outage, "OUTAGE", fresh)
    return fresh


@pytest.fixture
def database_down(monkeypatch):
    def refuse():
        raise OperationalError("connection refused") from psycopg.OperationalError(
            'connection failed: connection to server at "127.0.0.1", port 5432 failed: '
            "Connection refused"
        )

    monkeypatch.setattr(connection, "ensure_connection", refuse)
    return monkeypatch


def _assert_unavailable_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "Le site est brièvement indisponible" in page
    assert "Réessayez dans une minute" in page
    assert "Traceback" not in page


def test_a_page_asked_while_the_database_is_down_answers_503_in_french(database_down, fresh_outage):
    client = Client(raise_request_exception=False)
    _assert_unavailable_page(client.get("/"))


def test_a_signed_in_member_gets_the_same_page_when_the_middleware_fails(
    database_down, fresh_outage
):
    """Loading ``request.user`` fails in a middleware, before any view."""
    client = Client(raise_request_exception=False)
    database_down.undo()
    client.force_login(UserFactory())

    def gone():
        raise OperationalError("gone") from psycopg.errors.AdminShutdown("terminating")

    database_down.setattr(connection, "ensure_connection", gone)
    _assert_unavailable_page(client.get("/notifications/"))


def test_other_errors_still_answer_the_500_page(monkeypatch):
    def broken():
        raise ProgrammingError("syntax") from psycopg.errors.SyntaxError("syntax error")

    monkeypatch.setattr(connection, "ensure_connection", broken)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response


@override_settings(DEBUG=True)
def test_with_debug_on_django_shows_its_debug_page(database_down, fresh_outage):
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert "OperationalError" in response.content.decode()


def test_the_outage_is_logged_once_and_the_next_request_is_served(
    database_down, fresh_outage, caplog
):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        for _ in range(5):
            assert client.get("/").status_code == 503
    logged = [record for record in caplog.records if record.name == "django.request"]
    assert len(logged) == 1
    assert logged[0].exc_info is not None
    assert logged[0].getMessage().startswith("The database does not answer")
    assert fresh_outage.total == 5

    database_down.undo()
    assert client.get("/").status_code == 200


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def _record(exc, request=None):
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Service Unavailable: %s", ("/",), None
    )
    record.exc_info = (type(exc), exc, exc.__traceback__)
    record.request = request or RequestFactory().get("/")
    return record


def test_the_filter_sums_up_each_minute_and_logs_the_recovery(caplog):
    clock = FakeClock()
    log = OutageLog(clock=clock)
    database_filter = DatabaseOutageFilter(log)
    down = _wrapped(OperationalError, psycopg.OperationalError("server closed the connection"))

    first = database_filter.filter(_record(down))
    assert first.exc_info is not None
    assert "First one: Service Unavailable: /" in first.getMessage()

    clock.now += 10
    assert all(database_filter.filter(_record(down)) is False for _ in range(4))
    same_request = RequestFactory().get("/")
    assert database_filter.filter(_record(down, same_request)) is False
    # Answered 503 a second time on its way out of a middleware: not counted.
    assert database_filter.filter(_record(down, same_request)) is False
    assert log.total == 6

    clock.now += 55
    summary = database_filter.filter(_record(down))
    assert summary.exc_info is None
    assert summary.getMessage() == (
        "The database still does not answer: 6 requests answered 503 in the last 65 s."
    )

    other = _record(ValueError("a bug"))
    assert database_filter.filter(other) is True

    clock.now += 5
    with caplog.at_level(logging.WARNING, logger="conseils.outage"):
        log.recovered()
        log.recovered()
    assert [r.getMessage() for r in caplog.records if r.name == "conseils.outage"] == [
        "The database answers again, after 70 s; 7 requests were answered 503."
    ]
    assert not log.active


def _wsgi_get(path):
    """A request the way gunicorn makes it: through Django's WSGI handler, with
    the connection checks made at the start and end of each request (the
    test client leaves them out)."""
    environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD="GET")
    statuses = []
    response = WSGIHandler()(environ, lambda status, headers: statuses.append(status))
    body = b"".join(response)
    response.close()
    return statuses[0], body.decode()


AGENDA = "/agenda/"


@pytest.mark.skipif(not ON_POSTGRESQL, reason="kills a PostgreSQL backend")
@pytest.mark.django_db(transaction=True)
def test_a_connection_killed_by_a_restart_is_replaced_by_itself(fresh_outage, caplog):
    # The agenda: a page read from the database for every visitor (the
    # home page would come from the visitors' page cache, common.page_cache).
    assert _wsgi_get(AGENDA)[0] == "200 OK"
    # A first query checks the connection (CONN_HEALTH_CHECKS), then the
    # server goes away: the rest of that request meets a dead connection.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    backend = connection.connection.info.backend_pid
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [backend])

    # The test client makes no new check: its request meets the dead
    # connection and gets the 503 page.
    _assert_unavailable_page(Client(raise_request_exception=False).get(AGENDA))
    assert fresh_outage.active
    # The next one replaces it and is served; the recovery is logged.
    with caplog.at_level(logging.WARNING, logger="conseils.outage"):
        status, _ = _wsgi_get(AGENDA)
    assert status == "200 OK"
    assert not fresh_outage.active
    assert any("answers again" in r.getMessage() for r in caplog.records)
    close_old_connections()
