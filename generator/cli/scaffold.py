"""`tradeoffs new`: a commented scaffold for a new card."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from ..cards.loader import LoadError, load_file
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


def new_entry(kind: str, card_id: str, cards_dir: Path, category: str | None = None) -> Path:
    """Write a scaffold for a new entry and return its path; never overwrite."""
    problem = id_problem(card_id)
    if problem:
        raise ScaffoldError(problem.replace("file name", "id"))
    if category is not None and id_problem(category):
        raise ScaffoldError(
            f"'{printable(category)}' is not a category id: use lowercase letters, digits and "
            "single hyphens, as in cards/categories.yaml"
        )
    known = category_ids(cards_dir)
    if category is not None and known and category not in known:
        raise ScaffoldError(
            f"unknown category '{category}'{did_you_mean(category, known)}; categories are: {', '.join(known)}"
        )
    path = cards_dir / FOLDERS[kind] / f"{card_id}.yaml"
    for other in FOLDERS.values():
        existing = cards_dir / other / f"{card_id}.yaml"
        if os.path.lexists(existing):
            raise ScaffoldError(f"{existing} already exists; ids are unique across the collection")
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
