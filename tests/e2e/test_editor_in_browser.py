"""An editor that takes no images (every one but the forums') refuses a
pasted file in the page, with its message, and sends it nowhere; the
forum's editor still sends its images to the forum."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.e2e.browser import log_in
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
