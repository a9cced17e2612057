"""Feeding Material's search index: the one place that touches the theme's private state.

Material's search plugin documents `search: exclude` in a page's front matter, but offers no public
way to add entries. Card pages are large tables whose sections the plan already knows, so instead
of letting the theme parse their HTML again, their entries are appended to the plugin's
`search_index.entries` list, and in dirty builds (`mkdocs serve --dirty`) the entries of pages not
rebuilt are carried over from `search_index_prev`. `tests/test_engines_mkdocs.py` checks these
attributes against the installed Material and fails loudly the day they change.
"""

from __future__ import annotations

from typing import Any

from ...site.paths import page_url
from ...site.plan import SitePlan

SEARCH_PLUGIN_NAMES = ("material/search", "search")


def search_index(config: Any) -> Any:
    """Material's search index object when Material's search plugin is in use, else None."""
    for name in SEARCH_PLUGIN_NAMES:
        plugin = config.plugins.get(name)
        index = getattr(plugin, "search_index", None)
        if index is not None and isinstance(getattr(index, "entries", None), list):
            return index
    return None


def _plugin(config: Any) -> Any:
    for name in SEARCH_PLUGIN_NAMES:
        plugin = config.plugins.get(name)
        if plugin is not None and hasattr(plugin, "search_index_prev"):
            return plugin
    return None


def add_entries(
    config: Any, entries: list[dict[str, Any]], rebuilt: set[str], fed: set[str]
) -> None:
    """Add `entries` (for the pages whose URLs are in `fed`) to the index about to be written.

    In a dirty build the theme indexed only the pages it rebuilt (`rebuilt`); the previous index
    supplies every other page, except the fed pages, whose entries are all in `entries`.
    """
    index = search_index(config)
    if index is None:
        return
    plugin = _plugin(config)
    previous = getattr(plugin, "search_index_prev", None) if plugin is not None else None
    if previous is not None:
        kept = [
            e
            for e in previous.entries
            if (page := e["location"].split("#")[0]) not in rebuilt and page not in fed
        ]
        index.entries[:0] = kept
        # The theme's own merge assumes one rebuilt page; the merge above replaces it.
        plugin.search_index_prev = None
    index.entries.extend(entries)


def plan_entries(plan: SitePlan, directory_urls: bool) -> tuple[list[dict[str, Any]], set[str]]:
    """Index entries for every page the plan has entries for, and those pages' URLs."""
    entries: list[dict[str, Any]] = []
    fed: set[str] = set()
    for path, page in plan.pages.items():
        if not page.search:
            continue
        url = page_url(path, directory_urls)
        fed.add(url)
        for entry in page.search:
            item: dict[str, Any] = {
                "location": f"{url}#{entry.anchor}" if entry.anchor else url,
                "title": entry.title,
                "text": entry.text,
            }
            if entry.tags:
                item["tags"] = list(entry.tags)
            entries.append(item)
    return entries, fed
