"""A resident finds a council, asks to join and is accepted, in a real browser;
the council pages have no accessibility violation."""

from __future__ import annotations

import pytest

from councils.models import Membership
from tests.accounts.factories import UserFactory
from tests.councils.factories import coordinator_of, council_create, department, member_of
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
    page.get_by_label("Quelques mots pour la coordination (facultatif)").fill(
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


def test_choosing_a_region_narrows_the_department_list(page, live_server):
    nord, ille_et_vilaine = department("59"), department("35")
    page.goto(f"{live_server.url}/conseils/")
    regions = page.get_by_role("combobox", name="Région")
    departments = page.get_by_role("combobox", name="Département")
    nord_option = departments.locator("option[value='59']")
    breton_option = departments.locator("option[value='35']")
    assert nord_option.is_enabled() and breton_option.is_enabled()

    departments.select_option("59")
    regions.select_option(label="Hauts-de-France")
    assert departments.input_value() == "59"  # still in the chosen region
    assert breton_option.is_disabled()
    assert nord_option.is_enabled()
    assert departments.locator("optgroup[label='Bretagne']").is_hidden()

    regions.select_option(label="Bretagne")
    assert departments.input_value() == ""  # the Nord is not in Brittany
    assert nord_option.is_disabled() and breton_option.is_enabled()
    departments.select_option("35")
    page.get_by_role("search", name="Chercher parmi les conseils").get_by_role("button").click()
    assert f"region={ille_et_vilaine.region_id}" in page.url and "department=35" in page.url
    assert "n’est pas dans" not in page.content()

    regions.select_option("")
    assert nord_option.is_enabled() and departments.input_value() == "35"
    assert nord.region_id != ille_et_vilaine.region_id
