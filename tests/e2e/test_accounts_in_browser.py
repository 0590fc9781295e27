"""Sign up and log in through the real pages; no accessibility violation."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from accounts.models import User
from tests.e2e.browser import axe_violations, menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "karim.benali@exemple.test"
PASSWORD = "Conseil-du-Centre-2026"


def test_sign_up_verify_andlog_in(page, live_server):
    page.goto(f"{live_server.url}/")
    menu(page).get_by_role("link", name="S’inscrire").first.click()
    page.get_by_label("Adresse e-mail").fill(EMAIL)
    page.get_by_label("Nom affiché").fill("Karim B.")
    page.get_by_label("Mot de passe *", exact=True).fill(PASSWORD)
    page.get_by_label("Mot de passe (confirmation)").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    page.wait_for_url(re.compile(r"/compte/confirm-email/"))
    assert "Vérifiez votre adresse e-mail" in page.content()

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/compte/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirmer").click()
    # A newcomer lands on the first steps (find and join a council), not an empty profile.
    page.wait_for_url(re.compile(r"/premiers-pas/$"))
    assert page.get_by_role(
        "heading", name="Bienvenue ! Trouvez votre conseil citoyen"
    ).is_visible()
    assert axe_violations(page) == []
    assert User.objects.get(email=EMAIL).emailaddress_set.get().verified

    menu(page).get_by_role("button", name="Se déconnecter").click()
    menu(page).get_by_role("link", name="Se connecter").first.click()
    page.get_by_label("Adresse e-mail").fill(EMAIL)
    page.get_by_label("Mot de passe *", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(re.compile(r"/profil/"))
    assert page.get_by_role("heading", name="Mon profil").is_visible()


@pytest.mark.parametrize("path", ["/", "/compte/login/", "/compte/signup/"])
def test_pages_have_no_accessibility_violation(page, live_server, path):
    page.goto(f"{live_server.url}{path}")
    assert page.locator("link[rel=stylesheet]").count() == 1
    assert axe_violations(page) == []


def test_signup_errors_are_announced_and_accessible(page, live_server):
    page.goto(f"{live_server.url}/compte/signup/")
    page.get_by_label("Adresse e-mail").fill("pas-une-adresse")
    page.get_by_label("Nom affiché").fill("Test")
    page.get_by_label("Mot de passe *", exact=True).fill("court")
    page.get_by_label("Mot de passe (confirmation)").fill("different")
    page.get_by_role("button", name="Créer mon compte").click()
    assert page.locator(".errorlist").count() >= 1
    assert page.get_by_label("Nom affiché").input_value() == "Test"
    assert axe_violations(page) == []
