"""Sizes read as the upload limits and the quota say them: octets, Ko, Mo, Go."""

from __future__ import annotations

import pytest
from django.utils import translation

from documents.templatetags.documents_tags import file_size


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
