"""Card text to HTML, for the pages we generate.

Card text is Markdown, rendered inline only (a heading, table or list written in a field stays
visible text) with markdown-it-py in CommonMark mode, raw HTML disabled. Entity references are
not decoded (`&amp;` shows as written) and images are not rendered. Link targets are limited to
http, https, mailto and relative paths; a relative link to a `.md` page is rewritten to the URL of
that page. Every fragment that went through Markdown is then passed through nh3 as defence in
depth; text without Markdown syntax is only HTML-escaped.
"""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markupsafe import Markup

from ..cards.citations import CITATION, keys_of
from ..cards.drafts import UNWRITTEN
from .citing import MARKS, cite_mark
from .paths import LinkRewriter

SAFE_SCHEMES = ("http", "https", "mailto")
# A text with none of these has no inline Markdown to render: a backslash, code or emphasis
# mark, an underscore at a word boundary (snake_case is not emphasis), a link, or an autolink.
_MARKDOWN_SYNTAX = re.compile(r"[\\`*\[]|(?<!\w)_|_(?!\w)|<[A-Za-z][A-Za-z0-9.+-]*:")
_MAYBE_SYNTAX = re.compile(r"[\\`*\[_<]")  # a quick first scan; most texts have none of these
_PARAGRAPHS = re.compile(r"\n[ \t]*\n+")
_ALLOWED_TAGS = {"a", "code", "em", "strong", "br"}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
_NO_MARKS = str.maketrans(dict.fromkeys(MARKS, "\ufffd"))


def _valid_link(url: str) -> bool:
    scheme = urlsplit(url.strip()).scheme.lower()
    return scheme in SAFE_SCHEMES or (scheme == "" and not url.strip().startswith("//"))


def _citation(state: StateInline, silent: bool) -> bool:
    """`[@id]` or `[@id; @other]` not followed by `(` (that is a link): one citation token."""
    if not state.src.startswith("[@", state.pos):
        return False
    match = CITATION.match(state.src, state.pos)
    if match is None or match.end() > state.posMax:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"keys": list(keys_of(match))}
        token.content = match.group()
    state.pos = match.end()
    return True


def _render_citation(
    self: object, tokens: list[Token], idx: int, options: object, env: object
) -> str:
    return cite_mark(tokens[idx].meta["keys"])


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.disable(["entity", "image"])
    parser.inline.ruler.before("link", "citation", _citation)
    parser.add_render_rule("citation", _render_citation)
    parser.validateLink = _valid_link  # type: ignore[method-assign]
    return parser


def _link_open(
    renderer: RendererHTML, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    """A link's opening tag with its target rewritten for the page (the token stays as parsed)."""
    token = tokens[idx]
    href = env["rewrite"](str(token.attrGet("href") or ""))
    return renderer.renderToken([token.copy(attrs={**token.attrs, "href": href})], 0, options, env)


_MD = _parser()
_MD.add_render_rule("link_open", _link_open)


# A card's page and its Markdown version are written one after the other from the same texts:
# parsed once, the tokens serve both (they are never changed after parsing).
@lru_cache(maxsize=512)
def _parsed(text: str) -> list[Token]:
    return _MD.parseInline(text)


# Most card texts that have Markdown at all have only code spans, citations, links with a plain
# label and plain address, and words in *emphasis* or **strong emphasis** that open after a space
# and close before one (or before punctuation that ends a phrase). Those are split here into the
# tokens markdown-it would give, without its parser; any other text (and any doubt: a line
# break, a control character, a bracket that is neither, a delimiter that could open and close,
# a mark left in the words) goes to markdown-it. tests/test_markup.py holds the two equal.
_SIMPLE_START = re.compile(r"`+|\[")
_BACKTICKS = re.compile(r"`+")
_STARS = re.compile(r"\*+")
_LINK = re.compile(r"\[([^\[\]\\`*_<>]+)\]\(([^\s()<>\\\"'`\[\]*_]+)\)")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# An http(s) address that markdown-it's normalizeLink leaves as it is (no user, port, capital
# or non-ASCII letter in the host, nothing to percent-encode): checked without it.
_KEPT_URL = re.compile(r"https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*(?:/[A-Za-z0-9/._~#?=&+-]*)?\Z")
_CLOSES_BEFORE = frozenset(" .,;:!?)")
_EMPHASIS_TAGS = {"*": "em", "**": "strong"}


def _code_span(text: str, run: re.Match[str]) -> tuple[Token, int] | None:
    """The code span that the backtick run `run` opens, and where it ends; None when no run
    of the same length closes it (the backticks are then text)."""
    for closer in _BACKTICKS.finditer(text, run.end()):
        if len(closer.group()) == len(run.group()):
            content = text[run.end() : closer.start()]
            if content.startswith(" ") and content.endswith(" ") and content.strip(" "):
                content = content[1:-1]
            token = Token("code_inline", "code", 0, content=content, markup=run.group())
            return token, closer.end()
    return None


def _link(text: str, at: int) -> tuple[list[Token], int] | None:
    """The link that starts at `at` when its label is plain words and its address is kept as
    written, and where it ends."""
    found = _LINK.match(text, at)
    if found is None:
        return None
    label, href = found.groups()
    words = _plain(label)
    if words is None:
        return None
    if not _KEPT_URL.match(href) and (_MD.normalizeLink(href) != href or not _valid_link(href)):
        return None
    opening = Token("link_open", "a", 1, attrs={"href": href})
    return [opening, *words, Token("link_close", "a", -1)], found.end()


def _plain(words: str) -> list[Token] | None:
    """Words as one text token (none for no words), or None when they may hold Markdown."""
    if has_markdown(words) or "<" in words:  # `<` may open an e-mail autolink
        return None
    return [Token("text", "", 0, content=words)] if words else []


def _words(text: str, start: int, end: int) -> list[Token] | None:
    """The tokens of the words text[start:end], with their simple emphasis, or None."""
    tokens: list[Token] = []
    at, opened = start, ""
    nesting: Literal[1, -1]
    for run in _STARS.finditer(text, start, end):
        marks = run.group()
        before = text[run.start() - 1] if run.start() else " "
        after = text[run.end()] if run.end() < len(text) else " "
        if not opened:  # only an opener: after a space or a parenthesis, before a letter
            if marks not in _EMPHASIS_TAGS or before not in " (" or not after.isalnum():
                return None
            kind, nesting = "_open", 1
        else:  # only a closer of the same run: after a letter, before a space or punctuation
            if marks != opened or not before.isalnum() or after not in _CLOSES_BEFORE:
                return None
            kind, nesting = "_close", -1
        plain = _plain(text[at : run.start()])
        if plain is None:
            return None
        tag = _EMPHASIS_TAGS[marks]
        tokens += [*plain, Token(tag + kind, tag, nesting, markup=marks)]
        at, opened = run.end(), "" if opened else marks
    plain = _plain(text[at:end])
    return None if opened or plain is None else tokens + plain


@lru_cache(maxsize=512)
def _simple_tokens(text: str) -> list[Token] | None:
    """The inline tokens of a text made only of plain words, code spans, citations, simple links
    and simple emphasis (see above), or None when the text has anything else."""
    if _CONTROL.search(text):
        return None
    tokens: list[Token] = []
    at = 0
    while (found := _SIMPLE_START.search(text, at)) is not None:
        words = _words(text, at, found.start())
        if words is None:
            return None
        tokens += words
        if found.group() == "[":
            citation = CITATION.match(text, found.start())
            if citation is not None:
                token = Token("citation", "", 0, content=citation.group())
                token.meta = {"keys": list(keys_of(citation))}
                tokens.append(token)
                at = citation.end()
                continue
            link = _link(text, found.start())
            if link is None:
                return None
            tokens += link[0]
            at = link[1]
            continue
        span = _code_span(text, found)
        if span is None:
            return None  # an unclosed run of backticks: markdown-it decides what it is
        tokens.append(span[0])
        at = span[1]
    words = _words(text, at, len(text))
    return None if words is None else tokens + words


def _escape(text: str, quote: bool = False) -> str:
    """Text as nh3 writes it: `&`, `<`, `>` and the no-break space as references (in an
    attribute's value, `&`, `"` and the no-break space)."""
    if quote:
        return text.replace("&", "&amp;").replace('"', "&quot;").replace("\xa0", "&nbsp;")
    return html.escape(text, quote=False).replace("\xa0", "&nbsp;")


def _simple_html(tokens: list[Token]) -> str:
    out: list[str] = []
    for token in tokens:
        kind = token.type
        if kind == "text":
            out.append(_escape(token.content))
        elif kind == "code_inline":
            out.append(f"<code>{_escape(token.content)}</code>")
        elif kind == "citation":
            out.append(cite_mark(token.meta["keys"]))
        elif kind == "link_open":
            out.append(f'<a href="{_escape(str(token.attrs["href"]), quote=True)}">')
        else:
            out.append(f"<{'/' if token.nesting < 0 else ''}{token.tag}>")
    return "".join(out)


def inline_tokens(text: str) -> list[Token]:
    """The inline tokens of one card text, parsed exactly as the pages parse it."""
    simple = _simple_tokens(text)
    if simple is not None:
        return simple
    return _parsed(text)[0].children or []


def _identity(url: str) -> str:
    return url


@lru_cache(maxsize=65536)
def _render_inline(text: str, rewrite: LinkRewriter) -> str:
    rendered = _MD.renderer.render(_parsed(text), _MD.options, {"rewrite": rewrite})
    return nh3.clean(
        rendered,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=set(SAFE_SCHEMES),
        link_rel=None,
    )


def has_markdown(text: str) -> bool:
    """True when a text may hold inline Markdown; any other text is shown exactly as written."""
    return bool(_MAYBE_SYNTAX.search(text) and _MARKDOWN_SYNTAX.search(text))


def inline(text: str, rewrite: LinkRewriter = _identity) -> Markup:
    """One text as inline HTML (no block structure); a citation becomes a mark (see citing.py)."""
    text = text.strip()
    if text == UNWRITTEN:  # a draft's text still to come: marked, so no reader takes it as said
        return Markup(f'<em class="tc-unwritten">{UNWRITTEN}</em>')
    if any(mark in text for mark in MARKS):  # card text cannot forge a citation's mark
        text = text.translate(_NO_MARKS)
    if not has_markdown(text):
        return Markup(html.escape(text, quote=False))
    simple = _simple_tokens(text)
    if simple is not None and (".md" not in text or rewrite is _identity):
        return Markup(_simple_html(simple))
    # Only a link to a `.md` page is rewritten: without one, the text renders the same on every
    # page, so one cache entry serves them all (a summary shows on several listing pages).
    return Markup(_render_inline(text, rewrite if ".md" in text else _identity))


def paragraphs(
    text: str, rewrite: LinkRewriter = _identity, css_class: str | None = None
) -> Markup:
    """Each paragraph of `text` as a <p> element."""
    attr = f' class="{css_class}"' if css_class else ""
    parts = [p for p in _PARAGRAPHS.split(text.strip()) if p.strip()]
    return Markup("\n".join(f"<p{attr}>{inline(p, rewrite)}</p>" for p in parts))


def bullets(items: list[str], rewrite: LinkRewriter = _identity, css: str = "") -> Markup:
    """A <ul> of inline-rendered items (a Python loop: this runs for every list of every card)."""
    css_class = f"tc-list {css}" if css else "tc-list"
    body = "\n".join(f"<li>{inline(item, rewrite)}</li>" for item in items)
    return Markup(f'<ul class="{css_class}">\n{body}\n</ul>')


def html_text(text: str) -> str:
    """Text for places the theme prints without escaping (page titles, nav, meta tags)."""
    return html.escape(text, quote=True)


def yaml_string(text: str) -> Markup:
    """A YAML scalar that reads back as exactly `text` (JSON strings are valid YAML)."""
    return Markup(json.dumps(text, ensure_ascii=True))


def json_data(value: object) -> Markup:
    """`value` as JSON for the text of an inert element (`<template>`): `<`, `>` and `&` are
    written as JSON escapes, so no character of it can open a tag or an entity."""
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return Markup(data.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))


def meta_string(text: str) -> Markup:
    """A front-matter value the theme will print raw: HTML-escaped, then a YAML string."""
    return yaml_string(html_text(text))
