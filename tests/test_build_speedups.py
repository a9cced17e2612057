"""The plugin's shortcuts must not change what a reader gets."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import markdown
import pytest

from generator.cards import load_catalog
from generator.engines.mkdocs.page_size import compact_html
from generator.engines.mkdocs.raw_html import fill_html_blocks, split_html_blocks
from generator.site.plan import build_plan

from .conftest import REPO, VALID, indexed_pages

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
    pages = indexed_pages(built_example)
    card = pages["/decisions/cache-or-recompute/"]
    anchors = [a["id"] for a in card["anchors"]]
    assert len(anchors) == len(set(anchors))  # each section once
    assert "option-cache" in anchors and "decision" in anchors
    option = next(a for a in card["anchors"] if a["id"] == "option-cache")
    assert option["text"] == "Cache"
    assert "Absorbs read spikes | even at peak." in card["content"]
    assert "<script>alert(1)</script>" in card["content"]  # text, as the excerpt shows it
    assert card["meta"]["category"] == "Performance" and card["meta"]["undo"] == "low"
    # failure modes and listing pages are indexed from the plan too
    assert "/failure-modes/stale-cache-storm/" in pages and "/browse/tags/" in pages


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


@pytest.mark.slow
def test_data_files_written_by_the_plugin_are_the_plans_and_a_sites_own_file_wins(
    tmp_path: Path,
) -> None:
    """The plugin writes the data files into the site itself rather than holding them through
    the build: the bytes are the plan's, and a file of the site's own at a data file's path is
    the one published."""
    from generator.engines.export import plan_for
    from generator.engines.project import Project

    from .conftest import make_project, mkdocs_build

    project = make_project(tmp_path / "project", VALID)
    (project / "docs" / "llms.txt").write_text("# Our own llms.txt\n", encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    plan = plan_for(Project(project / "mkdocs.yml"))
    site = tmp_path / "site"
    assert (site / "llms.txt").read_text(encoding="utf-8") == "# Our own llms.txt\n"
    written = [p for p in plan.files if p != "llms.txt"]
    assert "api/cards.json" in written and "llms-full.txt" in written
    assert "decisions/cache-or-recompute/index.md" in written  # moved in after the pages
    for path in written:
        assert (site / path).read_bytes() == plan.files[path].encode("utf-8"), path
    assert [p.name for p in site.iterdir() if p.name.startswith(".")] == []


def test_the_spool_makes_no_folder_per_file_and_puts_markdown_beside_the_pages(
    tmp_path: Path,
) -> None:
    from generator.engines.mkdocs import theme

    site = tmp_path / "site"
    spool = theme.Spool(site)
    spool("api/cards.json", iter(["[", "]"]))
    spool("decisions/a/index.md", "# A\n")
    spool("decisions/b/index.md", "# B\n")
    spool("decisions/a/index.md", "# A, again\n")  # the last one handed over wins
    assert sorted(p.is_file() for p in spool.dir.iterdir()) == [True] * 4  # no folders
    (site / "decisions" / "a").mkdir(parents=True)  # a page's folder, made by MkDocs
    spool.place_markdown(site)
    assert (site / "decisions/a/index.md").read_text(encoding="utf-8") == "# A, again\n"
    assert (site / "decisions/b/index.md").read_text(encoding="utf-8") == "# B\n"
    assert not (site / "api").exists()  # data files are placed when MkDocs collects files
    assert [p.name for p in site.iterdir()] == ["decisions"]  # the spool is gone


def test_a_file_is_written_whole_a_piece_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.engines.mkdocs import theme

    monkeypatch.setattr(theme, "WRITTEN_AT_ONCE", 7)
    text = "Cache — or recompute? «Ça dépend» 🙂\n" * 5
    theme._write(tmp_path / "api" / "cards.json", text)
    assert (tmp_path / "api" / "cards.json").read_bytes() == text.encode("utf-8")
    assert theme._holds(tmp_path / "api" / "cards.json", text)
    assert not theme._holds(tmp_path / "api" / "cards.json", text[:-1] + "?")
    assert not theme._holds(tmp_path / "api" / "cards.json", "ascii, other length")
    pieces = ["[", "Cache — or", "", " recompute? 🙂", "\n" * 9, "«Ça dépend»", "]"] * 3
    theme._write(tmp_path / "llms-full.txt", pieces)  # pieces: written one after another
    assert (tmp_path / "llms-full.txt").read_bytes() == "".join(pieces).encode("utf-8")


def test_shortcuts_for_page_wide_patterns_find_what_the_patterns_find() -> None:
    """Two scans of whole pages that replaced patterns tried at every position of a page: the
    ids present (prerendered._ids) and the citation marks with the blanks before them
    (citing._each_mark). On random text built from the characters that matter, each gives what
    its pattern gave."""
    import random

    from generator.engines.mkdocs.prerendered import _ids
    from generator.site import citing

    ids = re.compile(r'\bid="([^"]+)"')
    marks = re.compile(f"[ \\t]*{citing.MARK_OPEN}([^{citing.MARK_CLOSE}]*){citing.MARK_CLOSE}")
    chosen = random.Random(7)
    pieces = [" ", "\t", "x", "_", "-", "é", 'id="', '"', "a1", citing.MARK_OPEN, citing.MARK_CLOSE]
    for _ in range(5000):
        text = "".join(chosen.choice(pieces) for _ in range(chosen.randint(0, 24)))
        assert _ids(text) == set(ids.findall(text)), text

        def shown(match: re.Match[str]) -> str:
            return f"<{match.group(1)}>"

        assert citing._each_mark(text, shown) == marks.sub(shown, text), text


def test_cards_are_loaded_and_planned_with_fewer_collections(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gc

    from generator.cards import catalog as catalog_module
    from generator.cards.parallel import COLLECT_EVERY, fewer_collections
    from generator.site import plan as plan_module

    before = gc.get_threshold()
    paces: list[int] = []
    categories = catalog_module.CollectionReader.categories
    planned = plan_module._Planner.finish

    def watched_categories(self: Any, **kwargs: Any) -> Any:
        paces.append(gc.get_threshold()[0])
        return categories(self, **kwargs)

    def watched_finish(self: Any) -> Any:
        paces.append(gc.get_threshold()[0])
        return planned(self)

    monkeypatch.setattr(catalog_module.CollectionReader, "categories", watched_categories)
    monkeypatch.setattr(plan_module._Planner, "finish", watched_finish)
    plan_module.build_plan(load_catalog(VALID))
    assert paces == [max(before[0], COLLECT_EVERY)] * 2
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("a failed load")
    assert gc.get_threshold() == before
