"""A member writes in the council's forum with the live preview; the forum
pages have no accessibility violation."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from forums.models import Post
from tests.accounts.factories import PASSWORD, UserFactory
from tests.councils.factories import coordinator_of, council_create, member_of
from tests.forums.factories import national_forum, topic_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _violations(page) -> list[str]:
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} element(s))"
        for violation in Axe().run(page).response["violations"]
    ]


def _log_in(page, live_server, user):
    page.goto(f"{live_server.url}/compte/login/")
    page.get_by_label("Courriel").fill(user.email)
    page.get_by_label("Mot de passe *", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(re.compile(r"/profil/"))


def test_a_member_replies_in_the_council_forum_with_the_live_preview(page, live_server):
    council = council_create(name="Conseil citoyen de l'Alma", town="Roubaix")
    coordinator = coordinator_of(council, UserFactory(display_name="Fatou"))
    member = member_of(council, UserFactory(display_name="Julien"))
    topic_in(council.forum, coordinator, title="Réunion de jeudi", body="Qui vient ?")

    _log_in(page, live_server, member)
    page.goto(f"{live_server.url}{council.get_space_url()}")
    page.get_by_role("link", name="Le forum du conseil").click()
    page.get_by_role("link", name="Réunion de jeudi").click()
    editor = page.get_by_label("Votre message")
    editor.fill("Je viens **avec deux voisins**.")
    page.locator(".markdownx-preview strong").wait_for()
    assert page.locator(".markdownx-preview strong").inner_text() == "avec deux voisins"
    page.get_by_role("button", name="Envoyer ma réponse").click()
    page.wait_for_url(re.compile(r"#message-\d+$"))
    assert Post.objects.filter(author=member, body="Je viens **avec deux voisins**.").exists()
    assert page.locator(".post strong", has_text="avec deux voisins").is_visible()


def test_forum_pages_have_no_accessibility_violation(page, live_server):
    forum = national_forum(name="Faire vivre son conseil")
    author = UserFactory()
    topic = topic_in(forum, author, title="Comment faire venir les jeunes ?")
    paths = ["/forums/", forum.get_absolute_url(), topic.get_absolute_url()]
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        assert _violations(page) == [], path
    _log_in(page, live_server, author)
    for path in [topic.get_absolute_url(), f"/forums/{forum.slug}/nouveau-sujet/"]:
        page.goto(f"{live_server.url}{path}")
        assert _violations(page) == [], path
