"""What "Mes données" holds from this app: memberships, join requests, roles."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.personal_data import ExportPart, PersonalDataSection

from .models import Invitation, JoinRequest, Membership, MembershipEvent, ReferentAssignment


def export_councils(user) -> ExportPart:
    return ExportPart(
        {
            "memberships": [
                {"council": m.council.name, "role": m.role, "joined_at": m.joined_at}
                for m in Membership.objects.filter(user=user).select_related("council")
            ],
            "join_requests": [
                {
                    "council": r.council.name,
                    "message": r.message,
                    "status": r.status,
                    "sent_at": r.created_at,
                    "answered_at": r.decided_at,
                    "refusal_reason": r.refusal_reason,
                }
                for r in JoinRequest.objects.filter(user=user).select_related("council")
            ],
            "invitations_received": [
                {"council": i.council.name, "email": i.email, "sent_at": i.created_at}
                for i in Invitation.objects.filter(email__iexact=user.email).select_related(
                    "council"
                )
            ],
            "referent_of": [
                {"department": a.department.code, "since": a.appointed_at}
                for a in ReferentAssignment.objects.filter(user=user).select_related("department")
            ],
        }
    )


def erase_councils(user) -> None:
    # Memberships, requests and assignments go with the account (CASCADE);
    # invitations sent to the address do not point at the account.
    # The membership log keeps its lines (who did what) without the address.
    Invitation.objects.filter(email__iexact=user.email).delete()
    MembershipEvent.objects.filter(detail__iexact=user.email).update(detail="")


COUNCILS_SECTION = PersonalDataSection(
    key="councils",
    export=export_councils,
    erase=erase_councils,
    title=_("Your councils."),
    contents=(
        ("memberships", _("the councils you belong to, your role and since when")),
        (
            "join_requests",
            _(
                "your requests to join a council, with your message and the answer (“pending”: "
                "not answered yet)"
            ),
        ),
        ("invitations_received", _("the invitations sent to your address")),
        ("referent_of", _("the departments where you are a local referent")),
    ),
)
