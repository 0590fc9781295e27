"""CommonMark's pathological tests (and the site's own families) against the
site's renderer: each family, at a length where a quadratic parser shows
(10,000 characters: Python-Markdown took from half a second to minutes on
most families, or failed), comes out with the shape CommonMark gives it,
inert and made of allowed tags only.

The texts come from tests/markdown_families.py; their render time against
length is bench/markdown.py's job (the test asserts shapes, not times, so a
busy machine cannot make it fail).
"""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser

import pytest

from common.markdown import ALLOWED_TAGS, BLOCK_NESTING, LINK_REL, render_markdown
from tests.hostile import active_content
from tests.markdown_families import FAMILIES

SIZE = 10_000
REL = re.escape(f' rel="{LINK_REL}"')


def _paragraph_of(text: str) -> str:
    """A paragraph showing ``text`` as typed."""
    return f"<p>{html_lib.escape(text.strip(), quote=False)}</p>"


def _repeated(piece: str, times: int) -> str:
    return f"(?:{piece}){{{times}}}"


def _units(text: str, unit: str) -> int:
    return len(text) // len(unit)


def _same_text(text: str, html: str) -> bool:
    return html == _paragraph_of(text)


def _same_text_some_links(text: str, html: str) -> bool:
    """``text`` as typed, where a few pieces may have become links."""
    return html.count("<a ") <= 1 and re.sub(r"<[^>]*>", "", html) == _paragraph_of(text)[3:-4]


# Family → a check of the output given the text. Most shapes are those of
# commonmark-spec's test/pathological_tests.py, at our size.
SHAPES = {
    "nested brackets": _same_text,
    "unclosed brackets": _same_text,
    "brackets and backticks": lambda text, html: re.fullmatch(
        r"<p>\["
        + _repeated(r"<code>\[</code>\[", _units(text, "[`") // 2 - 1)
        + "<code>\\[</code></p>",
        html,
    ),
    "backticks and brackets": lambda text, html: re.fullmatch(
        "<p>" + _repeated(r"<code>\[</code>\[", _units(text, "`[") // 2) + "</p>", html
    ),
    "many link closers with no openers": _same_text,
    "many link openers with no closers": _same_text,
    "unclosed links A": _same_text,
    "unclosed links B": _same_text,
    "pattern [ (]( repeated": _same_text,
    "pattern ![[]() repeated": lambda text, html: re.fullmatch(
        "<p>" + _repeated(rf'!\[<a href=""{REL}></a>', _units(text, "![[]()")) + "</p>", html
    ),
    "links": lambda text, html: re.fullmatch(
        "<p>"
        + _repeated(rf'<a href="https://a.test/p"{REL}>lien</a> ', _units(text, "x" * 25) - 1)
        + rf'<a href="https://a.test/p"{REL}>lien</a></p>',
        html,
    ),
    "refused links": lambda text, html: (
        html == "<p>" + " ".join(["x"] * _units(text, "x" * 25)) + "</p>"
    ),
    "addresses nh3 refuses": lambda text, html: (
        html == "<p>" + " ".join(["x"] * _units(text, "x" * 19)) + "</p>"
    ),
    # A link never holds a link: the innermost brackets make the only one.
    "links in links": lambda text, html: html.startswith("<p>[a [a [a ") and html.count("<a ") <= 1,
    "many references": lambda text, html: (
        html.count("<a ") == text.count("]: /u")
        and html.endswith(f">{text.count(']: /u') - 1}</a></p>")
    ),
    "images": lambda text, html: re.fullmatch(
        "<p>"
        + _repeated(r'<img src="https://a.test/p.png" alt="plan"> ', _units(text, "x" * 30) - 1)
        + r'<img src="https://a.test/p.png" alt="plan"></p>',
        html,
    ),
    "images without description": lambda text, html: re.fullmatch(
        "<p>" + _repeated(r'<img src="/p.png" alt=""> ?', _units(text, "x" * 12)) + "</p>", html
    ),
    # An image's description may hold images (CommonMark): one image, whose
    # description is the innermost's text.
    "nested images": lambda text, html: html == '<p><img src="/i.png" alt="a"></p>',
    "unclosed images": _same_text,
    "nested strong emph": lambda text, html: re.fullmatch(
        "<p>"
        + _repeated("<em>a <strong>a ", _units(text, "*a **a  a** a*"))
        + "b"
        + _repeated(" a</strong> a</em>", _units(text, "*a **a  a** a*"))
        + "</p>",
        html,
    ),
    "many emph closers with no openers": _same_text,
    "many emph openers with no closers": _same_text,
    "mismatched openers and closers": _same_text,
    "openers and closers multiple of 3": _same_text,
    "link openers and emph closers": _same_text,
    "mixed delimiters": lambda text, html: html.startswith("<p>") and html.endswith("</p>"),
    "emphasis": lambda text, html: (
        html.count("<strong>gras</strong>")
        == html.count("<em>italique</em>")
        == _units(text, "**gras** et *italique* ")
    ),
    "backticks": _same_text,
    # CommonMark pairs each run of three backticks with the next one; cmark-gfm
    # (0.29.0.gfm.13) pairs only the first two, then shows the rest as typed:
    # its record of where runs of each length stand is overwritten by the
    # first pair it finds. Nothing is lost either way.
    "unclosed code spans": lambda text, html: (
        html == "<p>``a<code>a</code>a" + "```a" * (_units(text, "``a`") - 3) + "`</p>"
    ),
    "unclosed fences": lambda text, html: (
        html == "\n".join(["<pre><code></code></pre>"] * (_units(text, "```\n") // 2))
    ),
    # Blocks nest BLOCK_NESTING deep; deeper ones are dropped.
    "nested block quotes": lambda text, html: html.count("<blockquote>") == BLOCK_NESTING,
    # A list and its item are two levels; the deepest item is left empty.
    "deeply nested lists": lambda text, html: re.fullmatch(
        _repeated(r"<ul>\n<li>a\n", BLOCK_NESTING // 2 - 1)
        + r"<ul>\n<li></li>\n</ul>"
        + _repeated(r"\n</li>\n</ul>", BLOCK_NESTING // 2 - 1),
        html,
    ),
    "nested list markers": lambda text, html: html.count("<ul>") == BLOCK_NESTING // 2,
    "long list": lambda text, html: (
        html == "<ul>\n" + "<li>a</li>\n" * _units(text, "- a\n") + "</ul>"
    ),
    "headings": lambda text, html: (
        html == "\n".join(["<h2>Titre</h2>"] * _units(text, "# Titre\n"))
    ),
    "line breaks": lambda text, html: (
        html == "<p>" + "<br>\n".join(["a"] * _units(text, "a\n")) + "</p>"
    ),
    "tables": lambda text, html: (
        html.count("<tr>") == text.count("\n") - 1
        and html.count('<td align="center"><em>y</em></td>') == text.count("\n") - 2
    ),
    "wide tables": lambda text, html: (
        html.count("<th>a</th>") == html.count("<td>b</td>") == text.count("|a")
    ),
    "table lookalikes": lambda text, html: (
        html.startswith("<p>a|b<br>\n-|<br>\n") and "<table" not in html
    ),
    "HTML blocks": lambda text, html: (
        html == "<p>" + "<br>\n".join(["&lt;div&gt;"] * _units(text, "<div>\n")) + "</p>"
    ),
    "unclosed inline tags": _same_text,
    "links in HTML without an address": _same_text,
    "HTML comments": _same_text,
    "processing instructions": _same_text,
    "declarations": _same_text,
    "CDATA": _same_text,
    "entities": lambda text, html: html == "<p>" + "&amp;ABé" * _units(text, "x" * 24) + "</p>",
    "unclosed entities": _same_text,
    "ampersands": _same_text,
    "backslashes": lambda text, html: html == "<p>" + "\\" * (len(text) // 2) + "</p>",
    "U+0000": lambda text, html: html == "<p>" + "a\ufffd" * _units(text, "a\x00") + "</p>",
    "bare addresses": lambda text, html: (
        html.count(f'<a href="https://a.test/" rel="{LINK_REL}">https://a.test/</a>')
        == _units(text, "https://a.test/ ")
    ),
    "address lookalikes": lambda text, html: html.startswith("<p>") and html.endswith("</p>"),
    "scheme lookalikes": _same_text,
    "unknown schemes": _same_text,
    "dotted words": _same_text,
    "www": _same_text,
    # GitHub's rule for e-mail addresses links the last "b.a@b" (linkify-it's
    # linked none).
    "e-mail lookalikes": _same_text_some_links,
}


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)

    handle_startendtag = handle_starttag


def _tags(html: str) -> set[str]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


def test_every_family_has_a_shape():
    assert set(SHAPES) == set(FAMILIES)


@pytest.mark.parametrize("family", FAMILIES)
def test_a_pathological_text_keeps_its_shape(family):
    text = FAMILIES[family](SIZE)
    html = render_markdown(text)
    assert SHAPES[family](text, html), (family, html[:300], html[-300:])
    assert active_content(html) == []
    assert _tags(html) <= ALLOWED_TAGS
