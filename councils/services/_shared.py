"""What the council services share: permission sets, error messages, the log,
the kinds of notification they publish."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from common.actors import check_actor

from .. import permissions
from ..models import (
    DETAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    Council,
    MembershipEvent,
)

if TYPE_CHECKING:
    from accounts.models import User


MEMBER_PERMISSIONS = (permissions.VIEW_SPACE, permissions.CONTRIBUTE)
COORDINATOR_PERMISSIONS = (permissions.MANAGE_MEMBERS, permissions.EDIT_COUNCIL)
REFERENT_PERMISSIONS = (permissions.MANAGE_MEMBERS, permissions.EDIT_COUNCIL)
INVITATION_SALT = "councils.invitation"

# Kinds of notification (registered in ``CouncilsConfig.ready``).
JOIN_REQUEST_KIND = "councils.join_request"
JOIN_DECISION_KIND = "councils.join_decision"
INVITATION_KIND = "councils.invitation"
OUTSIDE_CHANGE_KIND = "councils.outside_change"

ERROR_ALREADY_MEMBER = _("You are already a member of this council.")
ERROR_REQUEST_PENDING = _(
    "You have already asked to join this council; the answer will come in your notifications."
)
ERROR_COUNCIL_ARCHIVED = _("This council is archived: it does not take new members.")
ERROR_REQUEST_ANSWERED = _("This request has already been answered.")
ERROR_REASON_TOO_LONG = _("The reason is too long: 500 characters at most.")
ERROR_LAST_COORDINATOR = _(
    "A council keeps at least one coordinator. Name another coordinator first, "
    "or ask the referent of the department."
)
ERROR_INVITEE_ALREADY_MEMBER = _("The person with this address is already a member.")
ERROR_INVITATION_USED = _("This invitation has already been used or was cancelled.")
ERROR_INVITATION_INVALID = _(
    "This invitation link is not valid or has expired (links last 14 days). "
    "Ask the council's coordinators to send a new one."
)
ERROR_UNKNOWN_ROLE = _("Choose a role from the list.")
ERROR_DUPLICATE_COUNCIL = _("A council with this name already exists in this town.")
ERROR_INVITATION_OTHER_ADDRESS = _(
    "This invitation was sent to another e-mail address. Log in with the account "
    "of that address, or create one with it."
)
ERROR_INVITATION_ARCHIVED = _(
    "This council has been archived since the invitation was sent: it no longer takes new members."
)
ERROR_NOT_REFERENT_THERE = _("You are not a referent of this department.")

# Managing is never a way in.
ERROR_TOO_MANY_INVITATIONS = _(
    "You have sent many invitations in a short time. Wait a little (at most an hour) "
    "before sending more; the invitations already sent are on their way."
)
ERROR_SELF_ADMISSION = _(
    "You cannot admit yourself to a council: one of its coordinators decides it."
)
ERROR_OWN_REQUEST = _(
    "You cannot accept your own request to join: one of the council's coordinators answers it."
)
ERROR_OWN_ADDRESS = _(
    "You cannot invite your own address: ask to join the council from its page, "
    "and one of its coordinators will answer."
)
ERROR_OWN_ROLE = _(
    "You cannot make yourself coordinator: another coordinator of the council decides it."
)
ERROR_OWN_APPOINTMENT = _(
    "You cannot appoint yourself: another member of the national animation does it."
)
ERROR_OWN_INVITATION = _(
    "You sent this invitation yourself: you cannot accept it. Ask to join the "
    "council from its page; one of its coordinators will answer."
)
ERROR_CONSENT_NEEDED = _(
    "This person manages councils (referent, national animation or technical team): "
    "they become a member only with the consent of one of the council's coordinators, "
    "given on this site. A coordinator of the council must answer their request."
)
ERROR_CONSENT_NEEDED_INVITATION = _(
    "You manage councils (referent, national animation or technical team): you become a "
    "member of a council only with the consent of one of its coordinators. This invitation "
    "does not come from one of them. Ask to join the council from its page: a coordinator "
    "will answer."
)
ERROR_NO_COORDINATOR = _(
    "This council has no coordinator yet, so nobody can give its consent: a person who "
    "manages councils cannot join it for now. Invite a resident of the neighbourhood as its "
    "first coordinator; they can then answer the request."
)
ERROR_NO_COORDINATOR_TO_ASK = _(
    "This council has no coordinator yet, so nobody can give its consent to your arrival: "
    "you manage councils (referent, national animation or technical team), and you become a "
    "member only with the consent of one of its coordinators. The referent of the department "
    "can invite a resident of the neighbourhood as its first coordinator; you can then ask to "
    "join."
)
ERROR_ALREADY_REFERENT = _("This person is already referent of this department.")


# Records and files.


def _record(
    council: Council,
    action: str,
    *,
    actor: User | None = None,
    system: bool = False,
    subject: User | None = None,
    detail: str = "",
    other_council_name: str = "",
    from_outside: bool = False,
) -> MembershipEvent:
    """Write one line of the council's log; ``system=True`` when the site
    itself acts (the line says "the site", whoever may be signed in)."""
    check_actor(actor, system=system)
    return MembershipEvent.objects.create(
        council=council,
        action=action,
        actor=actor,
        subject=subject,
        detail=detail[:DETAIL_MAX_LENGTH],
        other_council_name=other_council_name[:NAME_MAX_LENGTH],
        by_system=system,
        from_outside=from_outside,
    )


def _council_place(council: Council) -> dict[str, str]:
    """Where a notification about ``council`` is grouped in the digest."""
    return {"group_key": f"council:{council.pk}", "group_title": council.name}
