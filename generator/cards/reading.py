"""Read a card folder: every file parsed and validated, every problem collected with its place."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from .block_syntax import block_syntax_warnings
from .citations import citation_problems
from .drafts import check, unwritten_todos
from .loader import Document, LoadError, load, load_file, read_text
from .models import ID_MAX, ID_MIN, SLUG_PATTERN, Category, DecisionCard, Role
from .parallel import can_fork, map_halves
from .problems import Problem
from .validation import problems_from_validation
from .wording import count

M = TypeVar("M", bound=BaseModel)
L = TypeVar("L", Category, Role)

DECISIONS_DIR = "decisions"
FAILURE_MODES_DIR = "failure-modes"
CATEGORIES_FILE = "categories.yaml"
ROLES_FILE = "roles.yaml"
SCHEMA_FILES = ("decision.schema.json", "failure-mode.schema.json")
_ID = re.compile(SLUG_PATTERN)

# path -> ((mtime_ns, size), parsed): parsed files kept between loads (preview).
ParseCache = dict[Path, tuple[tuple[int, int], tuple[Any, ...]]]
# One valid file: its model, its document, a draft's to-dos and the warnings on its text.
Parsed = tuple[M, Document, tuple[Problem, ...], tuple[Problem, ...]]


@dataclass
class Entry(Generic[M]):
    """One validated file: its id, where it lives, its model and its source positions."""

    id: str
    path: Path
    display: str
    model: M
    doc: Document
    todos: tuple[Problem, ...] = ()  # the text a draft leaves unwritten


def id_problem(stem: str) -> str | None:
    """Why a file name is not a valid id, or None if it is one."""
    odd = [ch for ch in stem if ord(ch) > 127 or not ch.isprintable()]
    if odd:
        names = ", ".join(
            f"U+{ord(ch):04X} ({unicodedata.name(ch, 'unnamed')})" for ch in dict.fromkeys(odd)
        )
        return f"file name '{stem}' contains characters outside lowercase ASCII: {names}"
    if not (ID_MIN <= len(stem) <= ID_MAX):
        return (
            f"file name '{stem}' is {count(len(stem), 'character')}; an id is {ID_MIN} to {ID_MAX}"
        )
    if not _ID.fullmatch(stem):
        return (
            f"file name '{stem}' is not a valid id: use lowercase letters, digits and single "
            "hyphens (e.g. monolith-vs-microservices.yaml)"
        )
    return None


class CollectionReader:
    """Reads and validates every file of a card folder, collecting problems instead of stopping.

    Paths in problems are written relative to `display_root` when they are inside it.
    """

    def __init__(self, root: Path, display_root: Path, cache: ParseCache | None = None) -> None:
        self.root = root
        self.display_root = os.path.abspath(display_root)
        self.cache = cache
        self.preloaded: dict[Path, tuple[Any, ...]] = {}  # parsed ahead, in a forked child
        self.card_files: list[Path] = []  # every <id>.yaml seen, decisions then failure modes
        self.problems: list[Problem] = []
        self.todos: list[Problem] = []  # text a draft leaves unwritten: listed, not an error
        self.warnings: list[Problem] = []  # text that will not show as meant: listed, not an error
        self.files_checked = 0
        # Ids of files that exist but failed validation: references to them are not reported again.
        self.invalid_ids: set[str] = set()
        # Every decision file that parsed as YAML, valid or not: (id, display path, document).
        self.parsed_decisions: list[tuple[str, str, Document]] = []
        self.skip: set[str] = set()  # ids whose files are left unread (a library's exclusions)

    def display(self, path: Path) -> str:
        """The path as a contributor would type it: relative to the display root when inside it."""
        absolute = os.path.abspath(
            path
        )  # no resolve(): it would stat every component of every file
        relative = os.path.relpath(absolute, self.display_root)
        return absolute if relative.startswith("..") else relative

    def problem(self, display: str, message: str, position: tuple[int, int] = (1, 1)) -> None:
        """Record one problem at a place in a file."""
        self.problems.append(Problem(display, position[0], position[1], message))

    def symlink(self, path: Path) -> bool:
        """Report `path` if it is a symbolic link: a link is never followed, so a card folder
        cannot publish a file from elsewhere on the machine (or read /dev/zero)."""
        if not path.is_symlink():
            return False
        try:
            target = f" to {os.readlink(path)}"
        except OSError:
            target = ""
        self.problem(
            self.display(path),
            f"symbolic link{target} is not followed; put the file or folder itself here",
        )
        return True

    def _cached(self, path: Path) -> tuple[tuple[int, int] | None, Any]:
        if self.cache is None:
            return None, None
        try:
            stat = path.stat()
        except OSError:
            return None, None
        key = (stat.st_mtime_ns, stat.st_size)
        cached = self.cache.get(path)
        return key, (cached[1] if cached is not None and cached[0] == key else None)

    def parse(self, path: Path, model: type[M]) -> Parsed[M] | None:
        """The validated model, document, to-dos and warnings of one file, or None after
        recording its problems."""
        display = self.display(path)
        self.files_checked += 1
        key, result = self._cached(path)
        if result is None:
            result = self._parse(path, model, display)
            if self.cache is not None and key is not None and result is not None:
                self.cache[path] = (key, result)
        if result is not None and model is DecisionCard:
            self.parsed_decisions.append((path.stem, display, result[1]))
        if result is not None:
            self.todos.extend(result[2])
            self.warnings.extend(result[3])
        return result

    def _parse(self, path: Path, model: type[M], display: str) -> Parsed[M] | None:
        outcome = self.preloaded.pop(path, None) or read_document(path)
        if outcome[0] == "load":
            self.problem(display, outcome[1], (outcome[2], outcome[3]))
            return None
        if outcome[0] == "os":
            self.problem(display, f"cannot read file: {outcome[1]}")
            return None
        doc = Document(self.prepare(outcome[1]), outcome[2])
        checked = check(model, doc.data)
        todos = tuple(unwritten_todos(checked.unwritten, doc, display))
        if checked.error is not None or checked.model is None:
            self.todos.extend(todos)
            if model is DecisionCard:  # its references are still checked, with its other mistakes
                self.parsed_decisions.append((path.stem, display, doc))
            if checked.error is not None:
                self.problems.extend(problems_from_validation(checked.error, doc, model, display))
            return None
        unknown = citation_problems(doc, display)
        if unknown:
            if model is DecisionCard:
                self.parsed_decisions.append((path.stem, display, doc))
            self.todos.extend(todos)
            self.problems.extend(unknown)
            return None
        return checked.model, doc, todos, tuple(block_syntax_warnings(doc, display))

    def prepare(self, data: Any) -> Any:
        """The data of a parsed file as it is validated (a library reader drops references to
        the entries a site leaves out)."""
        return data

    def entries(self, folder: str, model: type[M]) -> dict[str, Entry[M]]:
        """Every valid `<id>.yaml` of a folder, by id."""
        found: dict[str, Entry[M]] = {}
        directory = self.root / folder
        if self.symlink(directory) or not directory.is_dir():
            return found
        paths = []
        for path in sorted(directory.iterdir()):
            if path.name.startswith(".") or path.stem in self.skip:
                continue
            if self.symlink(path):
                self.invalid_ids.add(path.stem)
                continue
            if path.is_dir():
                self.problem(
                    self.display(path), f"unexpected folder; cards go directly in {folder}/"
                )
                continue
            if path.suffix != ".yaml":
                hint = " (use the .yaml extension)" if path.suffix in (".yml", ".YAML") else ""
                self.problem(
                    self.display(path), f"unexpected file in {folder}/; expected <id>.yaml{hint}"
                )
                continue
            paths.append(path)
        self.card_files.extend(paths)
        if self.cache is None and can_fork(len(paths)):
            # Parsing is most of a large load: half of the files are parsed in a forked child.
            self.preloaded.update(
                zip(
                    paths,
                    map_halves(read_document, paths, parallel=True, on_death=_reader_died),
                    strict=False,
                )
            )
        for path in paths:
            bad_id = id_problem(path.stem)
            if bad_id:
                self.problem(self.display(path), bad_id)
            parsed = self.parse(path, model)
            if parsed and not bad_id:
                found[path.stem] = Entry(
                    path.stem, path, self.display(path), parsed[0], parsed[1], parsed[2]
                )
            else:
                self.invalid_ids.add(path.stem)
        return found

    def categories(self, *, required: bool = True) -> list[Category]:
        """The categories, in the order the site shows them (a folder on a library may have
        none of its own: `required` false)."""
        path = self.root / CATEGORIES_FILE
        if not path.is_file() and not path.is_symlink():
            if required:
                self.problem(
                    self.display(path), "categories file is missing; every card needs a category"
                )
            return []
        categories = self._listing(path, Category, "category")
        ordered = sorted(
            enumerate(categories),
            key=lambda pair: (pair[1].order is None, pair[1].order or 0, pair[0]),
        )
        return [c for _, c in ordered]

    def roles(self) -> list[Role] | None:
        """The roles that absorb costs, in the order of the file; None when the collection has
        no roles file (a collection that names no role needs none)."""
        path = self.root / ROLES_FILE
        if not path.is_file() and not path.is_symlink():
            return None
        return self._listing(path, Role, "role")

    def _listing(self, path: Path, model: type[L], noun: str) -> list[L]:
        """The valid items of a list file such as categories.yaml, each id once, in file order."""
        display = self.display(path)
        if self.symlink(path):
            return []
        self.files_checked += 1
        try:
            doc = load_file(path, top=list)
        except LoadError as exc:
            self.problem(display, exc.message, (exc.line, exc.column))
            return []
        found: list[L] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(doc.data):
            try:
                listed = model.model_validate(item)
            except ValidationError as exc:
                shifted = Document(
                    item, None, _sub(doc.value_positions, index), _sub(doc.key_positions, index)
                )
                self.problems.extend(problems_from_validation(exc, shifted, model, display))
                continue
            if listed.id in seen:
                self.problem(
                    display,
                    f"{noun} '{listed.id}' is defined twice (first as item {seen[listed.id] + 1})",
                    doc.position((index, "id")),
                )
                continue
            seen[listed.id] = index
            found.append(listed)
        return found

    def stray_files(self) -> None:
        """Report files and folders that have no place in a card folder."""
        allowed = {CATEGORIES_FILE, ROLES_FILE, *SCHEMA_FILES, "README.md"}
        for path in sorted(self.root.iterdir()):
            if path.name.startswith(".") or path.name in allowed:
                continue
            if path.is_dir() and path.name in (DECISIONS_DIR, FAILURE_MODES_DIR):
                continue
            self.problem(
                self.display(path),
                f"unexpected {'folder' if path.is_dir() else 'file'}; decision cards go in "
                f"{DECISIONS_DIR}/<id>.yaml and failure modes in {FAILURE_MODES_DIR}/<id>.yaml",
            )

    def clashing_ids(self) -> None:
        """Ids must be unique across the collection, also when case is ignored."""
        seen: dict[str, Path] = {}
        for path in self.card_files:
            folded = unicodedata.normalize("NFKC", path.stem).casefold()
            if folded in seen:
                self.problem(
                    self.display(path),
                    f"id '{path.stem}' clashes with {self.display(seen[folded])}; ids must be unique "
                    "across decisions and failure modes, ignoring case",
                )
            else:
                seen[folded] = path


def read_document(path: Path) -> tuple[Any, ...]:
    """Parse one file into picklable plain data: ("ok", data, text), ("load", message, line,
    column) or ("os", reason)."""
    try:
        text = read_text(path)
        return ("ok", load(text).data, text)
    except LoadError as exc:
        return ("load", exc.message, exc.line, exc.column)
    except OSError as exc:
        return ("os", exc.strerror or str(exc))


def _reader_died(path: Path, reason: str) -> tuple[Any, ...]:
    """The outcome for a file whose reading process died: reported, never read again."""
    return ("os", f"the process reading it stopped ({reason}); nothing was read from it")


def _sub(table: dict[Any, Any], index: int) -> dict[Any, Any]:
    return {key[1:]: pos for key, pos in table.items() if key and key[0] == index}
