"""Roles are named in the form each person chose on their profile
(« coordinatrice », « coordinateur »), or in both forms when they chose
neither or are not known yet."""

from __future__ import annotations

import html

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from accounts.models import GrammaticalGender, User
from accounts.roles import animator_appoint
from accounts.wording import COORDINATOR, MEMBER, REFERENT, role_name
from councils import services
from councils.models import Membership
from tests.accounts.factories import UserFactory
from tests.councils.factories import coordinator_of, council_create, department, member_of

pytestmark = pytest.mark.django_db

FEMININE, MASCULINE, BOTH = (
    GrammaticalGender.FEMININE,
    GrammaticalGender.MASCULINE,
    GrammaticalGender.UNSPECIFIED,
)


@pytest.mark.parametrize(
    ("gender", "role", "name"),
    [
        (FEMININE, COORDINATOR, "coordinatrice"),
        (MASCULINE, COORDINATOR, "coordinateur"),
        (BOTH, COORDINATOR, "coordinatrice ou coordinateur"),
        (FEMININE, REFERENT, "référente"),
        (MASCULINE, REFERENT, "référent"),
        (BOTH, REFERENT, "référente ou référent"),
        (FEMININE, MEMBER, "membre"),
        (BOTH, MEMBER, "membre"),
    ],
)
def test_a_role_is_named_in_the_form_the_person_chose(gender, role, name):
    with translation.override("fr"):
        assert role_name(role, User(grammatical_gender=gender)) == name


def test_an_address_not_known_yet_gets_both_forms_and_an_unknown_role_is_an_error():
    with translation.override("fr"):
        assert role_name(COORDINATOR, None) == "coordinatrice ou coordinateur"
        with pytest.raises(ValueError, match="animator"):
            role_name("animator", None)


def test_the_profile_form_asks_how_to_name_the_person_and_saves_it(client):
    user = UserFactory(display_name="Fatou")
    client.force_login(user)
    page = html.unescape(client.get(reverse("accounts:profile_edit")).content.decode())
    assert "Comment vous désigner\u00a0?" in page
    assert "Sert uniquement à nommer vos rôles sur le site" in page
    assert "Au féminin\u00a0: coordinatrice" in page

    client.post(
        reverse("accounts:profile_edit"),
        {"display_name": "Fatou", "bio": "", "town": "", "grammatical_gender": "feminine"},
    )
    user.refresh_from_db()
    assert user.grammatical_gender == FEMININE
    profile = html.unescape(client.get(reverse("accounts:profile")).content.decode())
    assert "Désignation de vos rôles" in profile
    assert "Au féminin\u00a0: coordinatrice" in profile

    response = client.post(
        reverse("accounts:profile_edit"),
        {"display_name": "Fatou", "bio": "", "town": "", "grammatical_gender": "neutre"},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.grammatical_gender == FEMININE


def test_the_member_list_names_each_coordinator_as_they_chose(client):
    council = council_create(name="Conseil citoyen de l'Alma")
    coordinator_of(council, UserFactory(display_name="Fatou", grammatical_gender=FEMININE))
    coordinator_of(council, UserFactory(display_name="Karim", grammatical_gender=MASCULINE))
    coordinator_of(council, UserFactory(display_name="Camille"))
    reader = member_of(council)
    client.force_login(reader)
    page = client.get(f"/conseils/{council.slug}/espace/membres/").content.decode()
    badges = [
        part.split("</span>")[0] for part in page.split('<span class="badge badge-primary">')[1:]
    ]
    assert sorted(badges) == ["coordinateur", "coordinatrice", "coordinatrice ou coordinateur"]


def test_the_role_e_mail_and_message_name_the_new_coordinator_as_she_chose(
    client, django_capture_on_commit_callbacks
):
    council = council_create(name="Conseil citoyen de l'Alma")
    client.force_login(coordinator_of(council))
    promoted = member_of(council, UserFactory(display_name="Inès", grammatical_gender=FEMININE))
    membership = Membership.objects.get(user=promoted)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("councils:member_role", args=[council.slug, membership.pk]),
            {"role": "coordinator"},
            follow=True,
        )
    assert "Inès est maintenant coordinatrice." in html.unescape(response.content.decode())
    [message] = mail.outbox
    assert message.subject.endswith("vous êtes maintenant coordinatrice")
    assert "Vous êtes maintenant coordinatrice de ce conseil" in message.body
    assert "En tant que coordinatrice, vous répondez" in message.body


def test_the_referent_e_mail_names_the_referent_as_he_chose(django_capture_on_commit_callbacks):
    animator = UserFactory()
    animator_appoint(user=animator, system=True)
    referent = UserFactory(grammatical_gender=MASCULINE)
    with django_capture_on_commit_callbacks(execute=True):
        services.referent_appoint(actor=animator, user=referent, departments=[department("59")])
    [message] = [m for m in mail.outbox if m.to == [referent.email]]
    assert message.subject.endswith("Vous êtes maintenant référent pour le département Nord (59)")
    assert "L’animation nationale vous confie le rôle de référent pour le département" in (
        message.body
    )
