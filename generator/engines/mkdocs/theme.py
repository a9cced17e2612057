"""What the plugin sets up in the theme so generated pages render on their own.

Pages need the plan's stylesheets and scripts and nothing from the site's configuration: no
Markdown extension, `extra_css` or `custom_dir`. By default nothing is requested from another
host: the theme's web fonts are replaced by the system font stack and the repository link does
not fetch statistics. `external_requests: true` leaves both as the theme has them.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import weakref
from collections.abc import Iterable
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from ...site.plan import SitePlan
from .nav_once import SHARED_NAV

log = logging.getLogger(f"mkdocs.plugins.{__name__}")
HERE = Path(__file__).parent
OVERRIDES = HERE / "overrides"
# Scripts for the theme itself (not for the plan's pages), served beside the plan's assets.
THEME_SCRIPTS = {"assets/tradeoff-cards/material-a11y.js": HERE / "assets" / "material-a11y.js"}
SUPPORTED_THEMES = ("material",)
SEARCH_PLUGINS = ("material/search", "search")


def prepare_theme(config: MkDocsConfig, external_requests: bool) -> None:
    """Check the theme and make it serve generated pages without help from the site."""
    name = config.theme.name
    if name not in SUPPORTED_THEMES:
        raise PluginError(
            f"tradeoff-cards: the theme '{name}' is not supported; use Material for MkDocs "
            "(theme: {name: material}), or `tradeoffs export` to build the cards with another engine"
        )
    if "attr_list" not in config.markdown_extensions:
        # for generated pages that a template override fills with Markdown of its own
        config.markdown_extensions.append("attr_list")
    # after the site's own overrides (custom_dir), before the theme's templates
    index = 1 if config.theme.custom_dir else 0
    if str(SHARED_NAV) not in config.theme.dirs:
        config.theme.dirs.insert(index, str(SHARED_NAV))
    if not external_requests:
        config.theme["font"] = False
        config.theme.dirs.insert(index, str(OVERRIDES))


def register_assets(config: MkDocsConfig, plan: SitePlan) -> None:
    """List the plan's stylesheets and scripts, and the theme scripts, in every page's head."""
    for path in plan.stylesheets:
        if path not in config.extra_css:
            config.extra_css.append(path)
    for path in [*plan.scripts, *THEME_SCRIPTS]:
        if path not in [str(s) for s in config.extra_javascript]:
            config.extra_javascript.append(path)


def add_asset_files(
    files: Files, config: MkDocsConfig, plan: SitePlan, spool: Spool | None = None
) -> None:
    """Serve the plan's files (all but Markdown: see `write_markdown_files`), those a build's
    `spool` holds, and the theme scripts, unless the site has a file of its own at the same path.

    Each file is taken out of `plan.files` and written into the site folder at once, and MkDocs
    is given the written file (it leaves a file in place): on a large collection the data files
    are hundreds of megabytes, not worth holding through the build."""
    site = Path(config.site_dir)
    for path in [p for p in plan.files if not p.endswith(".md")]:
        text = plan.files.pop(path)
        if files.get_file_from_path(path) is not None:
            continue
        target = site / path
        if not _holds(target, text):  # a preview's rebuild: most are as the last build wrote them
            _write(target, text)
        files.append(File.generated(config, path, abs_src_path=str(target)))
    if spool is not None:
        spool.place(files, config)
    for path, source in THEME_SCRIPTS.items():
        if files.get_file_from_path(path) is None:
            files.append(File.generated(config, path, content=source.read_bytes()))


def write_markdown_files(config: MkDocsConfig, plan: SitePlan) -> None:
    """Write the plan's Markdown files into the site folder, which MkDocs has emptied by the time
    it collects files (as files, MkDocs would make pages of them), and take each out of
    `plan.files`: written at once, they are not held through the build."""
    site = Path(config.site_dir)
    for path in [p for p in plan.files if p.endswith(".md")]:
        target, text = site / path, plan.files.pop(path)
        if not _holds(target, text):  # a preview's rebuild: most are as the last build wrote them
            _write(target, text)


class Spool:
    """Where a build's data files go as the plan makes them (`build_plan(sink=...)`), so that the
    plan never holds them all: a hidden folder of the site folder, which MkDocs' cleaning leaves
    alone, each file under a number (a folder per file would be made, and taken away, tens of
    thousands of times on a large collection). `place` moves the data files into the site once
    MkDocs has emptied it and collects files; `place_markdown` moves the Markdown files beside
    the pages once MkDocs has written them, into the folders it made for them."""

    def __init__(self, site_dir: Path) -> None:
        site_dir.mkdir(parents=True, exist_ok=True)
        self.dir = Path(tempfile.mkdtemp(prefix=".tradeoff-cards-files-", dir=site_dir))
        self.paths: list[str] = []  # by number: the path in the site of each file
        # also when the build fails or stops before `place_markdown`
        self.discard = weakref.finalize(self, shutil.rmtree, self.dir, ignore_errors=True)

    def __call__(self, path: str, text: str | Iterable[str]) -> None:
        _write(self.dir / str(len(self.paths)), text)
        self.paths.append(path)

    def place(self, files: Files, config: MkDocsConfig) -> None:
        """Move the data files other than Markdown into the site and give them to MkDocs, unless
        the site has a file of its own at the same path."""
        for number, path in enumerate(self.paths):
            if path.endswith(".md") or files.get_file_from_path(path) is not None:
                continue
            target = self._move(number, Path(config.site_dir) / path)
            files.append(File.generated(config, path, abs_src_path=str(target)))

    def place_markdown(self, site_dir: Path) -> None:
        """Move the Markdown files into the site (not given to MkDocs: it would make pages of
        them), and let the folder go."""
        for number, path in enumerate(self.paths):
            if path.endswith(".md"):
                self._move(number, site_dir / path)
        self.discard()

    def _move(self, number: int, target: Path) -> Path:
        if not target.parent.is_dir():
            target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.dir / str(number), target)
        return target


WRITTEN_AT_ONCE = 1 << 20  # characters encoded at a time: a copy of the whole file is not made


def _write(path: Path, text: str | Iterable[str]) -> None:
    """Write `text` (or its pieces, one after another) as UTF-8, about `WRITTEN_AT_ONCE`
    characters at a time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        if isinstance(text, str):
            for start in range(0, len(text), WRITTEN_AT_ONCE):
                out.write(text[start : start + WRITTEN_AT_ONCE].encode("utf-8"))
            return
        held: list[str] = []
        size = 0
        for piece in text:
            held.append(piece)
            size += len(piece)
            if size >= WRITTEN_AT_ONCE:
                out.write("".join(held).encode("utf-8"))
                held, size = [], 0
        out.write("".join(held).encode("utf-8"))


def _holds(path: Path, text: str) -> bool:
    """Whether the file at `path` holds `text` already (reading is cheaper than writing)."""
    try:
        if text.isascii() and path.stat().st_size != len(text):
            return False  # as many bytes as characters: a different length differs
        return path.read_bytes() == text.encode("utf-8")
    except OSError:
        return False


def turn_off_theme_search(config: MkDocsConfig) -> None:
    """The plan's search replaces the theme's: a search plugin still listed is switched off
    (the header then shows one search box) and the build says what to change."""
    for name in SEARCH_PLUGINS:
        plugin = config.plugins.get(name)
        if plugin is None or not plugin.config.get("enabled", True):
            continue
        plugin.config["enabled"] = False
        log.warning(
            "tradeoff-cards: the '%s' plugin is not needed (the cards come with their own "
            "search) and is switched off; remove '- %s' from 'plugins' in %s",
            name.split("/")[-1],
            name.split("/")[-1],
            Path(config.config_file_path or "mkdocs.yml").name,
        )


def unpublish_templates(files: Files, folders: list[str | None]) -> None:
    """Take the page templates (`*.j2`) of the template folders out of the site: the plugin reads
    them, but MkDocs would copy those in the theme's `custom_dir` (or in `docs_dir`) as files."""
    roots = [Path(folder).resolve() for folder in folders if folder]
    for file in list(files):
        source = file.abs_src_path
        if (
            file.src_uri.endswith(".j2")
            and source is not None
            and any(Path(source).resolve().is_relative_to(root) for root in roots)
        ):
            files.remove(file)
