"""Every write of the help desk: sending a request, answering it, recording
a call, notes, assignment, closing and reopening, and the clock's warnings.

The clock: ``due_at`` is set to 24 hours ahead whenever the team owes an
answer and emptied when the team answered, so that whether a request is late
is read from the data, at any time, whether or not a task ran.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from notifications import services as notifications

from . import emails, permissions
from .models import ANSWER_WITHIN, HelpMessage, HelpRequest

# The same text sent twice by the same person within this time is one message
# (a double click, a resent form).
DUPLICATE_WITHIN = timedelta(minutes=10)
CALL_MAX_MINUTES = 600
# A call that reached the requester is recorded with its length; a missed one
# may be recorded without.
CALL_LENGTH_NEEDED = gettext_lazy("Give the length of a call that reached the requester.")
# Calls are noted to the minute, by hand: this much before the request (or
# the message that started the clock) still counts.
CALL_TIME_SLACK = timedelta(minutes=5)


def _locked(help_request: HelpRequest) -> HelpRequest:
    return HelpRequest.objects.select_for_update(of=("self",)).get(pk=help_request.pk)


def _start_clock(help_request: HelpRequest, now: datetime) -> None:
    help_request.status = HelpRequest.Status.OPEN
    help_request.due_at = now + ANSWER_WITHIN
    help_request.closed_at = None
    help_request.warned_due_soon_at = None
    help_request.warned_overdue_at = None


def _stop_clock(help_request: HelpRequest, answered_at: datetime) -> None:
    if help_request.status == HelpRequest.Status.OPEN:
        help_request.status = HelpRequest.Status.ANSWERED
    help_request.due_at = None
    if help_request.first_answered_at is None or answered_at < help_request.first_answered_at:
        help_request.first_answered_at = answered_at


def _duplicate(
    help_request: HelpRequest, *, kind: str, author, body: str, now
) -> HelpMessage | None:
    """The same text by the same person a moment ago, with nothing written
    since: a resent form, not a new message."""
    latest = (
        help_request.messages.filter(
            kind=kind,
            author=author if author is not None and author.is_authenticated else None,
            body=body,
            created_at__gte=now - DUPLICATE_WITHIN,
        )
        .order_by("-pk")
        .first()
    )
    if latest is None or help_request.messages.filter(pk__gt=latest.pk).exists():
        return None
    return latest


@transaction.atomic
def request_submit(
    *,
    subject: str,
    message: str,
    email: str,
    name: str = "",
    phone: str = "",
    wants_call: bool = False,
    call_times: str = "",
    council=None,
    department=None,
    requester=None,
    submission_key: str = "",
) -> HelpRequest:
    """Open a request; the requester gets the link to follow it, the team a
    word. The same form sent twice makes one request. The request and what
    announces it are written together: a failure leaves neither."""
    if submission_key:
        existing = HelpRequest.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing
    if not email:
        raise ValidationError(_("Give an e-mail address so that we can answer you."))
    if wants_call and not phone:
        raise ValidationError(_("Give a phone number so that we can call you."))
    now = timezone.now()
    help_request = HelpRequest(
        subject=subject,
        message=message,
        email=email,
        name=name,
        phone=phone,
        wants_call=wants_call,
        call_times=call_times if wants_call else "",
        council=council,
        department=council.department if council is not None else department,
        requester=requester if requester is not None and requester.is_authenticated else None,
        created_at=now,
        submission_key=submission_key,
    )
    _start_clock(help_request, now)
    help_request.full_clean(exclude=["requester", "council", "department", "assigned_to"])
    try:
        with transaction.atomic():
            help_request.save()
    except IntegrityError:
        # The same form sent twice at once: the other request made it.
        existing = HelpRequest.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return existing
    emails.confirm_received(help_request)
    emails.tell_team_new(help_request, permissions.team_of(help_request))
    return help_request


def _check_team(actor, help_request: HelpRequest) -> None:
    if not permissions.can_work_on(actor, help_request):
        raise PermissionDenied


def _check_text(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationError(_("Write a message."))
    return body


@transaction.atomic
def request_answer(
    *, actor, help_request: HelpRequest, body: str, seen_up_to: int | None = None
) -> HelpMessage:
    """The team's answer: the requester reads it on the site and is told (a
    notification when they have an account, else an e-mail with their link
    to follow the request), and the clock stops.

    ``seen_up_to`` is the last message the author had on screen: if someone
    wrote meanwhile, the answer is refused (kept in the form) so that it is
    not sent without reading what came in.
    """
    _check_team(actor, help_request)
    body = _check_text(body)
    help_request = _locked(help_request)
    now = timezone.now()
    duplicate = _duplicate(
        help_request, kind=HelpMessage.Kind.ANSWER, author=actor, body=body, now=now
    )
    if duplicate is not None:
        return duplicate
    if seen_up_to is not None:
        newer = help_request.messages.filter(pk__gt=seen_up_to).exclude(author=actor)
        if newer.filter(kind__in=[HelpMessage.Kind.ANSWER, HelpMessage.Kind.REQUESTER]).exists():
            raise ValidationError(
                _(
                    "Someone wrote in this request while you were answering. Read the new "
                    "message above; your answer is kept below, send it again if it still fits."
                ),
                code="stale",
            )
    answer = help_request.messages.create(
        kind=HelpMessage.Kind.ANSWER, author=actor, body=body, created_at=now
    )
    _stop_clock(help_request, now)
    help_request.closed_at = None
    if help_request.status == HelpRequest.Status.CLOSED:
        help_request.status = HelpRequest.Status.ANSWERED
    if help_request.assigned_to_id is None:
        help_request.assigned_to = actor
    help_request.save()
    _tell_answered(help_request, answer, actor=actor)
    return answer


ANSWER = "support.answer"


def _tell_answered(help_request: HelpRequest, answer: HelpMessage, *, actor) -> None:
    requester = help_request.requester
    if requester is None or not requester.is_active:
        # No account to sign in with: the e-mail carries the follow link.
        emails.tell_answered(help_request, answer)
        return
    with override(settings.LANGUAGE_CODE):
        title = _(
            "The national animation answered your help request no. %(reference)s: “%(subject)s”"
        ) % {"reference": help_request.reference, "subject": help_request.subject}
        place = _("Help desk")
    notifications.notify(
        recipients=[requester],
        kind=ANSWER,
        target_id=help_request.pk,
        title=title,
        url=help_request.get_absolute_url(),
        excerpt=Truncator(answer.body).words(40),
        actor=actor,
        group_key="support",
        group_title=place,
        thread_key=f"help_request:{help_request.pk}",
        thread_title=help_request.subject,
    )


@transaction.atomic
def request_note(*, actor, help_request: HelpRequest, body: str) -> HelpMessage:
    """A note for the team only; the requester never sees it."""
    _check_team(actor, help_request)
    body = _check_text(body)
    now = timezone.now()
    duplicate = _duplicate(
        help_request, kind=HelpMessage.Kind.NOTE, author=actor, body=body, now=now
    )
    if duplicate is not None:
        return duplicate
    return help_request.messages.create(
        kind=HelpMessage.Kind.NOTE, author=actor, body=body, created_at=now
    )


@transaction.atomic
def request_call_record(
    *,
    actor,
    help_request: HelpRequest,
    called_at: datetime,
    minutes: int | None,
    reached: bool,
    note: str = "",
) -> HelpMessage:
    """A phone call made to the requester. A call that reached them answers
    the request (the clock stops at the time of the call); a missed one does
    not, and the requester is told we tried."""
    _check_team(actor, help_request)
    now = timezone.now()
    if called_at > now + timedelta(minutes=5):
        raise ValidationError(_("The call cannot be in the future."))
    if called_at < help_request.created_at - CALL_TIME_SLACK:
        raise ValidationError(_("The call cannot be before the request was sent."))
    if minutes is None and reached:
        raise ValidationError(CALL_LENGTH_NEEDED)
    if minutes is not None and not 0 <= minutes <= CALL_MAX_MINUTES:
        raise ValidationError(
            _("A call lasts between 0 and %(max)s minutes.") % {"max": CALL_MAX_MINUTES}
        )
    help_request = _locked(help_request)
    # The same form sent twice is one call; two calls in the same minute
    # (missed, then reached on a second try) are two.
    already = help_request.messages.filter(
        kind=HelpMessage.Kind.CALL,
        author=actor,
        called_at=called_at,
        reached=reached,
        call_minutes=minutes,
        body=note.strip(),
        created_at__gte=now - DUPLICATE_WITHIN,
    ).first()
    if already is not None:
        return already
    call = help_request.messages.create(
        kind=HelpMessage.Kind.CALL,
        author=actor,
        body=note.strip(),
        created_at=now,
        called_at=called_at,
        call_minutes=minutes,
        reached=reached,
    )
    if reached:
        called_at = min(called_at, now)
        clock_started = (
            help_request.due_at - ANSWER_WITHIN if help_request.due_at is not None else None
        )
        # Calls are noted to the minute: one made in the minute the clock
        # started answers it.
        if clock_started is not None and called_at < clock_started - CALL_TIME_SLACK:
            # The requester wrote again after this call: it answered an
            # earlier message, not the one the clock waits for.
            if help_request.first_answered_at is None or called_at < help_request.first_answered_at:
                help_request.first_answered_at = called_at
        else:
            _stop_clock(help_request, called_at)
        if help_request.assigned_to_id is None:
            help_request.assigned_to = actor
        help_request.save()
    else:
        emails.tell_call_missed(help_request, call)
    return call


@transaction.atomic
def request_assign(*, actor, help_request: HelpRequest, assignee) -> HelpRequest:
    """Give the request to someone of its team (``None``: to nobody)."""
    _check_team(actor, help_request)
    if assignee is not None and not permissions.can_work_on(assignee, help_request):
        raise ValidationError(_("This person cannot answer this request."))
    help_request = _locked(help_request)
    if help_request.assigned_to_id == (assignee.pk if assignee else None):
        return help_request
    help_request.assigned_to = assignee
    help_request.save(update_fields=["assigned_to"])
    help_request.messages.create(kind=HelpMessage.Kind.ASSIGNED, author=actor, assignee=assignee)
    if assignee is not None and assignee.pk != actor.pk:
        emails.tell_assigned(help_request, assignee, actor)
    return help_request


def _check_requester(user, help_request: HelpRequest, *, via_link: bool) -> None:
    """The requester acts signed in, or through the signed link of their
    e-mail (``via_link``: the view checked the link's signature)."""
    if not via_link and not permissions.is_requester(user, help_request):
        raise PermissionDenied


@transaction.atomic
def request_close(
    *, actor, help_request: HelpRequest, by_requester: bool = False, via_link: bool = False
) -> HelpRequest:
    """Close the request, by its team or by its requester ("my problem is
    solved"). Closing stops the clock without counting as an answer."""
    if by_requester:
        _check_requester(actor, help_request, via_link=via_link)
    else:
        _check_team(actor, help_request)
    help_request = _locked(help_request)
    if help_request.status == HelpRequest.Status.CLOSED:
        return help_request
    now = timezone.now()
    help_request.status = HelpRequest.Status.CLOSED
    help_request.due_at = None
    help_request.closed_at = now
    help_request.save()
    author = actor if actor is not None and actor.is_authenticated else None
    help_request.messages.create(kind=HelpMessage.Kind.CLOSED, author=author, created_at=now)
    if not by_requester:
        emails.tell_closed(help_request)
    return help_request


@transaction.atomic
def request_reopen(*, actor, help_request: HelpRequest) -> HelpRequest:
    """The team takes the request up again: a new 24-hour clock starts."""
    _check_team(actor, help_request)
    help_request = _locked(help_request)
    if help_request.status == HelpRequest.Status.OPEN:
        return help_request
    now = timezone.now()
    _start_clock(help_request, now)
    help_request.save()
    help_request.messages.create(kind=HelpMessage.Kind.REOPENED, author=actor, created_at=now)
    return help_request


@transaction.atomic
def requester_reply(
    *, help_request: HelpRequest, body: str, user=None, via_link: bool = False
) -> HelpMessage:
    """The requester writes again (signed in, or through their link): the
    request is open again and the team has 24 hours to answer."""
    _check_requester(user, help_request, via_link=via_link)
    body = _check_text(body)
    help_request = _locked(help_request)
    now = timezone.now()
    author = user if user is not None and user.is_authenticated else None
    duplicate = _duplicate(
        help_request, kind=HelpMessage.Kind.REQUESTER, author=author, body=body, now=now
    )
    if duplicate is not None:
        return duplicate
    reply = help_request.messages.create(
        kind=HelpMessage.Kind.REQUESTER, author=author, body=body, created_at=now
    )
    if help_request.status != HelpRequest.Status.OPEN:
        _start_clock(help_request, now)
        help_request.save()
    people = (
        [help_request.assigned_to]
        if help_request.assigned_to is not None
        and permissions.can_work_on(help_request.assigned_to, help_request)
        else permissions.team_of(help_request)
    )
    emails.tell_team_reply(help_request, people)
    return reply


def follow_link_send(*, help_request: HelpRequest, email: str) -> bool:
    """E-mail a fresh follow link to the request's address, if ``email`` is
    that address. Whoever asks learns nothing either way: the caller answers
    the same whether it was sent (the return value is for tests and logs)."""
    address = help_request.email.strip().lower()
    if not address or email.strip().lower() != address:
        return False
    emails.send_fresh_link(help_request)
    return True


def warn_about_due_requests(*, now: datetime | None = None) -> int:
    """E-mail the team about requests 4 hours from their deadline and about
    overdue ones, each clock once: the assigned person, or the whole team of
    the request. Returns how many requests were warned about.

    Only e-mails: whether a request is late is read from ``due_at``. Safe to
    run concurrently (each request is claimed under its row lock).
    """
    now = now or timezone.now()
    to_warn: dict[int, dict[str, list[HelpRequest]]] = defaultdict(
        lambda: {"due_soon": [], "overdue": []}
    )
    people = {}
    warned = 0
    candidates = [
        ("overdue", HelpRequest.objects.overdue(now).filter(warned_overdue_at__isnull=True)),
        ("due_soon", HelpRequest.objects.due_soon(now).filter(warned_due_soon_at__isnull=True)),
    ]
    with transaction.atomic():
        for which, requests in candidates:
            claimed = list(
                requests.select_for_update(skip_locked=True, of=("self",))
                .select_related("assigned_to", "department")
                .order_by("due_at")[:500]
            )
            for help_request in claimed:
                if which == "overdue":
                    help_request.warned_overdue_at = now
                    # Late already: the "4 hours left" warning has no point any more.
                    help_request.warned_due_soon_at = help_request.warned_due_soon_at or now
                else:
                    help_request.warned_due_soon_at = now
                help_request.save(update_fields=["warned_due_soon_at", "warned_overdue_at"])
                assignee = help_request.assigned_to
                if assignee is not None and permissions.can_work_on(assignee, help_request):
                    recipients = [assignee]
                else:
                    recipients = list(permissions.team_of(help_request))
                for person in recipients:
                    people[person.pk] = person
                    to_warn[person.pk][which].append(help_request)
                warned += 1
        for pk, lists in to_warn.items():
            emails.warn(people[pk], due_soon=lists["due_soon"], overdue=lists["overdue"])
    return warned
