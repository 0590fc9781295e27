"""Queuing a task never waits on, nor breaks on, a broker that does not answer."""

from __future__ import annotations

import logging

import pytest
from celery import Celery

from common import tasks as common_tasks


@pytest.fixture
def dead_broker_app():
    """A Celery app whose broker is a Redis port nobody listens on."""
    app = Celery("dead-broker", set_as_current=False)
    app.conf.broker_url = "redis://127.0.0.1:9/0"
    app.conf.broker_connection_timeout = 1
    app.conf.broker_transport_options = {"socket_connect_timeout": 1}
    app.conf.task_always_eager = False

    @app.task(name="dead_broker.work")
    def work(value):
        return value

    return app, work


def test_a_dead_broker_is_reported_as_not_queued_and_logged_once_a_minute(
    dead_broker_app, caplog, monkeypatch
):
    _, work = dead_broker_app
    monkeypatch.setattr(common_tasks, "_last_logged", 0.0)
    monkeypatch.setattr(common_tasks.time, "monotonic", lambda: 1_000.0)
    with caplog.at_level(logging.WARNING, logger="common.tasks"):
        first = common_tasks.task_enqueue(work, 1)
        second = common_tasks.task_enqueue(work, 2)
    assert (first, second) == (False, False)
    warnings = [record for record in caplog.records if record.name == "common.tasks"]
    assert len(warnings) == 1
    assert "dead_broker.work was not queued" in warnings[0].getMessage()


def test_an_inline_task_runs_and_its_own_error_shows(dead_broker_app):
    app, work = dead_broker_app
    app.conf.task_always_eager = True

    @app.task(name="dead_broker.fails")
    def fails():
        raise OSError("the task's own error")

    assert common_tasks.task_enqueue(work, 1) is True
    with pytest.raises(OSError, match="the task's own error"):
        common_tasks.task_enqueue(fails)


def test_with_the_sites_broker_settings_a_refused_publish_costs_no_wait(dead_broker_app):
    """kombu would sleep 2 seconds before retrying a refused connection; the
    site's transport options make it retry at once, so a page hardly waits."""
    import time

    from django.conf import settings

    app, work = dead_broker_app
    app.conf.broker_connection_timeout = settings.CELERY_BROKER_CONNECTION_TIMEOUT
    app.conf.broker_transport_options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    started = time.monotonic()
    assert common_tasks.task_enqueue(work, 1) is False
    assert time.monotonic() - started < 1.5
