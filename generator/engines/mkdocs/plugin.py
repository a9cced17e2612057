"""The `tradeoff-cards` MkDocs plugin: wiring between MkDocs and the site plan, nothing else."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from ...cards import InvalidCollection, ParseCache, load_catalog
from ...site.markup import html_text
from ...site.paths import page_url
from ...site.plan import SitePlan, SiteSettings, build_plan
from . import material_search
from .page_size import compact_html
from .raw_html import fill_html_blocks, split_html_blocks

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
    """Remove the theme's indentation from every page: a quarter of a card page's bytes."""


class TradeoffCardsPlugin(BasePlugin[TradeoffCardsConfig]):
    """Adds the site plan's pages, navigation and search entries to a MkDocs build."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # MkDocs keeps a plugin that has on_startup between the rebuilds of `mkdocs serve`.
        self.serving, self.dirty = command == "serve", dirty
        self.parse_cache: ParseCache = {}
        self.built: tuple[SitePlan, Any] | None = None  # the last finished build's plan and inputs

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not hasattr(self, "serving"):
            self.on_startup(command="build", dirty=False)
        self.project_dir = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        self.cards_dir = (self.project_dir / self.config.cards_dir).resolve()
        templates = self.config.templates_dir
        template_dir = str(self.project_dir / templates) if templates else config.theme.custom_dir
        try:
            cache = self.parse_cache if self.serving else None
            catalog = load_catalog(self.cards_dir, cache, display_root=self.project_dir)
        except FileNotFoundError as exc:
            raise PluginError(f"tradeoff-cards: {exc}") from None
        except InvalidCollection as exc:
            count, lines = len(exc.problems), "\n".join(f"  {p}" for p in exc.problems)
            raise PluginError(
                f"tradeoff-cards: {count} problem{'s' if count != 1 else ''} in the cards; "
                f"nothing was built:\n{lines}"
            ) from None
        settings = SiteSettings(template_dir, config.use_directory_urls, config.site_name)
        previous, previous_inputs = self.built or (None, None)
        self.plan = build_plan(catalog, settings, previous=previous if self.serving else None)
        self.inputs = _site_inputs(config, template_dir)
        self.changed = self.plan.changed_pages(previous) if self.inputs == previous_inputs else None
        self.blocks: dict[str, list[str]] = {}
        self.rebuilt: set[str] = set()
        log.info(
            "tradeoff-cards: %d decision cards, %d failure modes, %d generated pages",
            len(catalog.decisions), len(catalog.failure_modes), len(self.plan.pages),
        )
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        docs = _relative(Path(config.docs_dir), self.project_dir)
        handwritten = [f.src_uri for f in files if f.is_documentation_page()]
        for file in files:
            if file.is_documentation_page():
                file.edit_uri = f"{docs}/{file.src_uri}" if docs else file.src_uri
                if self.changed is None:
                    file.is_modified = _always  # type: ignore[method-assign]
        for path, page in self.plan.pages.items():
            if files.get_file_from_path(path) is not None:
                raise PluginError(
                    f"tradeoff-cards: {docs}/{path} would be replaced by a generated page; rename or remove it"
                )
            markdown, self.blocks[path] = split_html_blocks(page.markdown)
            outside = path in self.plan.not_in_nav
            inclusion = InclusionLevel.NOT_IN_NAV if outside else InclusionLevel.UNDEFINED
            file = File.generated(config, path, content=markdown, inclusion=inclusion)
            # Read only by dirty builds (`mkdocs serve --dirty`): unchanged pages are left as built.
            changed = self.changed is None or path in self.changed
            file.is_modified = _always if changed else _never  # type: ignore[method-assign]
            file.edit_uri = _relative(page.source, self.project_dir) if page.source else None
            files.append(file)
        if self.config.generate_nav and not config.nav:
            config.nav = self.plan.navigation(handwritten)
        return files

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> Any:
        # A dirty build does not read unchanged pages; a title the navigation does not give
        # (shown in the navigation and footer of rebuilt pages) comes from the plan, escaped
        # because themes print titles as they are, or from the hand-written page's source.
        for page in nav.pages:
            if page.file.is_modified() or "title" in vars(page):
                continue
            planned = self.plan.pages.get(page.file.src_uri)
            if planned is not None:
                page.title = html_text(planned.title)
            elif page.markdown is None:
                page.read_source(config)
        return nav

    def on_page_markdown(self, markdown: str, *, page: Any, config: MkDocsConfig, files: Files) -> str:
        planned = self.plan.pages.get(page.file.src_uri)
        if planned is not None and planned.search and material_search.search_index(config) is not None:
            page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        return markdown

    def on_page_content(self, html: str, *, page: Any, config: MkDocsConfig, files: Files) -> str:
        blocks = self.blocks.get(page.file.src_uri)
        return fill_html_blocks(html, blocks) if blocks else html

    def on_page_context(self, context: Any, *, page: Any, config: MkDocsConfig, nav: Any) -> Any:
        self.rebuilt.add(page.url)
        return context

    def on_post_page(self, output: str, *, page: Any, config: MkDocsConfig) -> str:
        return compact_html(output) if self.config.compact_html else output

    @event_priority(50)  # before the search plugin writes its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        entries, fed = [], set()
        for path, page in self.plan.pages.items():
            if page.search:
                url = page_url(path, config.use_directory_urls)
                fed.add(url)
                entries += [_search_entry(url, e) for e in page.search]
        material_search.add_entries(config, entries, self.rebuilt, fed)
        self.built = (self.plan, self.inputs)  # only a finished build is the next one's reference

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        server.watch(str(self.cards_dir))
        if config.theme.custom_dir:
            server.watch(config.theme.custom_dir)
        return server


def _search_entry(url: str, entry: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"location": f"{url}#{entry.anchor}" if entry.anchor else url,
                            "title": entry.title, "text": entry.text}
    if entry.tags:
        item["tags"] = list(entry.tags)
    return item


def _site_inputs(config: MkDocsConfig, template_dir: str | None) -> list[tuple[str, int]]:
    """Modification times of what besides the cards shows on pages: the config, the theme's
    overrides and the hand-written pages. When one changes, every page is rebuilt."""
    watched = [Path(config.config_file_path or "mkdocs.yml")]
    for folder in (template_dir, config.theme.custom_dir, config.docs_dir):
        if folder and Path(folder).is_dir():
            watched.extend(p for p in Path(folder).rglob("*") if p.is_file())
    return sorted((str(p), p.stat().st_mtime_ns) for p in watched)


def _always() -> bool:
    return True


def _never() -> bool:
    return False


def _relative(path: Path, base_dir: Path) -> str:
    try:
        return path.resolve().relative_to(base_dir).as_posix()
    except ValueError:
        return path.as_posix()
