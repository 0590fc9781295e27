"""One apostrophe in French e-mails: the typographic ’, as in the rest of
the site, including allauth's e-mails whose own French writes the straight
one (the project's catalogue overrides them, accounts/allauth_wording.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.template.loader import get_template
from django.utils import translation

from tests.conseils.test_translations import PO_FILE, _entries, needs_gettext

# The numbers the e-mails count with ({% blocktranslate count %}).
COUNTS = {"count": 2, "recipients": 2, "valid_days": 14}


def _email_templates() -> list[str]:
    folders = [Path(folder) for engine in settings.TEMPLATES for folder in engine["DIRS"]]
    folders += [Path(app.path) / "templates" for app in apps.get_app_configs()]
    names = {
        path.relative_to(folder).as_posix()
        for folder in folders
        if folder.is_dir()
        for path in folder.rglob("*")
        if path.suffix in {".txt", ".html"} and "email" in path.relative_to(folder).parts
    }
    return sorted(names)


def test_the_e_mail_templates_are_found():
    names = _email_templates()
    assert "councils/email/role_changed_body.txt" in names
    assert "account/email/password_reset_key_message.txt" in names
    assert "mfa/email/totp_activated_subject.txt" in names


@pytest.mark.django_db
@pytest.mark.parametrize("name", _email_templates())
def test_a_french_e_mail_writes_the_typographic_apostrophe(name):
    with translation.override("fr"):
        text = get_template(name).render(COUNTS)
    assert re.findall(r".{0,30}'.{0,30}", text) == []


@needs_gettext
def test_the_french_catalogue_writes_the_typographic_apostrophe():
    straight = [msgid for msgid, (_fuzzy, msgstr) in _entries(PO_FILE).items() if "'" in msgstr]
    assert straight == []
