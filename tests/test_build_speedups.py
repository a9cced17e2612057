"""The plugin's shortcuts must not change what a reader gets."""

from __future__ import annotations

import json
import re
from pathlib import Path

import markdown
import pytest

from generator.cards import load_catalog
from generator.engines.mkdocs.page_size import compact_html
from generator.engines.mkdocs.raw_html import fill_html_blocks, split_html_blocks
from generator.site.plan import build_plan

from .conftest import REPO, VALID

EXTENSIONS = ["attr_list", "md_in_html", "admonition", "toc", "pymdownx.superfences"]


def _convert(page_markdown: str) -> str:
    body = (
        page_markdown.split("\n---\n", 1)[1] if page_markdown.startswith("---\n") else page_markdown
    )
    return markdown.Markdown(extensions=EXTENSIONS).convert(body)


@pytest.mark.slow
@pytest.mark.parametrize("cards", [VALID, REPO / "cards"], ids=["examples", "real"])
def test_slotted_pages_convert_to_the_same_html(cards: Path) -> None:
    pages = build_plan(load_catalog(cards)).pages
    for uri, page in pages.items():
        slotted, blocks = split_html_blocks(page.markdown)
        assert "<table" not in slotted  # the big blocks really are kept from the converter
        filled = fill_html_blocks(_convert(slotted), blocks)
        assert re.sub(r"\s+", " ", filled) == re.sub(r"\s+", " ", _convert(page.markdown)), uri


def test_block_followed_by_heading_without_blank_line() -> None:
    text = "<div>\n<p>a</p>\n\n<p>b</p>\n</div>\n## Next { #next }\n\n<ul>\n<li>x</li>\n</ul>\n"
    slotted, blocks = split_html_blocks(text)
    assert blocks == ["<div>\n<p>a</p>\n\n<p>b</p>\n</div>", "<ul>\n<li>x</li>\n</ul>"]
    assert "## Next { #next }" in slotted


@pytest.mark.slow
def test_cards_are_indexed_from_the_catalog(built_example: Path) -> None:
    docs = json.loads((built_example / "search" / "search_index.json").read_text())["docs"]
    card = [d for d in docs if d["location"].startswith("decisions/cache-or-recompute/")]
    locations = [d["location"] for d in card]
    assert len(locations) == len(set(locations))  # not indexed twice
    assert "decisions/cache-or-recompute/#option-cache" in locations
    option = next(d for d in card if d["location"].endswith("#option-cache"))
    assert option["title"] == "Cache" and "Absorbs read spikes | even at peak." in option["text"]
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt;" in option["text"]
        and "<script>" not in option["text"]
    )
    assert card[0]["tags"] == ["caching", "latency"]
    # pages that are not cards are still indexed by the theme
    assert any(d["location"].startswith("failure-modes/stale-cache-storm/") for d in docs)


def test_compact_keeps_preformatted_text() -> None:
    page = "<div>\n    <p>a</p>\n\n\n   <pre><code>  x\n    y</code></pre>\n  <script>\n  s = `\n  t`\n</script>\n"
    assert (
        compact_html(page)
        == "<div>\n<p>a</p>\n<pre><code>  x\n    y</code></pre>\n<script>\n  s = `\n  t`\n</script>\n"
    )


@pytest.mark.slow
def test_built_pages_are_compacted_by_default(tmp_path: Path) -> None:
    from .conftest import make_project, mkdocs_build

    project = make_project(tmp_path / "project", VALID)
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "decisions" / "cache-or-recompute" / "index.html").read_text()
    outside_pre = re.sub(r"<(pre|script|style|textarea)\b.*?</\1>", "", html, flags=re.S)
    assert not re.search(r"\n[ \t]+<", outside_pre)
    assert '<svg class="tc-diagram"' in html


def test_forked_loading_matches_serial(monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.cards.reading as catalog_module

    serial = load_catalog(REPO / "cards")
    monkeypatch.setattr(catalog_module, "can_fork", lambda count: True)
    forked = load_catalog(REPO / "cards")
    assert list(forked.decisions) == list(serial.decisions)
    assert all(forked.decisions[i].model == serial.decisions[i].model for i in serial.decisions)
    assert forked.decisions["rag-vs-fine-tuning"].doc.position(("options", 1, "key")) == (
        serial.decisions["rag-vs-fine-tuning"].doc.position(("options", 1, "key"))
    )


def test_forked_loading_reports_the_same_problems(
    monkeypatch: pytest.MonkeyPatch, collection: Path
) -> None:
    import shutil

    import generator.cards.reading as catalog_module
    from generator.cards import InvalidCollection

    from .conftest import INVALID

    for case in ("five-mistakes", "tab-indent", "python-tag", "empty-file"):
        shutil.copy(INVALID / "decisions" / f"{case}.yaml", collection / "decisions")
    with pytest.raises(InvalidCollection) as serial:
        load_catalog(collection)
    monkeypatch.setattr(catalog_module, "can_fork", lambda count: True)
    with pytest.raises(InvalidCollection) as forked:
        load_catalog(collection)
    assert forked.value.problems == serial.value.problems


def test_no_fork_under_other_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from generator.cards.parallel import can_fork

    monkeypatch.setattr(threading, "active_count", lambda: 3)
    assert not can_fork(10_000)
