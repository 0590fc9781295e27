"""Rate limits on every login form, the admin's included; two-factor for staff."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from accounts.roles import animator_appoint
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_admin_login_goes_through_the_site_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_failed_logins_are_rate_limited(client):
    user = UserFactory()
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": user.email, "password": "faux"})
        assert response.status_code == 200
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    # Even the right password is refused for a while after too many failures.
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


def test_unverified_account_cannot_log_in(client):
    user = UserFactory(verified=False)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_staff_roles_must_set_up_two_factor_when_required(client, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    animator = UserFactory()
    animator_appoint(user=animator)
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
