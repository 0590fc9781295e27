"""In-site notifications, and each person's choice of how to get each kind.

A notification keeps what it needs to be shown (a title, an excerpt, a link,
the council or forum it belongs to) and the id of the object it is about, so
that the publishing app can say again, when it is shown or e-mailed, whether
its reader may still see that object.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import registry

TITLE_MAX_LENGTH = 300
EXCERPT_MAX_LENGTH = 600


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    class Delivery(models.TextChoices):
        IMMEDIATE = registry.IMMEDIATE, _("By e-mail at once")
        DIGEST = registry.DIGEST, _("In a daily e-mail digest")
        SITE = registry.SITE, _("On the site only")

    # Indexed by ``notif_recipient_recent`` (recipient first): no index of its own.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    kind = models.CharField(max_length=60)
    # The object it is about, in the publishing app (checked by its kind).
    target_id = models.PositiveBigIntegerField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    excerpt = models.TextField(blank=True, max_length=EXCERPT_MAX_LENGTH)
    url = models.CharField(max_length=500)
    # Digests group by place (a council, the national forums…), then by
    # thread (a topic, a folder…).
    group_key = models.CharField(max_length=80, blank=True)
    group_title = models.CharField(max_length=200, blank=True)
    thread_key = models.CharField(max_length=80, blank=True)
    thread_title = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # How it goes out, chosen by the recipient's preference when it was made.
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    # When it was e-mailed (at once or in a digest), or found no longer
    # visible; empty while it waits.
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_recent"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notif_recipient_unread",
            ),
            models.Index(
                fields=["delivery", "recipient"],
                condition=Q(delivered_at__isnull=True),
                name="notif_waiting_delivery",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class Preference(models.Model):
    """How one person wants one kind (no row: the kind's default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=60)
    delivery = models.CharField(max_length=10, choices=Notification.Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notif_one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.delivery}"
