"""Queue a Celery task without letting a dead broker hold up or break a page.

What a queued task does is always written in the database first (an e-mail
waiting in the outbox, a notification not yet delivered, an image version
without its thumbnail), and a periodic sweep finds and does what was never
queued. So queuing is only a way to do it sooner: when the broker does not
answer, publishing fails at once (no retry, a short connection timeout), is
logged once a minute rather than on every page, and the page goes on.

Tasks that run inline (``CELERY_TASK_ALWAYS_EAGER``, the embedded shape and
the tests) are called as they are: an error there is the task's own, and
shows.
"""

from __future__ import annotations

import logging
import threading
import time

from django.db import transaction
from kombu.exceptions import OperationalError as BrokerOperationalError

logger = logging.getLogger(__name__)

# What a publish raises when Redis is stopped, refuses, or times out.
BROKER_ERRORS: tuple[type[BaseException], ...] = (BrokerOperationalError, OSError)
try:  # redis-py's own errors, when the broker is Redis
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is in the requirements
    pass
else:
    BROKER_ERRORS = (*BROKER_ERRORS, RedisError)

LOG_EVERY_SECONDS = 60
_log_lock = threading.Lock()
_last_logged = 0.0
_not_logged = 0


def _broker_failure_log(task_name: str, error: BaseException) -> None:
    """One warning a minute per process, counting the publishes it stands for."""
    global _last_logged, _not_logged
    now = time.monotonic()
    with _log_lock:
        if now - _last_logged < LOG_EVERY_SECONDS:
            _not_logged += 1
            return
        skipped, _not_logged, _last_logged = _not_logged, 0, now
    logger.warning(
        "The task broker does not answer (%s: %s); %s was not queued and its "
        "periodic sweep will do it (%d more not queued since the last warning).",
        type(error).__name__,
        error,
        task_name,
        skipped,
    )


def task_enqueue(task, *args, **kwargs) -> bool:
    """Queue ``task(*args, **kwargs)``; False when the broker did not take it."""
    if task.app.conf.task_always_eager:
        task.apply(args, kwargs, throw=True)
        return True
    try:
        task.apply_async(args, kwargs, retry=False)
    except BROKER_ERRORS as error:
        _broker_failure_log(task.name, error)
        return False
    return True


def task_enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue ``task`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: task_enqueue(task, *args, **kwargs))
