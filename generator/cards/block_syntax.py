"""Block syntax in card text: Markdown a card text cannot show, found where it was written.

A card text is rendered inline (emphasis, `code`, links, citations), with a blank line starting
a new paragraph where a field holds paragraphs; see generator/site/markup.py. A line that starts
an admonition, a heading, a table, fenced code, a block quote or a list is shown exactly as
written, which is rarely what the writer meant: it is worth a warning, not an error.
"""

from __future__ import annotations

import re
from typing import Any

from .citations import NOT_TEXT, texts
from .loader import Document, PathKey
from .problems import Problem

# (pattern for the start of a line, what it starts); three spaces of indent still start a block.
_BLOCKS = (
    (re.compile(r" {0,3}(?:!!!|\?\?\?\+?)(?:\s|$)"), "an admonition ('!!!')"),
    (re.compile(r" {0,3}#{1,6}(?:\s|$)"), "a heading ('#')"),
    (re.compile(r" {0,3}(?:```|~~~)"), "fenced code ('```')"),
    (re.compile(r" {0,3}\|.*\|"), "a table ('|')"),
    (re.compile(r" {0,3}\|? *:?-{3,}:? *\|"), "a table ('|')"),
    (re.compile(r" {0,3}>(?:\s|$)"), "a block quote ('>')"),
)
# Where a line could start one of them: most texts have no such line, and are looked at no further.
_STARTS = frozenset("!?#`~|>:-*+0123456789")
_MAY_START = re.compile(r"\n {0,3}[!?#`~|>:\-*+0-9]")
# A list item can only start a line after the first (YAML reads a text starting '- ' as a list).
_LIST_ITEM = re.compile(r" {0,3}(?:[-*+]|\d{1,9}[.)])\s+\S")
ACCEPTS = (
    "card text takes inline Markdown only (*emphasis*, **strong**, `code`, [links](url), "
    "[@source] citations) and a blank line between paragraphs"
)


def field_name(path: PathKey) -> str:
    """A place in an entry as a writer reads it: `options[2].costs[1]` (counting from 1)."""
    return "".join(f"[{p + 1}]" if isinstance(p, int) else f".{p}" for p in path)[1:]


def block_syntax_warnings(doc: Document, file: str) -> list[Problem]:
    """A warning for each kind of block syntax in a card text, at the first line that starts one."""
    if not _any_may_start_block(doc.data):
        return []
    warnings = []
    for path, text in texts(doc.data):
        if not _may_start_block(text):
            continue
        offset, seen = 0, set()
        for number, line in enumerate(text.split("\n")):
            what = _block(line, first=number == 0)
            if what and what not in seen:  # once per text and kind: at a table's first row
                seen.add(what)
                needle = line.strip()
                position = doc.text_position(path, needle, offset + line.index(needle))
                warnings.append(
                    Problem(
                        file,
                        *position,
                        f"warning: '{field_name(path)}' has {what}, which a card text shows as "
                        f"written; {ACCEPTS}",
                    )
                )
            offset += len(line) + 1
    return warnings


def _may_start_block(text: str) -> bool:
    if text.lstrip(" ")[:1] in _STARTS:
        return True
    return "\n" in text and _MAY_START.search(text) is not None


def _any_may_start_block(data: Any, key: str | None = None) -> bool:
    """Whether some card text of `data` may start a block: the texts of `texts()`, without
    their paths, stopping at the first (most entries have none, and are looked at no further)."""
    if isinstance(data, str):
        return key not in NOT_TEXT and _may_start_block(data)
    if isinstance(data, dict):
        return any(_any_may_start_block(value, name) for name, value in data.items())
    if isinstance(data, list):
        return any(_any_may_start_block(value, key) for value in data)
    return False


def _block(line: str, *, first: bool) -> str | None:
    for pattern, what in _BLOCKS:
        if pattern.match(line):
            return what
    if not first and _LIST_ITEM.match(line):
        return "a list item ('- ')"
    return None
