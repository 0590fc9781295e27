"""The help desk: requests from anyone, answered by the national animation
and the referents of the request's department within 24 hours.

The clock is data, not a job: ``due_at`` is set whenever the team has to
answer (a new request, a requester's reply, a reopening) and cleared when it
answered. Whether a request is overdue is ``due_at < now``, asked in queries.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SUBJECT_MAX_LENGTH = 200
MESSAGE_MAX_LENGTH = 5_000
NAME_MAX_LENGTH = 120
PHONE_MAX_LENGTH = 30
CALL_TIMES_MAX_LENGTH = 200

ANSWER_WITHIN = timedelta(hours=24)
WARN_BEFORE = timedelta(hours=4)


class HelpRequestQuerySet(models.QuerySet):
    def waiting(self):
        """The team owes an answer."""
        return self.filter(status=HelpRequest.Status.OPEN)

    def overdue(self, now=None):
        return self.waiting().filter(due_at__lt=now or timezone.now())

    def due_soon(self, now=None):
        """Not overdue yet, but less than four hours left."""
        now = now or timezone.now()
        return self.waiting().filter(due_at__gte=now, due_at__lt=now + WARN_BEFORE)


class HelpRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the team")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX_LENGTH)
    message = models.TextField(_("message"), max_length=MESSAGE_MAX_LENGTH, blank=True)
    # Who asked: an account, or only an address (signed-out requests).
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="help_requests",
        verbose_name=_("requester"),
    )
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH, blank=True)
    # Emptied when the account that sent it is deleted.
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=PHONE_MAX_LENGTH, blank=True)
    wants_call = models.BooleanField(_("would rather be called"), default=False)
    call_times = models.CharField(_("when to call"), max_length=CALL_TIMES_MAX_LENGTH, blank=True)
    council = models.ForeignKey(
        "councils.Council",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="help_requests",
        verbose_name=_("council"),
    )
    # The council's, or the one the requester chose: decides which referents see it.
    department = models.ForeignKey(
        "councils.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="help_requests",
        verbose_name=_("department"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_help_requests",
        verbose_name=_("assigned to"),
    )
    created_at = models.DateTimeField(_("sent on"), default=timezone.now)
    # When the team must have answered; empty while it has nothing to answer.
    due_at = models.DateTimeField(_("answer due by"), null=True, blank=True)
    first_answered_at = models.DateTimeField(_("first answered on"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Set by the warning task so that each clock is warned about once.
    warned_due_soon_at = models.DateTimeField(null=True, blank=True, editable=False)
    warned_overdue_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A double-submitted form makes one request.
    submission_key = models.CharField(max_length=64, blank=True, editable=False)

    objects = HelpRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        indexes = [
            models.Index(fields=["status", "due_at"], name="support_request_clock"),
            models.Index(fields=["department", "status"], name="support_request_department"),
            models.Index(fields=["created_at"], name="support_request_created"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["submission_key"],
                condition=~Q(submission_key=""),
                name="support_request_one_per_submission",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("support:request", kwargs={"pk": self.pk})

    def get_team_url(self) -> str:
        return reverse("support:team_request", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        return f"{self.pk:05d}"

    @property
    def is_waiting(self) -> bool:
        return self.status == self.Status.OPEN

    def is_overdue(self, now=None) -> bool:
        return self.is_waiting and self.due_at is not None and self.due_at < (now or timezone.now())

    def time_left(self, now=None) -> timedelta | None:
        if not self.is_waiting or self.due_at is None:
            return None
        return self.due_at - (now or timezone.now())


class HelpMessage(models.Model):
    """One entry of a request's thread."""

    class Kind(models.TextChoices):
        REQUESTER = "requester", _("Message from the requester")
        ANSWER = "answer", _("Answer")
        NOTE = "note", _("Internal note")
        CALL = "call", _("Phone call")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")
        ASSIGNED = "assigned", _("Assigned")

    # What the requester sees of the thread (notes and assignments stay inside).
    SHOWN_TO_REQUESTER = (Kind.REQUESTER, Kind.ANSWER, Kind.CALL, Kind.CLOSED, Kind.REOPENED)

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    body = models.TextField(blank=True, max_length=MESSAGE_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    # Phone calls: when, how long, and whether the requester was reached.
    called_at = models.DateTimeField(null=True, blank=True)
    call_minutes = models.PositiveIntegerField(null=True, blank=True)
    reached = models.BooleanField(null=True, blank=True)
    # Assignments: to whom.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("help request message")
        verbose_name_plural = _("help request messages")
        indexes = [models.Index(fields=["kind", "created_at"], name="support_message_kind")]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.get_kind_display()}"

    @property
    def shown_to_requester(self) -> bool:
        return self.kind in self.SHOWN_TO_REQUESTER
