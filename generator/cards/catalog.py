"""The whole collection, validated and linked: what the site plan reads and never changes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .library import Library, read_library
from .linking import Backlink, Linker, Reach
from .models import Category, DecisionCard, FailureMode, Role
from .parallel import fewer_collections
from .problems import Problem
from .reading import DECISIONS_DIR, FAILURE_MODES_DIR, CollectionReader, Entry, ParseCache
from .wording import count


class InvalidCollection(Exception):
    """The collection has problems; every one of them is listed."""

    def __init__(
        self,
        problems: list[Problem],
        files_checked: int,
        todos: list[Problem] | None = None,
        warnings: list[Problem] | None = None,
    ) -> None:
        super().__init__(f"{count(len(problems), 'problem')} in the card collection")
        self.problems = sorted(problems)
        self.files_checked = files_checked
        self.todos = sorted(todos or [])
        self.warnings = sorted(warnings or [])


@dataclass
class Catalog:
    """Every entry of a valid collection, with all references resolved."""

    root: Path
    categories: list[Category]
    decisions: Mapping[str, Entry[DecisionCard]]
    failure_modes: Mapping[str, Entry[FailureMode]]
    backlinks: Mapping[str, list[Backlink]] = field(default_factory=dict)
    reached_from: Mapping[str, list[Reach]] = field(default_factory=dict)
    files_checked: int = 0
    # The roles of cards/roles.yaml in its order; empty for a collection without the file.
    roles: list[Role] = field(default_factory=list)
    # For each decision card, the ids of the cards and failure modes it names.
    names: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # With a library: the ids of the entries taken from it, and the own file of each entry
    # that replaces a library entry of the same id.
    from_library: frozenset[str] = frozenset()
    overrides: Mapping[str, str] = field(default_factory=dict)
    todos: list[Problem] = field(default_factory=list)  # text the drafts leave unwritten
    warnings: list[Problem] = field(default_factory=list)  # text that shows other than meant

    def forget_texts(self) -> None:
        """Let each entry's file text go (see `Document.forget_text`)."""
        for decision in self.decisions.values():
            decision.doc.forget_text(decision.path)
        for mode in self.failure_modes.values():
            mode.doc.forget_text(mode.path)

    def drafts(self) -> list[Entry[DecisionCard]]:
        """The decision cards still marked `status: draft`."""
        return [e for e in self.decisions.values() if e.model.status == "draft"]

    def category(self, category_id: str) -> Category:
        """The category with this id."""
        return next(c for c in self.categories if c.id == category_id)

    def role(self, role_id: str) -> Role:
        """The role with this id."""
        return next(r for r in self.roles if r.id == role_id)

    def cards_in(self, category_id: str) -> list[Entry[DecisionCard]]:
        """Decision cards of a category, by title."""
        cards = [e for e in self.decisions.values() if e.model.category == category_id]
        return sorted(cards, key=lambda e: (e.model.title.casefold(), e.id))

    def superseded_by(self, card_id: str) -> list[str]:
        """Ids of cards that supersede this one."""
        return [b.source for b in self.backlinks.get(card_id, []) if b.relation == "supersedes"]


@fewer_collections()
def load_catalog(
    root: Path,
    cache: ParseCache | None = None,
    *,
    display_root: Path | None = None,
    library: Library | None = None,
) -> Catalog:
    """Load, validate and link the collection in `root`; raise InvalidCollection listing every problem.

    Problems name files relative to `display_root` (default: the current folder). With `cache`
    (kept by the caller between calls), a file whose size and modification time are unchanged is
    not parsed again. With `library`, the collection is the library's entries plus those in
    `root`, an entry in `root` replacing the library's entry of the same id.
    """
    if not root.is_dir():
        raise FileNotFoundError(f"card folder not found: {root}")
    reader = CollectionReader(root, display_root or Path.cwd(), cache)
    reader.stray_files()
    base = read_library(library, cache) if library is not None else None
    categories = reader.categories(required=base is None)
    roles = reader.roles()
    decisions = reader.entries(DECISIONS_DIR, DecisionCard)
    failure_modes = reader.entries(FAILURE_MODES_DIR, FailureMode)
    reader.clashing_ids()
    overrides: dict[str, str] = {}
    from_library: frozenset[str] = frozenset()
    if base is not None:
        categories = base.merged_categories(categories)
        roles = base.merged_roles(roles)
        overrides = base.overridden_by(reader, decisions, failure_modes)
        decisions = base.merged(base.decisions, decisions)
        failure_modes = base.merged(base.failure_modes, failure_modes)
        reader.parsed_decisions[:0] = [
            parsed for parsed in base.parsed_decisions if parsed[0] not in overrides
        ]
        reader.problems.extend(base.problems)
        reader.files_checked += base.files_checked
        from_library = frozenset((set(base.decisions) | set(base.failure_modes)) - set(overrides))
    role_ids = None if roles is None else [r.id for r in roles]
    linker = Linker(
        reader, [c.id for c in categories], set(decisions), set(failure_modes), role_ids
    )
    linker.check()
    if reader.problems:
        raise InvalidCollection(
            reader.problems, reader.files_checked, reader.todos, reader.warnings
        )
    return Catalog(
        root,
        categories,
        decisions,
        failure_modes,
        backlinks=linker.backlinks(),
        reached_from=linker.reached_from(),
        names=linker.names(),
        files_checked=reader.files_checked,
        roles=roles or [],
        from_library=from_library,
        overrides=overrides,
        todos=sorted(reader.todos),
        warnings=sorted(reader.warnings),
    )
