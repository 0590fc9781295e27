"""A resident finds a council, asks to join and is accepted, in a real browser;
the council pages have no accessibility violation."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from councils.models import Membership
from tests.accounts.factories import PASSWORD, UserFactory
from tests.councils.factories import coordinator_of, council_create, member_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} element(s))"
        for violation in results.response["violations"]
    ]


def _log_in(page, live_server, user):
    page.goto(f"{live_server.url}/compte/login/")
    page.get_by_label("Courriel").fill(user.email)
    page.get_by_label("Mot de passe *", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(re.compile(r"/profil/"))


def test_resident_finds_a_council_asks_to_join_and_is_accepted(page, live_server):
    council = council_create(name="Conseil citoyen de l'Alma", town="Roubaix")
    coordinator = coordinator_of(council, UserFactory(display_name="Fatou"))
    resident = UserFactory(display_name="Amina")

    _log_in(page, live_server, resident)
    page.get_by_role("link", name="Les conseils").click()
    page.get_by_label("Nom ou quartier").fill("alma")
    page.get_by_role("search", name="Chercher parmi les conseils").get_by_role("button").click()
    page.get_by_role("link", name="Conseil citoyen de l'Alma").click()
    page.get_by_role("link", name="Demander à rejoindre").click()
    page.get_by_label("Quelques mots pour les coordinateurs (facultatif)").fill(
        "J'habite rue de l'Alma depuis dix ans."
    )
    page.get_by_role("button", name="Envoyer ma demande").click()
    assert "Votre demande a été envoyée." in page.content()

    page.get_by_role("button", name="Se déconnecter").click()
    _log_in(page, live_server, coordinator)
    page.get_by_role("link", name="Mes conseils").click()
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
        assert _violations(page) == [], path
    _log_in(page, live_server, coordinator)
    for path in [
        council.get_space_url(),
        f"/conseils/{council.slug}/espace/membres/",
        f"/conseils/{council.slug}/gestion/",
        f"/conseils/{council.slug}/modifier/",
        "/mes-conseils/",
    ]:
        page.goto(f"{live_server.url}{path}")
        assert _violations(page) == [], path
