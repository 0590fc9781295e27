"""The markdown editor of every form that takes markdown: django-markdownx's,
with Tab left to move between fields (its own Tab indents the text and
traps keyboard users), a preview that stops where the field does, without
the browser cutting a long paste, and no image upload unless the form gives
its own checked address (the forums do): markdownx would send every editor's
images to one address taken from a setting."""

from __future__ import annotations

from urllib.parse import urlencode

from django.utils.translation import gettext, gettext_lazy
from markdownx.settings import MARKDOWNX_URLS_PATH
from markdownx.widgets import MarkdownxWidget

# The preview's parameter naming the longest text the field takes.
PREVIEW_LENGTH_PARAMETER = "longueur"


UPLOAD_ATTRIBUTE = "data-markdownx-upload-urls-path"


class MarkdownEditor(MarkdownxWidget):
    # Shown under the field once static/js/editor-keyboard.js runs: without
    # JavaScript there is no preview (templates/markdownx/widget.html).
    editor_help = gettext_lazy("The preview appears below as you type.")

    class Media:
        js = ("js/editor-keyboard.js",)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["editor_help"] = self.editor_help
        return context

    def add_markdownx_attrs(self, attrs):
        """No image upload here: a pasted or dropped file is refused in the
        page with this message (static/js/editor-keyboard.js) instead of
        going to an address that does not take it."""
        attrs = super().add_markdownx_attrs(attrs)
        attrs.pop(UPLOAD_ATTRIBUTE, None)
        attrs["data-no-upload-message"] = gettext(
            "Images cannot be added to this text: only its words are kept."
        )
        return attrs

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
