"""The markdown editor of every form that takes markdown: django-markdownx's,
with Tab left to move between fields (its own Tab indents the text and
traps keyboard users)."""

from __future__ import annotations

from markdownx.widgets import MarkdownxWidget


class MarkdownEditor(MarkdownxWidget):
    class Media:
        js = ("js/editor-keyboard.js",)
