"""The catalog a MkDocs build is made from: the cards folder, on the library when the site uses it,
with every problem raised as MkDocs' own error."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from ...cards import Catalog, InvalidCollection, ParseCache, load_catalog
from ...cards.library import footer_notice, library_setting
from ...cards.parallel import held_signals
from ...cards.wording import count
from ...site.card_markdown import Sink
from ...site.plan import SitePlan, SiteSettings, build_plan
from ...site.search_index import IndexJob
from ...site.templating import TemplateProblem
from .files import relative
from .options import TradeoffCardsConfig

log = logging.getLogger("mkdocs.plugins.generator.engines.mkdocs.plugin")


def site_catalog(
    options: TradeoffCardsConfig,
    config: MkDocsConfig,
    cards_dir: Path,
    project_dir: Path,
    cache: ParseCache | None,
    rebuilding: bool,
) -> Catalog:
    """The site's catalog; with the library, the footer names the library's licence. Problems
    stop the build (`rebuilding`: a preview keeps its last good site)."""
    try:
        catalog, library = read_catalog(options, config, cards_dir, project_dir, cache)
    except FileNotFoundError as exc:
        raise PluginError(f"tradeoff-cards: {exc}") from None
    except InvalidCollection as exc:
        lines = "\n".join(f"  {p}" for p in exc.problems)
        outcome = "the site was not rebuilt" if rebuilding else "nothing was built"
        raise PluginError(
            f"tradeoff-cards: {count(len(exc.problems), 'problem')} in the cards; "
            f"{outcome}:\n{lines}"
        ) from None
    if cache is None:  # a one-off build: nothing reports a card's position after this
        catalog.forget_texts()
    for entry_id, own in catalog.overrides.items():
        log.info("tradeoff-cards: %s replaces the library's '%s'", own, entry_id)
    if library:
        config.copyright = footer_notice(config.copyright)
    return catalog


def read_catalog(
    options: TradeoffCardsConfig,
    config: MkDocsConfig,
    cards_dir: Path,
    project_dir: Path,
    cache: ParseCache | None,
) -> tuple[Catalog, bool]:
    """The catalog as `load_catalog` gives it, on the library when the site uses one, and
    whether it does."""
    setting = relative(Path(config.config_file_path or "mkdocs.yml"), Path.cwd())
    library = library_setting(options.library, setting)
    catalog = load_catalog(cards_dir, cache, display_root=project_dir, library=library)
    return catalog, library is not None


def site_plan(
    catalog: Catalog,
    settings: SiteSettings,
    previous: SitePlan | None,
    serving: bool,
    sink: Sink | None = None,
    indexed: Path | None = None,
) -> tuple[SitePlan, IndexJob | None]:
    """The plan of the site; a preview builds on from the previous plan, a build from nothing.
    With `sink`, the data files go to it as they are made (see `build_plan`). With `indexed`
    (the site's folder), the search index of the site starts as soon as the pages are made,
    while the data files are assembled; the job is returned with the plan."""
    jobs: list[IndexJob] = []

    def index(made: SitePlan) -> None:
        assert indexed is not None
        with held_signals():  # started and recorded, or neither: a stopped build stops it
            jobs.append(IndexJob(made, indexed, fork=not serving))  # a build's: forked

    try:
        plan = build_plan(
            catalog,
            settings,
            previous=previous if serving else None,
            keep_parts=serving,
            sink=sink,
            spill=not serving,  # written once, each page is read back once
            pages_ready=index if indexed else None,
        )
    except BaseException as exc:
        for job in jobs:  # the plan failed after its pages: their index goes with it
            job.discard()
        if isinstance(exc, TemplateProblem):
            raise PluginError(f"tradeoff-cards: a template failed: {exc}") from None
        raise
    log.info(
        "tradeoff-cards: %d decision cards, %d failure modes, %d generated pages",
        len(catalog.decisions),
        len(catalog.failure_modes),
        len(plan.pages),
    )
    return plan, jobs[0] if jobs else None
