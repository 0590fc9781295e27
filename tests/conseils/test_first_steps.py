"""A newcomer's first page once their address is confirmed: the councils of
their department with "ask to join", what a council and its private space
are, the directory and the help desk. Members go to their usual place."""

from __future__ import annotations

import html
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils import services
from councils.forms import department_code_of
from tests.accounts.factories import UserFactory
from tests.councils.factories import council_create, department, member_of

pytestmark = pytest.mark.django_db

FIRST_STEPS = reverse("first_steps")
EMAIL = "nouvelle@exemple.test"
PASSWORD = "Quartier-Nord-2026!"


def _sign_up(client, capture) -> str:
    """Sign up; returns the path of the confirmation link e-mailed."""
    with capture(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": EMAIL,
                "display_name": "Nouvelle",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    (message,) = mail.outbox
    return re.search(r"https?://[^/\s]+(/compte/confirm-email/[^\s]+/)", message.body).group(1)


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_confirming_the_address_lands_on_the_first_steps(
    client, django_capture_on_commit_callbacks
):
    confirm = _sign_up(client, django_capture_on_commit_callbacks)
    response = client.post(confirm)
    assert response.status_code == 302
    assert response.url == FIRST_STEPS
    page = _text(client.get(response.url))
    assert "Trouvez votre conseil citoyen" in page


def test_confirming_in_another_browser_logs_in_then_lands_on_the_first_steps(
    client, django_capture_on_commit_callbacks
):
    from django.test import Client

    confirm = _sign_up(client, django_capture_on_commit_callbacks)
    phone = Client()
    response = phone.post(confirm)
    assert response.url == f"{reverse('account_login')}?next=%2Fpremiers-pas%2F"
    response = phone.post(response.url, {"login": EMAIL, "password": PASSWORD})
    assert response.url == FIRST_STEPS


def test_the_page_lists_the_councils_of_my_department_with_the_join_action(client):
    nord = council_create(name="Conseil de l'Alma", town="Roubaix")
    requested = council_create(name="Conseil du Pile", town="Roubaix")
    elsewhere = council_create(
        name="Conseil de la Duchère", town="Lyon", department=department("69")
    )
    archived = council_create(name="Conseil fermé", town="Roubaix")
    archived.status = archived.Status.ARCHIVED
    archived.save(update_fields=["status"])
    newcomer = UserFactory(town="")
    services.membership_request(user=newcomer, council=requested, message="Bonjour")
    client.force_login(newcomer)

    response = client.get(FIRST_STEPS, {"place": "59100"})
    page = _text(response)
    assert "Les conseils citoyens – Nord (59)" in page
    assert nord.name in page
    assert reverse("councils:join", args=[nord.slug]) in page
    # Already asked: no second request, the request waits.
    assert reverse("councils:join", args=[requested.slug]) not in page
    assert "Demande envoyée" in page
    assert elsewhere.name not in page
    assert archived.name not in page
    # The rest of the way: directory, what a council is, the help desk.
    assert reverse("councils:directory") in page
    assert reverse("councils_about") in page
    assert reverse("support:help") in page
    assert "espace privé" in page


def test_the_department_is_guessed_from_a_request_or_the_town_of_the_profile(client):
    lyon = council_create(name="Conseil de la Duchère", town="Lyon", department=department("69"))
    client.force_login(UserFactory(town="lyon"))
    page = _text(client.get(FIRST_STEPS))
    assert lyon.name in page
    assert 'value="69"' in page

    client.force_login(UserFactory(town=""))
    page = _text(client.get(FIRST_STEPS))
    assert lyon.name not in page
    assert "Indiquez votre code postal" in page


def test_a_department_without_council_and_a_wrong_code_say_so(client):
    council_create(name="Conseil de l'Alma", town="Roubaix")
    department("69")
    client.force_login(UserFactory())
    page = _text(client.get(FIRST_STEPS, {"place": "69"}))
    assert "Aucun conseil de ce département (Rhône) n’est encore sur le site" in page
    page = _text(client.get(FIRST_STEPS, {"place": "abc"}))
    assert 'aria-invalid="true"' in page
    assert "Indiquez un code postal" in page
    assert "Conseil de l'Alma" not in page


@pytest.mark.parametrize(
    ("place", "code"),
    [
        ("59100", "59"),
        ("59", "59"),
        (" 59 100 ", "59"),
        ("97110", "971"),
        ("971", "971"),
        ("20090", "2A"),
        ("20200", "2B"),
        ("2a", "2A"),
        ("1", None),
        ("abcde", None),
    ],
)
def test_postal_codes_and_department_numbers_point_to_a_department(place, code):
    assert department_code_of(place) == code


def test_a_member_of_a_council_goes_to_the_usual_place(client):
    council = council_create()
    client.force_login(member_of(council))
    response = client.get(FIRST_STEPS)
    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")


def test_a_member_who_confirms_an_address_is_not_sent_to_the_first_steps(
    client, django_capture_on_commit_callbacks
):
    confirm = _sign_up(client, django_capture_on_commit_callbacks)
    from accounts.models import User

    member_of(council_create(), User.objects.get(email=EMAIL))
    response = client.post(confirm)
    assert client.get(response.url).url == reverse("accounts:profile")


def test_anonymous_visitors_are_asked_to_log_in(client):
    response = client.get(FIRST_STEPS)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_list_costs_the_same_queries_for_3_or_12_councils(client):
    newcomer = UserFactory()
    client.force_login(newcomer)
    for number in range(3):
        council_create(name=f"Conseil {number}", town="Roubaix")
    client.get(FIRST_STEPS, {"place": "59"})
    with CaptureQueriesContext(connection) as few:
        client.get(FIRST_STEPS, {"place": "59"})
    for number in range(3, 12):
        council_create(name=f"Conseil {number}", town="Roubaix")
    with CaptureQueriesContext(connection) as many:
        page = _text(client.get(FIRST_STEPS, {"place": "59"}))
    assert "Conseil 11" in page
    assert len(many) == len(few)
