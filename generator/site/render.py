"""Render pages from the catalog with one Jinja environment, recording what each page reads.

Every page is rendered against a watched view of the catalog: each card or failure mode a template
looks up is recorded, and iterating over all of them records that too. The site plan compares
those records with what changed to decide which pages to render again; nothing lists a page's
dependencies by hand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from markupsafe import Markup

from ..cards import RELATION_KINDS, Catalog, Entry, outline
from ..cards.models import Category, DecisionCard, FailureMode
from .adr import card_link, record_parts
from .citing import Numbered, back_mark, link_page, numbered, site_of
from .diagram import relation_svg
from .listings import UNDO_COST_TEXT, review_due_date
from .paths import PAGES, category_uri, decision_uri, failure_mode_uri, link_rewriter, relative_url
from .records import Decided
from .templating import environment

# Recorded when a page reads every decision card (or every failure mode), not just some.
ALL_DECISIONS = "*decisions"
ALL_FAILURE_MODES = "*failure-modes"

V = TypeVar("V")


class _Watched(Mapping[str, V], Generic[V]):
    """A read-only view of a mapping of entries that records which ids are read."""

    def __init__(self, data: Mapping[str, V], seen: set[str], everything: str) -> None:
        self._data, self._seen, self._everything = data, seen, everything

    def __getitem__(self, key: str) -> V:
        self._seen.add(key)
        return self._data[key]

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        self._seen.add(self._everything)
        return iter(self._data)

    def __len__(self) -> int:
        self._seen.add(self._everything)
        return len(self._data)


class _WatchedLinks(_Watched[list[V]]):
    """Backlinks or "reached from" lists: reading one records the entries it comes from."""

    def __init__(
        self,
        data: Mapping[str, list[V]],
        seen: set[str],
        everything: str,
        origin: Callable[[V], str],
    ) -> None:
        super().__init__(data, seen, everything)
        self._origin = origin

    def __getitem__(self, key: str) -> list[V]:
        links = self._data[key]
        self._seen.update(self._origin(link) for link in links)
        return links


def watched(catalog: Catalog, seen: set[str]) -> Catalog:
    """The catalog as a page sees it: every entry it reads is added to `seen`."""
    return dataclasses.replace(
        catalog,
        decisions=_Watched(catalog.decisions, seen, ALL_DECISIONS),
        failure_modes=_Watched(catalog.failure_modes, seen, ALL_FAILURE_MODES),
        backlinks=_WatchedLinks(catalog.backlinks, seen, ALL_DECISIONS, lambda b: b.source),
        reached_from=_WatchedLinks(catalog.reached_from, seen, ALL_DECISIONS, lambda r: r.card),
    )


@dataclass(frozen=True)
class Rendered:
    """A page's Markdown, and the ids of the entries it read."""

    markdown: str
    depends_on: frozenset[str]


def neighbourhood(catalog: Catalog, card_id: str) -> list[tuple[str, str, str]]:
    """Edges (from, kind, to) between a card and every card it names or is named by."""
    edges: list[tuple[str, str, str]] = []
    relations = catalog.decisions[card_id].model.relations
    if relations:
        for kind in RELATION_KINDS:
            edges += [(card_id, kind, r.card) for r in getattr(relations, kind) or []]
        edges += [(card_id, "supersedes", old) for old in relations.supersedes or []]
    edges += [(b.source, b.relation, card_id) for b in catalog.backlinks.get(card_id, [])]
    return list(dict.fromkeys(edges))


class Renderer:
    """Renders pages of one catalog with one Jinja environment."""

    def __init__(
        self,
        catalog: Catalog,
        *,
        today: dt.date,
        template_dir: str | None = None,
        directory_urls: bool = True,
        links_from_source: bool = False,
        site_url: str = "",
    ) -> None:
        self.catalog = catalog
        self.today = today
        self.env = environment(template_dir)
        self.directory_urls = directory_urls
        self.from_source = links_from_source
        self.site_url = site_url
        # The decision records that name each card (records.by_card), set by the plan.
        self.records: dict[str, list[Decided]] = {}

    def render(
        self,
        template: str,
        uri: str,
        context: Callable[[Catalog], dict[str, Any]],
        *own: str,
        sources: Numbered | None = None,
    ) -> Rendered:
        """Render `template` as the page at `uri`; `context` builds its variables from the watched
        catalog, and `own` names the entries the page is made from. `sources` are the numbered
        sources of the entry the page shows: its citations link to them (on other pages,
        citations are left out)."""
        seen = set(own)
        catalog = watched(self.catalog, seen)
        directory_urls, from_source = self.directory_urls, self.from_source

        def link(target: str) -> str:
            return relative_url(uri, target, directory_urls, from_source)

        markdown = self.env.get_template(template).render(
            catalog=catalog,
            today=self.today,
            link=link,
            rewrite=link_rewriter(uri, directory_urls, from_source),
            uri=uri,
            decision_uri=decision_uri,
            failure_mode_uri=failure_mode_uri,
            category_uri=category_uri,
            pages=PAGES,
            undo_cost_text=UNDO_COST_TEXT,
            facets=outline.FACETS,
            labels=outline.LABELS,
            backlink_words=outline.BACKLINK_WORDS,
            numbered=sources,
            back_mark=back_mark,
            site_of=site_of,
            review_due_date=review_due_date,
            **context(catalog),
        )
        return Rendered(link_page(markdown, sources), frozenset(seen))

    def decision(self, entry: Entry[DecisionCard]) -> Rendered:
        """The page of one decision card."""
        card = entry.model
        due = review_due_date(card)
        uri = decision_uri(entry.id)

        def context(catalog: Catalog) -> dict[str, Any]:
            backlinks = catalog.backlinks.get(entry.id, [])
            return {
                "outline": list(outline.shown(outline.DECISION, card, referenced_by=backlinks)),
                "helper_intro": Markup(html.escape(outline.helper_intro(card), quote=False)),
                "entry": entry,
                "card": card,
                "category": catalog.category(card.category),
                "backlinks": backlinks,
                "superseded_by": catalog.superseded_by(entry.id),
                "due": due,
                "is_due": due <= self.today,
                "decided": self.records.get(entry.id, []),
                "record": dataclasses.asdict(
                    record_parts(entry.id, card, self.site_url, self.directory_urls)
                ),
                "canonical": card_link(entry.id, self.site_url, self.directory_urls),
                "diagram": relation_svg(
                    entry.id,
                    neighbourhood(catalog, entry.id),
                    lambda card_id: catalog.decisions[card_id].model.title,
                    # relative to the page's URL whatever the engine: none rewrites SVG links
                    lambda card_id: relative_url(uri, decision_uri(card_id), self.directory_urls),
                ),
            }

        return self.render("decision.md.j2", uri, context, entry.id, sources=numbered(card))

    def failure_mode(self, entry: Entry[FailureMode]) -> Rendered:
        """The page of one failure mode, with every option that leads to it."""

        def context(catalog: Catalog) -> dict[str, Any]:
            return {
                "outline": list(outline.shown(outline.FAILURE_MODE, entry.model)),
                "entry": entry,
                "mode": entry.model,
                "reached_from": catalog.reached_from.get(entry.id, []),
            }

        uri = failure_mode_uri(entry.id)
        return self.render(
            "failure-mode.md.j2", uri, context, entry.id, sources=numbered(entry.model)
        )

    def category(self, category: Category) -> Rendered:
        """A category's index page: its cards as a grid."""

        def context(catalog: Catalog) -> dict[str, Any]:
            return {
                "title": category.title,
                "category": category,
                "cards": catalog.cards_in(category.id),
            }

        return self.render("category.md.j2", category_uri(category.id), context)

    def listing(
        self,
        template: str,
        uri: str,
        title: str,
        data: Callable[[Catalog], dict[str, Any]] | None = None,
    ) -> Rendered:
        """A generated page that lists cards; `data` computes its lists from the watched catalog."""

        def context(catalog: Catalog) -> dict[str, Any]:
            return {"title": title, **(data(catalog) if data else {})}

        return self.render(template, uri, context)
