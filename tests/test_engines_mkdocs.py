"""What the MkDocs adapter relies on in Material's search plugin, checked against the installed
version: if a Material release changes any of it, these tests fail before a site silently loses
its card search entries."""

from __future__ import annotations

import inspect
import json
from types import SimpleNamespace
from typing import Any

from material.plugins.search.plugin import SearchIndex, SearchPlugin

from generator.engines.mkdocs import material_search


def test_material_search_keeps_the_attributes_the_adapter_uses() -> None:
    plugin = SearchPlugin()
    assert hasattr(plugin, "search_index_prev"), "SearchPlugin.search_index_prev is gone"
    index = SearchIndex()
    assert isinstance(index.entries, list), "SearchIndex.entries is no longer a list"
    parameters = list(inspect.signature(index.generate_search_index).parameters)
    assert parameters == ["prev"], f"SearchIndex.generate_search_index({parameters})"


def _config(plugin: Any) -> Any:
    return SimpleNamespace(plugins={"material/search": plugin})


def test_added_entries_reach_the_written_index() -> None:
    plugin = SearchPlugin()
    plugin.search_index = SearchIndex(lang=["en"], separator=" ", pipeline=[], fields={})
    entry = {"location": "decisions/x/#decision", "title": "The decision", "text": "<p>t</p>"}
    material_search.add_entries(_config(plugin), [entry], rebuilt=set(), fed={"decisions/x/"})
    docs = json.loads(plugin.search_index.generate_search_index(plugin.search_index_prev))["docs"]
    assert docs == [entry]


def test_a_dirty_build_keeps_the_entries_of_pages_it_did_not_rebuild() -> None:
    plugin = SearchPlugin()
    previous = SearchIndex(lang=["en"], separator=" ", pipeline=[], fields={})
    previous.entries = [
        {"location": "guide/", "title": "Guide", "text": ""},  # hand-written, not rebuilt
        {"location": "about/", "title": "About", "text": "old"},  # hand-written, rebuilt
        {"location": "decisions/x/#decision", "title": "Old", "text": ""},  # fed from the plan
    ]
    plugin.search_index_prev = previous
    plugin.search_index = SearchIndex(lang=["en"], separator=" ", pipeline=[], fields={})
    plugin.search_index.entries = [{"location": "about/", "title": "About", "text": "new"}]
    fresh = {"location": "decisions/x/#decision", "title": "New", "text": ""}
    material_search.add_entries(_config(plugin), [fresh], rebuilt={"about/"}, fed={"decisions/x/"})
    docs = json.loads(plugin.search_index.generate_search_index(plugin.search_index_prev))["docs"]
    assert [(d["location"], d["title"], d["text"]) for d in docs] == [
        ("guide/", "Guide", ""),
        ("about/", "About", "new"),
        ("decisions/x/#decision", "New", ""),
    ]
