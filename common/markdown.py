"""Markdown written by people, rendered once and sanitised with an allow-list.

Rendering happens when text is saved; pages show the stored HTML. The parser
is cmark-gfm (through cmarkgfm), the C reference implementation of
CommonMark and of GitHub's tables and bare addresses, which takes time
growing with the length of the text and nothing faster (it passes
CommonMark's pathological tests; ``bench/markdown.py`` measures it). Between
parsing and writing HTML, one walk over cmark's syntax tree applies the
site's rules (``_site_rules``); then nh3 keeps only the tags, attributes and
URL schemes listed here.

Raw HTML is never handed to the browser: what people type between ``<`` and
``>`` is shown as they typed it, and the markdown around it is read as
markdown. cmark reads HTML (there is no switch to turn that off); the walk
turns each inline piece back into the same characters as text, and reads
the lines of each HTML block (a line starting with ``<div>``, ``<!--``…, up
to the next blank line) again as markdown in which "<" starts nothing.
cmark's renderer runs without its UNSAFE option, so raw HTML it might still
meet would come out as a comment, which nh3 strips. The sanitiser therefore
only ever sees the HTML cmark writes itself, so no difference between how
the parser and the sanitiser read a piece of hostile HTML (where a block
ends, what a comment hides) can let anything through; nh3 stays behind it
all the same.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import nh3

from common import cmark

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
    clean = nh3.clean(
        _split_ampersand_runs(_cmark_html(text or "")),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
    # The walk already dropped the links whose address is refused; should
    # nh3 still refuse one (an address it cannot parse), the link keeps its
    # text only there too. Tags never nest in a link, so this stays linear.
    return _LINK_WITHOUT_HREF.sub(r"\1", clean).rstrip()


# GitHub's extensions the site uses: tables (with their alignment) and
# addresses written in the text turned into links. Not strikethrough, task
# lists, footnotes or the tag filter (raw HTML never reaches the output).
_EXTENSIONS = ("table", "autolink")
# A new line in a paragraph is a line break. Not UNSAFE: see the docstring.
_RENDER_OPTIONS = cmark.OPT_HARDBREAKS


def _cmark_html(text: str) -> str:
    """cmark-gfm's HTML for ``text``, after the site's rules."""
    parser = _parser()
    root = cmark.NULL
    try:
        root = _parse(parser, text.encode("utf-8"))
        _site_rules(root)
        extensions = cmark.lib.cmark_parser_get_syntax_extensions(parser)
        return cmark.take_string(cmark.lib.cmark_render_html(root, _RENDER_OPTIONS, extensions))
    finally:
        if root != cmark.NULL:
            cmark.lib.cmark_node_free(root)
        cmark.lib.cmark_parser_free(parser)


def _parser():
    """A new cmark parser with the site's extensions (free it after use)."""
    parser = cmark.lib.cmark_parser_new(0)
    for name in _EXTENSIONS:
        cmark.lib.cmark_parser_attach_syntax_extension(parser, cmark.extension(name))
    return parser


def _parse(parser, source: bytes):
    """The tree of ``source``, which the caller frees."""
    cmark.lib.cmark_parser_feed(parser, source, len(source))
    return cmark.lib.cmark_parser_finish(parser)


_LINK_WITHOUT_HREF = re.compile(r"<a\b(?![^>]*\bhref=)[^>]*>(.*?)</a>", re.DOTALL)
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
# Browsers drop these from an address (tabs and new lines anywhere, the rest
# at its ends) before reading its scheme: "java\tscript:" is "javascript:".
_IGNORED_IN_ADDRESS = re.compile(r"[\x00-\x20]")


def _address_allowed(address: str) -> bool:
    """A relative address, or one of the allowed schemes (web addresses with a host).

    ``address`` is cmark's: entities and backslash escapes decoded, so
    ``java&#x73;cript:`` reaches here as ``javascript:``. Spaces and control
    characters are left out before the scheme is read, as a browser would.
    """
    address = _IGNORED_IN_ADDRESS.sub("", address)
    scheme = _SCHEME.match(address)
    if scheme is None:
        return True
    name = scheme.group(1).lower()
    if name not in ALLOWED_URL_SCHEMES:
        return False
    if name == "mailto":
        return True
    try:
        return bool(urlsplit(address).netloc)
    except ValueError:  # "http://[": not an address
        return False


# Blocks (quotes, lists and their items) nest 20 deep at most, as
# markdown-it's CommonMark preset did: deeper, the blocks and their text are
# dropped. cmark itself keeps any depth, but nh3 (html5ever) takes time
# growing with the square of it: 50,000 nested quotes, which cmark parses in
# 0.02 s, took nh3 10 s.
BLOCK_NESTING = 20
_CONTAINERS = frozenset({cmark.BLOCK_QUOTE, cmark.LIST, cmark.ITEM})


def _site_rules(root, depth: int = 0, fragment: bool = False) -> None:
    """The site's changes to cmark's tree, in one walk over its nodes (linear).

    - A block inside ``BLOCK_NESTING`` quotes, lists or items is dropped
      (``depth`` of them hold ``root`` already).
    - ``#`` headings become ``h2``.
    - Raw HTML becomes text (see the module docstring); in a ``fragment``
      (the markdown of a block of HTML), ``_LESS_THAN`` becomes "<" again.
    - A link whose address is refused, or which GitHub's extension made from
      a bare ``www.`` name, gives way to its text; an image whose address is
      refused, to its description.
    """
    lib = cmark.lib
    next_event, node_of, kind_of = (
        lib.cmark_iter_next,
        lib.cmark_iter_get_node,
        lib.cmark_node_get_type,
    )
    dropped, unwrapped, html_blocks = [], [], []
    iterator = lib.cmark_iter_new(root)
    try:
        while (event := next_event(iterator)) != cmark.EVENT_DONE:
            node = node_of(iterator)
            kind = kind_of(node)
            if kind & cmark.KIND_MASK == cmark.BLOCK:
                if event == cmark.EVENT_EXIT:
                    if kind in _CONTAINERS:
                        depth -= 1
                    continue
                if depth >= BLOCK_NESTING:
                    dropped.append(node)
                    # On to the node after this one: its children are dropped too.
                    lib.cmark_iter_reset(iterator, node, cmark.EVENT_EXIT)
                elif kind in _CONTAINERS:
                    depth += 1
                elif kind == cmark.HEADING and lib.cmark_node_get_heading_level(node) == 1:
                    lib.cmark_node_set_heading_level(node, 2)
                elif kind == cmark.HTML_BLOCK:
                    html_blocks.append((node, depth))
                elif fragment and kind == cmark.CODE_BLOCK:
                    _restore_less_than(node)
            elif event == cmark.EVENT_ENTER:
                if kind == cmark.LINK:
                    if not _address_allowed(cmark.string(lib.cmark_node_get_url(node))) or (
                        _made_from_www(node)
                    ):
                        unwrapped.append(node)
                elif kind == cmark.IMAGE:
                    if not _address_allowed(cmark.string(lib.cmark_node_get_url(node))):
                        unwrapped.append(node)
                elif kind == cmark.HTML_INLINE:
                    _html_as_text(node)
                elif fragment and kind in (cmark.TEXT, cmark.CODE):
                    _restore_less_than(node)
                if fragment and kind in (cmark.LINK, cmark.IMAGE):
                    url = cmark.string(lib.cmark_node_get_url(node))
                    if _LESS_THAN in url:
                        lib.cmark_node_set_url(node, url.replace(_LESS_THAN, "<").encode())
    finally:
        lib.cmark_iter_free(iterator)
    # The tree changes shape only now that the walk is over.
    for node in dropped:
        lib.cmark_node_free(node)
    for node in unwrapped:
        _replace_by_children(node)
    for node, block_depth in html_blocks:
        _html_block_as_markdown(node, block_depth)


def _made_from_www(link) -> bool:
    """Whether GitHub's extension linked a ``www.`` name written without a
    scheme (its rule, which cannot be switched off alone): the site links
    only addresses written in full, as "notes.md" is a file, not a site.

    Such a link holds one text, ``www.…``, its address is that text after
    ``http://``, and it starts where its text does (a link written
    ``[www.…](http://www.…)`` starts one column before, at its "[").
    """
    lib = cmark.lib
    child = lib.cmark_node_first_child(link)
    if (
        child == cmark.NULL
        or lib.cmark_node_get_type(child) != cmark.TEXT
        or lib.cmark_node_next(child) != cmark.NULL
    ):
        return False
    text = cmark.string(lib.cmark_node_get_literal(child))
    # "www." alone becomes a link to "http://www": the extension leaves the
    # final dot out of the name.
    return (
        text[:3].lower() == "www"
        and cmark.string(lib.cmark_node_get_url(link)) == "http://" + text
        and lib.cmark_node_get_start_column(link) == lib.cmark_node_get_start_column(child)
    )


def _replace_by_children(node, parent=None) -> None:
    """Put ``node``'s children (or ``parent``'s) in its place, then free it."""
    lib = cmark.lib
    child = lib.cmark_node_first_child(node if parent is None else parent)
    while child != cmark.NULL:
        following = lib.cmark_node_next(child)
        lib.cmark_node_insert_before(node, child)
        child = following
    lib.cmark_node_free(node)


def _html_as_text(node) -> None:
    """Turn an inline piece of raw HTML into text showing the same characters."""
    lib = cmark.lib
    literal = lib.cmark_node_get_literal(node)
    typed = cmark.ffi.string(literal) if literal != cmark.NULL else b""
    lib.cmark_node_set_type(node, cmark.TEXT)  # frees the literal
    lib.cmark_node_set_literal(node, typed)


# Stands for "<" while the text of a block of HTML is parsed again (a
# Unicode noncharacter: nothing anyone writes needs it).
_LESS_THAN = "\ufdd0"


def _html_block_as_markdown(node, depth: int) -> None:
    """Put the markdown of a block of raw HTML in its place, its tags as text.

    cmark took the lines of the block as HTML, markdown and all; the site
    reads them as markdown, as if cmark could not read HTML. They are parsed
    again with every "<" replaced by ``_LESS_THAN``, so that nothing in them
    starts HTML (or an address in angle brackets), and ``_site_rules`` puts
    each "<" back in the text. Each block is parsed twice, never more: what
    is parsed again holds no "<" and so no block of HTML.
    """
    lib = cmark.lib
    literal = lib.cmark_node_get_literal(node)
    typed = cmark.ffi.string(literal) if literal != cmark.NULL else b""
    parser = _parser()
    fragment = cmark.NULL
    try:
        fragment = _parse(parser, typed.replace(b"<", _LESS_THAN.encode()))
        _site_rules(fragment, depth, fragment=True)
        _replace_by_children(node, fragment)
    finally:
        if fragment != cmark.NULL:
            lib.cmark_node_free(fragment)
        lib.cmark_parser_free(parser)


def _restore_less_than(node) -> None:
    """Put "<" back in the text of ``node``, from a fragment (see above)."""
    literal = cmark.lib.cmark_node_get_literal(node)
    if literal != cmark.NULL:
        text = cmark.ffi.string(literal)
        if _LESS_THAN.encode() in text:
            cmark.lib.cmark_node_set_literal(node, text.replace(_LESS_THAN.encode(), b"<"))


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
