"""Search entries for a generated page, read from the page's own Markdown.

The sections come from the page as the templates rendered it: one entry for the text before the
first section, one per `## Title { #anchor }` section, and in a comparison table one per option
(its header cell carries `id="option-<key>"`, its cells `data-option-key="<key>"`). Adding a
section to a template adds its search entry; nothing else lists the sections.
"""

from __future__ import annotations

import html
import json
import re
import typing
from dataclasses import dataclass

from ..cards import Catalog
from ..cards.models import DecisionCard, Reversibility

SEARCH_FILTERS = "assets/tradeoff-cards/search/filters.json"

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_SECTION = re.compile(r"^## (?P<title>.+?)(?: \{ #(?P<anchor>[A-Za-z0-9_-]+) \})?[ \t]*$", re.M)
_SUBHEADING = re.compile(r"^#{3,6} (.+?)(?: \{ #[A-Za-z0-9_-]+ \})?[ \t]*$", re.M)
# Not text to search: code blocks, drawings, scripts, the record's data, what only print shows and
# what a page repeats from a section below (the decision's litmus test and questions, <aside>).
_NOT_TEXT = re.compile(
    r"<(pre|svg|script|style|figure|template|aside)\b.*?</\1>"
    r'|<span class="tc-print-only[^"]*">.*?</span>',
    re.S | re.I,
)
# Citation numbers at the claims and the source list's links back to them: left out, no space.
_CITES = re.compile(r'<sup class="tc-cite">.*?</sup>|<span class="tc-backrefs">.*?</span>', re.S)
_TAG = re.compile(r"<[^>]*>")
_OPTION_HEAD = re.compile(r'<th\b[^>]*\bid="option-(?P<key>[^"]+)"[^>]*>(?P<head>.*?)</th>', re.S)
_OPTION_NAME = re.compile(r'class="tc-option-name"[^>]*>(.*?)</span>', re.S)
_OPTION_CELL = re.compile(
    r'<td\b[^>]*\bdata-option-key="(?P<key>[^"]+)"[^>]*>(?P<cell>.*?)</td>', re.S
)


@dataclass(frozen=True)
class SearchEntry:
    """One searchable section of a page: `anchor` is '' for the page itself."""

    anchor: str
    title: str
    text: str
    tags: tuple[str, ...] = ()


def plain(fragment: str) -> str:
    """The visible text of an HTML fragment, on one line."""
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def _text(fragment: str) -> str:
    """Searchable text of a fragment: its visible words, escaped, in one paragraph."""
    if "tc-cite" in fragment or "tc-backrefs" in fragment:
        fragment = _CITES.sub("", fragment)
    words = plain(_SUBHEADING.sub("\\1", _NOT_TEXT.sub(" ", fragment)))
    return f"<p>{html.escape(words, quote=False)}</p>" if words else ""


def _options(fragment: str) -> list[tuple[str, str, str]]:
    """(key, name, text) of each option of a comparison table, in table order."""
    names: dict[str, str] = {}
    cells: dict[str, list[str]] = {}
    for match in _OPTION_HEAD.finditer(fragment):
        named = _OPTION_NAME.search(match["head"])
        names[match["key"]] = plain(named.group(1) if named else match["head"])
        cells[match["key"]] = [match["head"]]
    for match in _OPTION_CELL.finditer(fragment):
        cells.setdefault(match["key"], []).append(match["cell"])
    return [(key, names.get(key, key), _text("</p>".join(parts))) for key, parts in cells.items()]


def page_entries(markdown: str, title: str, tags: tuple[str, ...] = ()) -> list[SearchEntry]:
    """The search entries of one generated page."""
    body = _FRONT_MATTER.sub("", markdown, count=1)
    pieces = _SECTION.split(body)
    # split() gives: text before the first section, then (title, anchor, text) per section
    entries = [SearchEntry("", html.escape(title, quote=False), _text(pieces[0]), tags)]
    for index in range(1, len(pieces), 3):
        heading, anchor, fragment = pieces[index], pieces[index + 1], pieces[index + 2]
        if not anchor:
            continue
        options = _options(fragment) if "data-option-key=" in fragment else []
        if options:
            entries += [
                SearchEntry(f"option-{key}", html.escape(name, quote=False), text, tags)
                for key, name, text in options
            ]
            continue
        entries.append(
            SearchEntry(anchor, html.escape(plain(heading), quote=False), _text(fragment), tags)
        )
    return entries


def search_filters(catalog: Catalog) -> str:
    """What the search can narrow results to (categories in use, undo costs, statuses), as JSON
    for the search script, which loads it with the search."""
    used = {entry.model.category for entry in catalog.decisions.values()}
    undo = Reversibility.model_fields["undo_cost"].annotation
    status = DecisionCard.model_fields["status"].annotation
    filters = {
        "category": [c.title for c in catalog.categories if c.id in used],
        "undo": list(typing.get_args(undo)),
        "status": list(typing.get_args(status)),
    }
    return json.dumps(filters, ensure_ascii=False)
