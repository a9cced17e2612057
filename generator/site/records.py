"""Decision records on the site: read from the records folder, linked with the cards they name,
and marked when they are due for a re-visit.

A record is a Markdown file in `records_dir` (MADR, adr-tools or log4brains style). What the
site needs of it is read from its front matter (`status`, `date`, `card`, `option`, as
`tradeoffs record` writes them) and, for records written by hand, from the MADR 2 and adr-tools
conventions (`* Status: accepted`, a `## Status` section, `Date: ...`). Everything read from a
record is text from a file the site does not control: it is escaped wherever it is shown.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..cards import Catalog
from ..cards.loader import LoadError, load
from ..cards.models import DecisionCard
from ..cards.wording import count
from .listings import add_months
from .paths import decision_uri, relative_url

STATUS = "accepted"  # an option was chosen; a draft the reader has not chosen from is "proposed"
STATUSES = ("proposed", "accepted", "rejected", "deprecated", "superseded")
RECORD_NUMBER = re.compile(r"^([0-9]{1,9})-")
MAX_BYTES = 1024 * 1024
INDEX_NAMES = ("index.md", "README.md")  # an engine's index page for the folder, not a record
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*$", re.DOTALL | re.MULTILINE)
_TITLE = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_FIELD_LINE = re.compile(r"^(?:[*-][ \t]+)?(Status|Date)[ \t]*:[ \t]*(.+?)[ \t]*$", re.I | re.M)
_STATUS_SECTION = re.compile(r"^##[ \t]+Status[ \t]*\r?\n\s*(.+?)[ \t]*$", re.I | re.M)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SPACE = re.compile(r"\s+")
MAX_TEXT = 300  # a title or status longer than this is cut: a record's heading, not its body


@dataclass(frozen=True)
class Record:
    """What the site shows of one decision record."""

    path: str  # source path in docs_dir, e.g. adr/0007-use-rag.md
    number: int | None
    title: str
    status: str
    date: dt.date | None
    card: str | None
    option: str | None

    @property
    def label(self) -> str:
        """The record's number as written in the log (`0007`), or '' without one."""
        return f"{self.number:04d}" if self.number is not None else ""


@dataclass(frozen=True)
class Decided:
    """A record as a page shows it: the card's option it chose and why it is due, if it is."""

    record: Record
    card_title: str | None  # None: no card of this site has the id the record names
    option_name: str | None
    reasons: tuple[str, ...]  # why it is due for a re-visit; empty when it is not


def _one_line(text: str, limit: int = MAX_TEXT) -> str:
    line = _SPACE.sub(" ", text).strip()
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _front_matter(text: str) -> dict[str, str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}
    try:
        data = load(match.group(1)).data
    except LoadError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {key: value for key, value in data.items() if isinstance(value, str)}


def _date(text: str | None) -> dt.date | None:
    found = _DATE.search(text or "")
    if found is None:
        return None
    try:
        return dt.date.fromisoformat(found.group())
    except ValueError:
        return None


def parse_record(path: str, text: str) -> Record:
    """What the site shows of the record at `path` (in docs_dir) whose file holds `text`."""
    meta = _front_matter(text)
    body = text[_FRONT_MATTER.match(text).end() :] if _FRONT_MATTER.match(text) else text  # type: ignore[union-attr]
    fields = {name.lower(): value for name, value in _FIELD_LINE.findall(body)}
    heading = _TITLE.search(body)
    section = _STATUS_SECTION.search(body)
    stem = path.rsplit("/", 1)[-1].removesuffix(".md")
    number = RECORD_NUMBER.match(stem)
    title = meta.get("title") or (heading.group(1) if heading else "") or stem
    status = meta.get("status") or fields.get("status") or (section.group(1) if section else "")
    return Record(
        path=path,
        number=int(number.group(1)) if number else None,
        title=_one_line(title),
        status=_one_line(status) or "unknown",
        date=_date(meta.get("date") or fields.get("date")),
        card=_one_line(meta["card"]) if meta.get("card") else None,
        option=_one_line(meta["option"]) if meta.get("option") else None,
    )


def read_records(docs_dir: Path, records_dir: str) -> tuple[Record, ...]:
    """Every record in `docs_dir/records_dir` (its Markdown files, not its index page), by
    number then path. A symbolic link is not followed."""
    folder = docs_dir / records_dir
    if not folder.is_dir() or folder.is_symlink():
        return ()
    found = []
    for file in sorted(folder.iterdir()):
        if file.suffix != ".md" or file.name in INDEX_NAMES or file.name.startswith("."):
            continue
        if file.is_symlink() or not file.is_file():
            continue
        with file.open("rb") as handle:
            text = handle.read(MAX_BYTES).decode("utf-8", errors="replace")
        found.append(parse_record(f"{records_dir}/{file.name}", text))
    return tuple(sorted(found, key=lambda r: (r.number is None, r.number or 0, r.path)))


def due_reasons(record: Record, card: DecisionCard | None, today: dt.date) -> tuple[str, ...]:
    """Why `record` is due for a re-visit (empty when it is not): its card changed after the
    record's date, or the card's review interval has passed since that date."""
    if record.card is None:
        return ()
    if card is None:
        return (f"no card '{record.card}' in this collection",)
    reasons = []
    if record.option and record.option not in {o.key for o in card.options}:
        reasons.append(f"the card has no option '{record.option}' any more")
    if record.date is not None:
        later = [c for c in card.changes or [] if c.date > record.date]
        if later:
            newest = max(later, key=lambda c: c.date)
            many = f" ({count(len(later), 'change')})" if len(later) > 1 else ""
            reasons.append(
                f"the card changed on {newest.date.isoformat()}{many}: {_one_line(newest.note, 140)}"
            )
        months = card.review_every_months
        if add_months(record.date, months) <= today:
            reasons.append(
                f"decided {record.date.isoformat()}, more than {count(months, 'month')} ago "
                "(the card's review interval)"
            )
    return tuple(reasons)


def decided(records: Iterable[Record], catalog: Catalog, today: dt.date) -> list[Decided]:
    """Each record with its card's title, the option's name and why it is due, if it is."""
    shown = []
    for record in records:
        entry = catalog.decisions.get(record.card) if record.card else None
        card = entry.model if entry is not None else None
        option = next((o for o in card.options if o.key == record.option), None) if card else None
        shown.append(
            Decided(
                record,
                card.title if card else None,
                option.name if option else None,
                due_reasons(record, card, today),
            )
        )
    return shown


def by_card(shown: Iterable[Decided]) -> dict[str, list[Decided]]:
    """The records that name each card, newest first."""
    found: dict[str, list[Decided]] = {}
    for item in shown:
        if item.record.card is not None and item.card_title is not None:
            found.setdefault(item.record.card, []).append(item)
    for items in found.values():
        items.sort(key=lambda d: (d.record.date or dt.date.min, d.record.number or 0), reverse=True)
    return found


def record_note(item: Decided, directory_urls: bool = True, from_source: bool = False) -> str:
    """The HTML block a record's page shows under its title: the card and option it was decided
    with, and why it is due for a re-visit."""
    record, parts = item.record, []
    if record.card is not None and item.card_title is not None:
        page = relative_url(record.path, decision_uri(record.card), directory_urls, from_source)
        card = f'<a href="{html.escape(page)}">{html.escape(item.card_title)}</a>'
        if item.option_name is not None:
            option = f"#option-{record.option}"
            name = html.escape(item.option_name)
            card += f', option <a href="{html.escape(page + option)}">{name}</a>'
        parts.append(f"<p>Decided with the trade-off card {card}.</p>")
    if item.reasons:
        reasons = "".join(f"<li>{html.escape(r)}</li>" for r in item.reasons)
        parts.append(
            '<p><span class="tc-badge tc-due">Due for a re-visit</span></p>'
            f'<ul class="tc-record-note__reasons">{reasons}</ul>'
        )
    if not parts:
        return ""
    return '<div class="tc-record-note">\n' + "\n".join(parts) + "\n</div>"


def with_note(markdown: str, note: str) -> str:
    """A record's Markdown with `note` (an HTML block) after its title, or at its top."""
    if not note:
        return markdown
    start = _FRONT_MATTER.match(markdown)
    offset = start.end() if start else 0
    heading = _TITLE.search(markdown, offset)
    at = heading.end() if heading else offset
    return f"{markdown[:at]}\n\n{note}\n\n{markdown[at:].lstrip(chr(10))}"


def record_notes(
    shown: Iterable[Decided], directory_urls: bool = True, from_source: bool = False
) -> dict[str, str]:
    """The note of each record page that has one, by its source path."""
    notes = {item.record.path: record_note(item, directory_urls, from_source) for item in shown}
    return {path: note for path, note in notes.items() if note}


def record_objects(items: Iterable[Decided], url: Mapping[str, str]) -> list[dict[str, object]]:
    """A card's records as `api/cards.json` lists them (`url`: each record's URL by path)."""
    return [
        {
            "number": item.record.number,
            "title": item.record.title,
            "status": item.record.status,
            "date": item.record.date.isoformat() if item.record.date else None,
            "option": item.record.option,
            "url": url[item.record.path],
        }
        for item in items
    ]
