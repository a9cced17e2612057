"""Preview (`mkdocs serve --dirty`): rebuild only what changed, and never serve a stale page."""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path
from typing import Any, cast

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from generator.engines.mkdocs.plugin import TradeoffCardsPlugin

from .conftest import VALID, indexed_pages, make_project, mkdocs_build

# Every test here builds a site.
pytestmark = pytest.mark.slow


class Preview:
    """One serve session: the plugin is kept between builds, as `mkdocs serve` keeps it."""

    def __init__(self, project: Path, site: Path) -> None:
        self.project, self.site = project, site
        self.started = False

    def build(self, *, wait_for_index: bool = True) -> set[str]:
        """Rebuild; returns the pages whose HTML file was written. A rebuild's index may follow
        its pages (see the test of that below): by default it is waited for."""
        before = (
            {p: p.stat().st_mtime_ns for p in self.site.rglob("*.html")}
            if self.site.exists()
            else {}
        )
        config = load_config(str(self.project / "mkdocs.yml"), site_dir=str(self.site))
        if not self.started:
            config.plugins.on_startup(command="serve", dirty=True)
            self.started = True
        build(config, dirty=True)
        self.plugin = cast(TradeoffCardsPlugin, config.plugins["tradeoff-cards"])
        if wait_for_index and self.plugin.index_job is not None:
            self.plugin.index_job.wait()
        return {
            p.relative_to(self.site).as_posix()
            for p in self.site.rglob("*.html")
            if before.get(p) != p.stat().st_mtime_ns
        }


def _normalise(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def _assert_same_as_clean_build(project: Path, site: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    result = mkdocs_build(project, clean)
    assert result.returncode == 0, result.stderr
    for page in clean.rglob("*.html"):
        relative = page.relative_to(clean)
        assert _normalise((site / relative).read_text()) == _normalise(page.read_text()), relative
    assert indexed_pages(site) == indexed_pages(clean)


@pytest.fixture
def preview(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Preview:
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    project = make_project(tmp_path / "project", VALID)
    session = Preview(project, tmp_path / "served")
    assert len(session.build()) > 10  # the first build writes everything
    return session


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    stat = path.stat()  # make sure the change is visible even on coarse file-system clocks
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def test_editing_a_card_rebuilds_it_and_the_pages_that_show_it(
    preview: Preview, tmp_path: Path
) -> None:
    card = preview.project / "cards" / "decisions" / "queue-or-direct-call.yaml"
    _edit(card, "Absorbs spikes.", "Absorbs spikes of ten times the median.")
    written = preview.build()
    assert "decisions/queue-or-direct-call/index.html" in written
    assert "decisions/cache-or-recompute/index.html" not in written  # shows nothing of that text
    assert "decisions/old-rpc-guidance/index.html" not in written
    assert len(written) < 10
    _assert_same_as_clean_build(preview.project, preview.site, tmp_path)
    indexed = indexed_pages(preview.site)["/decisions/queue-or-direct-call/"]
    assert "Absorbs spikes of ten times the median." in indexed["content"]
    assert [a["id"] for a in indexed["anchors"]].count("option-queue") == 1


def _mtimes(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*")}


def test_a_saved_cards_page_is_written_before_the_rebuild(preview: Preview, tmp_path: Path) -> None:
    """The page of the saved card first, as the rebuild would write it; the rebuild then writes
    the pages that show the card and leaves that one as it is."""
    card = preview.project / "cards" / "decisions" / "queue-or-direct-call.yaml"
    _edit(card, "Absorbs spikes.", "Absorbs spikes of ten times the median.")
    before = _mtimes(preview.site)
    assert preview.plugin.first.write(preview.plugin)
    after = _mtimes(preview.site)
    page = "decisions/queue-or-direct-call/index.html"
    assert {path for path in after if after[path] != before.get(path)} == {page}
    assert "ten times the median" in (preview.site / page).read_text()
    written = preview.build()
    assert written and page not in written
    _assert_same_as_clean_build(preview.project, preview.site, tmp_path)


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [
        ("cards/decisions/queue-or-direct-call.yaml", "title: Queue", "title: A queue"),
        ("docs/contribute/index.md", "\n", "\n\nA new paragraph.\n"),
    ],
)
def test_an_edit_shown_beyond_the_cards_page_is_left_to_the_rebuild(
    preview: Preview, path: str, old: str, new: str
) -> None:
    """A title is in every page's navigation; a hand-written page may show anything."""
    card = preview.project / "cards" / "decisions" / "cache-or-recompute.yaml"
    _edit(card, "summary:", "summary: Edited.")
    _edit(preview.project / path, old, new)
    before = _mtimes(preview.site)
    assert not preview.plugin.first.write(preview.plugin)
    assert _mtimes(preview.site) == before


def test_a_relation_note_reaches_the_other_card(preview: Preview, tmp_path: Path) -> None:
    card = preview.project / "cards" / "decisions" / "cache-or-recompute.yaml"
    _edit(
        card, "Queues defer work; caches avoid repeating it.", "Queues defer work; caches skip it."
    )
    written = preview.build()
    assert {
        "decisions/cache-or-recompute/index.html",
        "decisions/queue-or-direct-call/index.html",
    } <= written
    _assert_same_as_clean_build(preview.project, preview.site, tmp_path)


def test_a_title_change_rebuilds_every_page(preview: Preview, tmp_path: Path) -> None:
    card = preview.project / "cards" / "decisions" / "queue-or-direct-call.yaml"
    _edit(card, "title: Queue or direct call", "title: Queue or call directly")
    written = preview.build()
    assert "index.html" in written and "decisions/old-rpc-guidance/index.html" in written  # nav
    _assert_same_as_clean_build(preview.project, preview.site, tmp_path)


def test_a_handwritten_page_change_rebuilds_every_page(preview: Preview, tmp_path: Path) -> None:
    _edit(
        preview.project / "docs" / "contribute" / "index.md",
        "# Contributor guide",
        "# How to contribute",
    )
    written = preview.build()
    assert "decisions/queue-or-direct-call/index.html" in written
    _assert_same_as_clean_build(preview.project, preview.site, tmp_path)


def test_a_tag_change_updates_the_tags_page(preview: Preview, tmp_path: Path) -> None:
    card = preview.project / "cards" / "decisions" / "cache-or-recompute.yaml"
    _edit(card, "tags: [caching, latency]", "tags: [caching, latency, freshness]")
    written = preview.build()
    assert "browse/tags/index.html" in written
    assert "tag-freshness" in (preview.site / "browse" / "tags" / "index.html").read_text()
    _assert_same_as_clean_build(preview.project, preview.site, tmp_path)


def test_an_invalid_edit_keeps_the_last_good_site(preview: Preview) -> None:
    card = preview.project / "cards" / "decisions" / "queue-or-direct-call.yaml"
    before = (preview.site / "decisions" / "queue-or-direct-call" / "index.html").read_text()
    _edit(card, "undo_cost: moderate", "undo_cost: medium")
    from mkdocs.exceptions import Abort

    with pytest.raises(Abort):
        preview.build()
    assert (
        preview.site / "decisions" / "queue-or-direct-call" / "index.html"
    ).read_text() == before


def test_the_search_index_follows_an_added_and_a_removed_card(preview: Preview) -> None:
    cards = preview.project / "cards" / "decisions"
    added = cards / "queue-or-webhook.yaml"
    text = (cards / "queue-or-direct-call.yaml").read_text()
    added.write_text(text.replace("title: Queue or direct call", "title: Queue or webhook"))
    preview.build()
    assert indexed_pages(preview.site)["/decisions/queue-or-webhook/"]["meta"]["title"] == (
        "Queue or webhook"
    )
    added.unlink()
    preview.build()
    pages = indexed_pages(preview.site)
    assert "/decisions/queue-or-webhook/" not in pages
    assert "/decisions/queue-or-direct-call/" in pages


def test_a_rebuild_refreshes_the_pages_without_waiting_for_the_index(
    preview: Preview, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A saved card's page is served again at once; the index follows from its thread, the
    previous one serving meanwhile. A removed card waits for the index: never found, then gone."""
    from generator.site import search_index

    release = threading.Event()
    index_into = search_index.index_into

    def held(documents: Any, out: Path, *rest: Any, **options: Any) -> None:
        assert release.wait(30)
        index_into(documents, out, *rest, **options)

    monkeypatch.setattr(search_index, "index_into", held)
    cards = preview.project / "cards" / "decisions"
    card = cards / "queue-or-direct-call.yaml"
    added = cards / "queue-or-webhook.yaml"
    added.write_text(
        card.read_text().replace("title: Queue or direct call", "title: Queue or webhook")
    )
    _edit(card, "Absorbs spikes.", "Absorbs spikes like a sponge.")
    preview.build(wait_for_index=False)  # returns while the indexer is held
    page = preview.site / "decisions" / "queue-or-direct-call" / "index.html"
    assert "like a sponge" in page.read_text()
    url = "/decisions/queue-or-direct-call/"
    before = indexed_pages(preview.site)
    assert "like a sponge" not in before[url]["content"]
    assert "/decisions/queue-or-webhook/" not in before
    release.set()
    assert preview.plugin.index_job is not None
    preview.plugin.index_job.wait()
    after = indexed_pages(preview.site)
    assert "like a sponge" in after[url]["content"]
    assert "/decisions/queue-or-webhook/" in after
    assert not [p for p in preview.site.iterdir() if p.name.startswith(".pagefind-")]

    release.clear()
    threading.Timer(1.0, release.set).start()
    added.unlink()
    started = time.perf_counter()
    preview.build(wait_for_index=False)  # a page went: the rebuild waits for the index
    assert time.perf_counter() - started >= 1.0
    assert "/decisions/queue-or-webhook/" not in indexed_pages(preview.site)


def test_a_plain_serve_rebuild_renders_every_page(tmp_path: Path) -> None:
    """`mkdocs serve` without --dirty empties the site and renders every page on each rebuild,
    with the plugin kept between them: the pages the plan saw unchanged are rendered too."""
    project = make_project(tmp_path / "project", VALID)
    site = tmp_path / "served"

    def rebuild() -> None:
        config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
        if not site.exists():
            config.plugins.on_startup(command="serve", dirty=False)
        build(config, dirty=False)

    rebuild()
    card = project / "cards" / "decisions" / "queue-or-direct-call.yaml"
    _edit(card, "Absorbs spikes.", "Absorbs spikes like a sponge.")
    rebuild()
    page = site / "decisions" / "queue-or-direct-call" / "index.html"
    assert "like a sponge" in page.read_text()
    _assert_same_as_clean_build(project, site, tmp_path)
