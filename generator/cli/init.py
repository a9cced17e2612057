"""`tradeoffs init DIR`: a new knowledge base that builds as it is."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from .. import __version__
from ..cards.schema import schema_texts
from ..cards.wording import count
from .install_spec import Install, parse_install

STARTER = Path(__file__).parent / "starter"
EXAMPLE_CARD = "cron-job-vs-queue-worker"
EXAMPLE_FAILURE_MODE = "overlapping-scheduled-runs"

# Where each starter file goes in the new knowledge base.
LAYOUT = {
    "mkdocs.yml": "mkdocs.yml",
    "README.md": "README.md",
    "categories.yaml": "cards/categories.yaml",
    "roles.yaml": "cards/roles.yaml",
    "decision.yaml": f"cards/decisions/{EXAMPLE_CARD}.yaml",
    "failure-mode.yaml": f"cards/failure-modes/{EXAMPLE_FAILURE_MODE}.yaml",
    "pre-commit-config.yaml": ".pre-commit-config.yaml",
    "workflow.yml": ".github/workflows/cards.yml",
    "gitignore": ".gitignore",
}
# The hooks by reference need a release to pin; for what names none (a Git URL, a range) they
# install the same thing as the workflow, in the local form.
LOCAL_HOOKS = "pre-commit-local.yaml"
# Written only where the folder has none: an existing repository keeps its own.
OPTIONAL = {".gitignore"}


class InitError(Exception):
    """A knowledge base cannot be created there; the message says why."""


LIBRARY_PLUGIN = (
    "  - tradeoff-cards:\n"
    "      library: true   # this package's cards (CC BY 4.0) under your own; a card of yours\n"
    "                      # with a library card's id replaces it; {exclude: [ids]} leaves some out\n"
)


def starter_files(
    today: dt.date, install: Install | None = None, *, library: bool = False
) -> dict[str, str]:
    """Every file of a new knowledge base, by its path inside it; the workflow installs
    `install` (by default this version) and the pre-commit hooks pin the same release; with
    `library`, its site is built on the card library."""
    install = install or parse_install(None)
    layout = dict(LAYOUT)
    if install.release is None:
        del layout["pre-commit-config.yaml"]
        layout[LOCAL_HOOKS] = ".pre-commit-config.yaml"
    files = {
        target: (STARTER / name)
        .read_text(encoding="utf-8")
        .replace("REVIEWED", today.isoformat())
        .replace("TRADEOFF_CARDS_INSTALL", install.requirement)
        .replace("TRADEOFF_CARDS_VERSION", install.release or __version__)
        .replace("TRADEOFF_CARDS_ACTION_REF", f"v{__version__}")  # the running release's tag
        for name, target in layout.items()
    }
    files.update({f"cards/{name}": text for name, text in schema_texts().items()})
    files["docs/.gitkeep"] = ""  # hand-written pages go in docs/
    if library:
        files["mkdocs.yml"] = files["mkdocs.yml"].replace("  - tradeoff-cards\n", LIBRARY_PLUGIN, 1)
    return files


def init_knowledge_base(
    target: Path,
    *,
    allow_non_empty: bool = False,
    install: Install | None = None,
    library: bool = False,
) -> list[Path]:
    """Write a new knowledge base into `target`; return the files written. Refuses a non-empty
    folder unless `allow_non_empty`, and never overwrites a file (an optional one that is
    there already is left out)."""
    if os.path.lexists(target) and not target.is_dir():
        raise InitError(f"{target} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not allow_non_empty:
        raise InitError(
            f"{target} is not empty; use --existing to add a knowledge base to it "
            "(no file is ever overwritten)"
        )
    files = starter_files(dt.date.today(), install, library=library)
    files = {p: t for p, t in files.items() if p not in OPTIONAL or not _taken(target, p)}
    # lexists: a broken symbolic link is something there too, and opening it would write
    # wherever it points.
    clashes = sorted(path for path in files if _taken(target, path))
    if clashes:
        raise InitError(f"{target} already has {', '.join(clashes)}; nothing was written")
    written: list[Path] = []
    for path, text in files.items():
        destination = target / path
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            with destination.open("x", encoding="utf-8") as handle:  # "x": never overwrite
                handle.write(text)
        except OSError as exc:
            done = f"; wrote {count(len(written), 'file')} before it" if written else ""
            raise InitError(f"cannot write {destination}: {exc.strerror or exc}{done}") from None
        written.append(destination)
    return written


def _taken(target: Path, path: str) -> bool:
    """Whether `path` or a folder on the way to it is already something other than a folder."""
    parts = Path(path).parts
    for depth in range(1, len(parts) + 1):
        here = target.joinpath(*parts[:depth])
        if not os.path.lexists(here):
            return False
        if depth < len(parts) and not (here.is_dir() and not here.is_symlink()):
            return True
    return True
