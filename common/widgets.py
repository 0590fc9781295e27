"""The markdown editor of every form that takes markdown: django-markdownx's,
with Tab left to move between fields (its own Tab indents the text and
traps keyboard users), and a preview that stops where the field does."""

from __future__ import annotations

from urllib.parse import urlencode

from markdownx.settings import MARKDOWNX_URLS_PATH
from markdownx.widgets import MarkdownxWidget

# The preview's parameter naming the longest text the field takes.
PREVIEW_LENGTH_PARAMETER = "longueur"


class MarkdownEditor(MarkdownxWidget):
    class Media:
        js = ("js/editor-keyboard.js",)

    def add_markdownx_attrs(self, attrs):
        """markdownx's attributes; the preview is asked with the field's own
        limit (the ``maxlength`` Django sets), so that it refuses what the
        form would refuse."""
        attrs = MarkdownxWidget.add_markdownx_attrs(attrs)
        longest = attrs.get("maxlength")
        if longest:
            query = urlencode({PREVIEW_LENGTH_PARAMETER: longest})
            attrs["data-markdownx-urls-path"] = f"{MARKDOWNX_URLS_PATH}?{query}"
        return attrs
