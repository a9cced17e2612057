"""Resolve every reference between entries, and record the links each page shows back.

References are read from the raw data of every card that parsed as YAML, valid or not, so one run
reports a broken reference next to the card's other mistakes. The same references, once all of
them resolve, become the backlinks and the "reached from" lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .loader import PathKey
from .models import ID_MAX, ID_MIN, SLUG_PATTERN
from .reading import (
    CATEGORIES_FILE,
    DECISIONS_DIR,
    FAILURE_MODES_DIR,
    ROLES_FILE,
    CollectionReader,
)
from .validation import did_you_mean

_ID = re.compile(SLUG_PATTERN)

# The relation kinds a card declares to another card, with a note (supersedes has none).
RELATION_KINDS = ("confused_with", "adjacent")


@dataclass(frozen=True)
class Reference:
    """One id named by a decision card, and where the card names it."""

    source: str
    kind: str  # category | failure_mode | role | confused_with | adjacent | supersedes
    target: str
    at: PathKey
    note: str | None = None
    option: tuple[str, str] | None = None  # (key, name) of the option, for failure_mode


@dataclass(frozen=True)
class Backlink:
    """Another card that names this one."""

    source: str
    relation: str  # confused_with | adjacent | supersedes
    note: str | None


@dataclass(frozen=True)
class Reach:
    """An option of a card whose misuse leads to a failure mode."""

    card: str
    option_key: str
    option_name: str
    note: str | None


@dataclass(frozen=True)
class OptionReach:
    """An option whose misuse leads to a failure mode, once, with every note its card gives."""

    card: str
    option_key: str
    option_name: str
    notes: tuple[str, ...]


def by_option(reaches: list[Reach]) -> list[OptionReach]:
    """`reaches` with each option once (an option may name a failure mode in several of its
    misuse items), in the order first met."""
    found: dict[tuple[str, str], OptionReach] = {}
    for r in reaches:
        key = (r.card, r.option_key)
        seen = found.get(key) or OptionReach(r.card, r.option_key, r.option_name, ())
        found[key] = OptionReach(*key, seen.option_name, seen.notes + ((r.note,) if r.note else ()))
    return list(found.values())


def _items(data: object, *keys: str) -> list[tuple[int, Any]]:
    """Enumerate the list at data[keys...], tolerating any shape an invalid card may have."""
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return list(enumerate(data)) if isinstance(data, list) else []


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def references(card_id: str, data: Any) -> Iterator[Reference]:
    """Every id a decision card's raw data names, in file order."""
    category = _text(data.get("category")) if isinstance(data, dict) else None
    if category is not None:
        yield Reference(card_id, "category", category, ("category",))
    for index, option in _items(data, "options"):
        key = _text(option.get("key")) if isinstance(option, dict) else None
        name = _text(option.get("name")) if isinstance(option, dict) else None
        for m_index, item in _items(option, "misuse"):
            target = _text(item.get("failure_mode")) if isinstance(item, dict) else None
            if target is not None:
                yield Reference(
                    card_id,
                    "failure_mode",
                    target,
                    ("options", index, "misuse", m_index, "failure_mode"),
                    _text(item.get("note")),
                    (key or "", name or ""),
                )
        for b_index, item in _items(option, "cost_bearers"):
            role = _text(item.get("role")) if isinstance(item, dict) else None
            if role is not None:
                place = ("options", index, "cost_bearers", b_index, "role")
                yield Reference(card_id, "role", role, place)
    for kind in RELATION_KINDS:
        for r_index, related in _items(data, "relations", kind):
            target = _text(related.get("card")) if isinstance(related, dict) else None
            if target is not None:
                at = ("relations", kind, r_index, "card")
                yield Reference(card_id, kind, target, at, _text(related.get("note")))
    for s_index, old in _items(data, "relations", "supersedes"):
        if isinstance(old, str):
            yield Reference(card_id, "supersedes", old, ("relations", "supersedes", s_index))


def _repeated_option_keys(data: Any) -> Iterator[tuple[str, int, int]]:
    """(key, first option index, repeating option index) for each option key used twice."""
    first: dict[str, int] = {}
    for index, option in _items(data, "options"):
        key = _text(option.get("key")) if isinstance(option, dict) else None
        if key is None:
            continue
        if key in first:
            yield key, first[key], index
        else:
            first[key] = index


class Linker:
    """Checks the references of a collection being read, then links it."""

    def __init__(
        self,
        reader: CollectionReader,
        category_ids: list[str],
        decision_ids: set[str],
        failure_mode_ids: set[str],
        role_ids: list[str] | None = None,
    ) -> None:
        self.reader = reader
        self.category_ids = category_ids
        self.role_ids = role_ids  # None: the collection has no roles file
        self.decisions = decision_ids
        self.failure_modes = failure_mode_ids
        self.references: list[Reference] = []

    def check(self) -> None:
        """Record a problem for every reference that does not resolve."""
        for card_id, where, doc in self.reader.parsed_decisions:
            for key, first, index in _repeated_option_keys(doc.data):
                self.reader.problem(
                    where,
                    f"option key '{key}' is used twice (first by option {first + 1}); "
                    "keys must be unique within a card",
                    doc.position(("options", index, "key")),
                )
            seen: set[tuple[str, str]] = set()
            for ref in references(card_id, doc.data):
                message = self._problem(ref, seen)
                if message:
                    self.reader.problem(where, message, doc.position(ref.at))
                self.references.append(ref)
        if not self.reader.problems:
            self._check_supersedes_loops()

    def _problem(self, ref: Reference, seen: set[tuple[str, str]]) -> str | None:
        if not _ID.fullmatch(ref.target) or not ID_MIN <= len(ref.target) <= ID_MAX:
            return None  # not an id at all (an empty placeholder, say): validation says so
        if ref.kind == "category":
            if self.category_ids and ref.target not in self.category_ids:
                where = self.reader.display(self.reader.root / CATEGORIES_FILE)
                return (
                    f"unknown category '{ref.target}'{did_you_mean(ref.target, self.category_ids)}; "
                    f"categories are: {', '.join(self.category_ids)} (defined in {where})"
                )
            return None
        if ref.kind == "role":
            return self._role_problem(ref.target)
        if ref.kind == "failure_mode":
            if ref.target not in self.failure_modes and ref.target not in self.reader.invalid_ids:
                return (
                    f"unknown failure mode '{ref.target}'{did_you_mean(ref.target, self.failure_modes)}; "
                    f"expected a file {FAILURE_MODES_DIR}/{ref.target}.yaml"
                )
            return None
        group = "supersedes" if ref.kind == "supersedes" else "relations"
        if ref.target == ref.source:
            return f"card '{ref.target}' refers to itself"
        if (group + ref.kind, ref.target) in seen:
            return f"card '{ref.target}' is listed twice here"
        seen.add((group + ref.kind, ref.target))
        if ref.target not in self.decisions and ref.target not in self.reader.invalid_ids:
            kind = (
                " (that is a failure mode, not a decision card)"
                if ref.target in self.failure_modes
                else ""
            )
            return (
                f"unknown card '{ref.target}'{kind}{did_you_mean(ref.target, self.decisions)}; "
                f"expected a file {DECISIONS_DIR}/{ref.target}.yaml"
            )
        return None

    def _role_problem(self, role: str) -> str | None:
        roles_file = self.reader.display(self.reader.root / ROLES_FILE)
        if self.role_ids is None:
            return (
                f"role '{role}' is used but {roles_file} does not exist; define the roles there "
                f"(id, title, description) or write this cost bearer as plain text"
            )
        if self.role_ids and role not in self.role_ids:
            return (
                f"unknown role '{role}'{did_you_mean(role, self.role_ids)}; roles are defined "
                f"in {roles_file}: {', '.join(self.role_ids)}"
            )
        return None

    def _check_supersedes_loops(self) -> None:
        """A card cannot, through any chain of `supersedes`, supersede itself."""
        edges: dict[str, list[str]] = {}
        for ref in self.references:
            if ref.kind == "supersedes":
                edges.setdefault(ref.source, []).append(ref.target)
        where = {card_id: (display, doc) for card_id, display, doc in self.reader.parsed_decisions}
        for ref in self.references:
            if ref.kind != "supersedes":
                continue
            back = _path(edges, ref.target, ref.source)
            if back is not None:
                chain = " → ".join([ref.source, *back])
                display, doc = where[ref.source]
                self.reader.problem(
                    display,
                    f"'supersedes' goes round in a loop ({chain}); a card cannot end up "
                    "superseding itself",
                    doc.position(ref.at),
                )

    def backlinks(self) -> dict[str, list[Backlink]]:
        """For each card, the cards that name it (only meaningful once every reference resolved)."""
        found: dict[str, list[Backlink]] = {}
        for ref in self.references:
            if ref.kind in (*RELATION_KINDS, "supersedes"):
                found.setdefault(ref.target, []).append(Backlink(ref.source, ref.kind, ref.note))
        return found

    def names(self) -> dict[str, frozenset[str]]:
        """For each card, the ids of the cards and failure modes it names."""
        found: dict[str, set[str]] = {}
        for ref in self.references:
            if ref.kind not in ("category", "role"):
                found.setdefault(ref.source, set()).add(ref.target)
        return {card_id: frozenset(ids) for card_id, ids in found.items()}

    def reached_from(self) -> dict[str, list[Reach]]:
        """For each failure mode, the options whose misuse leads to it."""
        found: dict[str, list[Reach]] = {}
        for ref in self.references:
            if ref.kind == "failure_mode" and ref.option is not None:
                found.setdefault(ref.target, []).append(Reach(ref.source, *ref.option, ref.note))
        return found


def _path(edges: dict[str, list[str]], start: str, goal: str) -> list[str] | None:
    """The ids from `start` to `goal` along `edges` (both included), or None if there is no way."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    visited = {start}
    while stack:
        node, trail = stack.pop()
        if node == goal:
            return trail
        for nxt in edges.get(node, []):
            if nxt not in visited:
                visited.add(nxt)
                stack.append((nxt, [*trail, nxt]))
    return None
