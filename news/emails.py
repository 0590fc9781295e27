"""The signed links of the e-mails news used to send to its subscribers.

New articles are told through the notifications (their e-mails carry the
notifications' own link); the links already in people's mailboxes still stop
following the news."""

from __future__ import annotations

from django.core import signing

from .models import Subscription

UNSUBSCRIBE_SALT = "news.unsubscribe"


def unsubscribe_token(subscription: Subscription) -> str:
    return signing.dumps(subscription.pk, salt=UNSUBSCRIBE_SALT, compress=True)


def subscription_from_token(token: str) -> Subscription | None:
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Subscription.objects.select_related("council", "user").filter(pk=pk).first()
