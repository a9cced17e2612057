"""Citations in card text: `[@id]` or `[@id; @other]` (Pandoc's syntax) naming sources of the entry.

A citation is a bracket that holds only `@key` items separated by semicolons and is not followed
by `(` (then it is a link, `[@id](url)`, as in Pandoc). A backslash before the bracket and a code
span around it keep it text. The scan here is what the validator reads; the page and Markdown
renderers match the same pattern at a `[` inside their Markdown parser, so what validates is what
renders.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .loader import Document, PathKey
from .problems import Problem
from .validation import did_you_mean

# `[@a]`, `[@a; @b]`: a key is anything up to white space, `;` or a bracket, so a key that is not
# a slug is still read as a citation and reported, never passed over as text.
CITATION = re.compile(r"\[@([^\s;\[\]]+)((?:[ \t]*;[ \t]*@[^\s;\[\]]+)*)\](?!\()")
_KEY = re.compile(r"@([^\s;\[\]]+)")
# What hides a bracket from the scan: a backslash escape or a run of backticks (a code span).
_HIDING = re.compile(r"\\.|`+|\[@", re.S)

# Keys whose values are not Markdown text: names, ids, addresses, dates and numbers.
NOT_TEXT = frozenset(
    {
        "title",
        "name",
        "key",
        "id",
        "url",
        "category",
        "tags",
        "status",
        "reviewed",
        "review_every_months",
        "undo_cost",
        "failure_mode",
        "card",
        "supersedes",
        "date",
        "keywords",
        "role",
    }
)


@dataclass(frozen=True)
class Citation:
    """One citation in a text: where it starts (offset into the text), as written, and its keys."""

    start: int
    written: str
    keys: tuple[str, ...]


def keys_of(match: re.Match[str]) -> tuple[str, ...]:
    """The keys of a `CITATION` match, in order."""
    return (match.group(1), *_KEY.findall(match.group(2)))


def citations(text: str) -> list[Citation]:
    """Every citation in one card text, in order (none inside code spans or after a backslash)."""
    if "[@" not in text:
        return []
    found: list[Citation] = []
    at = 0
    while True:
        match = _HIDING.search(text, at)
        if match is None:
            return found
        token = match.group()
        if token[0] == "\\":
            at = match.end()
        elif token[0] == "`":
            close = re.compile(rf"(?<!`)`{{{len(token)}}}(?!`)").search(text, match.end())
            at = close.end() if close else match.end()
        else:
            cite = CITATION.match(text, match.start())
            if cite is None:
                at = match.start() + 1
                continue
            found.append(Citation(cite.start(), cite.group(), keys_of(cite)))
            at = cite.end()


def texts(data: Any, path: PathKey = ()) -> Iterator[tuple[PathKey, str]]:
    """Every Markdown text of an entry's raw data with its path, in file order."""
    if isinstance(data, str):
        named = [p for p in path if isinstance(p, str)]
        if not named or named[-1] not in NOT_TEXT:
            yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from texts(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from texts(value, (*path, index))


def source_ids(data: Any) -> list[str]:
    """The ids of an entry's sources, in order (raw data of any shape)."""
    sources = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(sources, list):
        return []
    return [s["id"] for s in sources if isinstance(s, dict) and isinstance(s.get("id"), str)]


def is_cited(data: Any) -> bool:
    """True when some text of the entry cites a source."""
    return any(citations(text) for _, text in texts(data))


def citation_problems(doc: Document, file: str) -> list[Problem]:
    """A problem for every citation that names no source id of the entry, at the citation."""
    if not doc.may_hold("[@"):
        return []
    known = source_ids(doc.data)
    problems = []
    for path, text in texts(doc.data):
        for cite in citations(text):
            for key in cite.keys:
                if key in known:
                    continue
                if known:
                    hint = did_you_mean(key, known) or f"; the source ids are: {', '.join(known)}"
                else:
                    hint = "; give the source an `id:` to cite it"
                line, column = doc.text_position(path, cite.written, cite.start)
                problems.append(
                    Problem(file, line, column, f"citation '@{key}' names no source{hint}")
                )
    return problems
