"""What a live preview keeps of one build to make the next one faster.

A plan made with the previous plan of the same site takes from it every page that shows nothing
that changed, and the data files' parts of every entry whose page it took. Whether a page shows
something that changed is read from what it recorded while rendering (`Page.depends_on`) and
from the ids of the entries that changed; a change to anything every page's content shows
(categories, roles, date, templates, settings, records) changes the contents fingerprint, and
then nothing is taken. The navigation (with the titles of the cards it lists) is in every page
the engine writes but in no page's content: a title change keeps the contents fingerprint, so
only the pages that show the card are rendered again, and changes the whole fingerprint, so the
engine writes every page again. The site plan holds what the site is; this module holds what
makes it again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Collection, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Protocol

from ..cards import Catalog
from .navigation import navigation
from .page import Page, SiteSettings
from .render import ALL_DECISIONS, ALL_FAILURE_MODES
from .templating import template_signature


@dataclass(frozen=True)
class DataParts:
    """What the data files hold of each entry, kept so that the next plan of a live preview
    writes only the entries whose pages changed."""

    # On disk for a one-off build (spill.py), which uses them once, to write the files.
    objects: MutableMapping[str, str] = field(default_factory=dict)  # JSON text in api/cards.json
    markdown: MutableMapping[tuple[str, str, int], list[str]] = field(default_factory=dict)

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


@dataclass(frozen=True)
class ReuseState:
    """What a plan keeps for the next plan of the same site."""

    # A digest of what shows on every page (navigation, titles, categories, roles, date,
    # templates): when it differs between two plans, every page of the site has to be written.
    fingerprint: str
    rendered: set[str] = field(default_factory=set)  # paths rendered for this plan, not reused
    data_parts: DataParts = field(default_factory=DataParts)
    # The same without the navigation: when it differs, every page has to be rendered again.
    contents: str = ""


class Built(Protocol):
    """What reuse reads of the plan of the previous build (a `SitePlan`)."""

    @property
    def catalog(self) -> Catalog: ...

    @property
    def pages(self) -> Mapping[str, Page]: ...

    @property
    def reuse(self) -> ReuseState: ...


def changed_ids(old: Catalog, new: Catalog) -> set[str]:
    """Ids of entries added, removed or edited between two catalogs (with the ALL_* markers)."""
    changed: set[str] = set()
    for kind, marker in (("decisions", ALL_DECISIONS), ("failure_modes", ALL_FAILURE_MODES)):
        before, after = getattr(old, kind), getattr(new, kind)
        for entry_id in set(before) | set(after):
            a, b = before.get(entry_id), after.get(entry_id)
            if a is None or b is None or (a.model is not b.model and a.model != b.model):
                changed.update((entry_id, marker))
    return changed


def fingerprint(
    catalog: Catalog, settings: SiteSettings, today: dt.date, outside: list[str]
) -> str:
    """The digest of what every page of a site shows (see `ReuseState.fingerprint`)."""
    return _digest(
        {"navigation": navigation(catalog), "not_in_nav": outside},
        contents_fingerprint(catalog, settings, today),
    )


def contents_fingerprint(catalog: Catalog, settings: SiteSettings, today: dt.date) -> str:
    """The digest of what every page's content shows (see `ReuseState.contents`)."""
    shown_everywhere = {
        "categories": [(c.id, c.title, c.description) for c in catalog.categories],
        "roles": [(r.id, r.title, r.description) for r in catalog.roles],
        "today": today.isoformat(),
        "settings": [
            settings.template_dir,
            settings.directory_urls,
            settings.site_name,
            settings.site_url,
            settings.links_from_source,
            settings.records_dir,
        ],
        "records": settings.records,  # listed on their cards' pages and on the log
        "templates": template_signature(settings.template_dir),
    }
    return _digest(shown_everywhere)


def _digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


class PageReuse:
    """Which pages of the previous plan a new plan may take as they are."""

    def __init__(self, previous: Built | None, catalog: Catalog, digest: str) -> None:
        self.previous = previous
        self.pages: Mapping[str, Page] = {}
        self.changed: set[str] = set()
        self.touched: set[str] = set()
        if previous is not None and previous.reuse.contents == digest:
            self.pages = previous.pages
            self.changed = changed_ids(previous.catalog, catalog)
            # The pages of entries a changed card names (before or after) show it as a backlink.
            for entry_id in self.changed:
                self.touched |= previous.catalog.names.get(entry_id, frozenset())
                self.touched |= catalog.names.get(entry_id, frozenset())

    def page(self, path: str, entry_id: str | None) -> Page | None:
        """The previous plan's page at `path` if nothing it shows changed, else None."""
        old = self.pages.get(path)
        if old is None or old.depends_on & self.changed or entry_id in self.touched:
            return None
        return old

    def data_parts(self, entries: Collection[str], rendered: Collection[str]) -> DataParts | None:
        """The data files' parts of the entries (by page path) whose pages were not rendered
        again; None when nothing is taken from the previous plan."""
        if not self.pages or self.previous is None:
            return None
        return self.previous.reuse.data_parts.of(set(entries) - set(rendered))


def changed_pages(
    plan: Built, previous: Built | None, written: Mapping[str, str] | None = None
) -> set[str] | None:
    """Paths of the pages whose content differs from `previous` and from what was `written`
    since (the Markdown of pages written ahead of the plan, by path); None when every page of
    the site must be rebuilt."""
    if previous is None or previous.reuse.fingerprint != plan.reuse.fingerprint:
        return None
    written = written or {}
    return {
        path
        for path, page in plan.pages.items()
        if written.get(path) != page.markdown
        and (path not in previous.pages or previous.pages[path].markdown != page.markdown)
    }
