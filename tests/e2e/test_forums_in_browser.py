"""A member writes in the council's forum with the live preview, which says
so in its place when it pauses; the forum pages have no accessibility
violation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from forums import editor
from forums.models import Post
from tests.accounts.factories import UserFactory
from tests.councils.factories import coordinator_of, council_create, member_of
from tests.e2e.browser import axe_violations, log_in
from tests.forums.factories import national_forum, topic_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_replies_in_the_council_forum_with_the_live_preview(page, live_server):
    council = council_create(name="Conseil citoyen de l'Alma", town="Roubaix")
    coordinator = coordinator_of(council, UserFactory(display_name="Fatou"))
    member = member_of(council, UserFactory(display_name="Julien"))
    topic_in(council.forum, coordinator, title="Réunion de jeudi", body="Qui vient ?")

    log_in(page, live_server, member)
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

    # One form of reactions under Fatou's message, a button for each.
    reactions = page.get_by_role("group", name="Réactions")
    assert reactions.count() == 1
    reactions.get_by_role("button", name="Merci").click()
    thanked = page.get_by_role("group", name="Réactions").get_by_role("button", name="Merci · 1")
    thanked.wait_for()
    assert thanked.get_attribute("aria-pressed") == "true"


def test_forum_pages_have_no_accessibility_violation(page, live_server):
    forum = national_forum(name="Faire vivre son conseil")
    # Not a new account: the message is published at once, others see it.
    author = UserFactory(date_joined=timezone.now() - timedelta(days=365))
    topic = topic_in(forum, author, title="Comment faire venir les jeunes ?")
    paths = ["/forums/", forum.get_absolute_url(), topic.get_absolute_url()]
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == [], path
    log_in(page, live_server, author)
    for path in [topic.get_absolute_url(), f"/forums/{forum.slug}/nouveau-sujet/"]:
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == [], path
    # Another reader: the reactions' form and the report link.
    page.context.clear_cookies()
    log_in(page, live_server, UserFactory())
    page.goto(f"{live_server.url}{topic.get_absolute_url()}")
    assert page.get_by_role("group", name="Réactions").count() == 1
    assert axe_violations(page) == [], topic.get_absolute_url()


def test_a_paused_preview_says_so_in_its_place(page, live_server, monkeypatch):
    # markdownx asks for one preview when the page opens, one per pause in
    # typing: the third is refused.
    monkeypatch.setattr(editor, "PREVIEWS_PER_MINUTE", 2)
    topic = topic_in(national_forum(), UserFactory(), title="Une question", body="Qui sait ?")
    log_in(page, live_server, UserFactory(display_name="Julien"))
    page.goto(f"{live_server.url}{topic.get_absolute_url()}")
    box = page.get_by_label("Votre message")
    box.fill("Premier **essai**")
    page.locator(".markdownx-preview strong").wait_for()
    box.fill("Second essai")
    page.locator(".markdownx-preview .preview-refused").wait_for()
    assert page.locator(".markdownx-preview").inner_text() == (
        "L’aperçu est en pause\xa0: trop de demandes en peu de temps. "
        "Il revient dans moins d’une minute."
    )
