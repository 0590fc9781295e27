"""An invitation link as proof of its address, for a sign-up.

The invitation page remembers, in the visitor's session, the signed token of
the link they opened. When they create their account, the adapter asks
``invitation_signup_address``: the token is checked again then, so a link
revoked, used, expired or of an archived council since proves nothing, and a
tampered token never did. The address counts as verified only for an account
created with that very address (``accounts.adapter``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest

from accounts.address_proofs import AddressProof

from . import services

SESSION_KEY = "councils_invitation_token"


def invitation_signup_remember(request: HttpRequest, token: str) -> None:
    """Call only with a token ``services.invitation_from_token`` accepted."""
    request.session[SESSION_KEY] = token


def invitation_signup_address(request: HttpRequest) -> str | None:
    token = request.session.get(SESSION_KEY)
    if not token:
        return None
    try:
        invitation = services.invitation_from_token(token)
    except ValidationError:
        invitation_signup_forget(request)
        return None
    return invitation.email


def invitation_signup_forget(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


INVITATION_PROOF = AddressProof(
    key="councils.invitation",
    address=invitation_signup_address,
    forget=invitation_signup_forget,
)
