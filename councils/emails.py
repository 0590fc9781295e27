"""The e-mails about councils that stay direct, outside the notification
centre: the invitation to an address, notices about one's own membership or
role, and the public contact form. One message per recipient, in French,
sent after commit; join requests and their answers are notifications.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.mail import EmailMessage

from common.mail import absolute_url, is_muted, muted, render_email, send_after_commit

__all__ = ["absolute_url", "is_muted", "muted", "render_email", "send_after_commit", "send_to_each"]


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
    if not addresses or is_muted():
        return
    subject, body = render_email(template, context, folder=folder)
    send_after_commit(
        [
            EmailMessage(subject=subject, body=body, to=[address], reply_to=reply_to)
            for address in addresses
        ],
        template=f"{folder}/{template}",
    )
