"""News: national articles by the animation, council articles by coordinators.

An article is a draft until it has a publication time; it is scheduled while
that time is in the future and published once it has passed. Queries decide
(``Article.objects.published()``): nothing waits for a background job.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.search_vector import StoredSearchVectorField
from councils.models import Council

TITLE_MAX_LENGTH = 200
SUMMARY_MAX_LENGTH = 300
BODY_MAX_LENGTH = 50_000
TAG_MAX_LENGTH = 40
TAGS_PER_ARTICLE = 5


def cover_upload_to(article: Article, filename: str) -> str:
    # Public media under an unguessable name, as avatars and logos.
    return f"news/covers/{secrets.token_urlsafe(16)}.webp"


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=TAG_MAX_LENGTH)
    slug = models.SlugField(max_length=TAG_MAX_LENGTH + 10, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Readable by anyone: the time has come, and a council article's
        council is still active."""
        return self.filter(published_at__lte=timezone.now()).filter(
            Q(council__isnull=True) | Q(council__status=Council.Status.ACTIVE)
        )

    def national(self):
        return self.filter(council__isnull=True)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")

    # Empty for a national article.
    council = models.ForeignKey(
        "councils.Council",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("council"),
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    summary = models.CharField(_("summary"), max_length=SUMMARY_MAX_LENGTH)
    body = models.TextField(_("text"), max_length=BODY_MAX_LENGTH)
    body_html = models.TextField(editable=False)
    cover = models.ImageField(upload_to=cover_upload_to, blank=True, max_length=200)
    cover_alt = models.CharField(_("description of the image"), max_length=200, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="articles",
    )
    published_at = models.DateTimeField(_("publication time"), null=True, blank=True)
    # When subscribers were told (never twice, even if unpublished and back).
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # A double-submitted "create" form makes one article.
    submission_key = models.CharField(max_length=64, blank=True)
    # The site search's vector (trigger and GIN index of migration 0002).
    # NULL on SQLite.
    search_vector = StoredSearchVectorField(specs=("title:A", "summary:B", "body:C"))

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["council", "-published_at"], name="news_article_council_pub"),
            models.Index(fields=["-published_at"], name="news_article_published"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "submission_key"],
                condition=~Q(submission_key=""),
                name="news_article_one_per_submission",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("news:article", kwargs={"pk": self.pk})

    @property
    def status(self) -> str:
        if self.published_at is None:
            return self.Status.DRAFT
        if self.published_at > timezone.now():
            return self.Status.SCHEDULED
        return self.Status.PUBLISHED

    def get_status_display(self) -> str:
        return self.Status(self.status).label

    @property
    def edited_after_publication(self) -> bool:
        """Changed after it came out (not just saved while being created)."""
        return (
            self.published_at is not None
            and self.updated_at - self.created_at > timedelta(minutes=5)
            and self.updated_at - self.published_at > timedelta(hours=1)
        )

    @property
    def is_national(self) -> bool:
        return self.council_id is None


class Subscription(models.Model):
    """Someone who wants an e-mail for each new article: national news when
    ``council`` is empty, that council's news otherwise."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="news_subscriptions"
    )
    council = models.ForeignKey(
        "councils.Council",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="news_subscriptions",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "council"], name="news_subscription_once_per_council"
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(council__isnull=True),
                name="news_subscription_once_national",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.council_id or 'national'}"
