"""A new resident's whole path: sign up, verify, log in, profile, export, delete."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from django.core import mail
from django.urls import reverse
from PIL import Image

from accounts.models import User
from tests.conftest import stored_files
from tests.images import jpeg_with_gps

pytestmark = pytest.mark.django_db

EMAIL = "amina.diallo@exemple.test"
PASSWORD = "Quartier-Nord-2026!"


def _confirmation_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/compte/confirm-email/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_resident_journey(client, django_capture_on_commit_callbacks, media_root):
    # Sign up: the verification e-mail leaves through the Celery task after commit.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": EMAIL,
                "display_name": "Amina D.",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email=EMAIL)
    assert user.display_name == "Amina D."
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [EMAIL]
    assert message.subject.startswith("[Conseils citoyens]")
    assert "Confirmez votre adresse" in message.subject

    # Not verified yet: logging in is refused until the link is followed.
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302

    confirm_path = _confirmation_path(message)
    response = client.get(confirm_path)
    assert response.status_code == 200
    response = client.post(confirm_path)
    assert response.status_code == 302
    assert user.emailaddress_set.get().verified

    # Log out, then log in by e-mail.
    client.post(reverse("account_logout"))
    response = client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})
    assert response.status_code == 302
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    assert "Amina D." in response.content.decode()

    # Profile with a real photo: stored as a 256 px WebP without its EXIF/GPS data.
    response = client.post(
        reverse("accounts:profile_edit"),
        {
            "display_name": "Amina Diallo",
            "bio": "Je m'occupe de l'aide aux devoirs.",
            "town": "Roubaix",
            "publish_town": "on",
            "avatar_upload": jpeg_with_gps(),
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Amina Diallo"
    assert user.town == "Roubaix"
    with user.avatar.open("rb") as handle:
        stored = Image.open(handle)
        stored.load()
        assert stored.format == "WEBP"
        assert stored.size == (256, 256)
        assert not stored.getexif()
        assert "exif" not in stored.info
    assert stored_files(media_root) == [user.avatar.name]

    # The public page shows the published town, not the unpublished presentation.
    page = client.get(user.get_absolute_url()).content.decode()
    assert "Roubaix" in page
    assert "aide aux devoirs" not in page

    # Export: a zip with the JSON and the avatar.
    response = client.post(reverse("accounts:my_data_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        names = archive.namelist()
        data = json.loads(archive.read("donnees.json"))
    assert data["account"]["email"] == EMAIL
    assert data["account"]["bio"] == "Je m'occupe de l'aide aux devoirs."
    assert data["account"]["email_addresses"] == [
        {"email": EMAIL, "verified": True, "primary": True}
    ]
    assert data["account"]["avatar_file"] in names

    # Deletion asks for the password again, then for a typed confirmation.
    delete_url = reverse("accounts:account_delete")
    response = client.get(delete_url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    response = client.post(response.url, {"password": PASSWORD})
    assert response.status_code == 302
    assert response.url == delete_url
    response = client.get(delete_url)
    assert response.status_code == 200
    response = client.post(reverse("accounts:account_delete"), {"confirmation": "supprimer"})
    assert response.status_code == 200
    assert "Tapez SUPPRIMER" in response.content.decode()
    assert User.objects.filter(email=EMAIL).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:account_delete"), {"confirmation": "SUPPRIMER"})
    assert response.status_code == 302
    assert not User.objects.filter(email=EMAIL).exists()
    assert stored_files(media_root) == []
    assert client.get(reverse("accounts:profile")).status_code == 302
