"""Sending e-mail from services: rendered in French, one message per
recipient, sent once the transaction commits, and silenced while demo data is
written (``muted``)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from contextvars import ContextVar

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

_ONE_LINE = re.compile(r"[ \t\r\n]+")
_muted: ContextVar[bool] = ContextVar("mail_muted", default=False)


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
    # One line; French non-breaking spaces (before « : », inside « ») stay.
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _ONE_LINE.sub(" ", subject).strip(), body


def send_after_commit(messages: list[EmailMessage]) -> None:
    """Send once the transaction commits (nothing while ``muted``)."""
    if not messages or _muted.get():
        return

    def send() -> None:
        for message in messages:
            message.send()

    transaction.on_commit(send)
