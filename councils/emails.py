"""E-mails about councils, one per recipient, in French, sent after commit.

Each message carries only what its recipient may read: a join request goes to
the people who answer it, a decision to the person who asked.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

_muted: ContextVar[bool] = ContextVar("councils_emails_muted", default=False)


@contextlib.contextmanager
def muted() -> Iterator[None]:
    """Send nothing while inside (demo data written through the services)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def is_muted() -> bool:
    return _muted.get()


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def render_email(template: str, context: dict, *, folder: str) -> tuple[str, str]:
    """The subject (one line, with the site's prefix) and body of
    ``<folder>/<template>_subject.txt`` and ``_body.txt``, in French."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"{folder}/{template}_subject.txt", context)
        body = render_to_string(f"{folder}/{template}_body.txt", context)
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()), body


def send_after_commit(messages: list[EmailMessage]) -> None:
    """Send once the transaction commits (nothing while ``muted``)."""
    if not messages or _muted.get():
        return

    def send() -> None:
        for message in messages:
            message.send()

    transaction.on_commit(send)


def send_to_each(
    *,
    template: str,
    recipients: Iterable[str],
    context: dict,
    reply_to: list[str] | None = None,
    folder: str = "councils/email",
) -> None:
    """Render ``<folder>/<template>_subject.txt`` and ``_body.txt`` and send
    one message to each address once the transaction commits."""
    addresses = sorted({address for address in recipients if address})
    if not addresses or _muted.get():
        return
    subject, body = render_email(template, context, folder=folder)
    send_after_commit(
        [
            EmailMessage(subject=subject, body=body, to=[address], reply_to=reply_to)
            for address in addresses
        ]
    )
