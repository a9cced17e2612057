"""What the browse pages list: groupings of the whole collection, computed from the catalog."""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
import unicodedata
from dataclasses import dataclass

from ..cards import Catalog, Entry
from ..cards.models import DecisionCard, FailureMode

UNDO_COST_TEXT = {
    "low": "Cheap to undo: try it and learn.",
    "moderate": "Undoable with a planned migration.",
    "high": "Undoing it is a project of its own.",
    "one-way": "Effectively irreversible once adopted.",
}


def build_date() -> dt.date:
    """Today, or the date of SOURCE_DATE_EPOCH so that builds are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus a number of months, clamped to the end of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_due_date(card: DecisionCard) -> dt.date:
    """The date from which a card is due for review."""
    return add_months(card.reviewed, card.review_every_months)


def by_undo_cost(catalog: Catalog) -> dict[str, list[Entry[DecisionCard]]]:
    """Decision cards grouped by undo cost, cheapest first, each group by title."""
    return {
        cost: sorted(
            (e for e in catalog.decisions.values() if e.model.reversibility.undo_cost == cost),
            key=lambda e: e.model.title.casefold(),
        )
        for cost in UNDO_COST_TEXT
    }


def due_for_review(catalog: Catalog, today: dt.date) -> list[Entry[DecisionCard]]:
    """Cards whose review date has passed, longest overdue first."""
    due = (e for e in catalog.decisions.values() if review_due_date(e.model) <= today)
    return sorted(due, key=lambda e: (review_due_date(e.model), e.id))


def recently_reviewed(catalog: Catalog, count: int = 8) -> list[Entry[DecisionCard]]:
    """The most recently reviewed cards."""
    ordered = sorted(
        catalog.decisions.values(), key=lambda e: (e.model.reviewed, e.id), reverse=True
    )
    return ordered[:count]


def _every_entry(catalog: Catalog) -> list[Entry[DecisionCard] | Entry[FailureMode]]:
    return [*catalog.decisions.values(), *catalog.failure_modes.values()]


def recent_changes(
    catalog: Catalog, count: int = 10
) -> list[tuple[dt.date, str, Entry[DecisionCard] | Entry[FailureMode]]]:
    """The newest entries of every card's and failure mode's change log: (date, note, entry)."""
    found: list[tuple[dt.date, str, Entry[DecisionCard] | Entry[FailureMode]]] = []
    for entry in _every_entry(catalog):
        for change in entry.model.changes or []:
            found.append((change.date, change.note, entry))
    found.sort(key=lambda item: (item[0], item[2].id), reverse=True)
    return found[:count]


def tag_index(catalog: Catalog) -> list[tuple[str, list[Entry[DecisionCard] | Entry[FailureMode]]]]:
    """Every tag, alphabetically, with the cards and failure modes that carry it (by title)."""
    tags: dict[str, list[Entry[DecisionCard] | Entry[FailureMode]]] = {}
    for entry in _every_entry(catalog):
        for tag in entry.model.tags or []:
            tags.setdefault(tag, []).append(entry)
    return [
        (tag, sorted(items, key=lambda e: (e.model.title.casefold(), e.id)))
        for tag, items in sorted(tags.items())
    ]


# Where the party ends and the qualification begins, in a cost bearer such as
# "Analysts, when BI performance lags" or "On-call engineers during the migration".
_PARTY_END = re.compile(
    r",|;|:\s|\s[(\u2014\u2013-]\s?|\s(?:who|whose|when|while|during|if|until|for|because)\s", re.I
)


def payer(bearer: str) -> str:
    """The party named by a cost bearer, without its qualification."""
    party = _PARTY_END.split(bearer.strip(), maxsplit=1)[0].strip().rstrip(".")
    return party[:1].upper() + party[1:] if party else bearer.strip()


def who_pays(catalog: Catalog) -> list[tuple[str, list[tuple[Entry[DecisionCard], str, str]]]]:
    """Every party named as a cost bearer, with (card, option name, full wording) for each use."""
    groups: dict[str, tuple[str, list[tuple[Entry[DecisionCard], str, str]]]] = {}
    for entry in catalog.decisions.values():
        for option in entry.model.options:
            for bearer in option.cost_bearers:
                party = payer(bearer)
                _, items = groups.setdefault(" ".join(party.casefold().split()), (party, []))
                items.append((entry, option.name, bearer))
    return sorted(groups.values(), key=lambda group: (-len(group[1]), group[0].casefold()))


@dataclass(frozen=True)
class Finder:
    """What the finder page lists: every decision card with the values it is filtered on."""

    cards: list[tuple[Entry[DecisionCard], tuple[str, ...]]]  # (card, ids of who pays), by title
    payers: list[tuple[str, str, int]]  # (id, party, number of cards), most cards first
    tags: list[tuple[str, int]]  # (tag, number of cards), alphabetically


def _party_id(party: str, taken: set[str]) -> str:
    ascii_party = unicodedata.normalize("NFKD", party).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_party.lower()).strip("-") or "party"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate)
    return candidate


def finder(catalog: Catalog) -> Finder:
    """Every decision card by title, with the parties who pay for its options and its tags."""
    entries = sorted(catalog.decisions.values(), key=lambda e: (e.model.title.casefold(), e.id))
    labels: dict[str, str] = {}  # party key -> party as first written
    per_card: dict[str, list[str]] = {}
    for entry in entries:
        keys = per_card.setdefault(entry.id, [])
        for option in entry.model.options:
            for bearer in option.cost_bearers:
                party = payer(bearer)
                key = " ".join(party.casefold().split())
                labels.setdefault(key, party)
                if key not in keys:
                    keys.append(key)
    counts = dict.fromkeys(labels, 0)  # cards per party: one pass, not one per party
    for keys in per_card.values():
        for key in keys:
            counts[key] += 1
    taken: set[str] = set()
    ids = {
        key: _party_id(key, taken)
        for key in sorted(labels, key=lambda k: (-counts[k], labels[k].casefold()))
    }
    tag_counts: dict[str, int] = {}
    for entry in entries:
        for tag in entry.model.tags or []:
            tag_counts[tag] = tag_counts.get(tag, 0) + 1
    return Finder(
        cards=[(e, tuple(ids[key] for key in per_card[e.id])) for e in entries],
        payers=[(ids[key], labels[key], counts[key]) for key in ids],
        tags=sorted(tag_counts.items()),
    )
