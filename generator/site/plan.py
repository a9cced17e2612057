"""The site plan: every page, the navigation and the search entries, computed once from the catalog.

The plan owes nothing to any site engine: an engine adapter adds the plan's pages, sets its
navigation and hands its search entries to the engine's search. Comparing two plans says which
pages changed, which is what a live preview rebuilds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from ..cards import Catalog
from ..cards.parallel import map_halves
from .card_markdown import MarkdownWriter
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
from .paths import (
    BY_REVERSIBILITY,
    BY_WHO_PAYS,
    FAILURE_MODES_INDEX,
    FIELD_REFERENCE,
    FINDER,
    HOME,
    LLMS_FULL_TXT,
    REVIEW_DUE,
    TAGS,
    category_uri,
    decision_uri,
    failure_mode_uri,
    page_url,
    site_link,
)
from .render import ALL_DECISIONS, ALL_FAILURE_MODES, Rendered, Renderer
from .search import SearchEntry, page_entries
from .templating import ASSETS, template_signature


@dataclass(frozen=True)
class Page:
    """One generated page."""

    path: str  # source path, e.g. decisions/<id>.md
    kind: str  # decision, failure-mode, category, home or listing
    id: str | None  # the card, failure mode or category it shows
    title: str
    source: Path | None  # the YAML file it is made from
    depends_on: frozenset[str]  # ids of the entries it shows something of
    markdown: str
    search: tuple[SearchEntry, ...] = ()  # empty: the engine indexes the page itself


@dataclass(frozen=True)
class SiteSettings:
    """What a site's configuration changes in the plan."""

    template_dir: str | None = None  # searched for `*.md.j2` before the built-in templates
    directory_urls: bool = True
    site_name: str = "Trade-off Cards"
    site_url: str = ""  # when set, the data files link with absolute URLs under it
    site_description: str = ""  # the summary at the top of llms.txt
    # Links relative to each page's source file rather than its URL (engines that rewrite them)
    links_from_source: bool = False


@dataclass(frozen=True)
class DataParts:
    """What the data files hold of each entry, kept so that the next plan of a live preview
    writes only the entries whose pages changed."""

    objects: dict[str, str] = field(default_factory=dict)  # JSON text in api/cards.json
    markdown: dict[tuple[str, str, int], list[str]] = field(default_factory=dict)

    def of(self, uris: Collection[str]) -> DataParts:
        """The parts of these entries only (by page path)."""
        return DataParts(
            {uri: text for uri, text in self.objects.items() if uri in uris},
            {key: lines for key, lines in self.markdown.items() if key[0] in uris},
        )

    def add(self, other: DataParts) -> None:
        """Take in the parts of other entries."""
        self.objects.update(other.objects)
        self.markdown.update(other.markdown)


class _EntryData:
    """What the data files hold of one entry, made in the same job as the entry's page: both
    read the same card texts, which are then parsed once (see markup.inline_tokens)."""

    def __init__(self, catalog: Catalog, settings: SiteSettings) -> None:
        self.catalog, self.settings = catalog, settings
        self.writer = MarkdownWriter(
            catalog, site_url=settings.site_url, directory_urls=settings.directory_urls
        )

    def __call__(self, uri: str, entry_id: str, decision: bool) -> DataParts:
        settings, writer = self.settings, self.writer
        url = site_link(page_url(uri, settings.directory_urls), "", settings.site_url)
        write_object = decision_object if decision else failure_mode_object
        own = writer.card_file(uri)
        markdown = {(uri, own, 1): writer.entry_lines(uri, own, 1)}
        if not settings.site_url:  # with a site URL, llms-full.txt's version is made from `own`
            markdown[(uri, LLMS_FULL_TXT, 2)] = writer.entry_lines(uri, LLMS_FULL_TXT, 2)
        return DataParts({uri: write_object(self.catalog, entry_id, url)}, markdown)


@dataclass(frozen=True)
class SitePlan:
    """Everything a site needs from the cards."""

    catalog: Catalog
    settings: SiteSettings
    today: dt.date
    pages: dict[str, Page]
    not_in_nav: tuple[str, ...]
    # A digest of what shows on every page (navigation, titles, categories, date, templates):
    # when it differs between two plans, every page of the site has to be rebuilt.
    fingerprint: str
    rendered: set[str] = field(default_factory=set)  # paths rendered for this plan, not reused
    # Files besides pages, by path in the site: the pages' stylesheets and scripts, data exports.
    files: dict[str, str] = field(default_factory=dict)
    stylesheets: tuple[str, ...] = ()  # paths among `files` every page links
    scripts: tuple[str, ...] = ()
    data_parts: DataParts = field(default_factory=DataParts)

    def navigation(self, handwritten: Iterable[str] = (), *, section_indexes: bool = True) -> Nav:
        """The navigation, with the site's own pages placed in it (see navigation.navigation)."""
        return navigation(self.catalog, list(handwritten), section_indexes=section_indexes)

    def changed_pages(self, previous: SitePlan | None) -> set[str] | None:
        """Paths of the pages whose content differs from `previous`; None when every page of
        the site must be rebuilt."""
        if previous is None or previous.fingerprint != self.fingerprint:
            return None
        return {
            path
            for path, page in self.pages.items()
            if path not in previous.pages or previous.pages[path].markdown != page.markdown
        }


def data_exports(
    catalog: Catalog, settings: SiteSettings, reuse: DataParts | None = None
) -> tuple[dict[str, str], DataParts]:
    """The cards for programs, by path in the site: the JSON API (`api/`), `llms.txt`,
    `llms-full.txt` and the Markdown version of each card and failure mode; and what they hold
    of each entry. The entries in `reuse` are taken from it instead of being written again."""
    reuse = reuse or DataParts()
    site_url, directory_urls = settings.site_url, settings.directory_urls
    files, objects = data_files(
        catalog, site_url=site_url, directory_urls=directory_urls, reuse=reuse.objects
    )
    markdown, lines = markdown_files(
        catalog,
        site_name=settings.site_name,
        description=settings.site_description,
        site_url=site_url,
        directory_urls=directory_urls,
        reuse=reuse.markdown,
    )
    return {**files, **markdown}, DataParts(objects, lines)


def assets() -> dict[str, str]:
    """The stylesheets and scripts generated pages need, by their path in the site, in the order
    pages load them: page.js first, as the other scripts use what it shares."""
    paths = sorted(ASSETS.iterdir(), key=lambda path: (path.name != "page.js", path.name))
    return {
        f"assets/tradeoff-cards/{path.name}": path.read_text(encoding="utf-8")
        for path in paths
        if path.suffix in (".css", ".js")
    }


def _changed_ids(old: Catalog, new: Catalog) -> set[str]:
    """Ids of entries added, removed or edited between two catalogs (with the ALL_* markers)."""
    changed: set[str] = set()
    for kind, marker in (("decisions", ALL_DECISIONS), ("failure_modes", ALL_FAILURE_MODES)):
        before, after = getattr(old, kind), getattr(new, kind)
        for entry_id in set(before) | set(after):
            a, b = before.get(entry_id), after.get(entry_id)
            if a is None or b is None or (a.model is not b.model and a.model != b.model):
                changed.update((entry_id, marker))
    return changed


def _fingerprint(
    catalog: Catalog, settings: SiteSettings, today: dt.date, outside: list[str]
) -> str:
    shown_everywhere = {
        "navigation": navigation(catalog),
        "not_in_nav": outside,
        "categories": [(c.id, c.title, c.description) for c in catalog.categories],
        "today": today.isoformat(),
        "settings": [
            settings.template_dir,
            settings.directory_urls,
            settings.site_name,
            settings.site_url,
            settings.links_from_source,
        ],
        "templates": template_signature(settings.template_dir),
    }
    return hashlib.sha256(json.dumps(shown_everywhere, default=str).encode()).hexdigest()


class _Planner:
    """Renders each page of a plan, or takes it unchanged from the previous plan."""

    def __init__(
        self, catalog: Catalog, renderer: Renderer, previous: SitePlan | None, fingerprint: str
    ):
        self.catalog = catalog
        self.renderer = renderer
        self.pages: dict[str, Page] = {}
        self.rendered: set[str] = set()
        self.reusable: dict[str, Page] = {}
        self.changed: set[str] = set()
        self.touched: set[str] = set()
        self.pending: list[_Job] = []
        self.parts = DataParts()  # of the entries whose pages were rendered
        if previous is not None and previous.fingerprint == fingerprint:
            self.reusable = previous.pages
            self.changed = _changed_ids(previous.catalog, catalog)
            # The pages of entries a changed card names (before or after) show it as a backlink.
            for entry_id in self.changed:
                self.touched |= previous.catalog.names.get(entry_id, frozenset())
                self.touched |= catalog.names.get(entry_id, frozenset())

    def add(
        self,
        path: str,
        kind: str,
        entry_id: str | None,
        title: str,
        source: Path | None,
        render: Callable[[], Rendered],
        searchable: tuple[str, ...] | None = None,
        data: Callable[[], DataParts] | None = None,
    ) -> None:
        """Queue a page: taken from the previous plan if nothing it shows changed, else rendered."""
        old = self.reusable.get(path)
        if old is not None and not (old.depends_on & self.changed) and entry_id not in self.touched:
            self.pages[path] = old
            return
        self.pending.append(_Job(path, kind, entry_id, title, source, render, searchable, data))

    def finish(self) -> dict[str, Page]:
        """Render every queued page (on both cores when there are many) and return all pages."""
        for page, parts in map_halves(_make_page, self.pending):
            self.pages[page.path] = page
            self.rendered.add(page.path)
            if parts is not None:
                self.parts.add(parts)
        self.pending = []
        return dict(sorted(self.pages.items()))


@dataclass(frozen=True)
class _Job:
    path: str
    kind: str
    entry_id: str | None
    title: str
    source: Path | None
    render: Callable[[], Rendered]
    searchable: tuple[str, ...] | None
    data: Callable[[], DataParts] | None


def _make_page(job: _Job) -> tuple[Page, DataParts | None]:
    rendered = job.render()
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


def build_plan(
    catalog: Catalog,
    settings: SiteSettings | None = None,
    *,
    today: dt.date | None = None,
    previous: SitePlan | None = None,
    keep_parts: bool = True,
) -> SitePlan:
    """The plan of the whole site. With `previous` (the plan of the last build of the same site),
    pages that show nothing that changed are taken from it instead of being rendered again.
    Without `keep_parts`, what the data files hold of each entry is not kept beside the files
    (a second copy of them all) for a next plan to reuse: a one-off build has no next plan."""
    settings = settings or SiteSettings()
    today = today or build_date()
    outside = pages_outside_navigation(catalog)
    fingerprint = _fingerprint(catalog, settings, today, outside)
    renderer = Renderer(
        catalog,
        today=today,
        template_dir=settings.template_dir,
        directory_urls=settings.directory_urls,
        links_from_source=settings.links_from_source,
        site_url=settings.site_url,
    )
    planner = _Planner(catalog, renderer, previous, fingerprint)
    entry_data = _EntryData(catalog, settings)
    for card_id, entry in catalog.decisions.items():
        planner.add(
            decision_uri(card_id),
            "decision",
            card_id,
            entry.model.title,
            entry.path,
            partial(renderer.decision, entry),
            tuple(entry.model.tags or ()),
            partial(entry_data, decision_uri(card_id), card_id, True),
        )
    for mode_id, mode in catalog.failure_modes.items():
        planner.add(
            failure_mode_uri(mode_id),
            "failure-mode",
            mode_id,
            mode.model.title,
            mode.path,
            partial(renderer.failure_mode, mode),
            tuple(mode.model.tags or ()),
            partial(entry_data, failure_mode_uri(mode_id), mode_id, False),
        )
    for category in catalog.categories:
        planner.add(
            category_uri(category.id),
            "category",
            category.id,
            category.title,
            None,
            partial(renderer.category, category),
        )
    listings: list[tuple[str, str, str, str, Callable[[Catalog], dict[str, Any]] | None]] = [
        (
            HOME,
            "home",
            "home.md.j2",
            settings.site_name,
            lambda c: {"recent": recently_reviewed(c), "changes": recent_changes(c)},
        ),
        (
            FAILURE_MODES_INDEX,
            "listing",
            "failure-modes.md.j2",
            "Failure modes",
            lambda c: {
                "modes": sorted(c.failure_modes.values(), key=lambda e: e.model.title.casefold())
            },
        ),
        (
            FINDER,
            "listing",
            "finder.md.j2",
            "Find a card",
            lambda c: {"finder": finder(c)},
        ),
        (
            BY_REVERSIBILITY,
            "listing",
            "reversibility.md.j2",
            "Browse by reversibility",
            lambda c: {"by_undo": by_undo_cost(c)},
        ),
        (
            BY_WHO_PAYS,
            "listing",
            "who-pays.md.j2",
            "Browse by who pays",
            lambda c: {"bearers": who_pays(c)},
        ),
        (
            REVIEW_DUE,
            "listing",
            "review-due.md.j2",
            "Review due",
            lambda c: {"due": due_for_review(c, today)},
        ),
        (TAGS, "listing", "tags.md.j2", "Tags", lambda c: {"tags": tag_index(c)}),
        (
            FIELD_REFERENCE,
            "listing",
            "fields.md.j2",
            "Field reference",
            lambda c: {"references": field_reference()},
        ),
    ]
    for path, kind, template, title, data in listings:
        planner.add(
            path,
            kind,
            None,
            title,
            None,
            partial(renderer.listing, template, path, title, data),
        )
    pages = planner.finish()
    files = assets()
    # An entry's data files show what its page shows: unchanged page, unchanged data. Those of
    # the pages rendered were made with them; data_exports only assembles the files.
    reuse = planner.parts
    if planner.reusable:
        entries = {decision_uri(i) for i in catalog.decisions}
        entries |= {failure_mode_uri(i) for i in catalog.failure_modes}
        assert previous is not None
        reuse.add(previous.data_parts.of(entries - planner.rendered))
    exported, parts = data_exports(catalog, settings, reuse)
    return SitePlan(
        catalog,
        settings,
        today,
        pages,
        tuple(outside),
        fingerprint,
        planner.rendered,
        files={**files, **exported},
        stylesheets=tuple(p for p in files if p.endswith(".css")),
        scripts=tuple(p for p in files if p.endswith(".js")),
        data_parts=parts if keep_parts else DataParts(),
    )
