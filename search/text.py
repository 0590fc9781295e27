"""Text helpers of the search: folding accents, splitting a query into words,
French stems for the SQLite index (``index_terms``, ``Terms``), and turning a
snippet into safe HTML with ``<mark>``.

Snippets are user text. Whatever produced them (``ts_headline`` or the
Python snippet below), they are escaped whole here, and only the sentinel
characters placed around matches become ``<mark>``.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata

import Stemmer
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
# Private-use characters around matches; a stray one in user text cannot
# open an unbalanced <mark> (see ``marked``).
START = "\ue000"
STOP = "\ue001"

_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")
# The few letters NFKD leaves whole.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})


def fold(text: str) -> str:
    """Lower case, without accents: "Réunion" → "reunion"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def words(query: str) -> list[str]:
    """The folded words of ``query``, matched anywhere in a title that
    PostgreSQL does not highlight itself, a file name (at most 8, single
    letters such as the "l" of "l'école" left out)."""
    found = [word for word in _WORD.findall(fold(query)) if len(word) > 1]
    return list(dict.fromkeys(found))[:MAX_WORDS]


# Letters and digits: "compte-rendu_juin.pdf" is four words.
_TOKEN = re.compile(r"[^\W_]+")

# PostgreSQL's French stop words (Snowball's list), folded: left out of the
# SQLite index and of queries, as the French configuration leaves them out.
STOP_WORDS = frozenset(
    fold(word)
    for word in """
    au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma
    mais me même mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses
    son sur ta te tes toi ton tu un une vos votre vous c d j l à m n s t y été étée
    étées étés étant étante étants étantes suis es est sommes êtes sont serai seras sera
    serons serez seront serais serait serions seriez seraient étais était étions étiez
    étaient fus fut fûmes fûtes furent sois soit soyons soyez soient fusse fusses fût
    fussions fussiez fussent ayant ayante ayantes ayants eu eue eues eus ai as avons avez
    ont aurai auras aura aurons aurez auront aurais aurait aurions auriez auraient avais
    avait avions aviez avaient eut eûmes eûtes eurent aie aies ait ayons ayez aient eusse
    eusses eût eussions eussiez eussent
    """.split()  # noqa: SIM905 (a list of words, read as one)
)

# Written short in queries, spelt out in names: "st denis" finds "Saint-Denis".
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_ABBREVIATION = re.compile(rf"\b({'|'.join(ABBREVIATIONS)})\b", re.IGNORECASE)

_stemmers = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    # A Snowball stemmer object is not shared between threads.
    stemmer = getattr(_stemmers, "french", None)
    if stemmer is None:
        stemmer = _stemmers.french = Stemmer.Stemmer("french")
    return stemmer


def expand_abbreviations(query: str) -> str:
    """``"St Denis"`` → ``"saint Denis"``."""
    return _ABBREVIATION.sub(lambda match: ABBREVIATIONS[match[1].lower()], query)


@functools.lru_cache(maxsize=65536)
def word_stems(word: str) -> tuple[str, ...]:
    """The folded French stems of one word: of its spelling, and of its
    spelling without accents where that differs ("partagée" gives "partag"
    and "partage", so that "partagee" typed without accents finds it).
    Nothing for a stop word. (Words recur: remembered.)"""
    lower = word.lower()
    folded = fold(lower)
    if folded in STOP_WORDS:
        return ()
    stemmer = _stemmer()
    spelt, unaccented = fold(stemmer.stemWord(lower)), stemmer.stemWord(folded)
    return (spelt,) if spelt == unaccented else (spelt, unaccented)


def index_terms(text: str | None) -> str:
    """``text`` as the SQLite index stores it: its stems, stop words left out."""
    return " ".join(stem for word in _TOKEN.findall(text or "") for stem in word_stems(word))


class Terms:
    """A query as the SQLite index reads it: each word's stems (at most
    ``MAX_WORDS`` words, stop words left out), the last word also as the
    beginning of longer words when it has three letters or more and the
    stemmer left it whole."""

    def __init__(self, query: str):
        found = [word for word in _TOKEN.findall(expand_abbreviations(query)) if word_stems(word)]
        unique = list({fold(word): word for word in found}.values())[:MAX_WORDS]
        self.words: list[tuple[str, ...]] = list(dict.fromkeys(map(word_stems, unique)))
        # A word the stemmer shortened is a whole word ("jardins" does not
        # find "jardiniers"); one it left whole may be a beginning ("jard").
        self.prefix = (
            bool(unique) and len(last := fold(unique[-1])) >= 3 and (last in word_stems(unique[-1]))
        )

    def __bool__(self) -> bool:
        return bool(self.words)

    def expression(self) -> str:
        """The FTS5 query: every word, each under one of its stems."""
        parts = []
        for index, stems in enumerate(self.words):
            star = "*" if self.prefix and index == len(self.words) - 1 else ""
            quoted = ('"' + stem.replace('"', '""') + '"' + star for stem in stems)
            parts.append("(" + " OR ".join(quoted) + ")")
        return " AND ".join(parts)

    def _matches(self, stems: tuple[str, ...]) -> bool:
        for index, wanted in enumerate(self.words):
            if set(wanted) & set(stems):
                return True
            last = self.prefix and index == len(self.words) - 1
            if last and any(stem.startswith(start) for stem in stems for start in wanted):
                return True
        return False

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the words of ``text`` whose stems match stand, in order."""
        return [
            (match.start(), match.end())
            for match in _TOKEN.finditer(text)
            if (stems := word_stems(match[0])) and self._matches(stems)
        ]


def marked(text: str) -> SafeString:
    """``text`` escaped, its START/STOP pairs turned into ``<mark>``…``</mark>``.

    Markers are paired in order: a STOP without START is dropped, an open
    START is closed at the end, so the HTML is always well formed.
    """
    parts = []
    open_mark = False
    for piece in re.split(f"([{START}{STOP}])", text):
        if piece == START:
            if not open_mark:
                parts.append("<mark>")
                open_mark = True
        elif piece == STOP:
            if open_mark:
                parts.append("</mark>")
                open_mark = False
        else:
            parts.append(escape(piece))
    if open_mark:
        parts.append("</mark>")
    return mark_safe("".join(parts))  # noqa: S308 (every piece escaped above)  # nosec B308 B703


def _folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, for each folded character, its index in ``text``."""
    folded, offsets = [], []
    for index, char in enumerate(text):
        for folded_char in fold(char):
            folded.append(folded_char)
            offsets.append(index)
    return "".join(folded), offsets


def _match_spans(text: str, query_words: list[str]) -> list[tuple[int, int]]:
    """Where the words occur in ``text`` (accents and case ignored), merged."""
    if not text or not query_words:
        return []
    folded, offsets = _folded_with_offsets(text)
    pattern = re.compile("|".join(re.escape(word) for word in query_words))
    spans: list[tuple[int, int]] = []
    for match in pattern.finditer(folded):
        start, end = offsets[match.start()], offsets[match.end() - 1] + 1
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def _with_sentinels(text: str, spans: list[tuple[int, int]]) -> str:
    clean = text.replace(START, "").replace(STOP, "")
    if clean != text:
        # Rare: user text with our private-use characters; mark nothing.
        return clean
    pieces, cursor = [], 0
    for start, end in spans:
        pieces += [text[cursor:start], START, text[start:end], STOP]
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


Found = list[str] | Terms


def _spans(text: str, query: Found) -> list[tuple[int, int]]:
    """Where ``query`` (folded words matched anywhere, or stemmed ``Terms``) stands."""
    if isinstance(query, Terms):
        return query.spans(text) if text else []
    return _match_spans(text, query)


def highlight(text: str, query_words: Found) -> SafeString:
    """All of ``text`` (a title), escaped, with the words marked."""
    return marked(_with_sentinels(text, _spans(text, query_words)))


# Markdown's marks, read as plain text in a snippet: links keep their text,
# emphasis, code and heading/quote marks go.
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_MARKS = re.compile(
    r"(\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)|`+|^\s*(#{1,6}|>|[-+*])\s+)", re.M
)


def without_markdown(text: str) -> str:
    """``"**16-25 ans** au [city-stade](https://…)"`` → ``"16-25 ans au city-stade"``."""
    return _MARKDOWN_MARKS.sub("", _MARKDOWN_LINK.sub(r"\1", text))


def snippet(text: str, query_words: Found, *, width: int = 220) -> SafeString:
    """About ``width`` characters of ``text`` around the first match, escaped,
    with the words marked; the beginning of ``text`` when nothing matches."""
    text = _SPACES.sub(" ", without_markdown(text or "")).strip()
    if not text:
        return SafeString()
    spans = _spans(text, query_words)
    first = spans[0][0] if spans else 0
    start = max(0, first - width // 3)
    if start:
        # Start on a word boundary.
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > first else end
    window = text[start:end]
    shifted = [
        (max(a, start) - start, min(b, end) - start) for a, b in spans if a < end and b > start
    ]
    body = marked(_with_sentinels(window, shifted))
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(f"{prefix}{body}{suffix}")  # noqa: S308 (body is escaped)  # nosec B308 B703
