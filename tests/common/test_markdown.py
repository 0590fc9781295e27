"""The site's markdown: sanitised and accessible (its time on hostile text is
guarded in tests/test_attacks.py)."""

from __future__ import annotations

from common.markdown import render_markdown


def test_an_image_written_in_html_without_a_description_is_marked_decorative():
    html = render_markdown('<img src="x" onerror="alert(1)"> <img alt="Plan" src="y">')
    assert '<img alt="" src="x">' in html
    assert 'alt="Plan"' in html
    assert "onerror" not in html


def test_an_unclosed_bracket_renders_as_written():
    assert render_markdown("un [ seul et [un lien](https://a.test)") == (
        '<p>un [ seul et <a href="https://a.test" rel="nofollow ugc noopener">un lien</a></p>'
    )
