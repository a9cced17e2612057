"""What changed in the cards between two versions of the card folder, in a reviewer's words.

Each version is a set of files (path in the card folder -> bytes), read with the strict loader and
validated file by file; a file that does not load or validate is kept with its problems instead
of its data. Entries are matched by id: an id only in the new version is added, only in the old
one removed, and a removed and an added entry of the same kind whose contents are mostly the same
count as one entry renamed. For an entry in both versions, the validated data are compared field
by field: options, follow-ups, sources and relations are matched by their key (option key,
question, URL, card id); a list of texts reports the items added or removed, quoting them; any
other field its old and new value. Only what a reader of the site would see counts: a re-ordered
key, a comment or a default written out changes nothing.
"""

from __future__ import annotations

import difflib
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from .drafts import check
from .loader import LoadError, decode, load
from .models import Category, DecisionCard, FailureMode, Role
from .outline import field_words
from .problems import Problem
from .reading import CATEGORIES_FILE, DECISIONS_DIR, FAILURE_MODES_DIR, ROLES_FILE, id_problem
from .validation import problems_from_validation

KINDS: dict[str, tuple[str, type[BaseModel]]] = {
    DECISIONS_DIR: ("decision", DecisionCard),
    FAILURE_MODES_DIR: ("failure-mode", FailureMode),
}
# Two entries are one entry renamed when their contents are at least this similar.
RENAMED_SIMILARITY = 0.75

# Lists whose items are matched by one of their keys, by the (id-free) path of the list.
_KEYED: dict[tuple[str, ...], str] = {
    ("options",): "key",
    ("follow_ups",): "question",
    ("sources",): "url",
    ("relations", "confused_with"): "card",
    ("relations", "adjacent"): "card",
    ("categories",): "id",
    ("roles",): "id",
}
# What an item of a keyed list is called, and how it is shown when added or removed.
_ITEM_WORDS = {
    "options": "option",
    "follow_ups": "follow-up",
    "sources": "source",
    "confused_with": "confused with",
    "adjacent": "adjacent",
    "categories": "category",
    "roles": "role",
}


@dataclass(frozen=True)
class Version:
    """One entry at one version: its validated data as JSON data, or the problems it has."""

    kind: str  # decision | failure-mode
    id: str
    path: str  # as shown in messages, e.g. cards/decisions/<id>.yaml
    raw: bytes
    data: dict[str, Any] | None  # None when the file does not load or validate
    title: str  # the title as written, or the id when there is none
    problems: tuple[Problem, ...] = ()


@dataclass
class Snapshot:
    """Every entry of one version of a card folder, its categories and its roles."""

    entries: dict[tuple[str, str], Version] = field(default_factory=dict)  # by (kind, id)
    categories: list[dict[str, Any]] | None = None
    category_problems: tuple[Problem, ...] = ()
    roles: list[dict[str, Any]] | None = None
    role_problems: tuple[Problem, ...] = ()


def _problems(exc: Exception, display: str) -> tuple[Problem, ...]:
    if isinstance(exc, LoadError):
        return (Problem(display, exc.line, exc.column, exc.message),)
    return (Problem(display, 1, 1, str(exc)),)


def _as_compared(written: Any, model: BaseModel) -> dict[str, Any]:
    """An entry's data as written, with the typed values as the model reads them: dates as
    `YYYY-MM-DD`, `review_every_months` as a number, and `status` and `review_every_months`
    filled in when left to their defaults (writing a default out changes nothing)."""
    data: dict[str, Any] = dict(written)
    data["reviewed"] = model.reviewed.isoformat()  # type: ignore[attr-defined]
    if isinstance(model, DecisionCard):
        data["status"] = model.status
        data["review_every_months"] = model.review_every_months
    changes = getattr(model, "changes", None) or []
    if changes:
        data["changes"] = [
            {**item, "date": change.date.isoformat()}
            for item, change in zip(data["changes"], changes, strict=True)
        ]
    return data


def read_version(kind: str, model: type[BaseModel], path: str, raw: bytes) -> Version:
    """One card or failure-mode file, loaded and validated on its own."""
    entry_id = path.rsplit("/", 1)[-1].removesuffix(".yaml")
    bad_id = id_problem(entry_id)
    try:
        doc = load(decode(raw))
    except LoadError as exc:
        return Version(kind, entry_id, path, raw, None, entry_id, _problems(exc, path))
    title = doc.data.get("title") if isinstance(doc.data, dict) else None
    title = title if isinstance(title, str) and title.strip() else entry_id
    checked = check(model, doc.data)  # a draft's unwritten text is no problem here either
    if checked.model is None:
        problems = (
            tuple(problems_from_validation(checked.error, doc, model, path))
            if checked.error is not None
            else ()
        )
        return Version(kind, entry_id, path, raw, None, title, problems)
    data = _as_compared(doc.data, checked.model)
    if bad_id:
        return Version(kind, entry_id, path, raw, None, title, (Problem(path, 1, 1, bad_id),))
    return Version(kind, entry_id, path, raw, data, title)


def read_snapshot(files: Mapping[str, bytes], display_prefix: str = "") -> Snapshot:
    """The entries of one version of a card folder, given its files by path in the folder
    (`decisions/<id>.yaml`, `failure-modes/<id>.yaml`, `categories.yaml`, `roles.yaml`; others
    are ignored)."""
    snapshot = Snapshot()
    for path, raw in sorted(files.items()):
        folder, _, name = path.rpartition("/")
        display = display_prefix + path
        if path == CATEGORIES_FILE:
            snapshot.categories, snapshot.category_problems = _read_listing(
                Category, "category", display, raw
            )
        elif path == ROLES_FILE:
            snapshot.roles, snapshot.role_problems = _read_listing(Role, "role", display, raw)
        elif folder in KINDS and name.endswith(".yaml") and not name.startswith("."):
            kind, model = KINDS[folder]
            version = read_version(kind, model, display, raw)
            snapshot.entries[(kind, version.id)] = version
    return snapshot


def _read_listing(
    model: type[Category] | type[Role], noun: str, display: str, raw: bytes
) -> tuple[list[dict[str, Any]] | None, tuple[Problem, ...]]:
    """The items of categories.yaml or roles.yaml as written (a category's `order` as a
    number), or the problem that keeps them from being compared."""
    try:
        doc = load(decode(raw), top=list)
    except LoadError as exc:
        return None, _problems(exc, display)
    found: list[dict[str, Any]] = []
    items: list[Any] = list(doc.data)
    for index, item in enumerate(items):
        try:
            listed = model.model_validate(item)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(part) for part in first["loc"])
            message = f"{noun} {index + 1} does not validate: {where}: {first['msg']}"
            return None, (Problem(display, 1, 1, message),)
        order = getattr(listed, "order", None)
        found.append({**item, "order": order} if order else item)
    return found, ()


# --------------------------------------------------------------------------- the comparison


@dataclass(frozen=True)
class Change:
    """One difference within an entry.

    `within` names the part of the entry it is in, as (what, name) pairs such as
    `(("option", "Fine-tuning"),)`; `field` is the field in words; `action` is added, removed,
    changed or reordered; `old` and `new` are the values (texts as written), None when absent.
    """

    path: tuple[str, ...]
    within: tuple[tuple[str, str], ...]
    field: str
    action: str
    old: str | None = None
    new: str | None = None


@dataclass(frozen=True)
class EntryChange:
    """What happened to one entry: added, removed, renamed, changed, or invalid (it does not
    validate at one version or both, so its contents cannot be compared)."""

    kind: str  # decision | failure-mode | categories
    id: str
    status: str
    title: str
    old_id: str | None = None  # for renamed
    changes: tuple[Change, ...] = ()
    base_problems: tuple[Problem, ...] = ()
    head_problems: tuple[Problem, ...] = ()


STATUS_ORDER = ("added", "removed", "renamed", "changed", "invalid")


@dataclass(frozen=True)
class Comparison:
    """Every entry that differs between two versions, added first, then removed, renamed,
    changed and invalid; within each, decisions before failure modes, by id."""

    entries: tuple[EntryChange, ...]

    def count(self, status: str) -> int:
        """How many entries have this status."""
        return sum(1 for e in self.entries if e.status == status)

    @property
    def invalid_at_head(self) -> bool:
        """True when some entry does not validate in the newer version."""
        return any(e.head_problems for e in self.entries)


def _item_name(list_key: str, item: Any) -> str:
    """How an item of a keyed list is shown when it is added or removed."""
    if list_key == "options":
        return f"{item['name']} ({item['key']})"
    if list_key == "sources":
        return f"{item['title']} <{item['url']}>"
    if list_key in ("confused_with", "adjacent"):
        return f"{item['card']}: {item['note']}"
    if list_key in ("categories", "roles"):
        return f"{item['title']} ({item['id']})"
    return str(item.get("question", item))


def _within_name(list_key: str, item: Any) -> str:
    if list_key == "options":
        return str(item["name"])
    if list_key == "sources":
        return str(item["title"])
    if list_key in ("confused_with", "adjacent"):
        return str(item["card"])
    if list_key in ("categories", "roles"):
        return str(item["title"])
    return str(item.get("question", item))


def _text_item(item: Any) -> str:
    """An item of an unkeyed list as text: a cost bearer's role, a misuse link, a change-log
    entry, or the text."""
    if isinstance(item, dict):
        if "role" in item:
            return f"role {item['role']}: {item['note']}"
        if "failure_mode" in item:
            note = f": {item['note']}" if item.get("note") else ""
            return f"failure mode {item['failure_mode']}{note}"
        if "date" in item:
            return f"{item['date']}: {item['note']}"
        return json.dumps(item, sort_keys=True, ensure_ascii=False)
    return str(item)


class _Differ:
    def __init__(self) -> None:
        self.changes: list[Change] = []

    def add(
        self,
        path: tuple[str, ...],
        within: tuple[tuple[str, str], ...],
        key: str,
        action: str,
        old: Any = None,
        new: Any = None,
    ) -> None:
        self.changes.append(
            Change(
                path,
                within,
                field_words(key),
                action,
                None if old is None else str(old),
                None if new is None else str(new),
            )
        )

    def mapping(
        self,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        path: tuple[str, ...] = (),
        shape: tuple[str, ...] = (),
        within: tuple[tuple[str, str], ...] = (),
    ) -> None:
        for key in [*old, *(k for k in new if k not in old)]:
            a, b = old.get(key), new.get(key)
            if a == b:
                continue
            where, form = (*path, key), (*shape, key)
            if isinstance(a, dict) or isinstance(b, dict):
                if a is None or b is None:
                    self.add(where, within, key, "added" if a is None else "removed")
                else:
                    self.mapping(a, b, where, form, within)
            elif isinstance(a, list) or isinstance(b, list):
                self.sequence(a or [], b or [], where, form, within)
            elif a is None:
                self.add(where, within, key, "added", new=b)
            elif b is None:
                self.add(where, within, key, "removed", old=a)
            else:
                self.add(where, within, key, "changed", a, b)

    def sequence(
        self,
        old: list[Any],
        new: list[Any],
        path: tuple[str, ...],
        shape: tuple[str, ...],
        within: tuple[tuple[str, str], ...],
    ) -> None:
        key = path[-1]
        id_key = _KEYED.get(shape)
        if id_key is None:
            before, after = Counter(map(_text_item, old)), Counter(map(_text_item, new))
            removed = before - after
            added = after - before
            for item in (_text_item(i) for i in old):
                if removed[item]:
                    removed[item] -= 1
                    self.add(path, within, key, "removed", old=item)
            for item in (_text_item(i) for i in new):
                if added[item]:
                    added[item] -= 1
                    self.add(path, within, key, "added", new=item)
            if before == after:
                self.add(path, within, key, "reordered")
            return
        a = {item[id_key]: item for item in old}
        b = {item[id_key]: item for item in new}
        noun = _ITEM_WORDS.get(key, key)
        for item_id, item in a.items():
            if item_id not in b:
                self.changes.append(
                    Change((*path, item_id), within, noun, "removed", old=_item_name(key, item))
                )
        for item_id, item in b.items():
            if item_id not in a:
                self.changes.append(
                    Change((*path, item_id), within, noun, "added", new=_item_name(key, item))
                )
        for item_id, item in b.items():
            if item_id in a and a[item_id] != item:
                inner = (*within, (noun, _within_name(key, item)))
                old_fields = {k: v for k, v in a[item_id].items() if k != id_key}
                new_fields = {k: v for k, v in item.items() if k != id_key}
                self.mapping(old_fields, new_fields, (*path, item_id), shape, inner)
        common = [i for i in a if i in b]
        if common != [i for i in b if i in a]:
            self.add(path, within, key, "reordered")


def compare_data(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[Change, ...]:
    """The differences between two versions of an entry's validated data."""
    differ = _Differ()
    differ.mapping(old, new)
    return tuple(differ.changes)


def _similarity(a: Version, b: Version) -> float:
    """How much of two entries' contents is the same (0 to 1), compared value by value."""
    lines_a = json.dumps(a.data, indent=0, sort_keys=True).splitlines()
    lines_b = json.dumps(b.data, indent=0, sort_keys=True).splitlines()
    matcher = difflib.SequenceMatcher(None, lines_a, lines_b, autojunk=False)
    if matcher.real_quick_ratio() < RENAMED_SIMILARITY:
        return 0.0
    if matcher.quick_ratio() < RENAMED_SIMILARITY:
        return 0.0
    return matcher.ratio()


def _renames(removed: list[Version], added: list[Version]) -> list[tuple[Version, Version]]:
    """Pairs (old, new) of a removed and an added valid entry of the same kind that are mostly
    the same, most similar first; each entry in one pair at most."""
    scored = [
        (score, old, new)
        for old in removed
        for new in added
        if old.kind == new.kind and old.data is not None and new.data is not None
        for score in [_similarity(old, new)]
        if score >= RENAMED_SIMILARITY
    ]
    scored.sort(key=lambda t: (-t[0], t[1].id, t[2].id))
    pairs: list[tuple[Version, Version]] = []
    used: set[str] = set()
    for _score, old, new in scored:
        if old.id not in used and new.id not in used:
            pairs.append((old, new))
            used.update((old.id, new.id))
    return pairs


def _entry(old: Version | None, new: Version | None) -> EntryChange | None:
    either = new or old
    assert either is not None
    base = old.problems if old else ()
    head = new.problems if new else ()
    if old is None or new is None:
        status = "added" if old is None else "removed"
        return EntryChange(either.kind, either.id, status, either.title, None, (), base, head)
    renamed = old.id != new.id
    if old.data is None or new.data is None:
        if old.raw == new.raw and not renamed and not head:
            return None  # unchanged, and it validates where it matters
        return EntryChange(
            new.kind, new.id, "invalid", new.title, old.id if renamed else None, (), base, head
        )
    changes = compare_data(old.data, new.data)
    if not changes and not renamed:
        return None
    return EntryChange(
        new.kind,
        new.id,
        "renamed" if renamed else "changed",
        new.title,
        old.id if renamed else None,
        changes,
    )


def compare(base: Snapshot, head: Snapshot) -> Comparison:
    """Every entry that differs between two versions of a card folder."""
    found: list[EntryChange] = []
    removed = [v for k, v in base.entries.items() if k not in head.entries]
    added = [v for k, v in head.entries.items() if k not in base.entries]
    pairs = _renames(removed, added)
    paired = {id(v) for pair in pairs for v in pair}
    candidates: list[tuple[Version | None, Version | None]] = [
        *((base.entries[k], v) for k, v in head.entries.items() if k in base.entries),
        *pairs,
        *((v, None) for v in removed if id(v) not in paired),
        *((None, v) for v in added if id(v) not in paired),
    ]
    for old, new in candidates:
        entry = _entry(old, new)
        if entry is not None:
            found.append(entry)
    for listing in (
        _listing_change("categories", CATEGORIES_FILE, "Categories", base, head),
        _listing_change("roles", ROLES_FILE, "Roles", base, head),
    ):
        if listing is not None:
            found.append(listing)
    kinds = ("decision", "failure-mode", "categories", "roles")
    found.sort(key=lambda e: (STATUS_ORDER.index(e.status), kinds.index(e.kind), e.id))
    return Comparison(tuple(found))


def _listing_change(
    kind: str, file: str, title: str, base: Snapshot, head: Snapshot
) -> EntryChange | None:
    """What changed in categories.yaml or roles.yaml (`kind`: categories or roles)."""
    base_problems = base.category_problems if kind == "categories" else base.role_problems
    head_problems = head.category_problems if kind == "categories" else head.role_problems
    if head_problems or base_problems:
        if base_problems == head_problems:
            return None
        return EntryChange(
            kind,
            file,
            "invalid",
            title,
            base_problems=base_problems,
            head_problems=head_problems,
        )
    old = getattr(base, kind) or []
    new = getattr(head, kind) or []
    changes = compare_data({kind: old}, {kind: new})
    if not changes:
        return None
    return EntryChange(kind, file, "changed", title, changes=changes)
