"""Markdown written by people, rendered once and sanitised with an allow-list.

Rendering happens when text is saved; pages show the stored HTML. The parser
is markdown-it-py, a CommonMark parser built so that no input takes time
growing faster than its length (it passes CommonMark's pathological tests;
``bench/markdown.py`` measures it). Then nh3 keeps only the tags, attributes
and URL schemes listed here.

Raw HTML is switched off in the parser: what people type between ``<`` and
``>`` is shown as they typed it, never handed to the browser. The sanitiser
then only ever sees the HTML the parser writes itself, so no difference
between how the parser and the sanitiser read a piece of hostile HTML (where
a block ends, what a comment hides) can let anything through; nh3 stays
behind it all the same.
"""

from __future__ import annotations

import functools
import re
from types import SimpleNamespace
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it import helpers as markdown_it_helpers
from markdown_it.common.utils import unescapeAll
from markdown_it.helpers.parse_link_destination import _Result as LinkDestination
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

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
# The longest markdown any form takes (the showcase pages' text); the
# editor's preview refuses longer. tests/common/test_markdown.py holds it to
# the forms' limits.
LONGEST_TEXT = 100_000


def render_markdown(text: str) -> str:
    """Return safe HTML for ``text``: no script, handler, style, iframe or data: URL.

    Headings written as ``#`` become ``h2``: a page has one ``h1``, its title.
    A link or image whose address is refused keeps its text only.
    """
    html = _parser().render(text or "")
    clean = nh3.clean(
        _split_ampersand_runs(html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
    # The parser already dropped the links whose address is refused; should
    # nh3 still refuse one (an address it cannot parse), the link keeps its
    # text only there too. Tags never nest in a link, so this stays linear.
    return _LINK_WITHOUT_HREF.sub(r"\1", clean).rstrip()


# nh3 (html5ever) takes time growing with the square of the number of "&"
# in one text node: 200,000 "&" in a paragraph took 0.4 s, a million 10 s.
# An empty comment every _AMPERSANDS_PER_RUN of them splits the node; nh3
# removes the comments (strip_comments), so the text comes out the same.
_AMPERSANDS_PER_RUN = 64
_TAG = re.compile(r"(<[^>]*>)")


def _split_ampersand_runs(html: str) -> str:
    """``html`` with an empty comment after every ``_AMPERSANDS_PER_RUN``-th
    "&amp;" of its text. The parser escapes "<" and ">" everywhere but in
    its own tags, so what lies between two tags is text."""
    if html.count("&amp;") <= _AMPERSANDS_PER_RUN:
        return html
    pieces = _TAG.split(html)
    for index in range(0, len(pieces), 2):  # the text between the tags
        runs = pieces[index].split("&amp;")
        if len(runs) > _AMPERSANDS_PER_RUN:
            pieces[index] = "&amp;<!---->".join(
                "&amp;".join(runs[start : start + _AMPERSANDS_PER_RUN])
                for start in range(0, len(runs), _AMPERSANDS_PER_RUN)
            )
    return "".join(pieces)


_LINK_WITHOUT_HREF = re.compile(r"<a\b(?![^>]*\bhref=)[^>]*>(.*?)</a>", re.DOTALL)
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_ALIGN = re.compile(r"text-align:(left|center|right)")


def _address_allowed(address: str) -> bool:
    """A relative address, or one of the allowed schemes (web addresses with a host).

    ``address`` is the parser's: entities decoded, spaces and control
    characters percent-encoded, so ``java&#x73;cript:`` or ``java\\tscript:``
    reach here as ``javascript:`` or as a harmless relative path.
    """
    scheme = _SCHEME.match(address)
    if scheme is None:
        return True
    name = scheme.group(1).lower()
    if name not in ALLOWED_URL_SCHEMES:
        return False
    return name == "mailto" or bool(urlsplit(address).netloc)


def _site_rules(state: StateCore) -> None:
    """The site's changes to the parsed text, token by token (linear)."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"
        elif token.type in ("th_open", "td_open"):
            # nh3 drops style; the allow-list keeps the align attribute.
            align = _ALIGN.fullmatch(str(token.attrs.get("style", "")))
            token.attrs = {"align": align.group(1)} if align else {}
        elif token.type == "inline" and token.children:
            token.children = _without_refused_addresses(token.children)


def _without_refused_addresses(tokens: list[Token]) -> list[Token]:
    """Drop the links whose address is refused, keeping their text, and put
    the description of an image whose address is refused in its place."""
    kept: list[Token] = []
    dropped_links: list[bool] = []
    for token in tokens:
        if token.type == "link_open":
            refused = not _address_allowed(str(token.attrs.get("href", "")))
            dropped_links.append(refused)
            if refused:
                continue
        elif token.type == "link_close":
            if dropped_links and dropped_links.pop():
                continue
        elif token.type == "image" and not _address_allowed(str(token.attrs.get("src", ""))):
            kept.extend(_without_refused_addresses(token.children or []))
            continue
        kept.append(token)
    return kept


# How much of the text before "://" may name its scheme (linkify-it knows
# none longer than "https"), and how long an address written in full may be.
_SCHEME_WINDOW = 64
_ADDRESS_WINDOW = 8_000
_SCHEME_BEFORE = re.compile(r"(?:^|[^a-z0-9.+-])([a-z][a-z0-9.+-]*)$", re.IGNORECASE)


def _linkify(state: StateInline, silent: bool) -> bool:
    """markdown-it-py's rule for ``https://…`` written in the text, in linear time.

    Its own rule searches all the text read since the last markup for a
    scheme at every "://", and copies all the text after it: 50,000
    characters of ``x://y `` took 10 s. This one looks at the last
    ``_SCHEME_WINDOW`` characters before and ``_ADDRESS_WINDOW`` after.
    """
    pos = state.pos
    if (
        state.linkLevel > 0
        or pos + 3 > state.posMax
        or not state.src.startswith("://", pos)
        or not (scheme := _SCHEME_BEFORE.search(state.pending[-_SCHEME_WINDOW:]))
    ):
        return False
    proto = scheme.group(1)
    start = pos - len(proto)
    link = state.md.linkify.match_at_start(state.src[start : start + _ADDRESS_WINDOW])
    if not link:
        return False
    # A "*" at the end of an address closes emphasis.
    address = link.url.rstrip("*")
    if not silent:
        state.pending = state.pending[: -len(proto)]
        token = state.push("link_open", "a", 1)
        token.attrs = {"href": state.md.normalizeLink(address)}
        token.markup = "linkify"
        token.info = "auto"
        token = state.push("text", "", 0)
        token.content = state.md.normalizeLinkText(address)
        token = state.push("link_close", "a", -1)
        token.markup = "linkify"
        token.info = "auto"
    state.pos += len(address) - len(proto)
    return True


# What ends a link's address, or needs a look: spaces and control characters,
# backslashes, parentheses.
_DESTINATION_STOP = re.compile(r"[\x00-\x20\x7f\\()]")


def _link_destination(string: str, pos: int, maximum: int) -> LinkDestination:
    """markdown-it-py's ``parseLinkDestination``, jumping from one character
    that matters to the next instead of stepping through each: an address
    cut short by 32 parentheses (``![a](![a](…``) was read one character at
    a time by Python, from every "(", and that alone took 0.5 s for 100,000
    characters. Same answers (tests/common/test_markdown.py compares them).
    """
    if pos < maximum and string[pos] == "<":
        return markdown_it_helpers.parseLinkDestination(string, pos, maximum)
    start, level = pos, 0
    result = LinkDestination()
    while pos < maximum:
        found = _DESTINATION_STOP.search(string, pos, maximum)
        if found is None:
            pos = maximum
            break
        pos = found.start()
        char = string[pos]
        if char == "\\":
            if pos + 1 < maximum:
                if string[pos + 1] == " ":
                    break
                pos += 2
            else:
                pos += 1
        elif char == "(":
            level += 1
            if level > 32:
                return result
            pos += 1
        elif char == ")":
            if level == 0:
                break
            level -= 1
            pos += 1
        else:  # a space or a control character
            break
    if start == pos or level != 0:
        return result
    result.str = unescapeAll(string[start:pos])
    result.pos = pos
    result.ok = True
    return result


_HELPERS = SimpleNamespace(
    parseLinkDestination=_link_destination,
    parseLinkLabel=markdown_it_helpers.parseLinkLabel,
    parseLinkTitle=markdown_it_helpers.parseLinkTitle,
)


# Blocks (quotes, lists) nest 20 deep at most, as in markdown-it's CommonMark
# preset: deeper, the text is dropped. Inline markup (links, images) nests 10
# deep, past which brackets stay text: each "[" is tried as a link as deep as
# that, so the limit sets what a run of brackets costs (100,000 "[": 0.85 s
# of CPU at 20, 0.58 s at 10). Emphasis does not count: it is paired after.
BLOCK_NESTING = 20
INLINE_NESTING = 10


@functools.cache
def _parser(max_nesting: int = BLOCK_NESTING) -> MarkdownIt:
    """The site's parser, built once on first use; the one whose nesting
    stops at ``INLINE_NESTING`` parses the inline text of the other."""
    parser = MarkdownIt(
        "commonmark",
        {
            "maxNesting": max_nesting,
            "html": False,  # raw HTML is shown as text (see the module docstring)
            "breaks": True,  # a new line in a paragraph is a line break
            "linkify": True,  # https://… and e-mail addresses become links
        },
    ).enable(["table", "linkify"])
    # Raw HTML is off: its rules would only look at each line and give up.
    parser.disable(["html_block", "html_inline"])
    # Only addresses written with their scheme: "notes.md" is a file, not a
    # site in Moldova.
    parser.linkify.set({"fuzzy_link": False})
    # Every address is parsed; _site_rules decides which stay (the parser's
    # own check would leave refused links as href="").
    parser.validateLink = lambda address: True
    parser.helpers = _HELPERS
    parser.inline.ruler.at("linkify", _linkify)
    if max_nesting != INLINE_NESTING:
        parser.core.ruler.at("inline", _parse_inline)
    parser.core.ruler.push("site_rules", _site_rules)
    return parser


def _parse_inline(state: StateCore) -> None:
    """markdown-it's rule that parses the text of each block, with the parser
    whose nesting stops at ``INLINE_NESTING``."""
    inline_parser = _parser(INLINE_NESTING)
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            inline_parser.inline.parse(token.content, inline_parser, state.env, token.children)
