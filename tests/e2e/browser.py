"""What the browser tests share: logging in through the real form, and the
accessibility violations axe-core finds on the page (WCAG 2.1 AA and the
default rules)."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe

from tests.accounts.factories import PASSWORD


def axe_violations(page) -> list[str]:
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} element(s))"
        for violation in Axe().run(page).response["violations"]
    ]


def menu(page):
    """The page, its header menus opened first where they are folded behind
    the "Menu" button (the tests' phone-sized screen)."""
    toggle = page.locator(".menu-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false":
        toggle.click()
    return page


def log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/compte/login/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe *", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(re.compile(r"/profil/"))
