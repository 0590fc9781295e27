"""Writing e-mails to the outbox and sending them, each once.

``email_write`` is what the mail backend calls for every message of the site:
one row, in the caller's transaction. After commit a task is queued to send
it at once (``email_send``); if the broker, the worker or the SMTP server is
not there, ``outbox_sweep`` (every 30 seconds) sends what is due. A row is
sent inside a transaction that holds its lock and marks it sent: another
worker skips it meanwhile, and a worker that dies mid-send loses its lock
with its connection, leaving the row for the next sweep.
"""

from __future__ import annotations

import logging
import re
import smtplib
import time
from datetime import datetime, timedelta
from email.utils import make_msgid
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from common.mail import render_email

from .models import OutboundEmail
from .payloads import built, message_to_payload, report_not_built

logger = logging.getLogger(__name__)

# Waits between attempts: 30 s, 1, 2, 4 min, then every 5 min; so a message
# that met a closed SMTP server leaves at most 5 minutes after it opens again.
RETRY_FIRST_SECONDS = 30
RETRY_MAX_SECONDS = 300
# The admins are told of messages waiting longer than this...
LATE_AFTER = timedelta(hours=1)
# ... and a message still not accepted after this is given up (and told).
GIVE_UP_AFTER = timedelta(days=3)
# Rows sent or given up are kept this long (without their content once sent).
KEEP_FOR = timedelta(days=30)
# After a passing failure, the tasks of new messages leave the SMTP server
# alone this long (one slow timeout each would hold every worker): the sweep
# alone probes it, one message a run, and lifts the pause when one leaves.
SMTP_PAUSE_SECONDS = 30
SMTP_PAUSE_KEY = "outbox:smtp-paused"
SWEEP_LIMIT = 500
SWEEP_SECONDS = 25

LATE_TEMPLATE = "outbox/email/waiting"
GIVEN_UP_TEMPLATE = "outbox/email/given_up"


# An e-mail address in an SMTP server's answer (a refused recipient's): the
# error is logged and shown in the admin, never the people it was for.
_ADDRESS = re.compile(r"[^\s<>'\"(),:;\[\]{}]+@[^\s<>'\"(),:;\[\]{}]+")


def _error_text(error: Exception) -> str:
    return _ADDRESS.sub("<address>", f"{type(error).__name__}: {error}")[:300]


class PermanentFailure(Exception):
    """The SMTP server refused the message for good (5xx): retrying won't help."""


def _message_id() -> str:
    domain = urlsplit(getattr(settings, "SITE_URL", "")).hostname or None
    return make_msgid(domain=domain)


def email_write(message: EmailMessage) -> OutboundEmail | None:
    """Write ``message`` to the outbox in the current transaction and queue
    its sending after commit. A message that cannot be built is reported to
    the admins (``report_not_built``) and left out: None."""
    from .tasks import email_send

    template = getattr(message, "template_name", "")
    recipients = len(message.recipients())
    try:
        payload = message_to_payload(message)
        message_id = _message_id()
        payload["headers"]["Message-ID"] = message_id
        built(payload)
    except ValueError as error:
        report_not_built(template=template, recipients=recipients, error=error)
        return None
    row = OutboundEmail.objects.create(
        message_id=message_id,
        template=template[:200],
        recipient_count=recipients,
        payload=OutboundEmail.payload_encode(payload),
    )
    from common.tasks import task_enqueue_on_commit

    task_enqueue_on_commit(email_send, row.pk)
    return row


def _retry_delay(attempts: int) -> timedelta:
    seconds = RETRY_FIRST_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, RETRY_MAX_SECONDS))


def _is_permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        # Every recipient refused: permanent only if every refusal is (5xx).
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


class Outcome:
    SENT = "sent"
    FAILED = "failed"  # for good: not retried
    RETRY = "retry"  # the server was not there or said "later"
    SKIPPED = "skipped"  # not due, already sent, or being sent by another worker


def _deliver(row: OutboundEmail, now: datetime) -> str:
    """Send the locked ``row`` and record what happened."""
    row.attempts += 1
    fields = ["attempts", "status", "last_error", "next_attempt_at", "sent_at", "payload"]
    try:
        message = built(row.payload_decode())
    except ValueError as error:
        report_not_built(template=row.template, recipients=row.recipient_count, error=error)
        row.status = OutboundEmail.Status.FAILED
        row.last_error = f"{type(error).__name__}: {error}"[:300]
        row.save(update_fields=fields)
        return Outcome.FAILED
    try:
        mail.mailers["delivery"].send_messages([message])
    except ValueError as error:
        # Django's SMTP mailer, before any exchange, on an address it cannot
        # encode (a non-ASCII local part): it would fail every time, and
        # left pending it would stop every sweep at it. Its message names
        # the address: not kept, not logged.
        row.status = OutboundEmail.Status.FAILED
        row.last_error = f"{type(error).__name__}: the mailer refused an address or a header"
        logger.error("E-mail %s (%s) given up: %s", row.pk, row.template, row.last_error)
        row.save(update_fields=fields)
        return Outcome.FAILED
    except (smtplib.SMTPException, OSError, SoftTimeLimitExceeded) as error:
        # A task's soft time limit met in a slow exchange counts as an attempt
        # too: rolled back, the row would come first again at every sweep, the
        # sweep never reach its late and give-up reports, and a message the
        # server had taken just before leave again every 30 seconds.
        row.last_error = _error_text(error)
        if _is_permanent(error):
            row.status = OutboundEmail.Status.FAILED
            logger.error(
                "E-mail %s (%s) refused for good by the SMTP server: %s",
                row.pk,
                row.template or "no template",
                row.last_error,
            )
            row.save(update_fields=fields)
            return Outcome.FAILED
        row.next_attempt_at = now + _retry_delay(row.attempts)
        cache.set(SMTP_PAUSE_KEY, True, timeout=SMTP_PAUSE_SECONDS)
        logger.warning(
            "E-mail %s (%s) not sent, attempt %d, next at %s: %s",
            row.pk,
            row.template or "no template",
            row.attempts,
            row.next_attempt_at.isoformat(timespec="seconds"),
            row.last_error,
        )
        row.save(update_fields=fields)
        return Outcome.RETRY
    row.status = OutboundEmail.Status.SENT
    row.sent_at = timezone.now()
    row.payload = None
    row.last_error = ""
    row.save(update_fields=fields)
    return Outcome.SENT


def _due(now: datetime):
    return OutboundEmail.objects.filter(
        status=OutboundEmail.Status.PENDING, next_attempt_at__lte=now
    )


def email_send(pk: int, *, now: datetime | None = None, probe: bool = False) -> str:
    """Send the outbox row ``pk`` if it is waiting, due, and no one else is
    sending it; an ``Outcome``. The row is locked from before the SMTP
    conversation until its new state is committed. While the SMTP server
    is paused (it just failed), only a ``probe`` (the sweep) tries it."""
    now = now or timezone.now()
    if not probe and cache.get(SMTP_PAUSE_KEY):
        return Outcome.SKIPPED
    with transaction.atomic():
        row = _due(now).select_for_update(skip_locked=True).filter(pk=pk).first()
        if row is None:
            return Outcome.SKIPPED
        return _deliver(row, now)


def outbox_sweep(
    *, now: datetime | None = None, limit: int = SWEEP_LIMIT, seconds: float = SWEEP_SECONDS
) -> int:
    """Send what is due, oldest first, at most ``limit`` rows or ``seconds``.
    Stops at the first message the SMTP server did not take for a passing
    reason (it is down: the others would only wait on it too). Then tells
    the admins about what waits too long. Returns how many left."""
    now = now or timezone.now()
    deadline = time.monotonic() + seconds
    due = list(_due(now).order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])
    sent = 0
    for pk in due:
        if time.monotonic() > deadline:
            break
        outcome = email_send(pk, now=now, probe=True)
        if outcome == Outcome.RETRY:
            break
        if outcome == Outcome.SENT and not sent:
            cache.delete(SMTP_PAUSE_KEY)
        sent += outcome == Outcome.SENT
    outbox_report_late(now=now)
    outbox_give_up(now=now)
    return sent


def _tell_admins(template: str, context: dict) -> None:
    if not settings.ADMINS:
        return
    subject, body = render_email(template.rsplit("/", 1)[1], context, folder="outbox/email")
    message = EmailMessage(
        subject=subject, body=body, from_email=settings.SERVER_EMAIL, to=settings.ADMINS
    )
    message.template_name = template
    message.send()


def outbox_report_late(*, now: datetime | None = None) -> int:
    """Log, and tell the admins once per message, what has waited more than
    an hour. The report goes through the outbox too: it leaves when the SMTP
    server is back, and the log line is there at once."""
    now = now or timezone.now()
    with transaction.atomic():
        late = list(
            OutboundEmail.objects.filter(
                status=OutboundEmail.Status.PENDING,
                created_at__lte=now - LATE_AFTER,
                late_reported_at__isnull=True,
            )
            .exclude(template=LATE_TEMPLATE)
            .select_for_update(skip_locked=True)
            .order_by("created_at")[:1000]
        )
        if not late:
            return 0
        OutboundEmail.objects.filter(pk__in=[row.pk for row in late]).update(late_reported_at=now)
        last_error = late[-1].last_error or "—"
        logger.error(
            "%d e-mail(s) have waited more than an hour; the oldest since %s; last error: %s",
            len(late),
            late[0].created_at.isoformat(timespec="seconds"),
            last_error,
        )
        _tell_admins(
            LATE_TEMPLATE,
            {
                "count": len(late),
                "oldest": timezone.localtime(late[0].created_at),
                "error": last_error,
            },
        )
    return len(late)


def outbox_give_up(*, now: datetime | None = None) -> int:
    """Mark as given up what no server accepted in three days; log and tell."""
    now = now or timezone.now()
    with transaction.atomic():
        expired = list(
            OutboundEmail.objects.filter(
                status=OutboundEmail.Status.PENDING, created_at__lte=now - GIVE_UP_AFTER
            )
            .select_for_update(skip_locked=True)
            .values_list("pk", "last_error")[:1000]
        )
        if not expired:
            return 0
        OutboundEmail.objects.filter(pk__in=[pk for pk, _ in expired]).update(
            status=OutboundEmail.Status.FAILED
        )
        last_error = expired[-1][1] or "—"
        logger.error(
            "%d e-mail(s) given up after three days; last error: %s", len(expired), last_error
        )
        _tell_admins(GIVEN_UP_TEMPLATE, {"count": len(expired), "error": last_error})
    return len(expired)


def outbox_purge(*, now: datetime | None = None) -> int:
    """Delete the rows sent or given up more than 30 days ago."""
    now = now or timezone.now()
    deleted, _ = OutboundEmail.objects.filter(
        status__in=[OutboundEmail.Status.SENT, OutboundEmail.Status.FAILED],
        created_at__lte=now - KEEP_FOR,
    ).delete()
    return deleted
