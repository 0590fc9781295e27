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
    html = markdown_lib.markdown(text or "", extensions=EXTENSIONS, output_format="html")
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
    return _LINK_WITHOUT_HREF.sub(r"\1", clean)


_LINK_WITHOUT_HREF = re.compile(r"<a(?![^>]*\bhref=)[^>]*>(.*?)</a>", re.DOTALL)
