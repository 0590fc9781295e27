"""The French catalogue is complete and its compiled file is up to date."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
PO_FILE = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")

needs_gettext = pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="GNU gettext is installed by make test"
)


def _entries(po_path: Path) -> dict[str, tuple[bool, str]]:
    """msgid -> (fuzzy, msgstr) for each entry of a .po file (plurals joined)."""
    output = subprocess.run(  # noqa: S603
        ["msgattrib", "--no-wrap", "--no-location", str(po_path)],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    entries: dict[str, tuple[bool, str]] = {}
    # French has three plural forms in recent gettext (one, many for millions,
    # other): a plural entry with fewer falls back to English at run time.
    plural_forms = int(re.search(r"nplurals=(\d+)", output).group(1))
    for block in output.split("\n\n"):
        lines = block.strip().splitlines()
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        msgid = "".join(
            line.split(" ", 1)[1].strip('"') for line in lines if line.startswith("msgid ")
        )
        msgstrs = [line.split(" ", 1)[1].strip('"') for line in lines if line.startswith("msgstr")]
        is_plural = any(line.startswith("msgid_plural ") for line in lines)
        complete = all(msgstrs) and (not is_plural or len(msgstrs) == plural_forms)
        if msgid:
            entries[msgid] = (fuzzy, "".join(msgstrs) if complete else "")
    return entries


@needs_gettext
def test_every_message_of_the_project_has_a_french_translation(tmp_path):
    """Extract the strings of the code as it is now and look each one up."""
    work = tmp_path / "project"
    shutil.copytree(
        ROOT,
        work,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "tests", "media", "staticfiles", "tmp", "node_modules", "*.sqlite3"
        ),
    )
    extracted = work / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    import os

    cwd = os.getcwd()
    os.chdir(work)
    try:
        call_command("makemessages", locale=["fr"], no_obsolete=True, verbosity=0)
    finally:
        os.chdir(cwd)
    missing = [
        msgid for msgid, (fuzzy, msgstr) in _entries(extracted).items() if fuzzy or not msgstr
    ]
    assert missing == [], (
        "Message ids without a French translation (run make messages):\n" + "\n".join(missing)
    )


@needs_gettext
def test_compiled_catalogue_matches_the_po_file(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(PO_FILE)], check=True)  # noqa: S603, S607
    with compiled.open("rb") as fresh, MO_FILE.open("rb") as committed:
        assert (
            gettext.GNUTranslations(fresh)._catalog == gettext.GNUTranslations(committed)._catalog
        )
