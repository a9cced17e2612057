"""The search records: what each page gives the indexer, read from the plan."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from generator.cards import load_catalog
from generator.site.plan import build_plan
from generator.site.search_index import (
    KEYWORD_WEIGHT,
    OPTION_WEIGHT,
    QUESTION_WEIGHT,
    TITLE_WEIGHT,
    search_documents,
)

from .conftest import VALID

PLAN = build_plan(load_catalog(VALID))
DOCUMENTS = {d.url: d.html for d in search_documents(PLAN)}


def _weighted(html: str, weight: int) -> list[str]:
    return re.findall(rf'data-pagefind-weight="{weight}"[^>]*>([^<]*)<', html)


def test_every_generated_page_is_a_record() -> None:
    assert len(DOCUMENTS) == len(PLAN.pages)
    assert "/decisions/cache-or-recompute/" in DOCUMENTS and "/browse/tags/" in DOCUMENTS


def test_the_fields_readers_search_by_weigh_more_than_body_text() -> None:
    card = PLAN.catalog.decisions["cache-or-recompute"].model
    html = DOCUMENTS["/decisions/cache-or-recompute/"]
    assert _weighted(html, TITLE_WEIGHT) == [card.title]
    assert _weighted(html, KEYWORD_WEIGHT) == [", ".join(card.keywords or [])]
    assert _weighted(html, QUESTION_WEIGHT)[0].startswith(card.decision[:20])
    assert _weighted(html, OPTION_WEIGHT) == [o.name for o in card.options]
    mode = DOCUMENTS["/failure-modes/stale-cache-storm/"]
    assert _weighted(mode, KEYWORD_WEIGHT) == ["thundering herd, cache stampede, dogpile"]


def test_sections_keep_their_anchors_and_leave_out_dates_and_boilerplate() -> None:
    html = DOCUMENTS["/decisions/cache-or-recompute/"]
    anchors = re.findall(r'<h2 id="([^"]+)"', html)
    assert "decision" in anchors and "option-cache" in anchors
    assert not {"changes", "sources", "decide", "related"} & set(anchors)
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", html)  # no review or change dates
    assert "https://" not in html
    # what a result shows travels as metadata, outside the indexed text
    assert '<span data-pagefind-meta="undo">low</span>' in html


def test_card_text_is_escaped_and_citation_markers_dropped(tmp_path: Path) -> None:
    html = DOCUMENTS["/decisions/cache-or-recompute/"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    cards = tmp_path / "cards"
    shutil.copytree(VALID, cards)
    path = cards / "decisions" / "cache-or-recompute.yaml"
    text = path.read_text()
    text = text.replace("summary: Whether", "summary: Cited [@rfc-9111] whether", 1)
    path.write_text(text)
    plan = build_plan(load_catalog(cards))
    cited = {d.url: d.html for d in search_documents(plan)}["/decisions/cache-or-recompute/"]
    assert "Cited" in cited and "[@" not in cited


def test_a_build_without_the_index_writes_none(tmp_path: Path) -> None:
    from .conftest import make_project, mkdocs_build

    project = make_project(tmp_path / "project", VALID)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    off = text.replace(
        "      cards_dir: cards\n", "      cards_dir: cards\n      search_index: false\n"
    )
    assert off != text
    config.write_text(off, encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "index.html").is_file()
    assert not (tmp_path / "site" / "pagefind").exists()
    assert "search index of" not in result.stderr
