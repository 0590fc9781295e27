"""Private files leave by the configured way, always with nosniff."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from common.downloads import send_file


class _Stored:
    def __init__(self, name):
        self.name = name

    def open(self, mode):
        return default_storage.open(self.name, mode)

    @property
    def url(self):
        return "https://stockage.exemple.test/prive/fichier?X-Amz-Signature=abc&X-Amz-Expires=300"


@pytest.fixture
def stored(media_root):
    name = default_storage.save("private/documents/1/essai.pdf", ContentFile(b"%PDF-1.4"))
    return _Stored(name)


def test_streamed_by_django_by_default(stored, settings):
    settings.PROTECTED_MEDIA_X_ACCEL = False
    response = send_file(stored, filename="Compte rendu.pdf", content_type="application/pdf")
    assert b"".join(response.streaming_content) == b"%PDF-1.4"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_handed_to_nginx_with_x_accel_redirect(stored, settings):
    settings.PROTECTED_MEDIA_X_ACCEL = True
    response = send_file(stored, filename="Compte rendu.pdf", content_type="application/pdf")
    assert response["X-Accel-Redirect"] == "/protected-media/private/documents/1/essai.pdf"
    assert response.content == b""
    assert "Compte%20rendu.pdf" in response["Content-Disposition"]


def test_redirected_to_a_signed_url_on_s3(stored, settings):
    settings.AWS_STORAGE_BUCKET_NAME = "conseils"
    response = send_file(stored, filename="x.pdf", content_type="application/pdf")
    assert response.status_code == 302
    assert "X-Amz-Expires=300" in response.url
