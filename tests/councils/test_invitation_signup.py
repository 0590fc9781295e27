"""Signing up from an invitation: the invited address comes filled in, and a
still-valid link opened in this browser proves it, so no confirmation e-mail
is asked for it. Nothing else is proved: not another address, not a link
revoked, used, expired or tampered with, not an archived council's."""

from __future__ import annotations

import html
import time
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User
from councils import services
from councils.models import Membership
from tests.accounts.factories import UserFactory
from tests.councils.factories import coordinator_of, council_create

pytestmark = pytest.mark.django_db

INVITED = "invitee@exemple.test"
PASSWORD = "Quartier-Nord-2026!"


@pytest.fixture
def council():
    return council_create()


@pytest.fixture
def invitation(council):
    return services.invitation_send(
        actor=coordinator_of(council), council=council, email=INVITED, role="member"
    )


def _path(invitation) -> str:
    return reverse("councils:invitation", args=[services.invitation_token(invitation)])


def _sign_up(client, capture, email: str, next_path: str = ""):
    url = reverse("account_signup") + (f"?next={next_path}" if next_path else "")
    with capture(execute=True):
        return client.post(
            url,
            {
                "email": email,
                "display_name": "Nouvelle",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )


def _addresses(email: str) -> list[tuple[str, bool]]:
    user = User.objects.get(email__iexact=email)
    return list(EmailAddress.objects.filter(user=user).values_list("email", "verified"))


def _confirmation_sent_to(email: str) -> bool:
    return any(email in message.to for message in mail.outbox)


def test_the_sign_up_form_comes_with_the_invited_address(client, invitation):
    client.get(_path(invitation))
    page = client.get(f"{reverse('account_signup')}?next={_path(invitation)}").content.decode()
    assert f'value="{INVITED}"' in page


def test_the_invited_address_is_verified_and_leads_back_to_the_invitation(
    client, council, invitation, django_capture_on_commit_callbacks
):
    path = _path(invitation)
    client.get(path)
    response = _sign_up(client, django_capture_on_commit_callbacks, "Invitee@Exemple.test", path)
    assert response.status_code == 302
    assert response.url == path
    assert _addresses(INVITED) == [(INVITED, True)]
    assert not _confirmation_sent_to(INVITED)
    # Signed in, on the invitation's page: one click accepts it.
    page = html.unescape(client.get(path).content.decode())
    assert "Accepter l’invitation" in page
    client.post(path)
    assert Membership.objects.filter(council=council, user__email=INVITED).exists()


def test_another_address_typed_in_the_form_is_confirmed_the_usual_way(
    client, invitation, django_capture_on_commit_callbacks
):
    client.get(_path(invitation))
    _sign_up(client, django_capture_on_commit_callbacks, "autre@exemple.test", _path(invitation))
    assert _addresses("autre@exemple.test") == [("autre@exemple.test", False)]
    assert _confirmation_sent_to("autre@exemple.test")
    assert not EmailAddress.objects.filter(email__iexact=INVITED).exists()


def _revoke(invitation, council):
    services.invitation_revoke(actor=invitation.invited_by, invitation=invitation)


def _accept_elsewhere(invitation, council):
    # Accepted from another browser by an account holding the address,
    # closed since (so that the address is free for a sign-up again).
    holder = UserFactory(email=INVITED)
    services.invitation_accept(user=holder, invitation=invitation)
    holder.delete()


def _archive(invitation, council):
    council.status = council.Status.ARCHIVED
    council.save(update_fields=["status"])


@pytest.mark.parametrize("spoil", [_revoke, _accept_elsewhere, _archive])
def test_an_invitation_closed_after_its_link_was_opened_proves_nothing(
    client, council, invitation, django_capture_on_commit_callbacks, spoil
):
    client.get(_path(invitation))
    spoil(invitation, council)
    response = _sign_up(client, django_capture_on_commit_callbacks, INVITED)
    assert response.url == reverse("account_email_verification_sent")
    assert _addresses(INVITED) == [(INVITED, False)]
    assert _confirmation_sent_to(INVITED)


def test_a_link_that_expired_since_it_was_opened_proves_nothing(
    client, invitation, django_capture_on_commit_callbacks
):
    client.get(_path(invitation))
    later = time.time() + 15 * 86400
    with mock.patch("django.core.signing.time.time", return_value=later):
        _sign_up(client, django_capture_on_commit_callbacks, INVITED)
    assert _addresses(INVITED) == [(INVITED, False)]


def test_a_tampered_token_proves_nothing(client, invitation, django_capture_on_commit_callbacks):
    token = services.invitation_token(invitation)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(reverse("councils:invitation", args=[tampered])).status_code == 404
    page = client.get(reverse("account_signup")).content.decode()
    assert INVITED not in page
    _sign_up(client, django_capture_on_commit_callbacks, INVITED)
    assert _addresses(INVITED) == [(INVITED, False)]


def test_the_proof_is_used_once(client, invitation, django_capture_on_commit_callbacks):
    """After one account is made, the same browser proves nothing more (the
    invitation is still open until accepted)."""
    client.get(_path(invitation))
    _sign_up(client, django_capture_on_commit_callbacks, "autre@exemple.test")
    assert "councils_invitation_token" not in client.session
    _sign_up(client, django_capture_on_commit_callbacks, INVITED)
    assert _addresses(INVITED) == [(INVITED, False)]


def test_the_stash_of_allauth_alone_proves_nothing(client, django_capture_on_commit_callbacks):
    """Only a valid invitation proves an address, not a value left in the
    session by something else."""
    session = client.session
    session["account_verified_email"] = INVITED
    session.save()
    _sign_up(client, django_capture_on_commit_callbacks, INVITED)
    assert _addresses(INVITED) == [(INVITED, False)]
