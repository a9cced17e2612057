"""The reports of `tradeoffs diff`: text, Markdown (for a pull request) and JSON."""

from __future__ import annotations

import json
from collections.abc import Callable

from ..cards.compare import STATUS_ORDER, Change, Comparison, EntryChange
from ..cards.problems import printable
from ..site import plain_markdown as md


def summary(comparison: Comparison) -> str:
    """`1 added, 2 changed` (or `no changes`)."""
    counts = [f"{comparison.count(s)} {s}" for s in STATUS_ORDER if comparison.count(s)]
    return ", ".join(counts) if counts else "no changes"


def _entry_name(entry: EntryChange) -> str:
    if entry.kind in ("categories", "roles"):
        return entry.id
    renamed = f"{entry.old_id} → " if entry.old_id else ""
    return f"{entry.kind} {renamed}{entry.id}"


# Longer changed texts are shown from a few words before the first difference to a few after the
# last (the JSON report keeps them whole).
LONG_TEXT = 100
CONTEXT_WORDS = 4


def changed_span(old: str, new: str) -> tuple[str, str]:
    """The part of two versions of a text that differs, with a few words around it; "…" marks
    what is left out. Texts up to LONG_TEXT characters are returned whole."""
    if len(old) <= LONG_TEXT and len(new) <= LONG_TEXT:
        return old, new
    a, b = old.split(" "), new.split(" ")
    prefix = 0
    while prefix < min(len(a), len(b)) and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(a), len(b)) - prefix and a[-1 - suffix] == b[-1 - suffix]:
        suffix += 1
    start = max(0, prefix - CONTEXT_WORDS)
    cut = max(0, suffix - CONTEXT_WORDS)

    def span(words: list[str]) -> str:
        shown = " ".join(words[start : len(words) - cut])
        return ("… " if start else "") + shown + (" …" if cut else "")

    return span(a), span(b)


def _describe(
    change: Change,
    quote: Callable[[str], str],
    name: Callable[[str, str], str],
    plain: Callable[[str], str],
) -> str:
    where = ", ".join([*(name(plain(what), n) for what, n in change.within), plain(change.field)])
    if change.action == "changed":
        old, new = changed_span(change.old or "", change.new or "")
        return f"{where}: {quote(old)} → {quote(new)}"
    if change.action == "reordered":
        return f"{where}: reordered"
    value = change.new if change.action == "added" else change.old
    return f"{where}: {change.action}" + (f" {quote(value)}" if value is not None else "")


def _text_quote(value: str) -> str:
    value = printable(value)
    return f"“{value}”" if " " in value.strip() else value


def format_text(comparison: Comparison, base: str, head: str) -> str:
    """Plain text: a line per entry, its changes indented below it. Every value is on its line
    with no control character (`printable`): a card cannot add lines or drive the terminal."""
    base, head = printable(base), printable(head)
    lines = [f"Cards in {head} against {base}: {summary(comparison)}"]
    for entry in comparison.entries:
        name, title = printable(_entry_name(entry)), printable(entry.title)
        lines.append(f"{entry.status}: {name} “{title}”")
        for change in entry.changes:
            text = _describe(change, _text_quote, lambda w, n: f"{w} “{printable(n)}”", printable)
            lines.append("  " + text)
        for label, problems in (
            ("in " + base, entry.base_problems),
            ("in " + head, entry.head_problems),
        ):
            for problem in problems:
                lines.append(f"  does not validate {label}: {problem}")
    return "\n".join(lines)


def _md_plain(value: str) -> str:
    """Text that is not Markdown, on one line, showing exactly itself."""
    return md.escape(printable(value))


def _md_card_text(value: str) -> str:
    """Card text (Markdown) on one line, links only to absolute addresses."""
    return printable(md.one_line(value, _drop_relative))


def _md_quote(value: str) -> str:
    if " " in value.strip():
        return f"“{_md_card_text(value)}”"
    return md.code(printable(value))


def _drop_relative(url: str) -> str | None:
    """Links in quoted card text: absolute ones are kept, relative ones (to the site) dropped."""
    return url if url.startswith(("https://", "http://", "mailto:")) else None


def format_markdown(comparison: Comparison, base: str, head: str) -> str:
    """Markdown for a pull request or a job summary: a list item per entry, its changes nested.
    Card text is quoted through the same writer as the site's Markdown files: nothing in a card
    can become HTML here."""
    lines = [
        "### Card changes",
        "",
        f"**{_md_plain(summary(comparison))}**: {_md_plain(head)} against {_md_plain(base)}.",
    ]
    if comparison.entries:
        lines.append("")
    for entry in comparison.entries:
        title = _md_card_text(entry.title)
        name = md.code(printable(_entry_name(entry)))
        lines.append(f"- **{_md_plain(entry.status.capitalize())}** {name}: {title}")
        for change in entry.changes:
            text = _describe(
                change, _md_quote, lambda w, n: f"{w} **{_md_card_text(n)}**", _md_plain
            )
            lines.append(f"  - {text}")
        for label, problems in (
            ("in " + base, entry.base_problems),
            ("in " + head, entry.head_problems),
        ):
            for problem in problems:
                lines.append(f"  - does not validate {_md_plain(label)}: {_md_plain(str(problem))}")
    return "\n".join(lines)


def format_json(comparison: Comparison, base: str, head: str) -> str:
    """Everything, for tools: each entry with its changes (full old and new values)."""
    entries = [
        {
            "kind": e.kind,
            "id": e.id,
            "status": e.status,
            "title": e.title,
            "old_id": e.old_id,
            "changes": [
                {
                    "path": list(c.path),
                    "within": [{"what": what, "name": n} for what, n in c.within],
                    "field": c.field,
                    "action": c.action,
                    "old": c.old,
                    "new": c.new,
                }
                for c in e.changes
            ],
            "problems": {
                "base": [str(p) for p in e.base_problems],
                "head": [str(p) for p in e.head_problems],
            },
        }
        for e in comparison.entries
    ]
    counts = {status: comparison.count(status) for status in STATUS_ORDER}
    document = {"base": base, "head": head, "summary": counts, "entries": entries}
    return json.dumps(document, indent=2, ensure_ascii=False)


FORMATS: dict[str, Callable[[Comparison, str, str], str]] = {
    "text": format_text,
    "markdown": format_markdown,
    "json": format_json,
}
