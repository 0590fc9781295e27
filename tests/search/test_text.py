"""The text helpers: folding, words, and snippets that stay safe HTML."""

from __future__ import annotations

from search import text


def test_fold_removes_accents_and_case():
    assert text.fold("Réunion À L'ŒUVRE façade") == "reunion a l'oeuvre facade"


def test_words_are_folded_unique_and_limited():
    assert text.words("L'école, l'ÉCOLE et la Réunion") == ["ecole", "et", "la", "reunion"]
    assert len(text.words(" ".join(f"mot{n}" for n in range(20)))) == text.MAX_WORDS


def test_marked_escapes_everything_but_balanced_marks():
    raw = f"<b>a</b> {text.START}<i>x</i>{text.STOP} & {text.STOP}z{text.START}y"
    assert text.marked(raw) == (
        "&lt;b&gt;a&lt;/b&gt; <mark>&lt;i&gt;x&lt;/i&gt;</mark> &amp; z<mark>y</mark>"
    )


def test_the_python_snippet_cuts_around_the_first_match():
    body = "Début. " + "mot " * 100 + "la Réunion <du> quartier " + "fin " * 100
    snippet = text.snippet(body, ["reunion"])
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert "la <mark>Réunion</mark> &lt;du&gt; quartier" in snippet
    assert len(snippet) < 300


def test_user_text_carrying_sentinels_gets_no_mark():
    assert text.highlight(f"a{text.START}b", ["b"]) == "ab"


def test_snippets_read_markdown_as_plain_text():
    found = text.snippet(
        "Les **16-25 ans** au [city-stade](https://exemple.fr) : *réunion*", ["reunion"]
    )
    assert found == "Les 16-25 ans au city-stade : <mark>réunion</mark>"
    assert text.without_markdown("## Titre\n- snake_case et 2*3") == "Titre\nsnake_case et 2*3"


def test_terms_are_stems_of_the_words_without_stop_words():
    terms = text.Terms("Les jardins partagés de St-Denis")
    assert terms.words == [("jardin",), ("partag",), ("saint",), ("den",)]
    assert terms.expression() == '("jardin") AND ("partag") AND ("saint") AND ("den")'
    assert text.Terms("jardins jard").expression() == '("jardin") AND ("jard"*)'
    assert not text.Terms("de la et les")
    # Quotes, stars and FTS5's operators are words or separators, never syntax.
    assert text.Terms('"jardin" OR NEAR(x*)').expression() == (
        '("jardin") AND ("or") AND ("near") AND ("x")'
    )


def test_a_short_last_word_is_not_a_beginning():
    assert text.Terms("jardin 12").expression() == '("jardin") AND ("12")'


def test_terms_mark_every_form_in_a_title():
    found = text.highlight("Jardin partagé, jardins PARTAGÉS", text.Terms("jardins partage"))
    assert found == (
        "<mark>Jardin</mark> <mark>partagé</mark>, <mark>jardins</mark> <mark>PARTAGÉS</mark>"
    )
