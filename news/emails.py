"""The e-mail a subscriber gets when an article comes out: one per
recipient, each with its own unsubscribe link, sent after commit."""

from __future__ import annotations

from django.core import signing
from django.core.mail import EmailMessage
from django.urls import reverse

from councils.emails import absolute_url, is_muted, render_email, send_after_commit

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
    """One e-mail per subscriber (not the author), each with its own link to
    stop them; sent after commit. Returns how many."""
    if is_muted():
        return 0
    subscriptions = (
        Subscription.objects.filter(council=article.council, user__is_active=True)
        .exclude(user_id=article.author_id)
        .select_related("user")
        .order_by("pk")
    )
    messages = []
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
        subject, body = render_email("article", context, folder="news/email")
        messages.append(
            EmailMessage(
                subject=subject,
                body=body,
                to=[subscription.user.email],
                headers={
                    "List-Unsubscribe": f"<{unsubscribe_url}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
        )
    send_after_commit(messages)
    return len(messages)
