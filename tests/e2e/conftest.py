"""Browser tests: Playwright driving Debian's chromium against the live server."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# Playwright's sync API runs an event loop in the test's thread; the ORM calls
# the tests make between two page actions are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(
            "Debian's chromium is missing: make test installs it (apt-get install chromium)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


# Screenshots on failure. A failed browser test leaves, in
# tmp/e2e-screenshots/, a full-page screenshot of each page it had open
# (<test name>.png) and those of its last recorded steps
# (<test name>/NN-<step>.png, see the ``step`` fixture).

SCREENSHOTS = "tmp/e2e-screenshots"
STEPS_KEPT = 20
_steps_key = pytest.StashKey["Steps"]()


class Steps:
    """``step(page, "what the user just did")``: a full-page screenshot of
    ``page`` kept in memory, written to disk only if the test fails (the last
    ``STEPS_KEPT``)."""

    def __init__(self):
        self.shots: list[tuple[str, bytes]] = []
        self.pages: list = []
        self.count = 0

    def __call__(self, page, name: str) -> None:
        self.count += 1
        if page not in self.pages:
            self.pages.append(page)
        slug = re.sub(r"[^\w-]+", "-", name).strip("-")[:60]
        label = f"{self.count:02d}-{slug}"
        self.shots = [*self.shots[-(STEPS_KEPT - 1) :], (label, page.screenshot(full_page=True))]

    def watch(self, page):
        """Screenshot ``page`` too if the test fails (a second person's browser)."""
        if page not in self.pages:
            self.pages.append(page)
        return page


@pytest.fixture
def step(request) -> Steps:
    steps = request.node.stash[_steps_key] = Steps()
    return steps


def _screenshot_name(item) -> str:
    return re.sub(r"[^\w.-]+", "_", item.name).strip("_")


def _save_screenshots(item) -> None:
    folder = Path(item.config.rootpath) / SCREENSHOTS
    name = _screenshot_name(item)
    steps = item.stash.get(_steps_key, None)
    pages = [value for value in item.funcargs.values() if hasattr(value, "screenshot")]
    pages += [page for page in (steps.pages if steps else []) if page not in pages]
    folder.mkdir(parents=True, exist_ok=True)
    for number, page in enumerate(pages):
        suffix = "" if number == 0 else f"-{number + 1}"
        # A page already closed must not hide the test's own failure.
        with contextlib.suppress(Exception):
            page.screenshot(path=folder / f"{name}{suffix}.png", full_page=True)
    if steps and steps.shots:
        shutil.rmtree(folder / name, ignore_errors=True)
        (folder / name).mkdir()
        for label, image in steps.shots:
            (folder / name / f"{label}.png").write_bytes(image)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed and item.get_closest_marker("browser"):
        _save_screenshots(item)
        report.sections.append(("screenshots", f"saved in {SCREENSHOTS}/{_screenshot_name(item)}*"))
    return report
