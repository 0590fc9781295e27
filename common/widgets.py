"""The markdown editor of every form that takes markdown: django-markdownx's,
with Tab left to move between fields (its own Tab indents the text and
traps keyboard users), and a preview that stops where the field does,
without the browser cutting a long paste."""

from __future__ import annotations

from urllib.parse import urlencode

from markdownx.settings import MARKDOWNX_URLS_PATH
from markdownx.widgets import MarkdownxWidget

# The preview's parameter naming the longest text the field takes.
PREVIEW_LENGTH_PARAMETER = "longueur"


class MarkdownEditor(MarkdownxWidget):
    class Media:
        js = ("js/editor-keyboard.js",)

    def build_attrs(self, base_attrs, extra_attrs=None):
        """The textarea's attributes, but the field's ``maxlength`` (Django
        sets it) goes to the preview instead: the browser would cut a long
        paste without a word, where the form says what is too long and keeps
        the text. The preview refuses what the form would refuse."""
        attrs = super().build_attrs(base_attrs, extra_attrs)
        longest = attrs.pop("maxlength", None)
        if longest:
            query = urlencode({PREVIEW_LENGTH_PARAMETER: longest})
            attrs["data-markdownx-urls-path"] = f"{MARKDOWNX_URLS_PATH}?{query}"
        return attrs
