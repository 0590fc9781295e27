"""The markdown editor sends images only where a form says it may."""

from __future__ import annotations

from common.widgets import UPLOAD_ATTRIBUTE, MarkdownEditor


def test_the_markdown_editor_takes_no_image_unless_its_form_gives_an_address():
    html = MarkdownEditor().render("body", "", attrs={"id": "id_body"})
    assert UPLOAD_ATTRIBUTE not in html
    assert "data-no-upload-message=" in html


def test_the_forum_editor_sends_its_images_to_its_forum():
    from forums.forms import ForumEditorWidget

    html = ForumEditorWidget(upload_url="/forums/alma/images/").render(
        "body", "", attrs={"id": "id_body"}
    )
    assert f'{UPLOAD_ATTRIBUTE}="/forums/alma/images/"' in html
    assert "data-no-upload-message" not in html
