"""What the MkDocs adapter relies on in Material's search plugin, checked against the installed
version: if a Material release changes any of it, these tests fail before a site silently loses
its card search entries."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from material.plugins.search.plugin import SearchIndex, SearchPlugin

from generator.engines.mkdocs import material_search

from .conftest import REPO, VALID


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


@pytest.mark.slow
@pytest.mark.parametrize("cards", [VALID, REPO / "cards"], ids=["examples", "real"])
def test_prerendered_pages_match_python_markdown(cards: Path) -> None:
    import markdown

    from generator.cards import load_catalog
    from generator.engines.mkdocs import prerendered
    from generator.engines.mkdocs.raw_html import fill_html_blocks, split_html_blocks
    from generator.site.plan import build_plan

    for path, page in build_plan(load_catalog(cards)).pages.items():
        body = (
            page.markdown.split("\n---\n", 1)[1]
            if page.markdown.startswith("---\n")
            else page.markdown
        )
        slotted, blocks = split_html_blocks(body)
        result = prerendered.render(slotted, blocks, True)
        assert result is not None, path
        html, tokens, anchors = result
        md = markdown.Markdown(
            extensions=["attr_list", "toc"], extension_configs={"toc": {"permalink": True}}
        )
        expected = fill_html_blocks(md.convert(slotted), blocks)
        assert " ".join(html.split()) == " ".join(expected.split()), path
        simplified = [(t["level"], t["id"]) for t in md.toc_tokens]  # type: ignore[attr-defined]
        assert [(t["level"], t["id"]) for t in tokens] == simplified, path
        assert {t["id"] for t in md.toc_tokens} <= anchors  # type: ignore[attr-defined]


def test_markdown_in_a_template_override_falls_back_to_mkdocs() -> None:
    from generator.engines.mkdocs import prerendered

    assert (
        prerendered.render("## Heading { #h }\n\nSome *Markdown* paragraph.\n", [], False) is None
    )
