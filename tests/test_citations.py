"""Citations: what counts as one, and how each output shows it (numbered, linked, always inert)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from generator.cards import load_catalog
from generator.cards.citations import citations
from generator.site import citing, markup
from generator.site.citing import Numbered, cite_mark, link_page
from generator.site.plan import build_plan

from .conftest import VALID
from .test_outline import TODAY


def test_what_is_a_citation() -> None:
    text = (
        "One [@a] and two [@b; @c-d]; a link [@e](https://example.org), code `[@f]`, "
        "escaped \\[@g], a bracket [see @h] and [@i;@j]."
    )
    assert [c.keys for c in citations(text)] == [("a",), ("b", "c-d"), ("i", "j")]
    assert citations("no citation here") == []


def test_strip_leaves_the_text_without_its_citations() -> None:
    assert citing.without_citations("Costs fell by 98 % [@report]. Code `[@x]` stays.") == (
        "Costs fell by 98 %. Code `[@x]` stays."
    )


def _numbers() -> Numbered:
    card = load_catalog(VALID).decisions["cache-or-recompute"].model
    return citing.numbered(card)


def test_a_citation_naming_no_source_of_the_page_stays_inert_text() -> None:
    page = "Claim " + cite_mark(["rfc-9111", '"><script>alert(1)</script>']) + "."
    linked = link_page(page, _numbers())
    assert linked.startswith('Claim<sup class="tc-cite"><a href="#source-2" id="cite-2-1"')
    assert "<script>" not in linked and ' [@"&gt;&lt;script&gt;' in linked
    assert citing.MARK_OPEN not in linked


def test_card_text_cannot_forge_a_citation_mark() -> None:
    forged = f"text {citing.MARK_OPEN}rfc-9111{citing.MARK_CLOSE}"
    rendered = link_page(str(markup.inline(forged)), _numbers())
    assert "tc-cite" not in rendered and citing.MARK_OPEN not in rendered


def test_pages_without_a_source_list_leave_citations_out(tmp_path: Path) -> None:
    cards = tmp_path / "cards"
    shutil.copytree(VALID, cards)
    card = cards / "decisions" / "cache-or-recompute.yaml"
    text = card.read_text(encoding="utf-8")
    card.write_text(
        text.replace(
            "summary: Whether to keep",
            "summary: Caches cut latency [@tail-at-scale]. Whether to keep",
            1,
        ),
        encoding="utf-8",
    )
    plan = build_plan(load_catalog(cards), today=TODAY)
    listing = plan.pages["categories/performance/index.md"].markdown
    assert "Caches cut latency. Whether" in listing
    page = plan.pages["decisions/cache-or-recompute.md"]
    assert 'description: "Caches cut latency. Whether' in page.markdown
    for every in plan.pages.values():
        shown = re.sub(r"<code>.*?</code>|`[^`]*`", "", every.markdown)
        assert "[@" not in shown, every.path
        assert all(mark not in every.markdown for mark in citing.MARKS), every.path
        for entry in every.search:
            assert "[@" not in entry.text and "tc-cite" not in entry.text
    api = json.loads(plan.files["api/cards.json"])
    written = next(d for d in api["decisions"] if d["id"] == "cache-or-recompute")["card"]
    assert written["summary"].startswith("Caches cut latency [@tail-at-scale].")
    assert [s.get("id") for s in written["sources"]] == ["rfc-9111", None, "tail-at-scale"]
    assert "[@" not in plan.files["decisions/cache-or-recompute/index.md"]
    assert "[^1]" in plan.files["decisions/cache-or-recompute/index.md"]
    assert "[^cache-or-recompute-1]:" in plan.files["llms-full.txt"]
