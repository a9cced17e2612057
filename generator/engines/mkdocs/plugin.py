"""The `tradeoff-cards` MkDocs plugin: wiring between MkDocs and the site plan, nothing else."""

from __future__ import annotations

import gc
import logging
from functools import partial
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files

from ...cards import ParseCache
from ...site.plan import SitePlan
from ...site.records import with_note
from ...site.reuse import changed_pages
from ...site.search_index import IndexJob
from . import prerendered, theme
from .files import add_plan_pages, finish_navigation, site_inputs, site_settings, template_dir
from .generator_tag import name_generator
from .held import Held
from .loading import site_catalog, site_plan
from .nav_once import share_navigation
from .options import TradeoffCardsConfig
from .page_size import compact_html
from .preview import RebuildGuard
from .raw_html import fill_html_blocks
from .refresh import FirstPages

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


class TradeoffCardsPlugin(BasePlugin[TradeoffCardsConfig]):
    """Adds the site plan's pages, navigation and search index to a MkDocs build."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # MkDocs keeps a plugin that has on_startup between the rebuilds of `mkdocs serve`.
        # (A dirty build asks each file its `is_modified`; a build that is not renders them all.)
        self.serving, self.dirty = command == "serve", dirty
        self.parse_cache: ParseCache = {}
        self.built: tuple[SitePlan, Any] | None = None  # the last finished build's plan and inputs
        self.guard = RebuildGuard()
        self.first = FirstPages()  # a saved card's page, written before the rebuild

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not hasattr(self, "serving"):
            self.on_startup(command="build", dirty=False)
        self.index_job: IndexJob | None = None
        theme.prepare_theme(config, self.config.external_requests)
        theme.turn_off_theme_search(config)
        self.project_dir = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        self.cards_dir = (self.project_dir / self.config.cards_dir).resolve()
        self.template_dir = template_dir(self.config.templates_dir, config, self.project_dir)
        cache = self.parse_cache if self.serving else None
        catalog = site_catalog(
            self.config, config, self.cards_dir, self.project_dir, cache, self.built is not None
        )
        settings = site_settings(config, self.template_dir, self.config.records_dir)
        previous, previous_inputs = self.built or (None, None)
        # A one-off build's data files go to disk as they are made; a preview reuses them.
        self.spool = None if self.serving else theme.Spool(Path(config.site_dir))
        indexed = Path(config.site_dir) if self.config.search_index else None  # from the pages on
        self.plan, self.index_job = site_plan(
            catalog, settings, previous, self.serving, self.spool, indexed
        )
        self.held = None if self.serving else Held(self.plan.pages)  # their HTML until written
        self.index_lags = previous is not None and previous.pages.keys() <= self.plan.pages.keys()
        theme.register_assets(config, self.plan)
        self.inputs = site_inputs(config, self.template_dir)
        same_inputs = self.inputs == previous_inputs and not self.guard.showing_problems
        written = self.first.take()  # pages written since the previous build, ahead of this one
        self.changed = (  # None: every page, which also takes a failed rebuild's notice off each
            changed_pages(self.plan, previous, written) if self.dirty and same_inputs else None
        )
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        handwritten = [f.src_uri for f in files if f.is_documentation_page()]
        theme.write_markdown_files(config, self.plan)  # out of memory before the pages split
        theme.unpublish_templates(files, [self.template_dir, config.theme.custom_dir])
        theme.add_asset_files(files, config, self.plan, self.spool)
        self.blocks = add_plan_pages(
            files, config, self.plan, self.changed, self.project_dir, self.serving
        )
        if self.config.generate_nav and not config.nav:
            indexes = "navigation.indexes" in (config.theme.get("features") or [])
            config.nav = self.plan.navigation(handwritten, section_indexes=indexes)
        return files

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self.nav = finish_navigation(nav, self.plan, config)
        return self.nav

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        env = share_navigation(env, config, self.nav)
        return self.first.keep(config, files, self.nav, env) if self.serving else env

    def on_page_markdown(self, markdown: str, *, page: Any, **_: Any) -> str:
        return with_note(markdown, self.plan.record_notes.get(page.file.src_uri, ""))

    def on_pre_page(self, page: Any, *, config: MkDocsConfig, files: Files) -> Any:
        if page.file.src_uri in self.plan.pages:
            prerendered.render_from_plan(page, self.blocks, self.plan.pages)
        return page

    def _fill_blocks(self, html: str, *, page: Any, config: MkDocsConfig, files: Files) -> str:
        blocks = self.blocks.get(page.file.src_uri)
        return fill_html_blocks(html, blocks) if blocks else html

    @event_priority(-100)  # the HTML as every other plugin left it
    def _hold(self, html: str, *, page: Any, config: MkDocsConfig, files: Files) -> str:
        return self.held.hold(html, page) if self.held is not None else html

    on_page_content = CombinedEvent(_fill_blocks, _hold)

    @event_priority(100)  # before any other plugin reads the page
    def on_page_context(self, context: Any, *, page: Any, config: MkDocsConfig, nav: Any) -> Any:
        return self.held.give_back(page, context) if self.held is not None else context

    def on_post_page(self, output: str, *, page: Any, config: MkDocsConfig) -> str:
        output = name_generator(output)
        if page.file.src_uri in self.plan.pages:
            page.content = None  # written now and read by nothing after: MkDocs would keep it
        return compact_html(output) if self.config.compact_html else output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.index_job is not None:  # a preview's pages refresh first unless a page went
            self.index_job.finish(partial(log.info, "tradeoff-cards: %s"), wait=not self.index_lags)
        if self.spool is not None:  # the pages' folders are made: their Markdown goes in
            self.spool.place_markdown(Path(config.site_dir))
        self.built = (self.plan, self.inputs)  # only a finished build is the next one's reference
        self.first.succeeded()

    def on_build_error(self, *, error: Exception) -> None:
        if hasattr(self, "guard"):  # not when another plugin failed before this one started
            self.guard.build_error = error
        for name in ("index_job", "spool"):  # what they wrote into the site goes with the build
            if getattr(self, name, None) is not None:
                getattr(self, name).discard()

    def on_shutdown(self) -> None:  # the process ends: its last collection would walk it all
        gc.freeze()

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        watched = [str(self.cards_dir), config.theme.custom_dir, self.template_dir]
        self.guard.install(server, config.site_dir, partial(self.first.write, self), watched)
        return server
