"""Render a catalog into Markdown pages: {page path: Markdown}. Reads the catalog, never changes it."""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .catalog import Catalog, Entry
from .markup import html_text, link_rewriter, relative_url
from .models import Category, DecisionCard, FailureMode, models_in
from .templating import environment

UNDO_COST_TEXT = {
    "low": "Cheap to undo: try it and learn.",
    "moderate": "Undoable with a planned migration.",
    "high": "Undoing it is a project of its own.",
    "one-way": "Effectively irreversible once adopted.",
}
RELATION_TITLES = {
    "confused_with": "Often confused with",
    "adjacent": "Adjacent decisions",
    "supersedes": "Supersedes",
}


@dataclass(frozen=True)
class RenderedPage:
    """One generated page: where it goes, its Markdown, and the YAML it came from (if any)."""

    uri: str
    markdown: str
    title: str
    source: Path | None = None


def decision_uri(card_id: str) -> str:
    """Source path of a decision card page."""
    return f"decisions/{card_id}.md"


def failure_mode_uri(mode_id: str) -> str:
    """Source path of a failure-mode page."""
    return f"failure-modes/{mode_id}.md"


def category_uri(category_id: str) -> str:
    """Source path of a category's index page."""
    return f"categories/{category_id}/index.md"


HOME = "index.md"
FAILURE_MODES_INDEX = "failure-modes/index.md"
BY_REVERSIBILITY = "browse/reversibility.md"
BY_WHO_PAYS = "browse/who-pays.md"
REVIEW_DUE = "browse/review-due.md"
TAGS = "browse/tags.md"
FIELD_REFERENCE = "contribute/fields.md"


def build_date() -> dt.date:
    """Today, or the date of SOURCE_DATE_EPOCH so that builds are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus a number of months, clamped to the end of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_due_date(card: DecisionCard) -> dt.date:
    """The date from which a card is due for review."""
    return add_months(card.reviewed, card.review_every_months)


class Renderer:
    """Renders every page of a catalog with one Jinja environment."""

    def __init__(
        self,
        catalog: Catalog,
        *,
        today: dt.date | None = None,
        template_dir: str | None = None,
        directory_urls: bool = True,
    ) -> None:
        self.catalog = catalog
        self.today = today or build_date()
        self.env = environment(template_dir)
        self.directory_urls = directory_urls

    def _render(self, template: str, uri: str, **context: Any) -> str:
        # Generated pages are HTML under Markdown headings; links are final URLs, computed here.
        def link(target: str) -> str:
            return relative_url(uri, target, self.directory_urls)

        return self.env.get_template(template).render(
            catalog=self.catalog,
            today=self.today,
            link=link,
            rewrite=link_rewriter(uri, self.directory_urls),
            uri=uri,
            decision_uri=decision_uri,
            failure_mode_uri=failure_mode_uri,
            category_uri=category_uri,
            pages=PAGES,
            undo_cost_text=UNDO_COST_TEXT,
            relation_titles=RELATION_TITLES,
            review_due_date=review_due_date,
            **context,
        )

    def decision(self, entry: Entry[DecisionCard]) -> RenderedPage:
        """The page of one decision card."""
        uri = decision_uri(entry.id)
        card = entry.model
        due = review_due_date(card)
        markdown = self._render(
            "decision.md.j2",
            uri,
            entry=entry,
            card=card,
            category=self.catalog.category(card.category),
            backlinks=self.catalog.backlinks.get(entry.id, []),
            superseded_by=self.catalog.superseded_by(entry.id),
            due=due,
            is_due=due <= self.today,
            neighbourhood=self.neighbourhood(entry.id),
        )
        return RenderedPage(uri, markdown, card.title, entry.path)

    def failure_mode(self, entry: Entry[FailureMode]) -> RenderedPage:
        """The page of one failure mode, with every option that leads to it."""
        uri = failure_mode_uri(entry.id)
        markdown = self._render(
            "failure-mode.md.j2",
            uri,
            entry=entry,
            mode=entry.model,
            reached_from=self.catalog.reached_from.get(entry.id, []),
        )
        return RenderedPage(uri, markdown, entry.model.title, entry.path)

    def neighbourhood(self, card_id: str) -> list[tuple[str, str, str]]:
        """Edges (from, kind, to) between this card and every card it names or is named by."""
        edges: list[tuple[str, str, str]] = []
        relations = self.catalog.decisions[card_id].model.relations
        if relations:
            for kind in ("confused_with", "adjacent"):
                edges += [(card_id, kind, r.card) for r in getattr(relations, kind) or []]
            edges += [(card_id, "supersedes", old) for old in relations.supersedes or []]
        edges += [(b.source, b.relation, card_id) for b in self.catalog.backlinks.get(card_id, [])]
        return list(dict.fromkeys(edges))

    def listing(self, template: str, uri: str, title: str, **context: Any) -> RenderedPage:
        """A generated page that lists cards (no YAML source)."""
        return RenderedPage(uri, self._render(template, uri, title=title, **context), title)

    def category(self, category: Category) -> RenderedPage:
        """A category's index page: its cards as a grid."""
        return self.listing(
            "category.md.j2",
            category_uri(category.id),
            category.title,
            category=category,
            cards=self.catalog.cards_in(category.id),
        )

    def decisions(
        self,
        previous: dict[str, RenderedPage] | None = None,
        rerender: set[str] | None = None,
    ) -> list[RenderedPage]:
        """Every decision page; with `previous` and `rerender`, a card outside `rerender` keeps
        its previous page.

        (Rendering is not split across processes: measured on the 2-core machine this project
        targets, two processes each ran at little more than half speed, so it gained nothing.)
        """
        if previous is not None and rerender is not None:
            kept = {
                card_id: previous[decision_uri(card_id)]
                for card_id in self.catalog.decisions
                if card_id not in rerender and decision_uri(card_id) in previous
            }
            fresh = {
                card_id: self.decision(entry)
                for card_id, entry in self.catalog.decisions.items()
                if card_id not in kept
            }
            return [kept.get(card_id) or fresh[card_id] for card_id in self.catalog.decisions]
        return [self.decision(entry) for entry in self.catalog.decisions.values()]

    def pages(
        self,
        previous: dict[str, RenderedPage] | None = None,
        rerender: set[str] | None = None,
    ) -> dict[str, RenderedPage]:
        """Every generated page, keyed by its source path (see `decisions` for the reuse)."""
        catalog = self.catalog
        rendered = self.decisions(previous, rerender)
        rendered += [self.failure_mode(e) for e in catalog.failure_modes.values()]
        rendered += [self.category(c) for c in catalog.categories]
        by_undo = {
            cost: sorted(
                (e for e in catalog.decisions.values() if e.model.reversibility.undo_cost == cost),
                key=lambda e: e.model.title.casefold(),
            )
            for cost in UNDO_COST_TEXT
        }
        due = sorted(
            (e for e in catalog.decisions.values() if review_due_date(e.model) <= self.today),
            key=lambda e: (review_due_date(e.model), e.id),
        )
        recent = sorted(catalog.decisions.values(), key=lambda e: (e.model.reviewed, e.id), reverse=True)
        rendered += [
            self.listing("home.md.j2", HOME, "Trade-off Cards", recent=recent[:8]),
            self.listing(
                "failure-modes.md.j2",
                FAILURE_MODES_INDEX,
                "Failure modes",
                modes=sorted(catalog.failure_modes.values(), key=lambda e: e.model.title.casefold()),
            ),
            self.listing("reversibility.md.j2", BY_REVERSIBILITY, "Browse by reversibility", by_undo=by_undo),
            self.listing("who-pays.md.j2", BY_WHO_PAYS, "Browse by who pays", bearers=who_pays(catalog)),
            self.listing("review-due.md.j2", REVIEW_DUE, "Review due", due=due),
            self.listing("tags.md.j2", TAGS, "Tags"),
            self.listing(
                "fields.md.j2", FIELD_REFERENCE, "Field reference", references=field_reference()
            ),
        ]
        return {page.uri: page for page in sorted(rendered, key=lambda p: p.uri)}


PAGES = {
    "home": HOME,
    "failure_modes": FAILURE_MODES_INDEX,
    "reversibility": BY_REVERSIBILITY,
    "who_pays": BY_WHO_PAYS,
    "review_due": REVIEW_DUE,
    "tags": TAGS,
    "fields": FIELD_REFERENCE,
}


# Where the party ends and the qualification begins, in a cost bearer such as
# "Analysts, when BI performance lags" or "On-call engineers during the migration".
_PARTY_END = re.compile(r",|;|:\s|\s[(\u2014\u2013-]\s?|\s(?:who|whose|when|while|during|if|until|for|because)\s", re.I)


def payer(bearer: str) -> str:
    """The party named by a cost bearer, without its qualification."""
    party = _PARTY_END.split(bearer.strip(), maxsplit=1)[0].strip().rstrip(".")
    return party[:1].upper() + party[1:] if party else bearer.strip()


def who_pays(catalog: Catalog) -> list[tuple[str, list[tuple[Entry[DecisionCard], str, str]]]]:
    """Every party named as a cost bearer, with (card, option name, full wording) for each use."""
    groups: dict[str, tuple[str, list[tuple[Entry[DecisionCard], str, str]]]] = {}
    for entry in catalog.decisions.values():
        for option in entry.model.options:
            for bearer in option.cost_bearers:
                party = payer(bearer)
                label, items = groups.setdefault(" ".join(party.casefold().split()), (party, []))
                items.append((entry, option.name, bearer))
    return sorted(groups.values(), key=lambda group: (-len(group[1]), group[0].casefold()))


def render_pages(
    catalog: Catalog,
    *,
    today: dt.date | None = None,
    template_dir: str | None = None,
    directory_urls: bool = True,
) -> dict[str, RenderedPage]:
    """Render every generated page of the site."""
    return Renderer(
        catalog, today=today, template_dir=template_dir, directory_urls=directory_urls
    ).pages()


# A category with more cards than this lists only its own page in the navigation; its page
# lists the cards. Every page carries the navigation of its section, so a bounded section keeps
# the cost of a page (and its size) from growing with the collection.
NAV_CARDS_UP_TO = 40


def cards_outside_navigation(catalog: Catalog) -> list[str]:
    """Source paths of the pages the navigation leaves out (see NAV_CARDS_UP_TO)."""
    outside = [
        decision_uri(e.id)
        for category in catalog.categories
        if len(entries := catalog.cards_in(category.id)) > NAV_CARDS_UP_TO
        for e in entries
    ]
    if len(catalog.failure_modes) > NAV_CARDS_UP_TO:
        outside += [failure_mode_uri(mode_id) for mode_id in sorted(catalog.failure_modes)]
    return outside


def navigation(catalog: Catalog, extra_pages: dict[str, list[str]] | None = None) -> list[Any]:
    """The site navigation: one section per category (in categories.yaml order), then the rest.

    `extra_pages` maps a section name ("Contribute") to hand-written page paths to list in it.
    """
    extra = extra_pages or {}
    nav: list[Any] = [{"Home": HOME}]
    # The theme prints nav titles without escaping them: escape here, where the text comes in.
    for category in catalog.categories:
        entries = catalog.cards_in(category.id)
        cards: list[Any] = []
        if len(entries) <= NAV_CARDS_UP_TO:
            cards = [{html_text(e.model.title): decision_uri(e.id)} for e in entries]
        nav.append({html_text(category.title): [category_uri(category.id), *cards]})
    modes = sorted(catalog.failure_modes.values(), key=lambda e: e.model.title.casefold())
    listed = modes if len(modes) <= NAV_CARDS_UP_TO else []
    nav.append(
        {"Failure modes": [FAILURE_MODES_INDEX, *({html_text(e.model.title): failure_mode_uri(e.id)} for e in listed)]}
    )
    nav.append(
        {
            "Browse": [
                {"By reversibility": BY_REVERSIBILITY},
                {"By who pays": BY_WHO_PAYS},
                {"Review due": REVIEW_DUE},
                {"Tags": TAGS},
            ]
        }
    )
    nav.append({"Contribute": [*extra.get("Contribute", []), {"Field reference": FIELD_REFERENCE}]})
    return nav


def site_navigation(catalog: Catalog, handwritten: list[str]) -> list[Any]:
    """The navigation with hand-written pages placed: contribute/* in Contribute, others after Home."""
    contribute = sorted(u for u in handwritten if u.startswith("contribute/"))
    contribute.sort(key=lambda u: not u.endswith("index.md"))
    others = sorted(u for u in handwritten if not u.startswith("contribute/"))
    nav = navigation(catalog, {"Contribute": contribute})
    return nav[:1] + others + nav[1:]


@dataclass(frozen=True)
class FieldDoc:
    """One key of the card format, for the generated field reference."""

    path: str
    kind: str
    required: bool
    description: str


def _kind(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin is typing.Annotated:
        return _kind(args[0])
    if origin is typing.Literal:
        return "one of: " + ", ".join(f"`{a}`" for a in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        return " or ".join(dict.fromkeys(_kind(a) for a in args))
    if origin is list:
        inner = _kind(args[0])
        return f"list of {inner}" if not inner.startswith("list") else inner
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "mapping"
    if annotation is dt.date:
        return "date (YYYY-MM-DD)"
    if annotation is int:
        return "whole number"
    return "text"


def _fields(model: type[BaseModel], prefix: str = "") -> list[FieldDoc]:
    docs: list[FieldDoc] = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        kind = _kind(field.annotation)
        if name in ("key", "id", "category", "card", "failure_mode") or (
            name in ("tags", "supersedes")
        ):
            kind = kind.replace("text", "id (lowercase letters, digits, hyphens)")
        docs.append(FieldDoc(path, kind, field.is_required(), field.description or (model.__doc__ or "").strip()))
        for sub in models_in(field.annotation):
            item = "[]" if "list" in kind else ""
            docs.extend(_fields(sub, f"{path}{item}."))
    return docs


def field_reference() -> dict[str, list[FieldDoc]]:
    """Every key of both card kinds and of categories.yaml, from the models themselves."""
    return {
        "Decision card (cards/decisions/<id>.yaml)": _fields(DecisionCard),
        "Failure mode (cards/failure-modes/<id>.yaml)": _fields(FailureMode),
        "Category (an item of cards/categories.yaml)": _fields(Category),
    }
