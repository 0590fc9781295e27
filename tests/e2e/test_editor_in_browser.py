"""An editor that takes no images (every one but the forums') refuses a
pasted file in the page, with its message, and sends it nowhere; the
forum's editor still sends its images to the forum."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.accounts.factories import UserFactory
from tests.councils.factories import council_create, member_of
from tests.e2e.browser import log_in
from tests.forums.factories import national_forum
from tests.news.factories import animator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASTE_AN_IMAGE = """(selector) => {
  const editor = document.querySelector(selector);
  const data = new DataTransfer();
  const bytes = new Uint8Array([137, 80, 78, 71]);
  data.items.add(new File([bytes], "photo.png", {type: "image/png"}));
  editor.focus();
  const paste = {clipboardData: data, bubbles: true, cancelable: true};
  editor.dispatchEvent(new ClipboardEvent("paste", paste));
}"""


def test_a_pasted_image_in_the_news_editor_is_refused_with_a_message(page, live_server):
    writer = animator()
    sent = []
    page.on("request", lambda request: sent.append(request.url))
    log_in(page, live_server, writer)
    page.goto(f"{live_server.url}{reverse('news:create')}")
    body = page.locator("textarea.markdownx-editor")
    body.fill("Un bilan de l’année.")

    page.evaluate(PASTE_AN_IMAGE, "textarea.markdownx-editor")

    notice = page.locator(".editor-notice[role=status]")
    notice.wait_for()
    assert notice.inner_text() == (
        "Les images ne peuvent pas être ajoutées à ce texte\u00a0: seuls ses mots sont gardés."
    )
    assert body.input_value() == "Un bilan de l’année."
    assert not [url for url in sent if "/editeur/image/" in url]


def test_with_javascript_the_editor_help_tells_of_the_preview_and_image_drop(page, live_server):
    """The page as sent says only what holds without JavaScript; the editor's
    script shows the help about the live preview and dropped images instead,
    and the field is described by it."""
    member = member_of(council_create(), UserFactory())
    log_in(page, live_server, member)
    page.goto(f"{live_server.url}{reverse('forums:topic_create', args=[national_forum().slug])}")
    help_text = page.get_by_text("L’aperçu s’affiche en dessous pendant que vous écrivez")
    expect(help_text).to_be_visible()
    assert help_text.inner_text() == (
        "L’aperçu s’affiche en dessous pendant que vous écrivez\u00a0; "
        "déposez une image sur le texte pour l’ajouter."
    )
    expect(
        page.get_by_text("La mise en forme apparaît une fois le texte enregistré.")
    ).to_be_hidden()
    expect(page.get_by_text("Aperçu", exact=True)).to_be_visible()
    described = page.locator("textarea.markdownx-editor").get_attribute("aria-describedby")
    assert "id_body_editorhelp" in described.split()
