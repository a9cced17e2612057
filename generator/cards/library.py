"""The card library: this project's own collection, shipped with the package as a base for a
team's site.

A wheel carries the collection in `generator/library/` (copied from `cards/` when the wheel is
built, so it is always the collection of that release); a source checkout reads `cards/` itself.
A site that sets the plugin's `library` option is built from the library plus its own card
folder: an own entry with a library entry's id replaces it, and `exclude` leaves library entries
out, by id or by category. References from library cards to what was left out are dropped as
the library is read, so the team never has to edit a library file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .models import Category, DecisionCard, FailureMode, Role
from .problems import Problem
from .reading import (
    DECISIONS_DIR,
    FAILURE_MODES_DIR,
    CollectionReader,
    Document,
    Entry,
    ParseCache,
    read_document,
)

PACKAGED = Path(__file__).resolve().parent.parent / "library"
CHECKOUT = Path(__file__).resolve().parents[2] / "cards"

# The library's content licence (the code is MIT): named in the wheel's metadata and, on a site
# built with the library, in the footer.
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
ATTRIBUTION = "Trade-off Cards contributors"


class LibrarySettingError(ValueError):
    """The `library` option is not `true`, `false` or a mapping with `exclude`."""


@dataclass(frozen=True)
class Library:
    """The library a site is built on, and what the site leaves out of it."""

    root: Path
    exclude: frozenset[str] = frozenset()  # ids of entries or categories
    setting: str = "mkdocs.yml"  # where the option is written, for problems that name it


@dataclass
class LibraryView:
    """The library's entries as a site takes them: what is left out, and what each left-out
    entry was called (a misuse link to it becomes this text)."""

    excluded: set[str] = field(default_factory=set)
    titles: dict[str, str] = field(default_factory=dict)
    preloaded: dict[Path, tuple[Any, ...]] = field(default_factory=dict)
    unknown_exclusions: list[str] = field(default_factory=list)


def library_root() -> Path:
    """Where the installed package keeps its library (a checkout's own card folder)."""
    for folder in (PACKAGED, CHECKOUT):
        if (folder / "categories.yaml").is_file():
            return folder
    raise FileNotFoundError(
        "the card library is not installed with this package (no generator/library/)"
    )


def excluded_by(value: Any) -> frozenset[str] | None:
    """What the plugin's `library` option leaves out of the library (None: no library). The
    option is `true`, `false`, or a mapping with `exclude`: a list of ids or categories."""
    if value is None or value is False:
        return None
    if value is True:
        return frozenset()
    if isinstance(value, Mapping):
        unknown = sorted(str(key) for key in value if key != "exclude")
        if unknown:
            raise LibrarySettingError(
                f"unknown key {', '.join(unknown)}; write `library: true` or "
                "`library: {exclude: [ids or categories]}`"
            )
        exclude = value.get("exclude") or []
        if not isinstance(exclude, list) or not all(isinstance(i, str) for i in exclude):
            raise LibrarySettingError("exclude is a list of card, failure mode or category ids")
        return frozenset(exclude)
    raise LibrarySettingError(f"expected true, false or a mapping with `exclude`, found {value!r}")


def library_setting(value: Any, setting: str = "mkdocs.yml") -> Library | None:
    """The library named by the plugin's `library` option (see `excluded_by`); `setting` is
    the file the option is written in."""
    exclude = excluded_by(value)
    return None if exclude is None else Library(library_root(), exclude, setting)


def footer_notice(copyright_html: str | None) -> str:
    """The site's footer text (HTML, as the theme prints it) with the library's licence added."""
    notice = f'Library cards by {ATTRIBUTION}, <a href="{LICENCE_URL}" rel="license">{LICENCE}</a>'
    return f"{copyright_html} · {notice}" if copyright_html else notice


def _paths(root: Path, folder: str) -> list[Path]:
    directory = root / folder
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix == ".yaml" and p.is_file())


def view(library: Library, category_ids: Iterable[str]) -> LibraryView:
    """Parse the library's entries once and work out what the site's `exclude` leaves out: the
    ids named, and every card of a category named."""
    found = LibraryView()
    excluded_categories = library.exclude & set(category_ids)
    known = set(excluded_categories)
    for folder in (DECISIONS_DIR, FAILURE_MODES_DIR):
        for path in _paths(library.root, folder):
            outcome = read_document(path)
            found.preloaded[path] = outcome
            data = outcome[1] if outcome[0] == "ok" else {}
            if not isinstance(data, dict):
                continue
            title = data.get("title")
            found.titles[path.stem] = title if isinstance(title, str) else path.stem
            if path.stem in library.exclude:
                known.add(path.stem)
                found.excluded.add(path.stem)
            elif folder == DECISIONS_DIR and data.get("category") in excluded_categories:
                found.excluded.add(path.stem)
    found.unknown_exclusions = sorted(library.exclude - known)
    return found


def without_excluded(data: Any, excluded: set[str], titles: Mapping[str, str]) -> Any:
    """A library card's data with its references to excluded entries dropped: relations to them
    removed, and a misuse that links one kept as text (its title and note)."""
    if not excluded or not isinstance(data, dict):
        return data
    data = dict(data)
    relations = data.get("relations")
    if isinstance(relations, dict):
        kept: dict[str, Any] = {}
        for kind, items in relations.items():
            if isinstance(items, list):
                items = [i for i in items if _target(i) not in excluded]
                if items:
                    kept[kind] = items
            else:
                kept[kind] = items
        if kept:
            data["relations"] = kept
        else:
            del data["relations"]
    options = data.get("options")
    if isinstance(options, list):
        data["options"] = [_option_without(o, excluded, titles) for o in options]
    return data


def _target(item: Any) -> Any:
    return item.get("card") if isinstance(item, dict) else item


def _option_without(option: Any, excluded: set[str], titles: Mapping[str, str]) -> Any:
    if not isinstance(option, dict) or not isinstance(option.get("misuse"), list):
        return option
    misuse = []
    for item in option["misuse"]:
        target = item.get("failure_mode") if isinstance(item, dict) else None
        if target in excluded:
            note = item.get("note")
            title = titles.get(str(target), str(target))
            item = f"{title}: {note}" if isinstance(note, str) and note else title
        misuse.append(item)
    return {**option, "misuse": misuse}


class _LibraryReader(CollectionReader):
    """Reads the library's folder: files named `library/...`, references to what the site
    leaves out dropped before validation."""

    def __init__(self, library: Library, cache: ParseCache | None) -> None:
        super().__init__(library.root, library.root, cache)
        self.found = LibraryView()

    def display(self, path: Path) -> str:
        return "library/" + super().display(path).replace("\\", "/")

    def prepare(self, data: Any) -> Any:
        return without_excluded(data, self.found.excluded, self.found.titles)


@dataclass
class LibraryBase:
    """The library's entries a site is built on, merged with the site's own below them."""

    library: Library
    categories: list[Category]
    decisions: dict[str, Entry[DecisionCard]]
    failure_modes: dict[str, Entry[FailureMode]]
    parsed_decisions: list[tuple[str, str, Document]]
    problems: list[Problem]
    files_checked: int = 0
    roles: list[Role] | None = None

    def merged_categories(self, own: list[Category]) -> list[Category]:
        """The library's categories in its order, an own category of the same id in its place,
        then the site's other categories."""
        return _merged_listing(self.categories, own)

    def merged_roles(self, own: list[Role] | None) -> list[Role] | None:
        """The library's roles and the site's own, merged as the categories are."""
        if self.roles is None and own is None:
            return None
        return _merged_listing(self.roles or [], own or [])

    def overridden_by(
        self,
        reader: CollectionReader,
        decisions: Mapping[str, Entry[DecisionCard]],
        failure_modes: Mapping[str, Entry[FailureMode]],
    ) -> dict[str, str]:
        """The own file that replaces each library entry of the same id and kind; an own entry
        of the other kind with a library entry's id is a problem in the own file."""
        found: dict[str, str] = {}
        for own, same, other, kind in (
            (decisions, self.decisions, self.failure_modes, "failure mode"),
            (failure_modes, self.failure_modes, self.decisions, "decision card"),
        ):
            for entry_id, entry in own.items():
                if entry_id in same:
                    found[entry_id] = entry.display
                elif entry_id in other:
                    reader.problem(
                        entry.display,
                        f"id '{entry_id}' is a {kind} in the library; an own entry replaces a "
                        "library entry of the same kind only: rename the file, or exclude "
                        f"'{entry_id}' with the library setting in {self.library.setting}",
                    )
        return found

    @staticmethod
    def merged(base: Mapping[str, Entry[Any]], own: Mapping[str, Entry[Any]]) -> dict[str, Any]:
        """The library's entries with the own ones over them, by id."""
        return dict(sorted({**base, **own}.items()))


def _merged_listing(base: list[Any], own: list[Any]) -> list[Any]:
    """The library's items in its order, an own item of the same id in its place, then the
    site's other items."""
    mine = {item.id: item for item in own}
    merged = [mine.pop(item.id, item) for item in base]
    return merged + list(mine.values())


def read_library(library: Library, cache: ParseCache | None = None) -> LibraryBase:
    """The library's categories and entries, less what `library.exclude` leaves out."""
    reader = _LibraryReader(library, cache if not library.exclude else None)
    all_categories = reader.categories()
    roles = reader.roles()
    reader.found = view(library, [c.id for c in all_categories])
    reader.preloaded.update(reader.found.preloaded)
    reader.skip = set(reader.found.excluded)
    decisions = reader.entries(DECISIONS_DIR, DecisionCard)
    failure_modes = reader.entries(FAILURE_MODES_DIR, FailureMode)
    problems = list(reader.problems)
    for unknown in reader.found.unknown_exclusions:
        problems.append(
            Problem(
                library.setting,
                *_position_of(library.setting, unknown),
                f"library exclude: '{unknown}' is neither a card, a failure mode nor a "
                "category of the library",
            )
        )
    return LibraryBase(
        library,
        [c for c in all_categories if c.id not in library.exclude],
        decisions,
        failure_modes,
        reader.parsed_decisions,
        problems,
        reader.files_checked,
        roles,
    )


def _position_of(setting: str, word: str) -> tuple[int, int]:
    """Where `word` is written in the settings file (1:1 when it cannot be found)."""
    try:
        lines = Path(setting).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1, 1
    for number, line in enumerate(lines, 1):
        column = line.find(word)
        if column >= 0 and "exclude" in "\n".join(lines[:number]):
            return number, column + 1
    return 1, 1
