"""A message as plain JSON, and back: what an outbox row keeps.

Header values are made one line (``common.mail.header_value``) whatever text
they come from. A message that still cannot be built is never dropped
without a trace: it is logged with its cause and reported to the admins
(``report_not_built``), naming its template and how many it was for, never
its content.
"""

from __future__ import annotations

import base64
import logging
from email.mime.base import MIMEBase
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.utils import timezone

from common.mail import header_value, render_email
from common.mail_headers import verbatim_headers

logger = logging.getLogger(__name__)

# The report itself: if it cannot be built either, it is only logged (a report
# about a report would loop).
REPORT_TEMPLATE = "outbox/email/email_not_built"


def message_to_payload(message: EmailMessage) -> dict[str, Any]:
    """Serialise a message to JSON-safe data (attachments base64-encoded)."""
    attachments = []
    for attachment in message.attachments:
        if isinstance(attachment, MIMEBase):
            raise ValueError("MIME attachments cannot be queued; attach (name, content, type).")
        filename, content, mimetype = attachment
        if isinstance(content, str):
            content = content.encode()
        attachments.append([filename, base64.b64encode(content).decode("ascii"), mimetype])
    return {
        # Names the message in the logs and reports (set by common.mail).
        "template": getattr(message, "template_name", ""),
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [
            [alt.content, alt.mimetype] for alt in getattr(message, "alternatives", [])
        ],
        "content_subtype": message.content_subtype,
        "attachments": attachments,
    }


def _addresses(values: list[str]) -> list[str]:
    return [header_value(value) for value in values]


def payload_to_message(payload: dict[str, Any]) -> EmailMultiAlternatives:
    """The message again, every header value on one line (those queued before
    the services cleaned their text included)."""
    message = EmailMultiAlternatives(
        subject=header_value(payload["subject"]),
        body=payload["body"],
        from_email=payload["from_email"] and header_value(payload["from_email"]),
        to=_addresses(payload["to"]),
        cc=_addresses(payload["cc"]),
        bcc=_addresses(payload["bcc"]),
        reply_to=_addresses(payload["reply_to"]),
        headers=verbatim_headers(
            {name: header_value(str(value)) for name, value in payload["headers"].items()}
        ),
    )
    message.template_name = payload.get("template", "")
    message.content_subtype = payload["content_subtype"]
    for content, mimetype in payload["alternatives"]:
        message.attach_alternative(content, mimetype)
    for filename, content, mimetype in payload["attachments"]:
        message.attach(filename, base64.b64decode(content), mimetype)
    return message


def built(payload: dict[str, Any]) -> EmailMultiAlternatives:
    """The message of ``payload``, proved buildable (its MIME form made once);
    ``ValueError`` when it cannot be."""
    message = payload_to_message(payload)
    message.message()
    return message


def report_not_built(*, template: str, recipients: int, error: Exception) -> None:
    """Log a message that cannot be built, with its cause, and tell the admins
    (``settings.ADMINS``, set from DJANGO_ADMINS in production) by e-mail.
    Names the template and the number of recipients, never the content."""
    logger.error(
        "E-mail %s to %d recipient(s) could not be built and was not sent (%s).",
        template or "(no template)",
        recipients,
        type(error).__name__,
        exc_info=error,
    )
    if template == REPORT_TEMPLATE or not settings.ADMINS:
        return
    subject, body = render_email(
        "email_not_built",
        {
            "template": template,
            "recipients": recipients,
            "error": f"{type(error).__name__}: {error}"[:300],
            "when": timezone.localtime(),
        },
        folder="outbox/email",
    )
    report = EmailMessage(
        subject=subject, body=body, from_email=settings.SERVER_EMAIL, to=settings.ADMINS
    )
    report.template_name = REPORT_TEMPLATE
    report.send()
