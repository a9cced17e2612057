"""The site navigation: a section per category, then failure modes, browse pages and guides.

Navigation titles are HTML-escaped here because themes print them without escaping.
"""

from __future__ import annotations

from typing import Any

from ..cards import Catalog
from .markup import html_text
from .paths import (
    FAILURE_MODES_INDEX,
    FIXED_PAGES,
    HOME,
    category_uri,
    decision_uri,
    failure_mode_uri,
)

# A category with more cards than this lists only its own page in the navigation; its page
# lists the cards. Every page carries the navigation of its section, so a bounded section keeps
# the cost of a page (and its size) from growing with the collection.
NAV_CARDS_UP_TO = 40

Nav = list[Any]


def pages_outside_navigation(catalog: Catalog) -> list[str]:
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


def navigation(
    catalog: Catalog,
    handwritten: list[str] | None = None,
    *,
    section_indexes: bool = True,
    log: str | None = None,
) -> Nav:
    """The navigation, with hand-written pages placed: `contribute/*` under Contribute,
    `using/*` under "Using the generator" at the end, the decision records with the decision
    log (`log`, when the site has one) after Browse, others after Home. Without
    `section_indexes` (a theme that does not show a section's first page as the section
    itself), a category's own page is listed as its "Overview", so the category's name does not
    appear twice."""
    written = handwritten or []
    records: list[str] = []
    if log is not None:
        folder = log.rsplit("/", 1)[0] + "/"
        records = sorted(u for u in written if u.startswith(folder) and u != log)
        written = [u for u in written if u not in records and u != log]
    contribute = sorted(u for u in written if u.startswith("contribute/"))
    contribute.sort(key=lambda u: not u.endswith("index.md"))
    using = sorted(u for u in written if u.startswith("using/"))
    using.sort(key=lambda u: u != "using/index.md")
    others = sorted(u for u in written if not u.startswith(("contribute/", "using/")))
    nav: Nav = [{"Home": HOME}, *others]
    for category in catalog.categories:
        entries = catalog.cards_in(category.id)
        cards: Nav = []
        if len(entries) <= NAV_CARDS_UP_TO:
            cards = [{html_text(e.model.title): decision_uri(e.id)} for e in entries]
        index: Any = category_uri(category.id)
        if not section_indexes:
            index = {"Overview": index}
        nav.append({html_text(category.title): [index, *cards]})
    modes = sorted(catalog.failure_modes.values(), key=lambda e: e.model.title.casefold())
    listed = modes if len(modes) <= NAV_CARDS_UP_TO else []
    nav.append(
        {
            "Failure modes": [
                FAILURE_MODES_INDEX,
                *({html_text(e.model.title): failure_mode_uri(e.id)} for e in listed),
            ]
        }
    )
    nav.append({"Browse": _fixed("Browse")})
    if log is not None:
        listed_records = records if len(records) <= NAV_CARDS_UP_TO else []
        nav.append({"Decision log": [log, *listed_records]})
    nav.append({"Contribute": [*contribute, *_fixed("Contribute")]})
    if using:
        nav.append({"Using the generator": using})
    return nav


def _fixed(section: str) -> Nav:
    """The navigation entries of the fixed pages of a section."""
    return [{page.nav_title: page.path} for page in FIXED_PAGES if page.section == section]
