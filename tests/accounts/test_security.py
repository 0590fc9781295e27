"""Rate limits on every login form, the admin's included; two-factor for staff."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse

from accounts.models import User
from accounts.roles import animator_appoint
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_admin_login_goes_through_the_site_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


TOO_MANY = "Trop de tentatives de connexion échouées. Veuillez réessayer ultérieurement."


def _log_in(address: str, email: str, password: str):
    from django.test import Client

    client = Client(REMOTE_ADDR=address)
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    return client, response


def test_failed_logins_are_limited_per_address_and_account_not_for_everyone():
    """Five wrong passwords from one address stop that address for that
    account; the owner, elsewhere, still logs in."""
    user = UserFactory()
    attacker = "203.0.113.9"
    for _ in range(5):
        _, response = _log_in(attacker, user.email, "faux-mot-de-passe")
        assert response.status_code == 200
        assert TOO_MANY not in response.content.decode()
    # Even the right password is refused from that address for a while.
    client, response = _log_in(attacker, user.email, PASSWORD)
    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert "_auth_user_id" not in client.session

    client, response = _log_in("198.51.100.20", user.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_one_address_cannot_try_many_accounts_fast():
    address = "203.0.113.10"
    for _ in range(10):
        _, response = _log_in(address, UserFactory().email, "faux-mot-de-passe")
        assert TOO_MANY not in response.content.decode()
    user = UserFactory()
    client, response = _log_in(address, user.email, PASSWORD)
    assert TOO_MANY in response.content.decode()
    assert "_auth_user_id" not in client.session
    client, response = _log_in("198.51.100.21", user.email, PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)


def test_unverified_account_cannot_log_in(client):
    user = UserFactory(verified=False)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_staff_roles_must_set_up_two_factor_when_required(client, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    animator = UserFactory()
    animator_appoint(user=animator, system=True)
    client.force_login(animator)

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    # The pages needed to set it up stay reachable (after typing the password again).
    response = client.get(reverse("mfa_activate_totp"))
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert client.get(response.url).status_code == 200

    Authenticator.objects.create(user=animator, type=Authenticator.Type.TOTP, data={})
    assert client.get(reverse("home")).status_code == 200


def test_ordinary_members_are_not_forced_to_two_factor(client, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    client.force_login(UserFactory())
    assert client.get(reverse("home")).status_code == 200


def test_two_factor_is_offered_to_everyone(client):
    client.force_login(UserFactory())
    response = client.get(reverse("mfa_activate_totp"))
    assert response.url.startswith(reverse("account_reauthenticate"))
    response = client.post(response.url, {"password": PASSWORD})
    assert response.url == reverse("mfa_activate_totp")
    page = client.get(response.url).content.decode()
    assert 'name="code"' in page


def _with_two_factor(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def _current_code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    counter = counters[len(counters) // 2]  # now, in the middle of any tolerance
    return format_hotp_value(hotp_value(secret, counter))


def test_a_two_factor_account_reauthenticates_with_its_second_factor_never_an_emailed_code(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    """Whoever reads the mailbox alone must not turn two-factor off nor delete
    the account: no code is e-mailed, the password alone is not enough."""
    user = UserFactory()
    secret = _with_two_factor(user)
    client.force_login(user)
    delete_url = reverse("accounts:account_delete")
    mfa_url = reverse("mfa_reauthenticate")

    for protected in (delete_url, reverse("mfa_deactivate_totp")):
        response = client.get(protected)
        assert response.status_code == 302
        assert response.url.startswith(mfa_url)

    # The e-mailed code is not offered, and asking for one sends nothing.
    page = client.get(f"{mfa_url}?next={delete_url}").content.decode()
    assert "affiché par votre application d’authentification" in page
    assert reverse("account_request_reauthentication_code") not in page
    assert reverse("account_reauthenticate") not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_request_reauthentication_code"), {"recipient": user.email}
        )
    assert mailoutbox == []
    assert response.status_code == 302
    assert response.url.startswith(mfa_url)
    # Nor does the password alone do.
    response = client.post(
        f"{reverse('account_reauthenticate')}?next={delete_url}", {"password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url.startswith(mfa_url)
    assert client.get(delete_url).url.startswith(mfa_url)

    # A wrong code is refused in French; nothing is deleted.
    response = client.post(f"{mfa_url}?next={delete_url}", {"code": "000000"})
    assert response.status_code == 200
    assert "Code incorrect" in response.content.decode()
    assert client.get(delete_url).url.startswith(mfa_url)

    # The authenticator's code opens the page; the account is there to delete.
    response = client.post(f"{mfa_url}?next={delete_url}", {"code": _current_code(secret)})
    assert response.status_code == 302
    assert response.url == delete_url
    assert "SUPPRIMER" in client.get(delete_url).content.decode()
    assert User.objects.filter(pk=user.pk).exists()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_a_recovery_code_also_reauthenticates_a_two_factor_account(client):
    user = UserFactory()
    _with_two_factor(user)
    client.force_login(user)
    recovery = RecoveryCodes(
        Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    )
    deactivate_url = reverse("mfa_deactivate_totp")
    response = client.post(
        f"{reverse('mfa_reauthenticate')}?next={deactivate_url}",
        {"code": recovery.get_unused_codes()[0]},
    )
    assert response.url == deactivate_url
    assert client.get(deactivate_url).status_code == 200


def test_an_account_without_two_factor_still_reauthenticates_with_its_password(client):
    user = UserFactory()
    client.force_login(user)
    delete_url = reverse("accounts:account_delete")
    response = client.get(delete_url)
    assert response.url.startswith(reverse("account_reauthenticate"))
    response = client.post(response.url, {"password": PASSWORD})
    assert response.url == delete_url
