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
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from .catalog import InvalidCollection, load_catalog
from .compact import compact_html
from .render import RenderedPage, render_pages, site_navigation
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
    """Remove the theme's indentation from every page (about a third of a card page's bytes)."""


class TradeoffCardsPlugin(BasePlugin[TradeoffCardsConfig]):
    """Adds a page for every card, failure mode, category and listing, generated in memory."""

    def __init__(self) -> None:
        self.pages: dict[str, RenderedPage] = {}
        self.blocks: dict[str, list[str]] = {}
        self.cards_dir: Path | None = None
        self.project_dir = Path.cwd()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.project_dir = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        self.cards_dir = (self.project_dir / self.config.cards_dir).resolve()
        templates = self.config.templates_dir
        template_dir = str(self.project_dir / templates) if templates else config.theme.custom_dir
        cwd = os.getcwd()
        try:
            # Problems are reported with paths relative to the project, as `tradeoffs validate` does.
            os.chdir(self.project_dir)
            catalog = load_catalog(self.cards_dir)
        except FileNotFoundError as exc:
            raise PluginError(f"tradeoff-cards: {exc}") from None
        except InvalidCollection as exc:
            lines = "\n".join(f"  {p}" for p in exc.problems)
            raise PluginError(
                f"tradeoff-cards: {len(exc.problems)} problems in the cards; nothing was built:\n{lines}"
            ) from None
        finally:
            os.chdir(cwd)
        self.catalog = catalog
        self.pages = render_pages(
            catalog, template_dir=template_dir, directory_urls=config.use_directory_urls
        )
        log.info(
            "tradeoff-cards: %d decision cards, %d failure modes, %d generated pages",
            len(catalog.decisions),
            len(catalog.failure_modes),
            len(self.pages),
        )
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        docs_rel = _relative(Path(config.docs_dir), self.project_dir)
        handwritten: list[str] = []
        for file in files:
            if file.is_documentation_page():
                file.edit_uri = f"{docs_rel}/{file.src_uri}" if docs_rel else file.src_uri
                handwritten.append(file.src_uri)
        for uri, page in self.pages.items():
            existing = files.get_file_from_path(uri)
            if existing is not None:
                raise PluginError(
                    f"tradeoff-cards: {docs_rel}/{uri} would be replaced by a generated page; "
                    "rename or remove it"
                )
            markdown, self.blocks[uri] = split_html_blocks(page.markdown)
            file = File.generated(config, uri, content=markdown)
            file.edit_uri = _relative(page.source, self.project_dir) if page.source else None
            files.append(file)
        if self.config.generate_nav and not config.nav:
            config.nav = site_navigation(self.catalog, handwritten)
        return files

    def on_page_markdown(self, markdown: str, *, page: Any, config: MkDocsConfig, files: Files) -> str:
        if self._card_entry(page) is not None and self._search_index(config) is not None:
            # Indexed from the card itself in on_page_context, not by re-parsing the HTML.
            page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        return markdown

    def on_page_content(self, html: str, *, page: Any, config: MkDocsConfig, files: Files) -> str:
        blocks = self.blocks.get(page.file.src_uri)
        return fill_html_blocks(html, blocks) if blocks else html

    def on_page_context(self, context: Any, *, page: Any, config: MkDocsConfig, nav: Any) -> Any:
        entry = self._card_entry(page)
        index = self._search_index(config)
        if entry is not None and index is not None:
            titles = {card_id: e.model.title for card_id, e in self.catalog.decisions.items()}
            index.entries.extend(card_entries(entry, page.url, titles))
        return context

    def _card_entry(self, page: Any) -> Any:
        uri = page.file.src_uri
        if uri.startswith("decisions/") and uri in self.pages:
            return self.catalog.decisions.get(uri[len("decisions/") : -len(".md")])
        return None

    @staticmethod
    def _search_index(config: MkDocsConfig) -> Any:
        """Material's search index, if that is the search plugin in use."""
        for name in ("material/search", "search"):
            plugin = config.plugins.get(name)
            index = getattr(plugin, "search_index", None)
            if index is not None and isinstance(getattr(index, "entries", None), list):
                return index
        return None

    def on_post_page(self, output: str, *, page: Any, config: MkDocsConfig) -> str:
        return compact_html(output) if self.config.compact_html else output

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        if self.cards_dir is not None:
            server.watch(str(self.cards_dir))
        if config.theme.custom_dir:
            server.watch(config.theme.custom_dir)
        return server


def _relative(path: Path, base_dir: Path) -> str:
    try:
        return path.resolve().relative_to(base_dir).as_posix()
    except ValueError:
        return path.as_posix()
