"""Sizes read as the upload limits and the quota say them: octets, Ko, Mo, Go."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from documents.templatetags.documents_tags import file_size, storage_usage
from tests.councils.factories import council_create, member_of


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (0, "0\xa0octet"),
        (1, "1\xa0octet"),
        (500, "500\xa0octets"),
        (1536, "1,5\xa0Ko"),
        (5 * 1024 * 1024, "5\xa0Mo"),
        (int(5.3 * 1024 * 1024), "5,3\xa0Mo"),
        (3 * 1024**3, "3\xa0Go"),
        (None, "0\xa0octet"),
    ],
)
def test_sizes_in_french_units(size, shown):
    with translation.override("fr"):
        assert file_size(size) == shown


@pytest.mark.parametrize(
    ("used", "shown"),
    [
        (0, "0\xa0octet utilisé sur 2\xa0Go."),
        (1, "1\xa0octet utilisé sur 2\xa0Go."),
        (2, "2\xa0octets utilisés sur 2\xa0Go."),
        (1536, "1,5\xa0Ko utilisé sur 2\xa0Go."),
        (3 * 1024 * 1024, "3\xa0Mo utilisés sur 2\xa0Go."),
    ],
)
def test_the_storage_used_agrees_with_its_size(used, shown):
    with translation.override("fr"):
        assert storage_usage(used, 2 * 1024**3) == shown


@pytest.mark.django_db
def test_an_empty_council_folder_says_0_octet_used(client, settings):
    settings.COUNCIL_STORAGE_QUOTA_BYTES = 50 * 1024 * 1024
    council = council_create()
    client.force_login(member_of(council))
    page = client.get(reverse("documents:root", args=[council.slug])).content.decode()
    assert "0\xa0octet utilisé sur 50\xa0Mo." in page
