"""The `tradeoff-cards` MkDocs plugin: a thin adapter over the catalog and the renderer."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from .catalog import Catalog, InvalidCollection, ParseCache, load_catalog
from .compact import compact_html
from .incremental import affected_cards
from .render import TAGS, Renderer, RenderedPage, cards_outside_navigation, site_navigation
from .search import card_entries
from .slots import fill_html_blocks, split_html_blocks

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


class TradeoffCardsConfig(base.Config):
    """Options of the `tradeoff-cards` plugin in mkdocs.yml."""

    cards_dir = c.Type(str, default="cards")
    """The card folder, relative to mkdocs.yml."""

    templates_dir = c.Optional(c.Type(str))
    """Folder searched for `*.md.j2` overrides before the built-in templates, relative to
    mkdocs.yml. Defaults to the theme's `custom_dir`."""

    generate_nav = c.Type(bool, default=True)
    """Build the navigation (a section per category) unless mkdocs.yml sets `nav` itself."""

    compact_html = c.Type(bool, default=True)
    """Remove the theme's indentation from every page: a quarter of a card page's bytes (which
    keeps card pages well under 80 KB as a collection grows) for about 4% more build time."""


class TradeoffCardsPlugin(BasePlugin[TradeoffCardsConfig]):
    """Adds a page for every card, failure mode, category and listing, generated in memory."""

    def __init__(self) -> None:
        self.pages: dict[str, RenderedPage] = {}
        self.blocks: dict[str, list[str]] = {}
        self.cards_dir: Path | None = None
        self.project_dir = Path.cwd()
        self.serving = False
        self.dirty = False
        # Kept between rebuilds under `mkdocs serve` (on_startup makes MkDocs keep the plugin).
        self.parse_cache: ParseCache = {}
        self.previous: Catalog | None = None
        self.previous_pages: dict[str, RenderedPage] = {}
        self.previous_state: Any = None
        self.pending_state: Any = None
        self.rebuild_all = True
        self.rebuilt_urls: set[str] = set()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Once per `mkdocs build` or `mkdocs serve` session: forget any earlier session."""
        self.__init__()  # type: ignore[misc]
        self.serving = command == "serve"
        self.dirty = dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.project_dir = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        self.cards_dir = (self.project_dir / self.config.cards_dir).resolve()
        templates = self.config.templates_dir
        template_dir = str(self.project_dir / templates) if templates else config.theme.custom_dir
        cwd = os.getcwd()
        try:
            # Problems are reported with paths relative to the project, as `tradeoffs validate` does.
            os.chdir(self.project_dir)
            catalog = load_catalog(self.cards_dir, self.parse_cache if self.serving else None)
        except FileNotFoundError as exc:
            raise PluginError(f"tradeoff-cards: {exc}") from None
        except InvalidCollection as exc:
            lines = "\n".join(f"  {p}" for p in exc.problems)
            count = len(exc.problems)
            raise PluginError(
                f"tradeoff-cards: {count} problem{'s' if count != 1 else ''} in the cards; "
                f"nothing was built:\n{lines}"
            ) from None
        finally:
            os.chdir(cwd)
        self.catalog = catalog
        self.titles = {card_id: e.model.title for card_id, e in catalog.decisions.items()}
        renderer = Renderer(
            catalog, template_dir=template_dir, directory_urls=config.use_directory_urls
        )
        state = self._state(config, template_dir, renderer)
        self.rebuild_all = not self.previous_pages or state != self.previous_state
        if self.serving and not self.rebuild_all:
            # Under preview only the changed cards and their neighbours are rendered again.
            self.pages = renderer.pages(self.previous_pages, affected_cards(self.previous, catalog))
        else:
            self.pages = renderer.pages()
        self.pending_state = state
        log.info(
            "tradeoff-cards: %d decision cards, %d failure modes, %d generated pages",
            len(catalog.decisions),
            len(catalog.failure_modes),
            len(self.pages),
        )
        return config

    def _state(self, config: MkDocsConfig, template_dir: str | None, renderer: Renderer) -> Any:
        """Everything besides card content that shows on every page: if it changed since the last
        build, a dirty rebuild must rebuild every page (navigation, titles, tags, theme)."""
        catalog = self.catalog
        watched = [Path(config.config_file_path or "mkdocs.yml")]
        for folder in (template_dir, config.theme.custom_dir, config.docs_dir):
            if folder and Path(folder).is_dir():
                watched.extend(p for p in Path(folder).rglob("*") if p.is_file())
        return (
            renderer.today,
            site_navigation(catalog, []),
            [(c.id, c.title, c.description) for c in catalog.categories],
            {i: (e.model.title, e.model.tags, e.model.status) for i, e in catalog.decisions.items()},
            {i: e.model.title for i, e in catalog.failure_modes.items()},
            sorted((str(p), p.stat().st_mtime_ns) for p in watched),
        )

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        docs_rel = _relative(Path(config.docs_dir), self.project_dir)
        handwritten: list[str] = []
        for file in files:
            if file.is_documentation_page():
                file.edit_uri = f"{docs_rel}/{file.src_uri}" if docs_rel else file.src_uri
                handwritten.append(file.src_uri)
                if self.rebuild_all:
                    file.is_modified = _always  # type: ignore[method-assign]
        outside_nav = set(cards_outside_navigation(self.catalog))
        for uri, page in self.pages.items():
            existing = files.get_file_from_path(uri)
            if existing is not None:
                raise PluginError(
                    f"tradeoff-cards: {docs_rel}/{uri} would be replaced by a generated page; "
                    "rename or remove it"
                )
            markdown, self.blocks[uri] = split_html_blocks(page.markdown)
            inclusion = InclusionLevel.NOT_IN_NAV if uri in outside_nav else InclusionLevel.UNDEFINED
            file = File.generated(config, uri, content=markdown, inclusion=inclusion)
            # Read by MkDocs only in a dirty build (`mkdocs serve --dirty`): an unchanged page
            # whose navigation, titles and theme are unchanged too is left as it was built.
            previous = self.previous_pages.get(uri)
            # The tags listing is filled from every page's tags at each build: always rebuilt.
            changed = (
                self.rebuild_all
                or uri == TAGS
                or previous is None
                or previous.markdown != page.markdown
            )
            file.is_modified = _always if changed else _never  # type: ignore[method-assign]
            file.edit_uri = _relative(page.source, self.project_dir) if page.source else None
            files.append(file)
        if self.config.generate_nav and not config.nav:
            config.nav = site_navigation(self.catalog, handwritten)
        return files

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> Any:
        if self.dirty:
            # A dirty build does not read unchanged pages, so they would have no title (a
            # rebuilt neighbour would show "None" in its navigation and footer) and plugins
            # that index the whole site (tags) would only see the rebuilt pages. Reading the
            # source and running on_page_markdown costs no Markdown conversion.
            for page in nav.pages:
                if page.markdown is None and not page.file.is_modified():
                    page.read_source(config)
                    page.markdown = config.plugins.on_page_markdown(
                        page.markdown, page=page, config=config, files=files
                    )
        return nav

    def on_page_markdown(self, markdown: str, *, page: Any, config: MkDocsConfig, files: Files) -> str:
        if self._card_entry(page) is not None and self._search_index(config) is not None:
            # Indexed from the card itself in on_page_context, not by re-parsing the HTML.
            page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        return markdown

    def on_page_content(self, html: str, *, page: Any, config: MkDocsConfig, files: Files) -> str:
        blocks = self.blocks.get(page.file.src_uri)
        return fill_html_blocks(html, blocks) if blocks else html

    def on_page_context(self, context: Any, *, page: Any, config: MkDocsConfig, nav: Any) -> Any:
        self.rebuilt_urls.add(page.url)
        entry = self._card_entry(page)
        index = self._search_index(config)
        if entry is not None and index is not None:
            index.entries.extend(card_entries(entry, page.url, self.titles))
        return context

    def _card_entry(self, page: Any) -> Any:
        uri = page.file.src_uri
        if uri.startswith("decisions/") and uri in self.pages:
            return self.catalog.decisions.get(uri[len("decisions/") : -len(".md")])
        return None

    @staticmethod
    def _search_plugin(config: MkDocsConfig) -> Any:
        """Material's search plugin, if that is the search plugin in use."""
        for name in ("material/search", "search"):
            plugin = config.plugins.get(name)
            index = getattr(plugin, "search_index", None)
            if index is not None and isinstance(getattr(index, "entries", None), list):
                return plugin
        return None

    def _search_index(self, config: MkDocsConfig) -> Any:
        plugin = self._search_plugin(config)
        return plugin.search_index if plugin is not None else None

    @event_priority(50)  # before the search plugin writes its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        search = self._search_plugin(config)
        previous = getattr(search, "search_index_prev", None)
        if self.dirty and previous is not None and search is not None:
            # The theme's own merge assumes a dirty build rebuilt one page; we rebuild several.
            kept = [
                e for e in previous.entries if e["location"].split("#")[0] not in self.rebuilt_urls
            ]
            search.search_index.entries[:0] = kept
            search.search_index_prev = None
        # Only a finished build becomes the reference for the next one.
        self.previous = self.catalog
        self.previous_pages = self.pages
        self.previous_state = self.pending_state
        self.rebuilt_urls = set()

    def on_post_page(self, output: str, *, page: Any, config: MkDocsConfig) -> str:
        return compact_html(output) if self.config.compact_html else output

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        if self.cards_dir is not None:
            server.watch(str(self.cards_dir))
        if config.theme.custom_dir:
            server.watch(config.theme.custom_dir)
        return server


def _always() -> bool:
    return True


def _never() -> bool:
    return False


def _relative(path: Path, base_dir: Path) -> str:
    try:
        return path.resolve().relative_to(base_dir).as_posix()
    except ValueError:
        return path.as_posix()
