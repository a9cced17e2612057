"""Which folders `tradeoffs build --out` may replace, and the ownership marker it leaves in them.

Replacing a folder deletes everything in it, so a build replaces only a folder it can show is
its own: a missing or empty one, one holding the marker an earlier build wrote, or one that
looks like a site built before the marker existed (`api/cards.json` and `index.html`, both
written by every build of this tool). The project's own folders are never replaced.
"""

from __future__ import annotations

import os
from pathlib import Path

MARKER = ".tradeoff-cards-build"
MARKER_TEXT = (
    "This folder is a site built by `tradeoffs build`; the next build replaces it whole.\n"
    "Delete this file to keep the next build from replacing the folder.\n"
)


class UnsafeOut(Exception):
    """The folder given to --out is not one a build may replace; the message says why."""


def _is_same_or_inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _looks_like_earlier_build(folder: Path) -> bool:
    """A site from a version of this tool that wrote no marker: its data file and home page."""
    data = folder / "api" / "cards.json"
    if not (data.is_file() and (folder / "index.html").is_file()):
        return False
    try:
        with data.open("rb") as handle:
            return handle.read(32).startswith(b'{"schema_version":')
    except OSError:
        return False


def check_replaceable(out: Path, protected: dict[str, Path]) -> None:
    """Raise UnsafeOut unless `out` (already resolved) may be replaced by a build.

    `protected` names the project's folders (project root, docs_dir, cards folder...): none of
    them, nothing inside docs_dir or the cards, and no parent of any of them may be replaced.
    """
    for what, folder in protected.items():
        folder = folder.resolve()
        if _is_same_or_inside(folder, out):
            relation = "is" if folder == out else "contains"
            raise UnsafeOut(
                f"refusing to replace {out}: it {relation} the {what} ({folder}); "
                "give --out a folder of its own, such as site"
            )
    for what in ("docs folder", "card folder"):
        source = protected.get(what)
        if source is not None and _is_same_or_inside(out, source.resolve()):
            raise UnsafeOut(
                f"refusing to build into {out}: it is inside the {what} ({source.resolve()}), "
                "which the build reads; give --out a folder outside it, such as site"
            )
    if not os.path.lexists(out):
        return
    if not out.is_dir():
        raise UnsafeOut(
            f"refusing to replace {out}: it is a file, not a folder; remove it or choose "
            "another --out"
        )
    if (out / MARKER).is_file() or not any(out.iterdir()) or _looks_like_earlier_build(out):
        return
    raise UnsafeOut(
        f"refusing to replace {out}: it is not empty and not a site built by tradeoffs build "
        f"(a build leaves a {MARKER} file in its folder; a site from before that has "
        "api/cards.json and index.html). Choose an empty or new folder for --out, or move "
        f"{out} away yourself if it is yours to delete"
    )


def mark(folder: Path) -> None:
    """Leave the marker that lets the next build replace `folder`."""
    (folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


def apply_umask(folder: Path) -> None:
    """Give a built tree ordinary permissions: what the process umask allows, as for any new file.

    The tree is built in a private temporary folder (mode 0700); a web server running as
    another user could read nothing in it.
    """
    umask = os.umask(0)
    os.umask(umask)
    folder_mode, file_mode = 0o777 & ~umask, 0o666 & ~umask
    os.chmod(folder, folder_mode)
    for root, dirs, files in os.walk(folder):
        for names, mode in ((dirs, folder_mode), (files, file_mode)):
            for name in names:
                path = os.path.join(root, name)
                if not os.path.islink(path):
                    os.chmod(path, mode)
