"""A council's agenda: its meetings, who comes, and the secret links of the
members' private calendar feeds.

An event belongs to its council: public events are read by anyone while the
council is active, private ones by its members only (``permissions``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.markdown import render_markdown
from common.search_vector import StoredSearchVectorField
from councils.models import Council, Membership

TITLE_MAX_LENGTH = 200
PLACE_MAX_LENGTH = 300
DESCRIPTION_MAX_LENGTH = 20_000

ERROR_ENDS_BEFORE_START = _("The end must come after the start.")


class EventQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        """Not over yet: a meeting under way is still "upcoming"."""
        return self.filter(ends_at__gt=now or timezone.now())

    def past(self, now=None):
        return self.filter(ends_at__lte=now or timezone.now())

    def public(self):
        """Public events of active councils: what anyone may read."""
        return self.filter(
            visibility=Event.Visibility.PUBLIC, council__status=Council.Status.ACTIVE
        )


class Event(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: on the council's page and the national agenda")
        PRIVATE = "private", _("Private: for the council's members only")

    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="agenda_events", verbose_name=_("council")
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    place = models.CharField(_("place"), max_length=PLACE_MAX_LENGTH, blank=True)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    # Rendered from ``description`` and sanitised when saved.
    description_html = models.TextField(editable=False, blank=True)
    # The site search's vector (trigger and GIN index of migration 0003).
    # NULL on SQLite.
    search_vector = StoredSearchVectorField(specs=("title:A", "place:B", "description:C"))
    visibility = models.CharField(
        _("who can see it"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PRIVATE,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled on"), null=True, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=ERROR_ENDS_BEFORE_START,
            )
        ]
        indexes = [
            models.Index(fields=["council", "ends_at"]),
            models.Index(fields=["visibility", "ends_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "description" in update_fields:
            if getattr(self, "_rendered_description", None) != self.description:
                self.render_description()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "description_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("events:event", kwargs={"slug": self.council.slug, "pk": self.pk})

    def render_description(self) -> None:
        """Render the description now; ``save()`` keeps it while the text is
        the same. Services call it before their transaction, so that no lock
        is held while markdown renders."""
        self.description_html = render_markdown(self.description)
        self._rendered_description = self.description

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": ERROR_ENDS_BEFORE_START}, code="ends_before_start")

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def is_past(self, now=None) -> bool:
        return self.ends_at <= (now or timezone.now())


class Attendance(models.Model):
    """A member's answer to "will you come?"; one per member and event."""

    class Answer(models.TextChoices):
        YES = "yes", _("I will come")
        MAYBE = "maybe", _("Maybe")
        NO = "no", _("I will not come")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendances"
    )
    answer = models.CharField(_("answer"), max_length=5, choices=Answer.choices)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="one_answer_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.event_id}: {self.answer}"


class CalendarToken(models.Model):
    """The secret of one member's private feed of one council's agenda.

    Only a digest is stored: the link is shown once, when made; a new link
    revokes the old one. The link belongs to one membership and goes with
    it: leaving the council deletes it, and a member who rejoins starts a new
    membership without a link. The feed still asks at each request whether
    the holder may read the agenda (an archived council, a closed account).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens"
    )
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("private calendar link")
        verbose_name_plural = _("private calendar links")
        constraints = [
            models.UniqueConstraint(fields=["user", "council"], name="one_calendar_link_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} / {self.council_id}"
