"""Card text as clean Markdown: the text and links a page shows, with no HTML and nothing live.

Card text is inline Markdown, which the pages render with raw HTML, entities and images turned
off (see markup.py). For programs the same text is written back as Markdown from the tokens of
that same parser: emphasis, code and links stay Markdown; everything else becomes text in which
each character that could start Markdown or HTML syntax is escaped with a backslash. So `<script>`
or `<img onerror=...>` in a card comes out as text in any Markdown renderer, and a link with a
scheme the pages refuse (`javascript:`) stays visible text. Each text comes out as one line
(breaks become spaces), safe in a list item, a heading or a table cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from markdown_it.token import Token

from .markup import has_markdown, inline_tokens

# Maps a link target written in a card to the URL to write, or None to keep only the link text.
LinkMap = Callable[[str], str | None]
# Maps the keys of a citation to the Markdown written in its place ('' leaves it out).
CiteMap = Callable[[tuple[str, ...]], str]

_PARAGRAPHS = re.compile(r"\n[ \t]*\n+")
_BREAKS = re.compile(r"\s*\n\s*")
# Texts without any of these are plain text already (the common case: no parsing needed).
_MAYBE_SYNTAX = re.compile(r"[\\`*_\[\]<&~\n]")
# Characters of plain text that would start Markdown or HTML syntax: escaped with a backslash.
# `_` only next to something other than a letter or digit and `~` only when doubled can start emphasis or strikethrough;
# `&` only where it would read as an entity (`&amp;`, `&#60;`).
_SPECIAL = re.compile(
    r"[\\`*\[\]<]|(?<![^\W_])_|_(?![^\W_])|&(?=#|[A-Za-z0-9]+;)|~(?=~)|(?<=~)~",
)
# What makes the start of a line a block: a heading, a quote, a list item or a thematic break.
# (`-` always: after a list marker even `--` would make a thematic break.)
_BLOCK_START = re.compile(r"(#{1,6}|\+|\d{1,9}[.)])(?=\s|$)|[>-]")
_URL_UNSAFE = str.maketrans({" ": "%20", "<": "%3C", ">": "%3E", "\n": "%0A"})


def _keep(url: str) -> str | None:
    return url


def _leave_out(keys: tuple[str, ...]) -> str:
    return ""


def escape(text: str) -> str:
    """Plain text (no Markdown meant) as Markdown that shows exactly that text."""
    return _SPECIAL.sub(lambda m: "\\" + m.group(), text)


def inline(text: str, link: LinkMap = _keep, cite: CiteMap = _leave_out) -> str:
    """One card text as a single line of Markdown that shows what the page shows; each citation
    is written as `cite` says (by default it is left out)."""
    text = text.strip()
    if not _MAYBE_SYNTAX.search(text):
        return text
    if not has_markdown(text):  # shown as written on the page too: only escaping to do
        return _BREAKS.sub(" ", escape(text))
    return _assemble(_pieces(text), link, cite)


class _Open(str):
    """Where a link starts in a parsed text; the string is the target as written."""


class _Cite(tuple[str, ...]):
    """Where a citation is in a parsed text: its keys."""


_CLOSE = object()  # where a link ends
_Piece = str | _Open | _Cite | object


def _assemble(pieces: tuple[_Piece, ...], link: LinkMap, cite: CiteMap = _leave_out) -> str:
    out: list[str] = []
    targets: list[str | None] = []
    for piece in pieces:
        if isinstance(piece, _Cite):
            if out and isinstance(out[-1], str):  # the citation follows the word it supports
                out[-1] = out[-1].rstrip(" \t")
            out.append(cite(tuple(piece)))
        elif piece is _CLOSE:
            target = targets.pop() if targets else None
            if target is not None:
                out.append(f"]({destination(target)})")
        elif isinstance(piece, _Open):
            target = link(str(piece))
            targets.append(target)
            if target is not None:
                if out and out[-1].endswith("!"):  # `![` would make an image of the link
                    out[-1] = out[-1][:-1] + "\\!"
                out.append("[")
        else:
            out.append(piece)  # type: ignore[arg-type]
    return _BREAKS.sub(" ", "".join(out)).strip()


_EMPHASIS = frozenset({"em_open", "em_close", "strong_open", "strong_close"})


@lru_cache(maxsize=65536)
def _pieces(text: str) -> tuple[_Piece, ...]:
    """A text parsed once into Markdown pieces, with its links left open for each page to fill."""
    tokens = inline_tokens(text)
    pieces = _from_tokens(tokens, emphasis=True)
    if _may_pair_differently(tokens, pieces):
        # Delimiter runs pair up by rules that look at their lengths; in rare nestings
        # (`__a_*__`) a delimiter left over as text, once escaped, splits a run and the
        # delimiters pair differently. Then the emphasis is left out rather than shown wrong.
        again = inline_tokens(_assemble(pieces, _keep))
        if _signature(again) != _signature(tokens):
            return _from_tokens(tokens, emphasis=False)
    return pieces


def _may_pair_differently(tokens: list[Token], pieces: tuple[_Piece, ...]) -> bool:
    """True when an emphasis delimiter touches an escaped `*` or `_`: the only way escaping
    changes a delimiter run (escaped text is punctuation where the original was too)."""
    for index, token in enumerate(tokens):
        if token.type not in _EMPHASIS:
            continue
        before = pieces[index - 1] if index else ""
        after = pieces[index + 1] if index + 1 < len(pieces) else ""
        if isinstance(before, str) and before.endswith(("\\*", "\\_")):
            return True
        if isinstance(after, str) and after.startswith(("\\*", "\\_")):
            return True
    return False


def _from_tokens(tokens: list[Token], *, emphasis: bool) -> tuple[_Piece, ...]:
    pieces: list[_Piece] = []
    for token in tokens:
        kind = token.type
        if kind == "text":
            pieces.append(escape(token.content))
        elif kind in ("softbreak", "hardbreak"):
            pieces.append(" ")
        elif kind == "code_inline":
            pieces.append(code(token.content))
        elif kind in _EMPHASIS:
            if emphasis:  # the delimiters as written
                pieces.append(token.markup)
        elif kind == "link_open":
            pieces.append(_Open(str(token.attrGet("href") or "")))
        elif kind == "link_close":
            pieces.append(_CLOSE)
        elif kind == "citation":
            pieces.append(_Cite(token.meta["keys"]))
        else:  # nothing else is enabled in the parser; shown as text if that ever changes
            pieces.append(escape(token.content))
    return tuple(pieces)


def _signature(tokens: list[Token]) -> list[tuple[str, str]]:
    """What a reader sees of some inline tokens: elements, links and text (spaces collapsed)."""
    shown: list[tuple[str, str]] = []
    for token in tokens:
        kind, content = token.type, token.content
        if kind in ("softbreak", "hardbreak"):
            kind, content = "text", " "
        elif kind == "link_open":
            content = str(token.attrGet("href") or "")
        if kind == "text" and shown and shown[-1][0] == "text":
            shown[-1] = ("text", shown[-1][1] + content)
        else:
            shown.append((kind, content))
    return [
        (kind, " ".join(content.split()) if kind == "text" else content) for kind, content in shown
    ]


def code(content: str) -> str:
    """A code span showing `content` as it is."""
    runs = {len(run) for run in re.findall(r"`+", content)}
    fence = "`" * next(n for n in range(1, len(runs) + 2) if n not in runs)
    pad = content.startswith("`") or content.endswith("`")
    pad = pad or (content.startswith(" ") and content.endswith(" ") and bool(content.strip()))
    space = " " if pad else ""
    return f"{fence}{space}{content}{space}{fence}"


def destination(url: str) -> str:
    """A URL as a Markdown link destination: in angle brackets when it has parentheses (which
    need no escaping there), with spaces, line breaks and angle brackets percent-encoded."""
    url = url.translate(_URL_UNSAFE)
    return f"<{url}>" if "(" in url or ")" in url else url


def link(text: str, url: str) -> str:
    """`[text](url)` with `text` as plain text."""
    return f"[{escape(text)}]({destination(url)})"


def paragraphs(text: str, link: LinkMap = _keep, cite: CiteMap = _leave_out) -> list[str]:
    """Each paragraph of a card text as one line, safe to start a line with."""
    parts = _PARAGRAPHS.split(text.strip())
    return [line_start(inline(p, link, cite)) for p in parts if p.strip()]


def one_line(text: str, link: LinkMap = _keep, cite: CiteMap = _leave_out) -> str:
    """A card text of any length as one line (paragraphs joined), safe to start a line with."""
    return " ".join(paragraphs(text, link, cite))


def line_start(line: str) -> str:
    """`line` escaped so that, at the start of a line, it cannot open a heading, quote or list."""
    match = _BLOCK_START.match(line)
    if match is None:
        return line
    at = match.end(1) - 1 if match.group(1) and match.group(1)[0].isdigit() else 0
    return line[:at] + "\\" + line[at:]


def heading(level: int, text: str) -> str:
    """A heading line; a closing `#` in the text stays text."""
    if text.endswith("#"):
        text = text[:-1] + "\\#"
    return f"{'#' * level} {text}"


def cell(text: str) -> str:
    """Markdown for a table cell: pipes escaped (also inside code spans, as tables require)."""
    return text.replace("|", "\\|") or " "


def table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    """The lines of a Markdown table; cells are Markdown already."""
    lines = ["| " + " | ".join(cell(h) for h in header) + " |"]
    lines.append("|" + "|".join("---" for _ in header) + "|")
    lines.extend("| " + " | ".join(cell(c) for c in row) + " |" for row in rows)
    return lines
