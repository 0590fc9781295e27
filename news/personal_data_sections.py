"""What "Mes données" holds from the news: the articles the person wrote,
published or not (drafts and scheduled articles are theirs too, with their
cover image), and the news they follow. Follows go with the account (their
foreign key cascades); articles stay, their author emptied ("compte
supprimé")."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.personal_data import ExportPart, PersonalDataSection

from .models import Article, Subscription

SECTION_KEY = "news"


def export_news(user) -> ExportPart:
    files = {}
    articles, drafts = [], []
    for article in (
        Article.objects.filter(author=user)
        .select_related("council")
        .prefetch_related("tags")
        .order_by("created_at", "pk")
    ):
        entry = {
            "title": article.title,
            "council": article.council.name if article.council else None,
            "status": article.status,
            "summary": article.summary,
            "text": article.body,
            "written_at": article.created_at,
            "updated_at": article.updated_at,
            "published_at": article.published_at,
            "tags": [tag.name for tag in article.tags.all()],
            "cover_file": None,
            "cover_description": article.cover_alt,
        }
        if article.cover:
            name = f"couvertures/{article.pk}.{article.cover.name.rsplit('.', 1)[-1]}"
            files[name] = article.cover
            entry["cover_file"] = f"{SECTION_KEY}/{name}"
        (drafts if article.status == Article.Status.DRAFT else articles).append(entry)
    return ExportPart(
        {
            "articles": articles,
            "drafts": drafts,
            "following": [
                subscription.council.name if subscription.council else "national"
                for subscription in Subscription.objects.filter(user=user).select_related("council")
            ],
        },
        files=files,
    )


NEWS_SECTION = PersonalDataSection(
    key=SECTION_KEY,
    export=export_news,
    title=_("The news articles you wrote and the news you follow."),
    contents=(
        (
            "articles",
            _(
                "your published and scheduled articles (status “scheduled”: it comes out at "
                "its publication time), with their text and tags"
            ),
        ),
        ("drafts", _("your drafts: the articles you wrote and have not published")),
        ("following", _("the news you follow (“national”: the national news)")),
    ),
    files_description=_("The cover images of your articles and drafts (couvertures/)."),
)
