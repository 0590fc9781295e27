"""Reads of the agenda. Lists that cross councils start from
``permissions.events_visible_to`` or ``permissions.public_events``; a
council's own lists are for views that checked membership first."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from . import permissions
from .models import Attendance, CalendarToken, Event

# How far back the calendar feeds go, and how much they hold at most.
FEED_HISTORY = timedelta(days=30)
FEED_LIMIT = 1000


def national_agenda(user, *, past: bool = False, region=None) -> QuerySet[Event]:
    """The events ``user`` may read, soonest first (latest first when past)."""
    events = permissions.events_visible_to(user).select_related("council")
    if region is not None:
        events = events.filter(council__department__region=region)
    if past:
        return events.past().order_by("-starts_at", "-pk")
    return events.upcoming().order_by("starts_at", "pk")


def council_agenda(council, viewer, *, past: bool = False) -> QuerySet[Event]:
    """Every event of ``council`` with how many come, and ``viewer``'s answer.
    For members only: the view has checked it."""
    events = (
        Event.objects.filter(council=council)
        .select_related("council")
        .annotate(
            yes_count=Count("attendances", filter=Q(attendances__answer=Attendance.Answer.YES)),
            maybe_count=Count("attendances", filter=Q(attendances__answer=Attendance.Answer.MAYBE)),
            my_answer=Subquery(
                Attendance.objects.filter(event=OuterRef("pk"), user=viewer).values("answer")[:1]
            ),
        )
    )
    if past:
        return events.past().order_by("-starts_at", "-pk")
    return events.upcoming().order_by("starts_at", "pk")


def upcoming_public(council, limit: int) -> list[Event]:
    """The council's next public events, for its public page."""
    if not council.is_active:
        return []
    events = list(
        permissions.public_events()
        .filter(council=council)
        .upcoming()
        .order_by("starts_at", "pk")[:limit]
    )
    for event in events:
        event.council = council  # their links need its address, not a query each
    return events


def attendees(event: Event) -> dict[str, list[Attendance]]:
    """The answers to ``event``, by answer, names in order. For members only."""
    grouped: dict[str, list[Attendance]] = {answer: [] for answer in Attendance.Answer.values}
    rows = (
        Attendance.objects.filter(event=event, user__is_active=True)
        .select_related("user")
        .order_by("user__display_name", "pk")
    )
    for attendance in rows:
        grouped[attendance.answer].append(attendance)
    return grouped


def answer_of(grouped: dict[str, list[Attendance]], user) -> str | None:
    """``user``'s answer among the ``attendees`` already read (no query)."""
    return next(
        (
            attendance.answer
            for group in grouped.values()
            for attendance in group
            if attendance.user_id == user.pk
        ),
        None,
    )


def has_private_link(user, council) -> bool:
    return CalendarToken.objects.filter(user=user, council=council).exists()


def feed_events(events: QuerySet[Event]) -> list[Event]:
    """What a calendar feed holds: recent and coming events, a bounded number."""
    since = timezone.now() - FEED_HISTORY
    return list(
        events.filter(ends_at__gte=since)
        .select_related("council")
        .order_by("starts_at", "pk")[:FEED_LIMIT]
    )


def recent_events(council, limit: int) -> list[Event]:
    """The council's newest events, for the private space's recent activity."""
    return list(
        Event.objects.filter(council=council)
        .select_related("council", "created_by")
        .order_by("-created_at", "-pk")[:limit]
    )
