"""A resident finds a council, asks to join and is accepted, in a real browser;
the council pages have no accessibility violation."""

from __future__ import annotations

import pytest

from councils.models import Membership
from tests.accounts.factories import UserFactory
from tests.councils.factories import coordinator_of, council_create, member_of
from tests.e2e.browser import axe_violations, log_in, menu

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_resident_finds_a_council_asks_to_join_and_is_accepted(page, live_server):
    council = council_create(name="Conseil citoyen de l'Alma", town="Roubaix")
    coordinator = coordinator_of(council, UserFactory(display_name="Fatou"))
    resident = UserFactory(display_name="Amina")

    log_in(page, live_server, resident)
    menu(page).get_by_role("link", name="Les conseils").click()
    page.get_by_label("Nom ou quartier").fill("alma")
    page.get_by_role("search", name="Chercher parmi les conseils").get_by_role("button").click()
    page.get_by_role("link", name="Conseil citoyen de l'Alma").click()
    page.get_by_role("link", name="Demander à rejoindre").click()
    page.get_by_label("Quelques mots pour les coordinateurs (facultatif)").fill(
        "J'habite rue de l'Alma depuis dix ans."
    )
    page.get_by_role("button", name="Envoyer ma demande").click()
    assert "Votre demande a été envoyée." in page.content()

    menu(page).get_by_role("button", name="Se déconnecter").click()
    log_in(page, live_server, coordinator)
    menu(page).get_by_role("link", name="Mes conseils").click()
    page.get_by_role("link", name="Conseil citoyen de l'Alma").last.click()
    assert "J'habite rue de l'Alma depuis dix ans." in page.content()
    page.get_by_role("button", name="Accepter").click()
    assert "Amina est maintenant membre." in page.content()
    assert Membership.objects.filter(council=council, user=resident).exists()


def test_council_pages_have_no_accessibility_violation(page, live_server):
    council = council_create(name="Conseil citoyen de l'Alma", town="Roubaix")
    coordinator = coordinator_of(council)
    member_of(council)
    paths = ["/conseils/", council.get_absolute_url(), "/conseils/?q=nulle-part"]
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == [], path
    log_in(page, live_server, coordinator)
    for path in [
        council.get_space_url(),
        f"/conseils/{council.slug}/espace/membres/",
        f"/conseils/{council.slug}/gestion/",
        f"/conseils/{council.slug}/modifier/",
        "/mes-conseils/",
    ]:
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == [], path
