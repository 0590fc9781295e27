"""Reads of the help desk: the team's queue, a request's thread, who is on
the team of a request."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from accounts.roles import ANIMATION_GROUP_NAME

from . import permissions
from .models import HelpMessage, HelpRequest

User = get_user_model()

# Queue filters, as they appear in the address (?etat=…).
STATE_WAITING = "en-attente"
STATE_OVERDUE = "en-retard"
STATE_ANSWERED = "repondues"
STATE_CLOSED = "fermees"
STATE_ALL = "toutes"
ASSIGNED_ME = "moi"
ASSIGNED_NOBODY = "personne"


def queue(
    user,
    *,
    state: str = STATE_WAITING,
    department=None,
    assigned: str = "",
    wants_call: bool = False,
    now=None,
) -> QuerySet[HelpRequest]:
    """The requests ``user`` works on, those with the least time left first
    (overdue ones at the top), then answered and closed ones, newest first."""
    requests = permissions.requests_for_team(user)
    if state == STATE_WAITING:
        requests = requests.waiting()
    elif state == STATE_OVERDUE:
        requests = requests.overdue(now)
    elif state == STATE_ANSWERED:
        requests = requests.filter(status=HelpRequest.Status.ANSWERED)
    elif state == STATE_CLOSED:
        requests = requests.filter(status=HelpRequest.Status.CLOSED)
    if department is not None:
        requests = requests.filter(department=department)
    if assigned == ASSIGNED_ME:
        requests = requests.filter(assigned_to=user)
    elif assigned == ASSIGNED_NOBODY:
        requests = requests.filter(assigned_to__isnull=True)
    elif assigned.isdigit():
        requests = requests.filter(assigned_to_id=int(assigned))
    if wants_call:
        requests = requests.filter(wants_call=True)
    waiting_first = Case(
        When(status=HelpRequest.Status.OPEN, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return requests.select_related("department", "assigned_to", "council").order_by(
        waiting_first, "due_at", "-created_at", "-pk"
    )


def waiting_counts(user, now=None) -> dict[str, int]:
    requests = permissions.requests_for_team(user)
    return {
        "waiting": requests.waiting().count(),
        "overdue": requests.overdue(now).count(),
    }


def assignable_people(user) -> QuerySet:
    """Whom ``user`` may pick in the "assigned to" filter: the national
    animation and the referents of ``user``'s requests."""
    requests = permissions.requests_for_team(user)
    return (
        User.objects.filter(
            Q(groups__name=ANIMATION_GROUP_NAME)
            | Q(referent_assignments__department__help_requests__in=requests)
        )
        .filter(is_active=True)
        .distinct()
        .order_by("display_name", "pk")
    )


def thread(help_request: HelpRequest, *, for_team: bool) -> list[HelpMessage]:
    """The messages after the request, as its team or its requester sees them:
    the requester never gets notes, assignments or the team's note of a call."""
    messages = help_request.messages.select_related("author", "assignee")
    if not for_team:
        messages = messages.filter(kind__in=HelpMessage.SHOWN_TO_REQUESTER)
    shown = sorted(messages, key=_when)
    if not for_team:
        for message in shown:
            if message.kind == HelpMessage.Kind.CALL:
                message.body = ""
    return shown


def _when(message: HelpMessage):
    """A call shows at the time it was made, which may be before other
    messages recorded in between."""
    return (message.called_at or message.created_at, message.pk)


def last_message_pk(help_request: HelpRequest) -> int:
    return help_request.messages.order_by("-pk").values_list("pk", flat=True).first() or 0
