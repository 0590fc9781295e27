"""The e-mails of notifications, in French, plain text and HTML, each with a
signed link that stops them without logging in (and the ``List-Unsubscribe``
headers that mail programs show as a button)."""

from __future__ import annotations

from collections import OrderedDict

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from common.mail import absolute_url, render_email, send_after_commit
from common.mail_headers import verbatim_headers

from . import registry

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
# The kind named in a digest's link: every kind that goes in the digest.
DIGEST_TOKEN_KIND = "digest"  # noqa: S105 (a kind, not a secret)  # nosec B105
FOLDER = "notifications/email"


def unsubscribe_token(user, kind: str) -> str:
    """Signed with the site's key for this user and this kind: it cannot be
    forged, nor used for someone else or another kind."""
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    kind = data.get("k")
    if kind != DIGEST_TOKEN_KIND:
        found = registry.kind(kind)
        if found is None or found.mandatory:
            return None
    return data["u"], kind


def unsubscribe_url(user, kind: str) -> str:
    return absolute_url(
        reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(user, kind)})
    )


def _message(
    template: str, context: dict, *, to: str, stop_url: str | None
) -> EmailMultiAlternatives:
    """One e-mail; without ``stop_url`` (a mandatory kind) no unsubscribe
    link nor header."""
    context = {
        **context,
        "unsubscribe_url": stop_url,
        "preferences_url": absolute_url(reverse("notifications:preferences")),
        "SITE_NAME": settings.SITE_NAME,
    }
    subject, body = render_email(template, context, folder=FOLDER)
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(f"{FOLDER}/{template}_body.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=[to],
        headers=(
            verbatim_headers(
                {
                    "List-Unsubscribe": f"<{stop_url}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                }
            )
            if stop_url
            else {}
        ),
    )
    message.attach_alternative(html, "text/html")
    return message


def send_one(notification) -> None:
    recipient = notification.recipient
    found = registry.kind(notification.kind)
    context = {
        "notification": notification,
        "recipient": recipient,
        "kind_label": found.label if found else "",
        "url": absolute_url(notification.url),
        "mandatory": bool(found and found.mandatory),
    }
    send_after_commit(
        [
            _message(
                "notification",
                context,
                to=recipient.email,
                stop_url=None
                if context["mandatory"]
                else unsubscribe_url(recipient, notification.kind),
            )
        ],
        template=f"{FOLDER}/notification",
    )


def digest_groups(notifications) -> list[dict]:
    """Place (council, national forums…) → thread (topic, folder…) → events,
    in the order they happened; each notification once."""
    places: OrderedDict[str, dict] = OrderedDict()
    for notification in sorted(notifications, key=lambda n: (n.created_at, n.pk)):
        place = places.setdefault(
            notification.group_key,
            {"title": notification.group_title, "threads": OrderedDict()},
        )
        thread = place["threads"].setdefault(
            notification.thread_key or f"single:{notification.pk}",
            {"title": notification.thread_title, "items": []},
        )
        thread["items"].append(
            {"notification": notification, "url": absolute_url(notification.url)}
        )
    return [
        {"title": place["title"], "threads": list(place["threads"].values())}
        for place in places.values()
    ]


def send_digest(recipient, notifications) -> None:
    context = {
        "recipient": recipient,
        "groups": digest_groups(notifications),
        "count": len(notifications),
        "centre_url": absolute_url(reverse("notifications:index")),
    }
    send_after_commit(
        [
            _message(
                "digest",
                context,
                to=recipient.email,
                stop_url=unsubscribe_url(recipient, DIGEST_TOKEN_KIND),
            )
        ],
        template=f"{FOLDER}/digest",
    )
