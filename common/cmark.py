"""The part of cmark-gfm's C API that ``common.markdown`` uses, through cffi.

cmarkgfm's own Python functions parse and render in one call; the site needs
the syntax tree in between (see ``common.markdown``). cmarkgfm's compiled
module exports all of cmark-gfm's C functions, so cffi's ABI mode declares
the few used here and calls them in that same library: nothing is compiled
and no second copy of cmark is loaded. A call costs about 0.2 µs.
"""

from __future__ import annotations

import cffi
from cmarkgfm import _cmark

ffi = cffi.FFI()
ffi.cdef(
    """
    typedef struct cmark_node cmark_node;
    typedef struct cmark_parser cmark_parser;
    typedef struct cmark_iter cmark_iter;
    typedef struct cmark_syntax_extension cmark_syntax_extension;
    typedef struct cmark_llist cmark_llist;
    typedef struct cmark_mem {
        void *(*calloc)(size_t, size_t);
        void *(*realloc)(void *, size_t);
        void (*free)(void *);
    } cmark_mem;

    cmark_mem *cmark_get_default_mem_allocator(void);
    void cmark_gfm_core_extensions_ensure_registered(void);
    cmark_syntax_extension *cmark_find_syntax_extension(const char *name);

    cmark_parser *cmark_parser_new(int options);
    int cmark_parser_attach_syntax_extension(cmark_parser *, cmark_syntax_extension *);
    void cmark_parser_feed(cmark_parser *, const char *buffer, size_t len);
    cmark_node *cmark_parser_finish(cmark_parser *);
    cmark_llist *cmark_parser_get_syntax_extensions(cmark_parser *);
    void cmark_parser_free(cmark_parser *);
    char *cmark_render_html(cmark_node *root, int options, cmark_llist *extensions);

    cmark_iter *cmark_iter_new(cmark_node *root);
    int cmark_iter_next(cmark_iter *);
    cmark_node *cmark_iter_get_node(cmark_iter *);
    void cmark_iter_reset(cmark_iter *, cmark_node *current, int event);
    void cmark_iter_free(cmark_iter *);

    cmark_node *cmark_node_new(int type);
    void cmark_node_free(cmark_node *);
    int cmark_node_get_type(cmark_node *);
    int cmark_node_set_type(cmark_node *, int type);
    const char *cmark_node_get_literal(cmark_node *);
    int cmark_node_set_literal(cmark_node *, const char *content);
    const char *cmark_node_get_url(cmark_node *);
    int cmark_node_set_url(cmark_node *, const char *url);
    int cmark_node_get_heading_level(cmark_node *);
    int cmark_node_set_heading_level(cmark_node *, int level);
    int cmark_node_get_start_column(cmark_node *);
    cmark_node *cmark_node_first_child(cmark_node *);
    cmark_node *cmark_node_next(cmark_node *);
    int cmark_node_insert_before(cmark_node *node, cmark_node *sibling);
    int cmark_node_insert_after(cmark_node *node, cmark_node *sibling);
    int cmark_node_append_child(cmark_node *node, cmark_node *child);
    void cmark_node_unlink(cmark_node *);
    """
)
lib = ffi.dlopen(_cmark.__file__)
lib.cmark_gfm_core_extensions_ensure_registered()
NULL = ffi.NULL

# Options (cmark-gfm.h), read from cmarkgfm's own declarations.
OPT_HARDBREAKS = _cmark.lib.CMARK_OPT_HARDBREAKS
OPT_UNSAFE = _cmark.lib.CMARK_OPT_UNSAFE

# Iterator events and node types (cmark-gfm.h: enum cmark_event_type and
# enum cmark_node_type; blocks are 0x8000 | n, inlines 0xc000 | n).
EVENT_DONE = 1
EVENT_ENTER = 2
EVENT_EXIT = 3
BLOCK = 0x8000
KIND_MASK = 0xC000
BLOCK_QUOTE = 0x8002
LIST = 0x8003
ITEM = 0x8004
CODE_BLOCK = 0x8005
HTML_BLOCK = 0x8006
PARAGRAPH = 0x8008
HEADING = 0x8009
TEXT = 0xC001
SOFTBREAK = 0xC002
CODE = 0xC004
HTML_INLINE = 0xC005
LINK = 0xC009
IMAGE = 0xC00A


def extension(name: str):
    """One of cmark-gfm's extensions ("table", "autolink"…), by name."""
    found = lib.cmark_find_syntax_extension(name.encode())
    if found == NULL:
        raise LookupError(name)
    return found


def string(pointer) -> str:
    """The text of a ``const char *`` the tree owns ("" for NULL)."""
    return "" if pointer == NULL else ffi.string(pointer).decode("utf-8", "replace")


def take_string(pointer) -> str:
    """The text of a ``char *`` cmark allocated for the caller, then freed."""
    try:
        return ffi.string(pointer).decode("utf-8", "replace")
    finally:
        lib.cmark_get_default_mem_allocator().free(pointer)
