"""The e-mail a subscriber gets when an article comes out: one per
recipient, each with its own unsubscribe link, sent after commit."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from councils.emails import absolute_url, is_muted

from .models import Article, Subscription

UNSUBSCRIBE_SALT = "news.unsubscribe"


def unsubscribe_token(subscription: Subscription) -> str:
    return signing.dumps(subscription.pk, salt=UNSUBSCRIBE_SALT, compress=True)


def subscription_from_token(token: str) -> Subscription | None:
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Subscription.objects.select_related("council", "user").filter(pk=pk).first()


def announce_article(article: Article) -> int:
    if is_muted():
        return 0
    subscriptions = (
        Subscription.objects.filter(council=article.council, user__is_active=True)
        .exclude(user_id=article.author_id)
        .select_related("user")
        .order_by("pk")
    )
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for subscription in subscriptions:
            unsubscribe_url = absolute_url(
                reverse("news:unsubscribe", kwargs={"token": unsubscribe_token(subscription)})
            )
            context = {
                "article": article,
                "article_url": absolute_url(article.get_absolute_url()),
                "unsubscribe_url": unsubscribe_url,
                "recipient": subscription.user,
            }
            subject = render_to_string("news/email/article_subject.txt", context)
            body = render_to_string("news/email/article_body.txt", context)
            messages.append(
                EmailMessage(
                    subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
                    body=body,
                    to=[subscription.user.email],
                    headers={
                        "List-Unsubscribe": f"<{unsubscribe_url}>",
                        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                    },
                )
            )

    def send() -> None:
        for message in messages:
            message.send()

    transaction.on_commit(send)
    return len(messages)
