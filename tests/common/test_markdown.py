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


def test_the_fast_link_destination_reads_as_markdown_its_own():
    """``_link_destination`` jumps between the characters that matter; it
    must give markdown-it-py's answer for every address, cut short or not."""
    import random

    from markdown_it.helpers import parseLinkDestination

    from common.markdown import _link_destination

    pieces = ["a", "é", "(", ")", "\\", "\\ ", " ", "\t", "\n", "\x00", "\x7f", "<", ">", "x)"]
    chooser = random.Random(16)
    cases = ["", "(" * 40 + ")" * 40, "(" * 33, "a\\", "<a>", "<a\nb>", "a(b)c d"]
    cases += ["".join(chooser.choices(pieces, k=chooser.randint(1, 40))) for _ in range(3000)]
    for text in cases:
        for start in range(min(len(text), 3)):
            for end in {len(text), len(text) // 2}:
                expected = parseLinkDestination(text, start, end)
                got = _link_destination(text, start, end)
                assert (got.ok, got.pos, got.str) == (expected.ok, expected.pos, expected.str), (
                    text,
                    start,
                    end,
                )
