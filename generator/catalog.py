"""The whole collection, validated and linked: what the renderer reads and never changes."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import did_you_mean, problems_from_validation
from .forking import can_fork, map_halves
from .loader import Document, LoadError, load, load_file, read_text
from .models import ID_MAX, ID_MIN, SLUG_PATTERN, Category, DecisionCard, FailureMode
from .report import Problem

M = TypeVar("M", bound=BaseModel)

DECISIONS_DIR = "decisions"
FAILURE_MODES_DIR = "failure-modes"
CATEGORIES_FILE = "categories.yaml"
SCHEMA_FILES = ("decision.schema.json", "failure-mode.schema.json")
RELATION_KINDS = ("confused_with", "adjacent")
_ID = re.compile(SLUG_PATTERN)


# path -> ((mtime_ns, size), (model, document)): parsed files kept between loads.
ParseCache = dict[Path, tuple[tuple[int, int], tuple[Any, Document]]]


class InvalidCollection(Exception):
    """The collection has problems; every one of them is listed."""

    def __init__(self, problems: list[Problem], files_checked: int) -> None:
        super().__init__(f"{len(problems)} problems in the card collection")
        self.problems = sorted(problems)
        self.files_checked = files_checked


@dataclass
class Entry(Generic[M]):
    """One validated file: its id, where it lives, its model and its source positions."""

    id: str
    path: Path
    display: str
    model: M
    doc: Document


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


@dataclass
class Catalog:
    """Every entry of a valid collection, with all references resolved."""

    root: Path
    categories: list[Category]
    decisions: dict[str, Entry[DecisionCard]]
    failure_modes: dict[str, Entry[FailureMode]]
    backlinks: dict[str, list[Backlink]] = field(default_factory=dict)
    reached_from: dict[str, list[Reach]] = field(default_factory=dict)
    files_checked: int = 0
    fresh: set[Path] = field(default_factory=set)

    def category(self, category_id: str) -> Category:
        """The category with this id."""
        return next(c for c in self.categories if c.id == category_id)

    def cards_in(self, category_id: str) -> list[Entry[DecisionCard]]:
        """Decision cards of a category, by title."""
        cards = [e for e in self.decisions.values() if e.model.category == category_id]
        return sorted(cards, key=lambda e: (e.model.title.casefold(), e.id))

    def superseded_by(self, card_id: str) -> list[str]:
        """Ids of cards that supersede this one."""
        return [b.source for b in self.backlinks.get(card_id, []) if b.relation == "supersedes"]


def _display(path: Path) -> str:
    """The path as a contributor would type it: relative to the current folder when inside it."""
    absolute = os.path.abspath(path)  # no resolve(): it would stat every component of every file
    relative = os.path.relpath(absolute, os.getcwd())
    return absolute if relative.startswith("..") else relative


def id_problem(stem: str) -> str | None:
    """Why a file name is not a valid id, or None if it is one."""
    odd = [ch for ch in stem if ord(ch) > 127 or not ch.isprintable()]
    if odd:
        names = ", ".join(
            f"U+{ord(ch):04X} ({unicodedata.name(ch, 'unnamed')})" for ch in dict.fromkeys(odd)
        )
        return f"file name '{stem}' contains characters outside lowercase ASCII: {names}"
    if not (ID_MIN <= len(stem) <= ID_MAX):
        return f"file name '{stem}' is {len(stem)} characters; an id is {ID_MIN} to {ID_MAX}"
    if not _ID.fullmatch(stem):
        return (
            f"file name '{stem}' is not a valid id: use lowercase letters, digits and single "
            "hyphens (e.g. monolith-vs-microservices.yaml)"
        )
    return None


class _Loader:
    """Collects every problem while loading; the catalog is built only when there are none."""

    def __init__(self, root: Path, cache: ParseCache | None = None) -> None:
        self.root = root
        self.cache = cache
        self.fresh: set[Path] = set()  # files parsed this time rather than taken from the cache
        self.preloaded: dict[Path, tuple[Any, ...]] = {}  # parsed ahead, in a forked child
        self.card_files: list[Path] = []  # every <id>.yaml seen, decisions then failure modes
        self.problems: list[Problem] = []
        self.files_checked = 0
        # Ids of files that exist but failed validation: references to them are not reported again.
        self.invalid_ids: set[str] = set()
        # Every decision file that parsed as YAML, valid or not: (id, display path, document).
        self.parsed_decisions: list[tuple[str, str, Document]] = []

    def problem(self, display: str, message: str, position: tuple[int, int] = (1, 1)) -> None:
        self.problems.append(Problem(display, position[0], position[1], message))

    def parse(self, path: Path, model: type[M], *, top: type = dict) -> tuple[M, Document] | None:
        display = _display(path)
        self.files_checked += 1
        key = None
        if self.cache is not None:
            try:
                stat = path.stat()
                key = (stat.st_mtime_ns, stat.st_size)
            except OSError:
                key = None
            cached = self.cache.get(path)
            if key is not None and cached is not None and cached[0] == key:
                result = cached[1]
                if model is DecisionCard:
                    self.parsed_decisions.append((path.stem, display, result[1]))
                return result  # type: ignore[return-value]
        self.fresh.add(path)
        result = self._parse(path, model, display, top)
        if self.cache is not None and key is not None and result is not None:
            self.cache[path] = (key, result)
        return result

    def _parse(self, path: Path, model: type[M], display: str, top: type) -> tuple[M, Document] | None:
        outcome = self.preloaded.pop(path, None) or _read_document(path, top)
        if outcome[0] == "load":
            self.problem(display, outcome[1], (outcome[2], outcome[3]))
            return None
        if outcome[0] == "os":
            self.problem(display, f"cannot read file: {outcome[1]}")
            return None
        doc = Document(outcome[1], outcome[2])
        if model is DecisionCard:
            self.parsed_decisions.append((path.stem, display, doc))
        try:
            return model.model_validate(doc.data), doc
        except ValidationError as exc:
            self.problems.extend(problems_from_validation(exc, doc, model, display))
            return None

    def entries(self, folder: str, model: type[M]) -> dict[str, Entry[M]]:
        found: dict[str, Entry[M]] = {}
        directory = self.root / folder
        if not directory.is_dir():
            return found
        paths = []
        for path in sorted(directory.iterdir()):
            if path.name.startswith("."):
                continue
            if path.is_dir():
                self.problem(_display(path), f"unexpected folder; cards go directly in {folder}/")
                continue
            if path.suffix != ".yaml":
                hint = " (use the .yaml extension)" if path.suffix in (".yml", ".YAML") else ""
                self.problem(_display(path), f"unexpected file in {folder}/; expected <id>.yaml{hint}")
                continue
            paths.append(path)
        self.card_files.extend(paths)
        if self.cache is None and can_fork(len(paths)):
            # Parsing is most of a large load: half of the files are parsed in a forked child.
            self.preloaded.update(zip(paths, map_halves(_read_document, paths, parallel=True)))
        for path in paths:
            display = _display(path)
            bad_id = id_problem(path.stem)
            if bad_id:
                self.problem(display, bad_id)
            parsed = self.parse(path, model)
            if parsed and not bad_id:
                found[path.stem] = Entry(path.stem, path, display, parsed[0], parsed[1])
            else:
                self.invalid_ids.add(path.stem)
        return found

    def categories(self) -> list[Category]:
        path = self.root / CATEGORIES_FILE
        if not path.is_file():
            self.problem(_display(path), "categories file is missing; every card needs a category")
            return []
        display = _display(path)
        self.files_checked += 1
        try:
            doc = load_file(path, top=list)
        except LoadError as exc:
            self.problem(display, exc.message, (exc.line, exc.column))
            return []
        categories: list[Category] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(doc.data):
            try:
                category = Category.model_validate(item)
            except ValidationError as exc:
                shifted = Document(item, None, _sub(doc.value_positions, index), _sub(doc.key_positions, index))
                self.problems.extend(problems_from_validation(exc, shifted, Category, display))
                continue
            if category.id in seen:
                self.problem(
                    display,
                    f"category '{category.id}' is defined twice (first as item {seen[category.id] + 1})",
                    doc.position((index, "id")),
                )
                continue
            seen[category.id] = index
            categories.append(category)
        ordered = sorted(
            enumerate(categories), key=lambda pair: (pair[1].order is None, pair[1].order or 0, pair[0])
        )
        return [c for _, c in ordered]

    def stray_files(self) -> None:
        allowed = {CATEGORIES_FILE, *SCHEMA_FILES, "README.md"}
        for path in sorted(self.root.iterdir()):
            if path.name.startswith(".") or path.name in allowed:
                continue
            if path.is_dir() and path.name in (DECISIONS_DIR, FAILURE_MODES_DIR):
                continue
            self.problem(
                _display(path),
                f"unexpected {'folder' if path.is_dir() else 'file'}; decision cards go in "
                f"{DECISIONS_DIR}/<id>.yaml and failure modes in {FAILURE_MODES_DIR}/<id>.yaml",
            )


def _read_document(path: Path, top: type = dict) -> tuple[Any, ...]:
    """Parse one file into picklable plain data: ("ok", data, text), ("load", message, line,
    column) or ("os", reason)."""
    try:
        text = read_text(path)
        return ("ok", load(text, top=top).data, text)
    except LoadError as exc:
        return ("load", exc.message, exc.line, exc.column)
    except OSError as exc:
        return ("os", exc.strerror or str(exc))


def _sub(table: dict, index: int) -> dict:
    return {key[1:]: pos for key, pos in table.items() if key and key[0] == index}


def load_catalog(root: Path, cache: ParseCache | None = None) -> Catalog:
    """Load, validate and link the collection in `root`; raise InvalidCollection listing every problem.

    With `cache` (kept by the caller between calls), a file whose size and modification time
    are unchanged is not parsed again; `Catalog.fresh` lists the files that were.
    """
    if not root.is_dir():
        raise FileNotFoundError(f"card folder not found: {root}")
    loader = _Loader(root, cache)
    loader.stray_files()
    categories = loader.categories()
    decisions = loader.entries(DECISIONS_DIR, DecisionCard)
    failure_modes = loader.entries(FAILURE_MODES_DIR, FailureMode)
    catalog = Catalog(root, categories, decisions, failure_modes)
    _check_ids(loader)
    _link(catalog, loader)
    catalog.files_checked = loader.files_checked
    catalog.fresh = loader.fresh
    if loader.problems:
        raise InvalidCollection(loader.problems, loader.files_checked)
    return catalog


def _check_ids(loader: _Loader) -> None:
    """Ids must be unique across the collection, also when case is ignored."""
    seen: dict[str, Path] = {}
    for path in loader.card_files:
        folded = unicodedata.normalize("NFKC", path.stem).casefold()
        if folded in seen:
            loader.problem(
                _display(path),
                f"id '{path.stem}' clashes with {_display(seen[folded])}; ids must be unique "
                "across decisions and failure modes, ignoring case",
            )
        else:
            seen[folded] = path


def _items(data: object, *keys: str) -> list[tuple[int, object]]:
    """Enumerate the list at data[keys...], tolerating any shape an invalid card may have."""
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return list(enumerate(data)) if isinstance(data, list) else []


def _link(catalog: Catalog, loader: _Loader) -> None:
    """Resolve every reference and record the reverse links the pages show.

    References are checked on the raw data of every parsed card, valid or not, so that one
    run reports a broken reference next to a card's other mistakes.
    """
    category_ids = [c.id for c in catalog.categories]
    for card_id, where, doc in loader.parsed_decisions:
        data = doc.data if isinstance(doc.data, dict) else {}
        category = data.get("category")
        if category_ids and isinstance(category, str) and category not in category_ids:
            loader.problem(
                where,
                f"unknown category '{category}'{did_you_mean(category, category_ids)}; "
                f"categories are: {', '.join(category_ids)}",
                doc.position(("category",)),
            )
        first_key: dict[str, int] = {}
        for index, option in _items(data, "options"):
            key = option.get("key") if isinstance(option, dict) else None
            if isinstance(key, str) and key in first_key:
                loader.problem(
                    where,
                    f"option key '{key}' is used twice (first by option {first_key[key] + 1}); "
                    "keys must be unique within a card",
                    doc.position(("options", index, "key")),
                )
            elif isinstance(key, str):
                first_key[key] = index
            for m_index, item in _items(option, "misuse"):
                target = item.get("failure_mode") if isinstance(item, dict) else None
                if not isinstance(target, str) or target in loader.invalid_ids:
                    continue
                if target not in catalog.failure_modes:
                    loader.problem(
                        where,
                        f"unknown failure mode '{target}'"
                        f"{did_you_mean(target, catalog.failure_modes)}; "
                        f"expected a file {FAILURE_MODES_DIR}/{target}.yaml",
                        doc.position(("options", index, "misuse", m_index, "failure_mode")),
                    )
        for kind in RELATION_KINDS:
            seen: set[str] = set()
            for r_index, related in _items(data, "relations", kind):
                target = related.get("card") if isinstance(related, dict) else None
                if isinstance(target, str):
                    at = ("relations", kind, r_index, "card")
                    _check_card_ref(catalog, loader, card_id, target, where, doc, at, seen)
        seen = set()
        for s_index, old in _items(data, "relations", "supersedes"):
            if isinstance(old, str):
                at = ("relations", "supersedes", s_index)
                _check_card_ref(catalog, loader, card_id, old, where, doc, at, seen)
    if loader.problems:
        return
    for card_id, entry in catalog.decisions.items():
        for option in entry.model.options:
            for item in option.misuse:
                if not isinstance(item, str):
                    catalog.reached_from.setdefault(item.failure_mode, []).append(
                        Reach(card_id, option.key, option.name, item.note)
                    )
        relations = entry.model.relations
        if relations is None:
            continue
        for kind in RELATION_KINDS:
            for related in getattr(relations, kind) or []:
                catalog.backlinks.setdefault(related.card, []).append(
                    Backlink(card_id, kind, related.note)
                )
        for old in relations.supersedes or []:
            catalog.backlinks.setdefault(old, []).append(Backlink(card_id, "supersedes", None))


def _check_card_ref(
    catalog: Catalog,
    loader: _Loader,
    card_id: str,
    target: str,
    where: str,
    doc: Document,
    at: tuple[str | int, ...],
    seen: set[str],
) -> None:
    """Report a reference to a decision card that does not resolve (positions only on a problem)."""
    if target == card_id:
        loader.problem(where, f"card '{target}' refers to itself", doc.position(at))
        return
    if target in seen:
        loader.problem(where, f"card '{target}' is listed twice here", doc.position(at))
        return
    seen.add(target)
    if target in loader.invalid_ids:
        return
    if target not in catalog.decisions:
        kind = " (that is a failure mode, not a decision card)" if target in catalog.failure_modes else ""
        loader.problem(
            where,
            f"unknown card '{target}'{kind}{did_you_mean(target, catalog.decisions)}; "
            f"expected a file {DECISIONS_DIR}/{target}.yaml",
            doc.position(at),
        )
