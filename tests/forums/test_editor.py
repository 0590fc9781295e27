"""The markdown editor's preview and image upload: signed in, same origin,
sanitised, checked like avatars."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from PIL import Image

from tests.accounts.factories import UserFactory
from tests.conftest import stored_files
from tests.images import jpeg_with_gps, png

pytestmark = pytest.mark.django_db
SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}


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
    assert (
        client.post(reverse("forums:editor_preview"), {"content": "x"}, **headers).status_code
        == 403
    )
    response = client.post(reverse("forums:editor_image"), {"image": png()}, **headers)
    assert response.status_code == 403
    assert stored_files(media_root) == []


def test_anonymous_visitors_cannot_use_the_editor(client):
    response = client.post(reverse("forums:editor_preview"), {"content": "x"}, **SAME_ORIGIN)
    assert response.status_code == 302


def test_an_uploaded_photo_loses_its_position_and_comes_back_as_markdown(client, media_root):
    client.force_login(UserFactory())
    response = client.post(
        reverse("forums:editor_image"), {"image": jpeg_with_gps()}, **SAME_ORIGIN
    )
    assert response.status_code == 200
    code = json.loads(response.content)["image_code"]
    assert code.startswith("![](/media/forums/images/") and code.endswith(".webp)")
    [name] = stored_files(media_root)
    with Image.open(media_root / name) as image:
        assert image.format == "WEBP"
        assert not image.getexif()


def test_a_file_that_is_not_an_image_is_refused_and_stores_nothing(client, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(UserFactory())
    fake = SimpleUploadedFile("photo.png", b"<html><script>alert(1)</script>", "image/png")
    response = client.post(reverse("forums:editor_image"), {"image": fake}, **SAME_ORIGIN)
    assert response.status_code == 400
    assert "n’est pas une image" in json.loads(response.content)["image"][0]
    assert stored_files(media_root) == []


def test_an_unverified_account_cannot_upload_images(client, media_root):
    client.force_login(UserFactory(verified=False))
    response = client.post(reverse("forums:editor_image"), {"image": png()}, **SAME_ORIGIN)
    assert response.status_code == 403
    assert stored_files(media_root) == []
