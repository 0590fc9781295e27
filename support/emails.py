"""The help desk's e-mails, in French, sent after commit: a confirmation with
the link to follow the request, each answer to a requester without an account
(those with one are told through the notifications), a fresh link when an
old one expired, and to the team new requests, replies and the clock's
warnings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.core import signing
from django.core.mail import EmailMessage
from django.urls import reverse

from councils.emails import absolute_url, is_muted, render_email, send_after_commit

from .models import HelpMessage, HelpRequest

FOLLOW_SALT = "support.follow"
FOLDER = "support/email"


def follow_token(help_request: HelpRequest) -> str:
    """The secret of the link that lets a requester follow a request without
    an account. Signed with the site's key: it cannot be forged, and opens
    that request only. It carries the time it was made, which decides how
    long it works once the request is closed (``permissions.follow_link_works``)."""
    return signing.dumps(help_request.pk, salt=FOLLOW_SALT, compress=True)


@dataclass(frozen=True)
class FollowLink:
    help_request: HelpRequest
    made_at: datetime


def follow_link_from_token(token: str) -> FollowLink | None:
    """The request a link opens, and when the link was made; None for a link
    that was changed or whose request is gone."""
    try:
        pk = signing.loads(token, salt=FOLLOW_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    # The signature holds: the timestamp before it is the one the site wrote.
    _payload, timestamp, _signature = token.rsplit(":", 2)
    made_at = datetime.fromtimestamp(signing.b62_decode(timestamp), tz=UTC)
    help_request = (
        HelpRequest.objects.select_related("council", "department", "assigned_to")
        .filter(pk=pk)
        .first()
    )
    return None if help_request is None else FollowLink(help_request, made_at)


def follow_url(help_request: HelpRequest) -> str:
    return absolute_url(reverse("support:follow", kwargs={"token": follow_token(help_request)}))


def _message(template: str, context: dict, to: list[str]) -> EmailMessage:
    subject, body = render_email(template, context, folder=FOLDER)
    return EmailMessage(subject=subject, body=body, to=to)


def _to_requester(template: str, help_request: HelpRequest, **extra) -> None:
    if is_muted():
        return
    context = {"request": help_request, "follow_url": follow_url(help_request), **extra}
    send_after_commit(
        [_message(template, context, [help_request.email])], template=f"{FOLDER}/{template}"
    )


def confirm_received(help_request: HelpRequest) -> None:
    _to_requester("received", help_request)


def tell_answered(help_request: HelpRequest, answer: HelpMessage) -> None:
    """Only for a requester without an account: the link is their way back."""
    _to_requester("answered", help_request, answer=answer)


def tell_call_missed(help_request: HelpRequest, call: HelpMessage) -> None:
    _to_requester("call_missed", help_request, call=call)


def tell_closed(help_request: HelpRequest) -> None:
    _to_requester("closed", help_request)


def send_fresh_link(help_request: HelpRequest) -> None:
    """A new link to a request whose old link expired, to its address only."""
    _to_requester("fresh_link", help_request)


def _to_team(template: str, people, context: dict) -> None:
    if is_muted():
        return
    addresses = sorted({person.email for person in people if person.email})
    messages = [_message(template, context, [address]) for address in addresses]
    send_after_commit(messages, template=f"{FOLDER}/{template}")


def tell_team_new(help_request: HelpRequest, team) -> None:
    _to_team(
        "team_new",
        team,
        {"request": help_request, "team_url": absolute_url(help_request.get_team_url())},
    )


def tell_team_reply(help_request: HelpRequest, team) -> None:
    _to_team(
        "team_reply",
        team,
        {"request": help_request, "team_url": absolute_url(help_request.get_team_url())},
    )


def tell_assigned(help_request: HelpRequest, assignee, by) -> None:
    _to_team(
        "assigned",
        [assignee],
        {
            "request": help_request,
            "by": by,
            "team_url": absolute_url(help_request.get_team_url()),
        },
    )


def warn(person, *, due_soon: list[HelpRequest], overdue: list[HelpRequest]) -> None:
    """One e-mail per person for the requests whose clock needs them."""
    _to_team(
        "warning",
        [person],
        {
            "due_soon": [(r, absolute_url(r.get_team_url())) for r in due_soon],
            "overdue": [(r, absolute_url(r.get_team_url())) for r in overdue],
            "count": len(due_soon) + len(overdue),
            "queue_url": absolute_url(reverse("support:queue")),
        },
    )
