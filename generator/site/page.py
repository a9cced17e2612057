"""One generated page, and the settings of a site that change what its pages hold."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .records import Record
from .search import SearchEntry


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
    records_dir: str = "adr"  # the decision records' folder in docs_dir; its index is the log
    records: tuple[Record, ...] = ()  # the records in it (see records.read_records)
