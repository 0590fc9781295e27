"""The site's own scripts, to tell them from scripts that should not be there.

The layout loads one file of ``static/js/`` (the phone menu, menu.js), and
the editor pages another; nothing is inline (the CSP forbids it). Tests that
check a page holds no script check what is left without these tags.
"""

from __future__ import annotations

import re

SITE_SCRIPT = re.compile(r'<script src="/static/js/[\w-]+\.js"(?: defer)?></script>')


def site_scripts(page: str) -> list[str]:
    return SITE_SCRIPT.findall(page)


def without_site_scripts(page: str) -> str:
    """``page`` without the site's own script tags: what is left must hold no ``<script``."""
    return SITE_SCRIPT.sub("", page)
