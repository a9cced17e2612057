"""`tradeoffs new`: a commented scaffold for a new card."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from ..cards.loader import LoadError, load_file
from ..cards.models import ID_MAX, ID_MIN
from ..cards.problems import printable
from ..cards.reading import CATEGORIES_FILE, DECISIONS_DIR, FAILURE_MODES_DIR, id_problem
from ..cards.validation import did_you_mean
from ..site.templating import environment

FOLDERS = {"decision": DECISIONS_DIR, "failure-mode": FAILURE_MODES_DIR}


class ScaffoldError(Exception):
    """A request `tradeoffs new` refuses, with the reason."""


def title_from_id(card_id: str) -> str:
    """'monolith-vs-microservices' -> 'Monolith vs microservices'."""
    words = card_id.split("-")
    return " ".join([words[0].capitalize(), *words[1:]])


def category_ids(cards_dir: Path) -> list[str]:
    """Category ids from categories.yaml, or [] when it cannot be read."""
    try:
        doc = load_file(cards_dir / CATEGORIES_FILE, top=list)
    except (OSError, LoadError):
        return []
    # Only valid ids: each is written into the scaffold, where any other text could add keys.
    return [
        str(item["id"])
        for item in doc.data
        if isinstance(item, dict)
        and isinstance(item.get("id"), str)
        and id_problem(str(item["id"])) is None
    ]


def category_lines(category: str) -> str:
    """The lines of categories.yaml that define a new category, for the writer to edit."""
    title = title_from_id(category)
    return f"- id: {category}\n  title: {title}\n  description: Decisions about {title.lower()}.\n"


def add_category(cards_dir: Path, category: str) -> Path:
    """Append a category to categories.yaml (created if missing); return the file's path."""
    path = cards_dir / CATEGORIES_FILE
    try:
        before = path.read_text(encoding="utf-8") if path.exists() else ""
        separator = "" if not before or before.endswith("\n") else "\n"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(separator + category_lines(category))
    except OSError as exc:
        raise ScaffoldError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def new_entry(
    kind: str,
    card_id: str,
    cards_dir: Path,
    category: str | None = None,
    *,
    new_category: bool = False,
) -> Path:
    """Write a scaffold for a new entry and return its path; never overwrite. With
    `new_category`, an unknown category is first added to categories.yaml."""
    problem = id_problem(card_id)
    if problem:
        raise ScaffoldError(problem.replace("file name", "id"))
    if category is not None and id_problem(category):
        raise ScaffoldError(
            f"'{printable(category)}' is not a category id: an id is {ID_MIN} to {ID_MAX} "
            "lowercase letters, digits and single hyphens (e.g. ai-systems)"
        )
    known = category_ids(cards_dir)
    unknown = category is not None and category not in known
    if category is not None and unknown and known and not new_category:
        where = cards_dir / CATEGORIES_FILE
        raise ScaffoldError(
            f"unknown category '{category}'{did_you_mean(category, known)}; categories are: "
            f"{', '.join(known)}.\nCategories are defined in {where}; add these lines there "
            f"(the order of the file is the order of the site's sections):\n\n"
            f"{category_lines(category)}\nor run the command again with --new-category to "
            "add them"
        )
    path = cards_dir / FOLDERS[kind] / f"{card_id}.yaml"
    for other in FOLDERS.values():
        existing = cards_dir / other / f"{card_id}.yaml"
        if os.path.lexists(existing):
            raise ScaffoldError(f"{existing} already exists; ids are unique across the collection")
    if category is not None and unknown and new_category:
        add_category(cards_dir, category)
    text = (
        environment()
        .get_template(f"new-{kind}.yaml.j2")
        .render(
            id=card_id,
            title=title_from_id(card_id),
            category=category,
            categories=known,
            today=dt.date.today().isoformat(),
        )
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:  # "x": fail rather than overwrite
            handle.write(text)
    except FileExistsError:
        raise ScaffoldError(
            f"{path} already exists (or is a broken link); nothing was written"
        ) from None
    except OSError as exc:
        raise ScaffoldError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
