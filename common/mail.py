"""Sending e-mail from services: rendered in French, one message per
recipient, sent once the transaction commits (through the outbox), and
silenced while demo data is written (``muted``). Header values are made one
line here, whatever the text they were made of (``header_value``)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from contextvars import ContextVar

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from .text import CONTROL_CHARACTERS

# Spaces, and what Python's e-mail package refuses or a mail program would
# show as a break: C0 and C1 controls (tab, CR, LF, vertical tab, form feed,
# \x1c-\x1e, \x85 among them), U+2028 and U+2029. French non-breaking spaces
# (before « : », inside « ») are not among them: they stay.
_HEADER_SPACE = re.compile(f"[ {CONTROL_CHARACTERS}]+")
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


def header_value(value: str) -> str:
    """``value`` fit for an e-mail header (a subject, a name in From or
    Reply-To): every run of spaces and control or separator characters
    becomes one space, so no text can make the message impossible to build."""
    return _HEADER_SPACE.sub(" ", value).strip()


def render_email(template: str, context: dict, *, folder: str) -> tuple[str, str]:
    """The subject (one line, with the site's prefix) and body of
    ``<folder>/<template>_subject.txt`` and ``_body.txt``, in French."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"{folder}/{template}_subject.txt", context)
        body = render_to_string(f"{folder}/{template}_body.txt", context)
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + header_value(subject), body


def send_after_commit(messages: list[EmailMessage], *, template: str) -> None:
    """Send with the current transaction (nothing while ``muted``).

    The site's mailer writes each message to the outbox now, in the caller's
    transaction: they leave once it commits, and not at all if it rolls
    back. ``template`` (``folder/name``) names the messages in the logs and
    in the report to the admins if one cannot be built, instead of their
    content.
    """
    if not messages or _muted.get():
        return
    for message in messages:
        message.template_name = template
        message.send()
