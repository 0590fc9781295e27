"""What "Mes données" holds from the help desk: the requests the person sent
from their account, with what they were told. When the account is deleted,
its requests lose every personal word (the rows stay, empty, for the help
desk's statistics).

What the export leaves out, and why: the team's internal notes, the
assignments and what the team wrote about a phone call. They are personal
data too (GDPR art. 15 covers them), but they are working notes that may
speak of other people (a referent, a council's members), which art. 15(4)
asks to weigh before handing over. So they are not given out by a button: the
README of the archive tells the person they can ask for them through the help
desk, where someone answers within the month the law allows (art. 12(3)).
Requests sent while logged out are not in the export either: anyone may type
any address in the contact form, so only what the account itself sent is
surely this person's."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.personal_data import ExportPart, PersonalDataSection

from .models import HelpMessage, HelpRequest


def export_help_requests(user) -> ExportPart:
    """The account's requests, each with what the requester sees of its thread
    (their own messages, the answers, closings and reopenings)."""
    shown = HelpMessage.objects.filter(kind__in=HelpMessage.SHOWN_TO_REQUESTER)
    requests = (
        HelpRequest.objects.filter(requester=user)
        .select_related("council")
        .prefetch_related(Prefetch("messages", queryset=shown, to_attr="shown_messages"))
        .order_by("created_at")
    )
    return ExportPart(
        [
            {
                "subject": help_request.subject,
                "message": help_request.message,
                "sent_at": help_request.created_at,
                "email": help_request.email,
                "phone": help_request.phone,
                "wants_call": help_request.wants_call,
                "call_times": help_request.call_times,
                "council": help_request.council.name if help_request.council else None,
                "status": help_request.get_status_display(),
                "thread": [
                    {
                        "kind": message.get_kind_display(),
                        "at": message.created_at,
                        "text": message.body if message.kind != HelpMessage.Kind.CALL else "",
                    }
                    for message in help_request.shown_messages
                ],
            }
            for help_request in requests
        ]
    )


def erase_help_requests(user) -> None:
    requests = HelpRequest.objects.filter(requester=user)
    HelpMessage.objects.filter(request__in=requests).update(body="")
    requests.exclude(status=HelpRequest.Status.CLOSED).update(
        status=HelpRequest.Status.CLOSED, due_at=None, closed_at=timezone.now()
    )
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Request from a deleted account")
    requests.update(
        subject=subject,
        message="",
        name="",
        email="",
        phone="",
        call_times="",
    )


SUPPORT_SECTION = PersonalDataSection(
    key="help_requests",
    export=export_help_requests,
    erase=erase_help_requests,
    title=gettext_lazy(
        "Your help desk requests: for each one, what you wrote (subject, message, how to "
        "reach you), its status and the thread as you see it on the site (your messages "
        "and the team's answers; for a phone call, only that it took place)."
    ),
)
