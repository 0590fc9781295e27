"""Markdown written by people, rendered once and sanitised with an allow-list.

Rendering happens when text is saved; pages show the stored HTML. Whatever
markdown lets through (raw HTML, odd links), nh3 keeps only the tags,
attributes and URL schemes listed here.
"""

from __future__ import annotations

import re

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"
EXTENSIONS = ["extra", "sane_lists", "nl2br"]


def render_markdown(text: str) -> str:
    """Return safe HTML for ``text``: no script, handler, style, iframe or data: URL.

    Headings written as ``#`` become ``h2``: a page has one ``h1``, its title.
    """
    text = _escape_unclosable_brackets(text or "")
    html = markdown_lib.markdown(text, extensions=EXTENSIONS, output_format="html")
    html = html.replace("<h1", "<h2").replace("</h1>", "</h2>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
    # A link whose address was refused (javascript:, data:) keeps its text
    # only: an <a> without href looks like a link and cannot be followed.
    clean = _LINK_WITHOUT_HREF.sub(r"\1", clean)
    # An image written in HTML without a description is announced as
    # decorative rather than by its file name (WCAG 1.1.1).
    return _IMAGE_WITHOUT_ALT.sub('<img alt=""', clean)


def _escape_unclosable_brackets(text: str) -> str:
    """Escape each ``[`` that no ``]`` after it is left to close.

    Python-Markdown looks for the end of a link from every ``[``, which takes
    time growing with the square of their number (Python-Markdown issue
    #798): 10,000 ``[`` held a worker for 11 s. Such a ``[`` can open no link
    and renders the same escaped (except inside inline code, where the
    backslash then shows: a rare price); counting the closers from the end
    keeps the cost linear. Nested pairs (``[[[…]]]``) stay slower.
    """
    if "[" not in text:
        return text
    reversed_pieces = []
    closers = 0
    for char in reversed(text):
        if char == "]":
            closers += 1
        elif char == "[":
            if closers:
                closers -= 1
            else:
                # Reversed at the end: a backslash, then the bracket.
                reversed_pieces.append("[")
                reversed_pieces.append("\\")
                continue
        reversed_pieces.append(char)
    return "".join(reversed(reversed_pieces))


_IMAGE_WITHOUT_ALT = re.compile(r"<img(?![^>]*\balt=)")
_LINK_WITHOUT_HREF = re.compile(r"<a(?![^>]*\bhref=)[^>]*>(.*?)</a>", re.DOTALL)
