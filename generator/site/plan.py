"""The site plan: every page, the navigation and the search entries, computed once from the catalog.

The plan owes nothing to any site engine: an engine adapter adds the plan's pages, sets its
navigation and hands its search entries to the engine's search. What a live preview keeps from
one plan to make the next (and which pages changed) is in `reuse.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from ..cards import Catalog
from ..cards.parallel import each_of_halves, fewer_collections
from .card_markdown import MarkdownWriter, Sink
from .data import data_files, decision_object, failure_mode_object
from .fields import field_reference
from .listings import (
    build_date,
    by_undo_cost,
    due_for_review,
    finder,
    recent_changes,
    recently_reviewed,
    tag_index,
    who_pays,
)
from .llms import markdown_files
from .navigation import Nav, navigation, pages_outside_navigation
from .page import Page, SiteSettings
from .paths import (
    FIXED_PAGES,
    HOME,
    LLMS_FULL_TXT,
    category_uri,
    decision_uri,
    failure_mode_uri,
    log_uri,
    page_url,
    site_link,
)
from .records import Decided, by_card, decided, record_notes, record_objects
from .render import ALL_DECISIONS, ALL_FAILURE_MODES, Rendered, Renderer
from .reuse import (
    DataParts,
    PageReuse,
    ReuseState,
    changed_ids,
    contents_fingerprint,
    fingerprint,
)
from .search import SEARCH_FILTERS, SearchEntry, page_entries, search_filters
from .spill import Spilled
from .templating import ASSETS, template_problem


class _EntryData:
    """What the data files hold of one entry, made in the same job as the entry's page: both
    read the same card texts, which are then parsed once (see markup.inline_tokens)."""

    def __init__(
        self, catalog: Catalog, settings: SiteSettings, records: dict[str, list[Decided]]
    ) -> None:
        self.catalog, self.settings, self.records = catalog, settings, records
        self.writer = MarkdownWriter(
            catalog, site_url=settings.site_url, directory_urls=settings.directory_urls
        )

    def __call__(self, uri: str, entry_id: str, decision: bool) -> DataParts:
        settings, writer = self.settings, self.writer
        url = site_link(page_url(uri, settings.directory_urls), "", settings.site_url)
        if decision:
            records = self.records.get(entry_id, [])
            urls = {
                d.record.path: site_link(
                    page_url(d.record.path, settings.directory_urls), "", settings.site_url
                )
                for d in records
            }
            data = decision_object(self.catalog, entry_id, url, record_objects(records, urls))
        else:
            data = failure_mode_object(self.catalog, entry_id, url)
        own = writer.card_file(uri)
        markdown = {(uri, own, 1): writer.entry_lines(uri, own, 1)}
        if not settings.site_url:  # with a site URL, llms-full.txt's version is made from `own`
            markdown[(uri, LLMS_FULL_TXT, 2)] = writer.entry_lines(uri, LLMS_FULL_TXT, 2)
        return DataParts({uri: data}, markdown)


@dataclass(frozen=True)
class SitePlan:
    """Everything a site needs from the cards."""

    catalog: Catalog
    settings: SiteSettings
    today: dt.date
    pages: MutableMapping[str, Page]  # by path; on disk for a one-off build (`spill`)
    not_in_nav: tuple[str, ...]
    reuse: ReuseState  # what the next plan of a live preview takes from this one
    # Files besides pages, by path in the site: the pages' stylesheets and scripts, data exports.
    files: dict[str, str] = field(default_factory=dict)
    stylesheets: tuple[str, ...] = ()  # paths among `files` every page links
    scripts: tuple[str, ...] = ()
    # The note each decision record's page shows under its title, by source path (HTML).
    record_notes: dict[str, str] = field(default_factory=dict)
    # The file each card's and failure mode's page is made from, by path: read without the page.
    sources: dict[str, Path] = field(default_factory=dict)

    def navigation(self, handwritten: Iterable[str] = (), *, section_indexes: bool = True) -> Nav:
        """The navigation, with the site's own pages placed in it (see navigation.navigation)."""
        log = log_uri(self.settings.records_dir) if self.settings.records else None
        return navigation(self.catalog, list(handwritten), section_indexes=section_indexes, log=log)


def data_exports(
    catalog: Catalog,
    settings: SiteSettings,
    reuse: DataParts | None = None,
    *,
    sink: Sink | None = None,
) -> tuple[dict[str, str], DataParts]:
    """The cards for programs, by path in the site: the JSON API (`api/`), `llms.txt`,
    `llms-full.txt` and the Markdown version of each card and failure mode; and what they hold
    of each entry. The entries in `reuse` are taken from it instead of being written again,
    and those written are added to it (its objects and lines are the ones returned). With
    `sink`, each file is handed to it as soon as it is made and not returned (see
    `build_plan`)."""
    reuse = reuse or DataParts()
    site_url, directory_urls = settings.site_url, settings.directory_urls
    files, objects = data_files(
        catalog, site_url=site_url, directory_urls=directory_urls, made=reuse.objects, sink=sink
    )
    markdown, lines = markdown_files(
        catalog,
        site_name=settings.site_name,
        description=settings.site_description,
        site_url=site_url,
        directory_urls=directory_urls,
        made=reuse.markdown,
        log=log_uri(settings.records_dir) if settings.records else None,
        sink=sink,
    )
    return {**files, **markdown}, DataParts(objects, lines)


ON_DEMAND = "assets/tradeoff-cards/search/"
CHANGES_LISTED = 60  # on "What changed": each card keeps its whole history on its own page
LOG_TITLE = "Decision log"  # scripts a page loads only when a reader asks


def assets() -> dict[str, str]:
    """The stylesheets and scripts generated pages need, by their path in the site, in the order
    pages load them: page.js first, as the other scripts use what it shares; then the scripts
    loaded on demand (the search, in `search/`)."""
    paths = sorted(ASSETS.iterdir(), key=lambda path: (path.name != "page.js", path.name))
    paths += sorted((ASSETS / "search").iterdir())
    return {
        f"assets/tradeoff-cards/{path.relative_to(ASSETS).as_posix()}": path.read_text(
            encoding="utf-8"
        )
        for path in paths
        if path.suffix in (".css", ".js")
    }


class _Planner:
    """Renders each page of a plan, or takes it unchanged from the previous plan."""

    def __init__(self, reuse: PageReuse, spill: bool = False) -> None:
        self.reuse = reuse
        self.pages: MutableMapping[str, Page] = Spilled() if spill else {}
        self.rendered: set[str] = set()
        self.sources: dict[str, Path] = {}
        self.pending: list[_Job] = []
        # of the entries whose pages were rendered
        self.parts = DataParts(Spilled(), Spilled()) if spill else DataParts()

    def add(self, job: _Job) -> None:
        """Queue a page: taken from the previous plan if nothing it shows changed, else rendered."""
        if job.source is not None:
            self.sources[job.path] = job.source
        old = self.reuse.page(job.path, job.entry_id)
        if old is not None:
            self.pages[job.path] = old
            return
        self.pending.append(job)

    def finish(self) -> MutableMapping[str, Page]:
        """Render every queued page (on both cores when there are many) and return all pages,
        by path. Each page is put away as it comes (on disk, when spilled)."""
        for page, parts in each_of_halves(_make_page, self.pending):
            self.pages[page.path] = page
            self.rendered.add(page.path)
            if parts is not None:
                self.parts.add(parts)
        self.pending = []
        if isinstance(self.pages, Spilled):
            self.pages.order_by(str)
            return self.pages
        return dict(sorted(self.pages.items()))


@dataclass(frozen=True)
class _Job:
    path: str
    kind: str
    entry_id: str | None
    title: str
    source: Path | None
    render: Callable[[], Rendered]
    searchable: tuple[str, ...] | None = None  # the page's tags, when it is searched
    data: Callable[[], DataParts] | None = None  # its entry's parts of the data files


def _make_page(job: _Job) -> tuple[Page, DataParts | None]:
    try:
        rendered = job.render()
    except Exception as exc:
        problem = template_problem(exc, job.path)  # told where it is, in a worker too
        if problem is None:
            raise
        raise problem from None
    search: tuple[SearchEntry, ...] = ()
    if job.searchable is not None:
        search = tuple(page_entries(rendered.markdown, job.title, job.searchable))
    page = Page(
        job.path,
        job.kind,
        job.entry_id,
        job.title,
        job.source,
        rendered.depends_on,
        rendered.markdown,
        search,
    )
    return page, job.data() if job.data is not None else None


def _renderer(
    catalog: Catalog, settings: SiteSettings, today: dt.date
) -> tuple[Renderer, list[Decided]]:
    """The renderer of a site's pages, and the decision records its pages show."""
    renderer = Renderer(
        catalog,
        today=today,
        template_dir=settings.template_dir,
        directory_urls=settings.directory_urls,
        links_from_source=settings.links_from_source,
        site_url=settings.site_url,
    )
    shown = decided(settings.records, catalog, today)
    renderer.records = by_card(shown)
    return renderer, shown


def _entry_jobs(
    catalog: Catalog, renderer: Renderer, entry_data: _EntryData | None
) -> Iterator[_Job]:
    """The page of each card and failure mode, with its parts of the data files (when given
    `entry_data`)."""
    for card_id, entry in catalog.decisions.items():
        uri = decision_uri(card_id)
        yield _Job(
            uri,
            "decision",
            card_id,
            entry.model.title,
            entry.path,
            partial(renderer.decision, entry),
            tuple(entry.model.tags or ()),
            partial(entry_data, uri, card_id, True) if entry_data else None,
        )
    for mode_id, mode in catalog.failure_modes.items():
        uri = failure_mode_uri(mode_id)
        yield _Job(
            uri,
            "failure-mode",
            mode_id,
            mode.model.title,
            mode.path,
            partial(renderer.failure_mode, mode),
            tuple(mode.model.tags or ()),
            partial(entry_data, uri, mode_id, False) if entry_data else None,
        )


@fewer_collections()
def build_plan(
    catalog: Catalog,
    settings: SiteSettings | None = None,
    *,
    today: dt.date | None = None,
    previous: SitePlan | None = None,
    keep_parts: bool = True,
    sink: Sink | None = None,
    spill: bool = False,
    pages_ready: Callable[[SitePlan], object] | None = None,
) -> SitePlan:
    """The plan of the whole site. With `previous` (the plan of the last build of the same site),
    pages that show nothing that changed are taken from it instead of being rendered again.
    Without `keep_parts`, what the data files hold of each entry is not kept beside the files
    (a second copy of them all) for a next plan to reuse: a one-off build has no next plan.
    With `sink`, the data files (the JSON API, llms.txt, llms-full.txt, each entry's Markdown)
    are handed to it, by path in the site, as soon as each is made, and are not in the plan's
    `files`: an engine that writes them at once never holds them all (tens of megabytes at a
    thousand cards). With `spill`, the pages wait on disk (see `spill.Spilled`) until they are
    asked for, each read back whole: for a build that writes them once. `pages_ready` is given
    the plan as soon as its pages are made, without its files (the search index starts from
    there, on the other core, while the data files are assembled)."""
    settings = settings or SiteSettings()
    today = today or build_date()
    outside = pages_outside_navigation(catalog)
    digest = fingerprint(catalog, settings, today, outside)
    contents = contents_fingerprint(catalog, settings, today)
    renderer, shown = _renderer(catalog, settings, today)
    planner = _Planner(PageReuse(previous, catalog, contents), spill)
    entry_data = _EntryData(catalog, settings, renderer.records)
    for job in _entry_jobs(catalog, renderer, entry_data):
        planner.add(job)
    for category in catalog.categories:
        planner.add(
            _Job(
                category_uri(category.id),
                "category",
                category.id,
                category.title,
                None,
                partial(renderer.category, category),
            )
        )
    # What each fixed page lists, computed from the catalog the page sees.
    listed: dict[str, Callable[[Catalog], dict[str, Any]]] = {
        "home": lambda c: {"recent": recently_reviewed(c), "changes": recent_changes(c)},
        "failure_modes": lambda c: {
            "modes": sorted(c.failure_modes.values(), key=lambda e: e.model.title.casefold())
        },
        "finder": lambda c: {"finder": finder(c)},
        "reversibility": lambda c: {"by_undo": by_undo_cost(c)},
        "who_pays": lambda c: {"bearers": who_pays(c)},
        "review_due": lambda c: {"due": due_for_review(c, today)},
        "tags": lambda c: {"tags": tag_index(c)},
        "changes": lambda c: {"changes": recent_changes(c, CHANGES_LISTED)},
        "fields": lambda c: {"references": field_reference()},
    }
    for fixed in FIXED_PAGES:
        title = fixed.title or settings.site_name
        planner.add(
            _Job(
                fixed.path,
                "home" if fixed.path == HOME else "listing",
                None,
                title,
                None,
                partial(
                    renderer.listing, fixed.template, fixed.path, title, listed.get(fixed.name)
                ),
            )
        )
    if shown:
        planner.add(
            _Job(
                log_uri(settings.records_dir),
                "listing",
                None,
                LOG_TITLE,
                None,
                partial(
                    renderer.listing,
                    "decision-log.md.j2",
                    log_uri(settings.records_dir),
                    LOG_TITLE,
                    lambda c: {"decided": shown},
                ),
            )
        )
    pages = planner.finish()
    state = ReuseState(digest, planner.rendered, DataParts(), contents)
    if pages_ready is not None:
        pages_ready(SitePlan(catalog, settings, today, pages, tuple(outside), state))
    files = assets()
    # An entry's data files show what its page shows: unchanged page, unchanged data. Those of
    # the pages rendered were made with them; data_exports only assembles the files.
    entries = {decision_uri(i) for i in catalog.decisions}
    entries |= {failure_mode_uri(i) for i in catalog.failure_modes}
    reuse = planner.parts
    kept = planner.reuse.data_parts(entries, planner.rendered)
    if kept is not None:
        reuse.add(kept)
    exported, parts = data_exports(catalog, settings, reuse, sink=sink)
    files[SEARCH_FILTERS] = search_filters(catalog)
    return SitePlan(
        catalog,
        settings,
        today,
        pages,
        tuple(outside),
        replace(state, data_parts=parts) if keep_parts else state,
        files={**files, **exported},
        stylesheets=tuple(p for p in files if p.endswith(".css")),
        scripts=tuple(p for p in files if p.endswith(".js") and not p.startswith(ON_DEMAND)),
        record_notes=record_notes(shown, settings.directory_urls, settings.links_from_source),
        sources=planner.sources,
    )


EDITS_SHOWN_FIRST = 10  # more entries edited at once (a checkout, a search and replace): one plan


def edited_entry_pages(
    catalog: Catalog, previous: SitePlan, today: dt.date | None = None
) -> dict[str, Page] | None:
    """The pages of the cards and failure modes edited since `previous` was planned, rendered
    against `catalog`, for a live preview to show before it plans the whole site again. None
    when the edit changes more than those pages and the ones that list or name the entries: a
    title, an entry added or removed, a new day (anything `reuse.fingerprint` covers), or when
    no entry or more than `EDITS_SHOWN_FIRST` were edited. The pages are those the next whole
    plan makes for the same catalog (`today`: the date the plan would be made on)."""
    settings, today = previous.settings, today or build_date()
    if today != previous.today:
        return None
    digest = fingerprint(catalog, settings, today, pages_outside_navigation(catalog))
    if digest != previous.reuse.fingerprint:
        return None
    edited = changed_ids(previous.catalog, catalog) - {ALL_DECISIONS, ALL_FAILURE_MODES}
    if not edited or len(edited) > EDITS_SHOWN_FIRST:
        return None
    renderer, _ = _renderer(catalog, settings, today)
    jobs = [job for job in _entry_jobs(catalog, renderer, None) if job.entry_id in edited]
    if len(jobs) != len(edited):  # an entry went: the navigation changed too
        return None
    return {page.path: page for page, _ in map(_make_page, jobs)}
