"""The help desk in a real browser: a visitor asks for help, follows the
request by its link and writes again; the animator answers, notes and
records a call; the pages have no accessibility violation."""

from __future__ import annotations

import re

import pytest

from support import emails
from support.models import HelpMessage, HelpRequest
from tests.e2e.browser import axe_violations, log_in, menu
from tests.news.factories import animator

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_a_visitor_asks_for_help_follows_it_and_the_animator_answers(page, live_server):
    page.goto(f"{live_server.url}/aide/")
    assert axe_violations(page) == []
    page.get_by_label("Objet").fill("Notre conseil ne se réunit plus")
    page.get_by_label("Votre message").fill("Plus aucune réunion depuis septembre.")
    page.get_by_label("Votre adresse e-mail").fill("awa@example.org")
    page.get_by_label("Je préfère un appel téléphonique").check()
    page.get_by_label("Votre numéro de téléphone (facultatif)").fill("06 12 34 56 78")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url(re.compile(r"/aide/suivi/"))
    assert "Votre demande a été envoyée" in page.content()
    assert axe_violations(page) == []

    # Writing again from the link works (the form's POST passes the CSRF
    # origin check: no "no-referrer" policy on the page).
    page.get_by_label("Votre message").fill("J’ajoute : le local est fermé.")
    page.get_by_role("button", name="Envoyer", exact=True).click()
    assert "Votre message a été envoyé" in page.content()
    help_request = HelpRequest.objects.get()
    assert help_request.messages.filter(kind=HelpMessage.Kind.REQUESTER).count() == 1

    team = animator()
    log_in(page, live_server, team)
    menu(page).get_by_role("link", name="Demandes d’aide").first.click()
    page.get_by_role("link", name="Notre conseil ne se réunit plus").click()
    assert axe_violations(page) == []
    # Each label reaches its own field: a note never lands in the answer.
    page.get_by_role("textbox", name="Note interne").fill("Appeler la mairie zqnote")
    page.get_by_role("button", name="Ajouter la note").click()
    page.get_by_label("Votre message").fill("Nous appelons la mairie et revenons vers vous.")
    page.get_by_role("button", name="Envoyer la réponse").click()
    assert "Votre réponse a été envoyée au demandeur." in page.content()
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.ANSWERED
    assert help_request.messages.get(kind=HelpMessage.Kind.NOTE).body == "Appeler la mairie zqnote"

    page.goto(f"{live_server.url}/aide/suivi/{emails.follow_token(help_request)}/")
    content = page.content()
    assert "Nous appelons la mairie" in content
    assert "zqnote" not in content
    page.get_by_role("button", name="Mon problème est réglé : fermer ma demande").click()
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.CLOSED


def test_help_desk_pages_have_no_accessibility_violation(page, live_server):
    from tests.support.factories import help_request_submit

    team = animator()
    help_request_submit(department=None)
    log_in(page, live_server, team)
    for path in ["/aide/", "/aide/equipe/", "/aide/equipe/statistiques/", "/notifications/"]:
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == [], path
    page.goto(f"{live_server.url}{HelpRequest.objects.get().get_team_url()}")
    assert axe_violations(page) == []
