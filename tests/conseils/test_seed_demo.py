"""seed_demo creates the demo accounts of DESIGN.md and can run twice."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from accounts.models import User
from accounts.roles import is_animator
from conseils import demo

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent(client):
    call_command("seed_demo", verbosity=0)
    counts = (User.objects.count(), EmailAddress.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (User.objects.count(), EmailAddress.objects.count()) == counts
    assert counts[0] == len(demo.DEMO_ACCOUNTS) + demo.BASE_POPULATION

    admin = User.objects.get(email="admin@demo.conseils.test")
    assert admin.is_superuser
    assert is_animator(User.objects.get(email="animation@demo.conseils.test"))
    habitant = User.objects.get(email="habitant@demo.conseils.test")
    assert not habitant.is_staff
    assert EmailAddress.objects.get(user=habitant).verified

    # A demo account logs in straight away with the documented password.
    response = client.post(
        "/compte/login/", {"login": "membre-a@demo.conseils.test", "password": demo.PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/profil/").status_code == 200


def test_seed_demo_scale_adds_more(client):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", scale=1, verbosity=0)
    assert User.objects.count() == len(demo.DEMO_ACCOUNTS) + 2 * demo.BASE_POPULATION


def test_seed_demo_gives_the_demo_accounts_their_councils():
    from councils import permissions
    from councils.models import Council, Membership

    call_command("seed_demo", verbosity=0)
    memberships = Membership.objects.count()
    call_command("seed_demo", verbosity=0)
    assert Membership.objects.count() == memberships

    def account(name):
        return User.objects.get(email=f"{name}@demo.conseils.test")

    first = Council.objects.get(slug="alma-roubaix")
    second = Council.objects.get(slug="bourgogne-tourcoing")
    assert Council.objects.count() == 20
    assert permissions.is_coordinator(account("coordination-a"), first)
    assert permissions.can_view_space(account("membre-a"), first)
    assert not permissions.can_view_space(account("membre-a"), second)
    assert permissions.can_view_space(account("membre-b"), second)
    referent = account("referent")
    assert permissions.can_manage_members(referent, first)
    assert permissions.can_manage_members(referent, second)
    assert not permissions.can_view_space(referent, first)
    assert not permissions.councils_with_space_visible_to(account("habitant")).exists()
    assert not permissions.councils_with_space_visible_to(account("animation")).exists()


def test_seed_demo_writes_forums_and_sends_no_email(django_capture_on_commit_callbacks):
    from django.core import mail

    from forums.models import Forum, Topic

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", verbosity=0)
    assert mail.outbox == []
    assert Forum.objects.filter(council__isnull=True).count() == 3
    assert Topic.objects.filter(forum__council__slug="alma-roubaix").exists()
    assert Forum.objects.filter(council__isnull=False).count() == 20
