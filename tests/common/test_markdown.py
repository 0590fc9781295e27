"""The site's markdown: CommonMark with tables, line breaks and bare
addresses as links; sanitised and accessible. Its behaviour on pathological
text is in test_markdown_pathological.py, its time in bench/markdown.py."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from common.markdown import ALLOWED_ATTRIBUTES, render_markdown
from tests.hostile import HOSTILE_MARKDOWN, active_content, markup_of

REL = 'rel="nofollow ugc noopener"'


def test_raw_html_is_shown_as_typed_never_as_markup():
    html = render_markdown('<b>gras</b> <img src="x" onerror="alert(1)">')
    assert html == ('<p>&lt;b&gt;gras&lt;/b&gt; &lt;img src="x" onerror="alert(1)"&gt;</p>')
    assert markup_of(html) == "<p>"


def test_a_block_of_raw_html_shows_its_tags_as_typed_and_its_markdown_rendered():
    """cmark reads a line starting with ``<div>`` or ``<!--`` as the start of
    a block of HTML that runs to the next blank line (or to ``-->``); the
    site reads its lines as markdown, its tags shown as typed."""
    html = render_markdown(
        "<div>\n*en italique* `<b>` [lien](javascript:alert(1))\n</div>\n\n"
        "<!-- a\n\n  b -->\n*italique*"
    )
    assert html == (
        "<p>&lt;div&gt;<br>\n<em>en italique</em> <code>&lt;b&gt;</code> lien<br>\n"
        "&lt;/div&gt;</p>\n<p>&lt;!-- a</p>\n<p>b --&gt;</p>\n<p><em>italique</em></p>"
    )


class _Attributes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: set[tuple[str, str]] = set()

    def handle_starttag(self, tag, attrs):
        self.found |= {(tag, name) for name, _value in attrs}

    handle_startendtag = handle_starttag


def _attributes(html: str) -> set[tuple[str, str]]:
    parser = _Attributes()
    parser.feed(html)
    parser.close()
    return parser.found


ALLOWED = {(tag, name) for tag, names in ALLOWED_ATTRIBUTES.items() for name in names} | {
    ("a", "rel")
}


@pytest.mark.parametrize("hostile", HOSTILE_MARKDOWN)
def test_hostile_markdown_comes_out_inert(hostile):
    html = render_markdown(f"Avant {hostile} après")
    assert active_content(html) == []
    assert _attributes(html) <= ALLOWED


def test_an_image_without_a_description_is_marked_decorative():
    assert render_markdown("![](/plan.png) ![Plan du quartier](/plan.png)") == (
        '<p><img src="/plan.png" alt=""> <img src="/plan.png" alt="Plan du quartier"></p>'
    )


def test_links_get_rel_nofollow_ugc_noopener():
    assert render_markdown("[le site](https://exemple.test/page)") == (
        f'<p><a href="https://exemple.test/page" {REL}>le site</a></p>'
    )


@pytest.mark.parametrize(
    "text",
    [
        "[clic](javascript:alert(1))",
        "[clic](JaVaScRiPt:alert(1))",
        "[clic](&#x6A;avascript:alert(1))",
        "[clic](vbscript:msgbox(1))",
        "[clic](data:text/html;base64,PHNjcmlwdD4=)",
        "[clic](ftp://exemple.test/)",
        "[clic](http://)",
        # nh3 refuses this host; the link still keeps its text only.
        "[clic](http://a%20b/)",
        "[clic][ref]\n\n[ref]: javascript:alert(1)",
        # A browser drops the tab and reads "javascript:".
        "[clic](<java\tscript:alert(1)>)",
        "[clic](<\x01javascript:alert(1)>)",
        # Not an address at all (urlsplit refuses it).
        "[clic](http://[)",
    ],
)
def test_a_link_whose_address_is_refused_keeps_its_text_only(text):
    assert render_markdown(text) == "<p>clic</p>"


def test_an_image_whose_address_is_refused_shows_its_description():
    html = render_markdown("![le *plan*](javascript:alert(1)) ![photo](data:image/png;base64,AA)")
    assert html == "<p>le <em>plan</em> photo</p>"


def test_headings_start_at_h2_the_page_title_is_the_only_h1():
    assert render_markdown("# Ordre du jour\n## Budget\n### Détails") == (
        "<h2>Ordre du jour</h2>\n<h2>Budget</h2>\n<h3>Détails</h3>"
    )


def test_a_new_line_in_a_paragraph_is_a_line_break():
    assert render_markdown("Bonjour,\nà jeudi.") == "<p>Bonjour,<br>\nà jeudi.</p>"


def test_addresses_written_in_full_become_links_other_words_do_not():
    html = render_markdown(
        "Voir https://exemple.test/compte-rendu, écrire à contact@exemple.fr ; "
        "notes.md et www.exemple.test restent du texte. `https://code.test`"
    )
    assert html == (
        f'<p>Voir <a href="https://exemple.test/compte-rendu" {REL}>'
        "https://exemple.test/compte-rendu</a>, écrire à "
        f'<a href="mailto:contact@exemple.fr" {REL}>contact@exemple.fr</a> ; '
        "notes.md et www.exemple.test restent du texte. <code>https://code.test</code></p>"
    )


def test_a_link_written_around_a_www_name_stays_a_link():
    """Only the ``www.`` names written bare stay text; one written as the
    text of a link keeps its link."""
    html = render_markdown("[www.exemple.test](http://www.exemple.test) et www.exemple.test")
    assert html == (
        f'<p><a href="http://www.exemple.test" {REL}>www.exemple.test</a> et www.exemple.test</p>'
    )


def test_tables_keep_their_alignment():
    html = render_markdown("| Quoi | Combien |\n|:--|--:|\n| Chaises | 40 |")
    assert html == (
        "<table>\n<thead>\n<tr>\n"
        '<th align="left">Quoi</th>\n<th align="right">Combien</th>\n'
        "</tr>\n</thead>\n<tbody>\n<tr>\n"
        '<td align="left">Chaises</td>\n<td align="right">40</td>\n'
        "</tr>\n</tbody>\n</table>"
    )


def test_fenced_code_is_shown_as_typed():
    assert render_markdown("```python\n<b>x</b> = 1\n```") == (
        "<pre><code>&lt;b&gt;x&lt;/b&gt; = 1\n</code></pre>"
    )


def test_an_unclosed_bracket_renders_as_written():
    assert render_markdown("un [ seul et [un lien](https://a.test)") == (
        f'<p>un [ seul et <a href="https://a.test" {REL}>un lien</a></p>'
    )


def test_nul_characters_are_replaced():
    assert render_markdown("a\x00b") == "<p>a\ufffdb</p>"


def test_nothing_renders_nothing():
    assert render_markdown("") == render_markdown(None) == ""


def test_strikethrough_task_lists_and_footnotes_are_not_markup():
    """GitHub's other extensions stay off: the text shows as typed."""
    assert render_markdown("~~barré~~ et [^1]\n\n- [ ] tâche") == (
        "<p>~~barré~~ et [^1]</p>\n<ul>\n<li>[ ] tâche</li>\n</ul>"
    )


def test_blocks_nest_twenty_deep_even_through_a_block_of_html():
    """The markdown of a block of HTML is read apart; its quotes count with
    the quotes around it (nh3 takes time growing with the square of the
    depth)."""
    from common.markdown import BLOCK_NESTING

    html = render_markdown("> " * 5 + "<div>\n" + "> " * 40 + "a")
    assert html.count("<blockquote>") == BLOCK_NESTING
    assert "&lt;div&gt;" in html


def test_www_alone_or_in_capitals_stays_text():
    """GitHub's extension links "www." alone (to "http://www") and "WWW.X";
    neither was written as an address."""
    html = render_markdown("Voir www. puis WWW.EXEMPLE.TEST, ou www.")
    assert "<a" not in html
