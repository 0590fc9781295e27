"""Avatars are judged by their content; a refused file leaves nothing behind."""

from __future__ import annotations

import pytest
from django.urls import reverse

from common.images import process_avatar
from tests.accounts.factories import UserFactory
from tests.conftest import stored_files
from tests.images import heavy_file, jpeg_with_gps, png, png_bomb, text_renamed_png

pytestmark = pytest.mark.django_db


def _post_profile(client, upload, **fields):
    data = {
        "display_name": "Nouveau nom",
        "bio": "Ma présentation modifiée",
        "town": "Tourcoing",
        "avatar_upload": upload,
        **fields,
    }
    return client.post(reverse("accounts:profile_edit"), data)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (text_renamed_png(), "Ce fichier n’est pas une image"),
        (png_bomb(), "Cette image a trop de pixels pour être traitée."),
        (
            heavy_file(megabytes=6),
            "Ce fichier pèse 6,0 Mo\u00a0; une image peut peser 5 Mo au maximum.",
        ),
    ],
    ids=["text-renamed-png", "decompression-bomb", "six-megabytes"],
)
def test_refused_avatar_keeps_the_form_and_stores_nothing(client, media_root, upload, message):
    user = UserFactory(display_name="Ancien nom", town="Roubaix", bio="")
    client.force_login(user)

    response = _post_profile(client, upload)

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    # What the user typed is still in the form.
    assert 'value="Nouveau nom"' in page
    assert "Ma présentation modifiée" in page
    # Nothing was saved, nothing was stored.
    user.refresh_from_db()
    assert user.display_name == "Ancien nom"
    assert user.town == "Roubaix"
    assert not user.avatar
    assert stored_files(media_root) == []


@pytest.fixture
def user_with_avatar(client, django_capture_on_commit_callbacks):
    """A logged-in user who has already uploaded an avatar."""
    user = UserFactory()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        _post_profile(client, png())
    user.refresh_from_db()
    assert user.avatar
    return user


def test_replacing_an_avatar_deletes_the_old_file(
    client, media_root, django_capture_on_commit_callbacks, user_with_avatar
):
    user = user_with_avatar
    first = user.avatar.name

    with django_capture_on_commit_callbacks(execute=True):
        response = _post_profile(client, jpeg_with_gps())

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.avatar.name != first
    assert stored_files(media_root) == [user.avatar.name]


def test_removing_the_avatar_deletes_the_file(
    client, media_root, django_capture_on_commit_callbacks, user_with_avatar
):
    user = user_with_avatar

    with django_capture_on_commit_callbacks(execute=True):
        response = _post_profile(client, "", remove_avatar="on")

    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.avatar
    assert stored_files(media_root) == []


def test_transparent_png_keeps_its_transparency():
    avatar = process_avatar(png(size=(300, 500)))
    from PIL import Image

    with Image.open(avatar) as image:
        assert image.size == (256, 256)
        assert image.mode == "RGBA"
