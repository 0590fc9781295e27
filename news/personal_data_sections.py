"""What "Mes données" holds from the news: the articles the person wrote and
the news they follow. Follows go with the account (their foreign key
cascades); articles stay, their author emptied ("compte supprimé")."""

from __future__ import annotations

from accounts.personal_data import ExportPart, PersonalDataSection

from .models import Article, Subscription


def export_news(user) -> ExportPart:
    return ExportPart(
        {
            "articles": [
                {
                    "title": article.title,
                    "council": article.council.name if article.council else None,
                    "summary": article.summary,
                    "text": article.body,
                    "published_at": article.published_at,
                    "tags": [tag.name for tag in article.tags.all()],
                }
                for article in Article.objects.filter(author=user)
                .select_related("council")
                .prefetch_related("tags")
            ],
            "following": [
                subscription.council.name if subscription.council else "national"
                for subscription in Subscription.objects.filter(user=user).select_related("council")
            ],
        }
    )


NEWS_SECTION = PersonalDataSection(key="news", export=export_news)
