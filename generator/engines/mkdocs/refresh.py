"""A preview shows a saved card's own page first, then the pages that list or name it.

Planning the whole site again after a save takes seconds at a thousand cards: the listings that
show the card (who pays, tags, the finder) are rendered again whole. Before that rebuild, when
the save changed nothing but the text of a few entries (`plan.edited_entry_pages`), their pages
are rendered with MkDocs' state from the last build (configuration, files, navigation, theme)
and written at once; the browser is told to reload (see `preview.RebuildGuard`), and the rebuild
that follows writes the rest and leaves those pages as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from mkdocs.commands import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, InclusionLevel

from ...cards import ParseCache
from ...site.page import Page
from ...site.plan import SitePlan, edited_entry_pages
from .files import always, site_inputs
from .loading import read_catalog
from .options import TradeoffCardsConfig
from .raw_html import split_html_blocks


class Serving(Protocol):
    """What the pages written first need of the plugin (`TradeoffCardsPlugin`)."""

    config: TradeoffCardsConfig
    built: tuple[SitePlan, Any] | None  # the last build's plan and inputs
    template_dir: str | None
    cards_dir: Path
    project_dir: Path
    parse_cache: ParseCache
    blocks: dict[str, list[str]]  # each page's HTML blocks, read by the plugin's page events


@dataclass
class LastBuild:
    """What MkDocs made of the site in the last build that succeeded."""

    config: MkDocsConfig
    files: Files
    nav: Any
    env: Any  # the theme's Jinja environment


class FirstPages:
    """The pages of a saved entry, written before the rebuild (kept by the plugin while serving)."""

    def __init__(self) -> None:
        self.last: LastBuild | None = None
        self.next: LastBuild | None = None
        self.written: dict[str, str] = {}  # path -> the Markdown of each page written first

    def keep(self, config: MkDocsConfig, files: Files, nav: Any, env: Any) -> Any:
        """Keep MkDocs' state of the build under way (read only once it has succeeded); returns
        `env` as it is."""
        self.next = LastBuild(config, files, nav, env)
        return env

    def succeeded(self) -> None:
        """The build under way succeeded: its state is the one the next pages are written in."""
        self.last, self.next = self.next, None

    def write(self, plugin: Serving) -> bool:
        """Write the pages of the entries edited since the plugin's last build when nothing else
        changed; False when the rebuild has to do it all."""
        last, built = self.last, plugin.built
        if last is None or built is None:
            return False
        plan, inputs = built
        if site_inputs(last.config, plugin.template_dir) != inputs:
            return False  # the configuration, the theme or a hand-written page changed
        catalog, _ = read_catalog(
            plugin.config, last.config, plugin.cards_dir, plugin.project_dir, plugin.parse_cache
        )
        pages = edited_entry_pages(catalog, plan)
        if not pages:
            return False
        _write_pages(last, pages, plugin.blocks)
        self.written = {path: page.markdown for path, page in pages.items()}
        return True

    def take(self) -> dict[str, str]:
        """The Markdown of each page written first, by path, for the rebuild to leave the pages
        it makes the same (and forgotten here)."""
        written, self.written = self.written, {}
        return written


def _write_pages(last: LastBuild, pages: dict[str, Page], blocks: dict[str, list[str]]) -> None:
    """Render the plan's `pages` as the last build would have and write them into the site;
    each page's HTML blocks go into `blocks` for the plugin's page events, as in a build.
    Raises LookupError when a page is not among the last build's."""
    config, files = last.config, last.files
    documents = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
    for path, planned in pages.items():
        file = files.get_file_from_path(path)
        if file is None or file.page is None:
            raise LookupError(path)
        file.content_string, blocks[path] = split_html_blocks(planned.markdown)
        file.is_modified = always  # type: ignore[method-assign]
        # MkDocs' own steps for one page (mkdocs.commands.build): every plugin's page events
        # run, and the theme template gets the context a build gives it.
        mkdocs_build._populate_page(file.page, config, files, dirty=True)
        mkdocs_build._build_page(file.page, config, documents, last.nav, last.env, dirty=True)
