"""The header on a phone: the search box and the menus fold behind a "Menu"
button, so that each page starts with its content; the button says how many
notifications wait. On a wide screen, or without JavaScript, everything shows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.accounts.factories import UserFactory
from tests.councils.factories import council_create, member_of
from tests.e2e.browser import axe_violations, log_in
from tests.forums.factories import reply_in, topic_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def main_menu(page):
    return page.get_by_role("navigation", name="Menu principal")


def test_on_a_phone_the_menus_fold_behind_a_button_that_opens_and_closes(page, live_server):
    page.goto(f"{live_server.url}/")
    toggle = page.get_by_role("button", name="Menu")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(main_menu(page)).to_be_hidden()
    expect(page.get_by_role("link", name="Se connecter")).to_be_hidden()
    assert axe_violations(page) == []

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(main_menu(page).get_by_role("link", name="Forums")).to_be_visible()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
    expect(page.get_by_label("Rechercher sur le site")).to_be_visible()
    assert axe_violations(page) == []

    # Escape folds it again and gives the focus back to the button.
    page.get_by_label("Rechercher sur le site").focus()
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    expect(main_menu(page)).to_be_hidden()

    # With the keyboard alone: the skip link, the site's name, then the button.
    page.goto(f"{live_server.url}/actualites/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Rechercher sur le site")).to_be_focused()
    main_menu(page).get_by_role("link", name="Agenda").click()
    page.wait_for_url(f"{live_server.url}/agenda/")


def test_the_button_tells_a_member_how_many_notifications_wait(page, live_server):
    council = council_create()
    year_ago = timezone.now() - timedelta(days=365)
    awa = member_of(council, UserFactory(display_name="Awa Diop", date_joined=year_ago))
    karim = member_of(council, UserFactory(display_name="Karim B.", date_joined=year_ago))
    topic = topic_in(council.forum, awa, title="La fête des voisins")
    reply_in(topic, karim, body="@Awa Diop, je m'occupe des tables.")

    log_in(page, live_server, awa)
    toggle = page.get_by_role("button", name="Menu 1 notification non lue")
    expect(toggle).to_be_visible()
    toggle.click()
    page.get_by_role("link", name="Notifications").click()
    expect(page.get_by_text("La fête des voisins").first).to_be_visible()


def test_on_a_wide_screen_or_without_javascript_everything_shows(browser, live_server):
    wide = browser.new_context(locale="fr-FR", viewport={"width": 1200, "height": 800})
    page = wide.new_page()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(main_menu(page).get_by_role("link", name="Forums")).to_be_visible()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
    # A window made narrow folds the menus; made wide again, shows them.
    page.set_viewport_size({"width": 390, "height": 800})
    expect(page.get_by_role("button", name="Menu")).to_be_visible()
    expect(main_menu(page)).to_be_hidden()
    page.set_viewport_size({"width": 1200, "height": 800})
    expect(main_menu(page).get_by_role("link", name="Forums")).to_be_visible()
    wide.close()

    without_script = browser.new_context(
        locale="fr-FR", viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    page = without_script.new_page()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(main_menu(page).get_by_role("link", name="Forums")).to_be_visible()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
    without_script.close()
