"""The markdown editor's preview and image upload: signed in, same origin,
sanitised, checked like avatars; a council's images stay private."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from common.markdown import LONGEST_TEXT
from conseils.forms import SitePageForm
from councils.forms import CouncilForm
from documents.forms import PageForm
from events.forms import EventForm
from forums.editor import PREVIEWS_PER_MINUTE
from forums.forms import PostForm
from forums.models import ForumImage
from news.forms import ArticleForm
from tests.accounts.factories import UserFactory
from tests.conftest import stored_files
from tests.councils.factories import council_create, member_of
from tests.forums.factories import national_forum
from tests.images import jpeg_with_gps, png

pytestmark = pytest.mark.django_db
SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}
NBSP = "\xa0"


def _upload(client, forum, image, **headers):
    return client.post(
        reverse("forums:editor_image", args=[forum.slug]), {"image": image}, **headers
    )


def test_preview_renders_sanitised_html_for_a_signed_in_user(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("forums:editor_preview"),
        {"content": "**gras** <script>alert(1)</script>"},
        **SAME_ORIGIN,
    )
    assert response.status_code == 200
    assert "<strong>gras</strong>" in response.content.decode()
    assert "<script" not in response.content.decode()


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_SEC_FETCH_SITE": "cross-site"}, {"HTTP_ORIGIN": "https://ailleurs.test"}, {}],
)
def test_editor_calls_from_another_site_are_refused(client, headers, media_root):
    client.force_login(UserFactory())
    preview = client.post(reverse("forums:editor_preview"), {"content": "x"}, **headers)
    assert preview.status_code == 403
    assert _upload(client, national_forum(), png(), **headers).status_code == 403
    assert stored_files(media_root) == []


def test_anonymous_visitors_cannot_use_the_editor(client):
    response = client.post(reverse("forums:editor_preview"), {"content": "x"}, **SAME_ORIGIN)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def _preview(client, text: str):
    return client.post(reverse("forums:editor_preview"), {"content": text}, **SAME_ORIGIN)


def test_the_preview_asks_for_a_verified_account_as_posting_does(client):
    client.force_login(UserFactory(verified=False))
    response = _preview(client, "**gras**")
    assert response.status_code == 403
    page = html.unescape(response.content.decode())
    assert f"Confirmez votre adresse e-mail pour voir l’aperçu{NBSP}: le lien" in page
    assert "<strong>" not in page


def test_a_member_of_any_council_may_preview(client):
    client.force_login(member_of(council_create()))
    assert _preview(client, "**gras**").content.decode() == "<p><strong>gras</strong></p>"


def test_the_preview_is_paced_per_account(client):
    writer = UserFactory()
    client.force_login(writer)
    for _ in range(PREVIEWS_PER_MINUTE):
        assert _preview(client, "*x*").status_code == 200
    response = _preview(client, "*x*")
    assert response.status_code == 429
    page = html.unescape(response.content.decode())
    assert f"L’aperçu est en pause{NBSP}: trop de demandes en peu de temps." in page
    assert "<em>" not in page
    client.force_login(UserFactory())  # someone else is not slowed
    assert _preview(client, "*x*").status_code == 200


def test_the_preview_takes_the_longest_text_a_form_takes_and_refuses_longer(client):
    client.force_login(UserFactory())
    # A news article's length (50,000): the old preview cut it at 20,000.
    article = ("Un paragraphe de compte rendu. " * 1_700)[:50_000] + "**fin**"
    assert _preview(client, article).content.decode().endswith("<strong>fin</strong></p>")
    assert _preview(client, "a" * LONGEST_TEXT).status_code == 200
    response = _preview(client, "a" * (LONGEST_TEXT + 1))
    assert response.status_code == 413
    page = html.unescape(response.content.decode())
    assert f"Ce texte fait 100001 caractères{NBSP}; l’aperçu s’arrête à 100000." in page


def test_the_longest_text_is_the_longest_markdown_field_of_the_forms():
    fields = [
        PostForm.base_fields["body"],
        ArticleForm.base_fields["body"],
        SitePageForm.base_fields["body"],
        PageForm.base_fields["body"],
        EventForm.base_fields["description"],
        CouncilForm.base_fields["presentation"],
    ]
    assert max(field.max_length for field in fields) == LONGEST_TEXT


def test_an_uploaded_photo_loses_its_position_and_comes_back_as_markdown(client, media_root):
    forum = national_forum()
    client.force_login(UserFactory())
    response = _upload(client, forum, jpeg_with_gps(), **SAME_ORIGIN)
    assert response.status_code == 200
    code = json.loads(response.content)["image_code"]
    image = ForumImage.objects.get()
    assert f"![image]({image.get_absolute_url()})" in code
    [name] = stored_files(media_root)
    assert name.startswith("private/")
    with Image.open(media_root / name) as stored:
        assert stored.format == "WEBP"
        assert not stored.getexif()
    client.logout()
    assert client.get(image.get_absolute_url()).status_code == 200  # a public forum


def test_a_councils_images_are_served_to_its_members_only(client, media_root):
    council = council_create()
    member = member_of(council)
    client.force_login(member)
    code = json.loads(_upload(client, council.forum, png(), **SAME_ORIGIN).content)["image_code"]
    url = re.search(r"\((/forums/images/[^)]+)\)", code).group(1)
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    for outsider in (UserFactory(), member_of(council_create())):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404


def test_uploading_where_one_cannot_post_is_refused(client, media_root):
    council = council_create()
    client.force_login(UserFactory())
    assert _upload(client, council.forum, png(), **SAME_ORIGIN).status_code == 404
    assert stored_files(media_root) == []


def test_a_file_that_is_not_an_image_is_refused_and_stores_nothing(client, media_root):
    client.force_login(UserFactory())
    fake = SimpleUploadedFile("photo.png", b"<html><script>alert(1)</script>", "image/png")
    response = _upload(client, national_forum(), fake, **SAME_ORIGIN)
    assert response.status_code == 400
    assert "n’est pas une image" in json.loads(response.content)["image"][0]
    assert stored_files(media_root) == []
    assert not ForumImage.objects.exists()


def test_an_unverified_account_cannot_upload_images(client, media_root):
    client.force_login(UserFactory(verified=False))
    assert _upload(client, national_forum(), png(), **SAME_ORIGIN).status_code == 403
    assert stored_files(media_root) == []


def test_images_no_message_uses_are_deleted_after_a_day(
    client, media_root, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from forums import services
    from forums.tasks import forum_images_cleanup
    from tests.forums.factories import topic_in

    forum = national_forum()
    author = UserFactory()
    client.force_login(author)
    used_code = json.loads(_upload(client, forum, png(), **SAME_ORIGIN).content)["image_code"]
    _upload(client, forum, png(), **SAME_ORIGIN)  # dropped, never sent
    topic_in(forum, author, body=f"Photo de la fête {used_code}")
    assert services.forum_images_cleanup() == 0  # too recent
    ForumImage.objects.update(created_at=timezone.now() - timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert forum_images_cleanup.delay().get() == 1
    assert ForumImage.objects.count() == 1
    assert len(stored_files(media_root)) == 1


def test_the_preview_stops_where_the_field_being_written_does(client):
    """The editor names its field's limit; the preview refuses what the form
    would refuse, and never goes past the longest text a form takes."""
    member = UserFactory()
    council = council_create()
    member_of(council, member)
    client.force_login(member)
    topic_form = client.get(
        reverse("forums:topic_create", args=[national_forum().slug])
    ).content.decode()
    limit = PostForm.base_fields["body"].max_length
    preview_path = f"{reverse('forums:editor_preview')}?longueur={limit}"
    assert f'data-markdownx-urls-path="{preview_path}"' in html.unescape(topic_form)
    # The browser does not cut a long paste: the form says what is too long.
    textarea = re.search(r"<textarea[^>]*>", topic_form).group(0)
    assert "maxlength" not in textarea

    def preview(text, path):
        return client.post(path, {"content": text}, **SAME_ORIGIN)

    assert preview("a" * limit, preview_path).status_code == 200
    refused = preview("a" * (limit + 1), preview_path)
    assert refused.status_code == 413
    assert f"l’aperçu s’arrête à {limit}." in html.unescape(refused.content.decode())
    # A limit above the longest text counts for nothing.
    beyond = f"{reverse('forums:editor_preview')}?longueur={LONGEST_TEXT * 10}"
    assert preview("a" * (LONGEST_TEXT + 1), beyond).status_code == 413


def test_without_javascript_the_editor_help_promises_no_preview_nor_image_drop(client):
    """The page as sent (what a browser without JavaScript shows): the help
    about the live preview and dropped images is hidden, a wording that holds
    without JavaScript shows instead (static/js/editor-keyboard.js swaps them)."""
    member = UserFactory()
    member_of(council_create(), member)
    client.force_login(member)
    topic_form = client.get(
        reverse("forums:topic_create", args=[national_forum().slug])
    ).content.decode()
    shown = re.sub(r"<(p|div)[^>]*\bhidden\b[^>]*>.*?</\1>", "", topic_form, flags=re.S)
    assert (
        '<p class="help editor-help-no-js">'
        "La mise en forme apparaît une fois le texte enregistré.</p>" in shown
    )
    assert "aperçu" not in shown.lower() and "déposez une image" not in shown
    hidden_help = re.search(
        r'<p class="help editor-help-js" id="id_body_editorhelp" hidden>(.*?)</p>', topic_form
    )
    assert hidden_help.group(1) == (
        "L’aperçu s’affiche en dessous pendant que vous écrivez\u00a0; "
        "déposez une image sur le texte pour l’ajouter."
    )
