"""What the browse pages list: groupings of the whole collection, computed from the catalog."""

from __future__ import annotations

import calendar
import datetime as dt
import os
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


# The group of the cost bearers written as plain text, after the roles.
OTHERS = "Others"


@dataclass(frozen=True)
class PayerGroup:
    """One group of "By who pays": a role of roles.yaml, or the plain-text bearers ("Others")."""

    id: str  # the role id, or the Others id
    anchor: str  # its id on the page: role-<id>, or others
    title: str
    description: str | None
    uses: list[tuple[Entry[DecisionCard], str, str]]  # (card, option name, note or text)


def others_id(catalog: Catalog) -> str:
    """The id of the Others group: one no role has."""
    taken = {role.id for role in catalog.roles}
    return next(i for i in ("others", "other-bearers", "-") if i not in taken)


def who_pays(catalog: Catalog) -> list[PayerGroup]:
    """Every role that absorbs a cost, in the order of roles.yaml, then the cost bearers written
    as plain text; each with (card, option name, note or text) for every use, cards by id."""
    by_role: dict[str, list[tuple[Entry[DecisionCard], str, str]]] = {}
    others: list[tuple[Entry[DecisionCard], str, str]] = []
    for entry in catalog.decisions.values():
        for option in entry.model.options:
            for bearer in option.cost_bearers:
                if isinstance(bearer, str):
                    others.append((entry, option.name, bearer))
                else:
                    by_role.setdefault(bearer.role, []).append((entry, option.name, bearer.note))
    groups = [
        PayerGroup(role.id, f"role-{role.id}", role.title, role.description, by_role[role.id])
        for role in catalog.roles
        if role.id in by_role
    ]
    if others:
        groups.append(PayerGroup(others_id(catalog), "others", OTHERS, None, others))
    return groups


@dataclass(frozen=True)
class Finder:
    """What the finder page lists: every decision card with the values it is filtered on."""

    cards: list[tuple[Entry[DecisionCard], tuple[str, ...]]]  # (card, ids of who pays), by title
    payers: list[tuple[str, str, int]]  # (id, role title or Others, number of cards)
    tags: list[tuple[str, int]]  # (tag, number of cards), alphabetically


def _payer_ids(card: DecisionCard, others: str) -> tuple[str, ...]:
    """The ids of the roles that pay for some option of the card (and Others), each once."""
    ids: dict[str, None] = {}
    for option in card.options:
        for bearer in option.cost_bearers:
            ids[others if isinstance(bearer, str) else bearer.role] = None
    return tuple(ids)


def finder(catalog: Catalog) -> Finder:
    """Every decision card by title, with the roles who pay for its options and its tags; the
    roles in the order of roles.yaml, then Others."""
    entries = sorted(catalog.decisions.values(), key=lambda e: (e.model.title.casefold(), e.id))
    others = others_id(catalog)
    cards = [(e, _payer_ids(e.model, others)) for e in entries]
    counts: dict[str, int] = {}
    for _, ids in cards:
        for payer_id in ids:
            counts[payer_id] = counts.get(payer_id, 0) + 1
    payers = [(r.id, r.title, counts[r.id]) for r in catalog.roles if r.id in counts]
    if others in counts:
        payers.append((others, OTHERS, counts[others]))
    tag_counts: dict[str, int] = {}
    for entry in entries:
        for tag in entry.model.tags or []:
            tag_counts[tag] = tag_counts.get(tag, 0) + 1
    return Finder(cards=cards, payers=payers, tags=sorted(tag_counts.items()))
