"""Forums: national ones in categories, and one private forum per council.

Topics hold posts written in markdown, rendered once when saved and stored
sanitised. Moderation hides rather than deletes, and every action is logged.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.search_vector import StoredSearchVectorField
from councils.models import Council

from .page_cache import ForumQuerySet, PostQuerySetChanges, TopicQuerySet

TITLE_MAX_LENGTH = 150
POST_MAX_LENGTH = 20_000
REASON_MAX_LENGTH = 500


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Forum(models.Model):
    """A national forum (``council`` empty, read by its ``audience``) or the
    private forum of one council (its members only)."""

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("everyone, signed in or not")
        REGISTERED = "registered", _("people with an account")
        COUNCIL_MEMBERS = "members", _("members of a council")

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("address"), max_length=120, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forums",
        verbose_name=_("category"),
    )
    council = models.OneToOneField(
        Council,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="forum",
        verbose_name=_("council"),
    )
    audience = models.CharField(
        _("who reads it"), max_length=10, choices=Audience.choices, default=Audience.EVERYONE
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    topic_count = models.PositiveIntegerField(default=0, editable=False)
    post_count = models.PositiveIntegerField(default=0, editable=False)
    last_post_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ForumQuerySet.as_manager()

    class Meta:
        verbose_name = _("forum")
        verbose_name_plural = _("forums")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forums:forum", kwargs={"slug": self.slug})

    @property
    def is_national(self) -> bool:
        return self.council_id is None


class Topic(models.Model):
    forum = models.ForeignKey(
        Forum, on_delete=models.CASCADE, related_name="topics", verbose_name=_("forum")
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="forum_topics",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    last_post_at = models.DateTimeField(_("last message"), default=timezone.now, db_index=True)
    # Published posts only: what readers count.
    post_count = models.PositiveIntegerField(default=0, editable=False)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    # The site search's vector of the title (trigger and GIN index of
    # migration 0006), as for posts: ranking hundreds of posts reads their
    # topics' titles without parsing them. NULL on SQLite.
    search_vector = StoredSearchVectorField(specs=("title:A",))

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["-is_pinned", "-last_post_at", "-pk"]
        indexes = [models.Index(fields=["forum", "-is_pinned", "-last_post_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forums:topic", kwargs={"pk": self.pk})


class PostQuerySet(PostQuerySetChanges):
    def visible(self) -> PostQuerySet:
        """Published and not hidden: what every reader of the forum sees."""
        return self.filter(Post.visible_condition())


class Post(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("published")
        PENDING = "pending", _("waiting for approval")

    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="posts", verbose_name=_("topic")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="forum_posts",
        verbose_name=_("author"),
    )
    body = models.TextField(_("message"), max_length=POST_MAX_LENGTH)
    # Rendered from ``body`` and sanitised when saved (services).
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(_("written on"), default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(_("edited on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("reason"), max_length=REASON_MAX_LENGTH, blank=True)
    # The key a double-submitted form carries twice: one post, not two.
    submission_key = models.CharField(max_length=64, blank=True, editable=False)
    # The site search's vector of the text, kept by PostgreSQL (trigger and GIN
    # index of migration 0004): a common word is matched and ranked without
    # parsing thousands of posts again. NULL on SQLite.
    search_vector = StoredSearchVectorField(specs=("body:C",))

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        # The pages of a topic, in order, whatever their number: page 100
        # reads the index as page 1 does.
        indexes = [
            # Covering what a reader's filter reads (status, author): a far
            # page finds its 20 keys in the index alone (selectors.posts_on).
            models.Index(
                fields=["topic", "created_at", "id"],
                include=["status", "author"],
                name="forums_post_topic_page",
            ),
            # The posts waiting for approval, counted on every page of a
            # topic a member reads (selectors.with_pending_counts): a few
            # rows, not the topic's thousands.
            models.Index(
                fields=["topic", "author"],
                condition=models.Q(status="pending"),
                name="forums_post_pending",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "submission_key"],
                condition=~models.Q(submission_key=""),
                name="one_post_per_submission",
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("forums:post", kwargs={"pk": self.pk})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @classmethod
    def visible_condition(cls) -> models.Q:
        """The rule of ``PostQuerySet.visible``, to combine with others."""
        return models.Q(status=cls.Status.PUBLISHED, is_hidden=False)


class PostRevision(models.Model):
    """A previous text of an edited post, for moderators."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("previous version")
        verbose_name_plural = _("previous versions")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.post} ({self.created_at:%Y-%m-%d %H:%M})"


class Report(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("to examine")
        RESOLVED = "resolved", _("resolved")
        DISMISSED = "dismissed", _("dismissed")

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="reports", verbose_name=_("message")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reason = models.CharField(_("reason"), max_length=REASON_MAX_LENGTH)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("reported on"), default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled on"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=models.Q(status="open"),
                name="one_open_report_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.post}: {self.reason[:40]}"


class ModerationAction(models.Model):
    """One line of the moderation log: who did what to which topic or post, and why."""

    class Kind(models.TextChoices):
        PIN = "pin", _("pinned")
        UNPIN = "unpin", _("unpinned")
        LOCK = "lock", _("locked")
        UNLOCK = "unlock", _("unlocked")
        MOVE = "move", _("moved")
        HIDE = "hide", _("hidden")
        UNHIDE = "unhide", _("shown again")
        EDIT = "edit", _("edited by a moderator")
        APPROVE = "approve", _("approved")
        REPORT_RESOLVED = "report_resolved", _("report resolved")
        REPORT_DISMISSED = "report_dismissed", _("report dismissed")

    forum = models.ForeignKey(
        Forum, on_delete=models.CASCADE, related_name="moderation_actions", verbose_name=_("forum")
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("topic")
    )
    post = models.ForeignKey(
        Post, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("message")
    )
    kind = models.CharField(_("action"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.CharField(_("reason"), max_length=REASON_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d})"


class Reaction(models.Model):
    class Kind(models.TextChoices):
        THANKS = "thanks", _("Thank you")
        AGREE = "agree", _("I agree")
        IDEA = "idea", _("Good idea")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_reactions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "kind"], name="one_reaction_of_a_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.post}"


class Subscription(models.Model):
    """Someone follows a topic (new replies) or a forum (new topics)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_subscriptions"
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    forum = models.ForeignKey(
        Forum, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="follow_a_topic_once"),
            models.UniqueConstraint(fields=["user", "forum"], name="follow_a_forum_once"),
            models.CheckConstraint(
                condition=models.Q(topic__isnull=False, forum__isnull=True)
                | models.Q(topic__isnull=True, forum__isnull=False),
                name="follows_a_topic_or_a_forum",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.topic or self.forum}"


class TopicReadState(models.Model):
    """Up to when someone has read a topic: unread markers and "first unread"."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_read_states"
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="read_states")
    read_until = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="one_read_state_per_topic")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.topic}"


def forum_image_upload_to(image: ForumImage, filename: str) -> str:
    # Under private/: nginx refuses it; the site serves it after a permission check.
    return f"private/forum-images/{image.pk.hex}.webp"


class ForumImage(models.Model):
    """An image added to a message with the editor. Served by a view that
    checks the reader may read its forum: a council's images stay private."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="images")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file = models.FileField(upload_to=forum_image_upload_to)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self) -> str:
        return str(self.pk)

    def get_absolute_url(self) -> str:
        return reverse("forums:image", kwargs={"pk": self.pk})
