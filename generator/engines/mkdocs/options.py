"""The options of the `tradeoff-cards` plugin in mkdocs.yml."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class TradeoffCardsConfig(base.Config):
    """Options of the `tradeoff-cards` plugin in mkdocs.yml."""

    cards_dir = c.Type(str, default="cards")
    """The card folder, relative to mkdocs.yml."""

    templates_dir = c.Optional(c.Type(str))
    """Folder searched for `*.md.j2` overrides before the built-in templates, relative to
    mkdocs.yml. Defaults to the theme's `custom_dir`."""

    records_dir = c.Type(str, default="adr")
    """Where `tradeoffs record` writes decision records, relative to docs_dir (default `adr`,
    published under /adr/). Records in the cards' address space (`decisions`) can collide with a
    card's page; such a collision fails the build, naming both."""

    generate_nav = c.Type(bool, default=True)
    """Build the navigation (a section per category) unless mkdocs.yml sets `nav` itself."""

    external_requests = c.Type(bool, default=False)
    """Let pages ask other hosts for what the theme would load from them: web fonts and the
    repository's statistics. Off by default: the site works on an intranet and offline."""

    compact_html = c.Type(bool, default=True)
    """Remove the theme's indentation from every page: a quarter of a card page's bytes."""
