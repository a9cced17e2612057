"""The site plan: pages, recorded dependencies, search entries from the templates, plan diffs."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from generator.cards import ParseCache, load_catalog
from generator.site.plan import SitePlan, SiteSettings, build_plan, edited_entry_pages
from generator.site.render import ALL_DECISIONS
from generator.site.reuse import changed_ids, changed_pages
from generator.site.templating import PACKAGE_TEMPLATES

from .conftest import VALID

TODAY = dt.date(2026, 11, 21)


def _anchors(plan: SitePlan, path: str) -> list[str]:
    return [entry.anchor for entry in plan.pages[path].search]


def test_search_entries_follow_the_card_template() -> None:
    plan = build_plan(load_catalog(VALID), today=TODAY)
    anchors = _anchors(plan, "decisions/cache-or-recompute.md")
    assert anchors[:3] == ["", "decision", "framing"]
    assert [a for a in anchors if a.startswith("option-")] == [
        "option-cache",
        "option-recompute",
        "option-precompute",
    ]
    assert "how-to-decide" in anchors and "sources" in anchors
    page = plan.pages["decisions/cache-or-recompute.md"]
    option = next(e for e in page.search if e.anchor == "option-cache")
    assert option.title == "Cache" and "Absorbs read spikes | even at peak." in option.text
    assert page.search[0].tags == ("caching", "latency")
    # listing pages are left to the engine's own indexing
    assert plan.pages["browse/who-pays.md"].search == ()


def test_a_section_added_to_the_template_becomes_a_search_entry(tmp_path: Path) -> None:
    source = (PACKAGE_TEMPLATES / "decision.md.j2").read_text(encoding="utf-8")
    extra = "\n## Team notes { #team-notes }\n\n<p>Ask {{ card.title }} owners first.</p>\n"
    (tmp_path / "decision.md.j2").write_text(source + extra, encoding="utf-8")
    plan = build_plan(load_catalog(VALID), SiteSettings(template_dir=str(tmp_path)), today=TODAY)
    page = plan.pages["decisions/cache-or-recompute.md"]
    entry = next(e for e in page.search if e.anchor == "team-notes")
    assert entry.title == "Team notes"
    assert "Ask Cache | recompute | precompute owners first." in entry.text


def test_pages_record_what_they_show() -> None:
    plan = build_plan(load_catalog(VALID), today=TODAY)
    card = plan.pages["decisions/cache-or-recompute.md"]
    # itself, the card it relates to and the failure mode one of its options links
    assert {"cache-or-recompute", "queue-or-direct-call", "stale-cache-storm"} <= card.depends_on
    assert "old-rpc-guidance" not in card.depends_on
    assert card.kind == "decision" and card.id == "cache-or-recompute"
    mode = plan.pages["failure-modes/stale-cache-storm.md"]
    assert "cache-or-recompute" in mode.depends_on  # reached from one of its options
    assert ALL_DECISIONS in plan.pages["browse/who-pays.md"].depends_on
    assert plan.pages["contribute/fields.md"].depends_on == frozenset()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


@pytest.fixture
def cards(tmp_path: Path) -> Path:
    target = tmp_path / "cards"
    shutil.copytree(VALID, target)
    return target


def _replan(cards: Path, cache: ParseCache, previous: SitePlan) -> SitePlan:
    return build_plan(load_catalog(cards, cache), today=TODAY, previous=previous)


def test_comparing_plans_names_the_pages_an_edit_changes(cards: Path) -> None:
    cache: ParseCache = {}
    first = build_plan(load_catalog(cards, cache), today=TODAY)
    assert changed_pages(first, None) is None  # no previous build: everything
    _edit(
        cards / "decisions" / "queue-or-direct-call.yaml", "Absorbs spikes.", "Absorbs big spikes."
    )
    second = _replan(cards, cache, first)
    changed = changed_pages(second, first)
    assert changed is not None
    assert "decisions/queue-or-direct-call.md" in changed
    assert "decisions/cache-or-recompute.md" not in changed  # shows nothing of that text
    # rendered again (it shows the edited card's title) but its Markdown is the same
    assert "decisions/old-rpc-guidance.md" in second.reuse.rendered
    assert "decisions/old-rpc-guidance.md" not in changed
    # a page that shows nothing of the edited card is taken over, not rendered again
    mode = "failure-modes/stale-cache-storm.md"
    assert second.pages[mode] is first.pages[mode] and mode not in second.reuse.rendered


def test_a_new_relation_rerenders_the_card_it_points_at(cards: Path) -> None:
    cache: ParseCache = {}
    first = build_plan(load_catalog(cards, cache), today=TODAY)
    _edit(
        cards / "decisions" / "queue-or-direct-call.yaml",
        "relations:\n",
        "relations:\n  adjacent:\n    - card: cache-or-recompute\n      note: Both trade freshness for speed.\n",
    )
    second = _replan(cards, cache, first)
    changed = changed_pages(second, first) or set()
    assert "decisions/cache-or-recompute.md" in changed  # it shows the new backlink
    assert (
        "Both trade freshness for speed."
        in second.pages["decisions/cache-or-recompute.md"].markdown
    )


def test_reused_pages_match_a_fresh_plan(cards: Path) -> None:
    cache: ParseCache = {}
    first = build_plan(load_catalog(cards, cache), today=TODAY)
    _edit(cards / "failure-modes" / "stale-cache-storm.yaml", "summary:", "summary: Renamed.")
    second = _replan(cards, cache, first)
    fresh = build_plan(load_catalog(cards), today=TODAY)
    assert {p: page.markdown for p, page in second.pages.items()} == {
        p: page.markdown for p, page in fresh.pages.items()
    }


def test_a_title_change_rebuilds_everything(cards: Path) -> None:
    cache: ParseCache = {}
    first = build_plan(load_catalog(cards, cache), today=TODAY)
    _edit(cards / "decisions" / "old-rpc-guidance.yaml", "title: ", "title: Renamed ")
    second = _replan(cards, cache, first)
    assert second.reuse.fingerprint != first.reuse.fingerprint  # the navigation shows every title
    assert changed_pages(second, first) is None


def test_a_title_change_renders_again_only_the_pages_that_show_the_card(cards: Path) -> None:
    """The navigation shows every title, but no page's content shows it: the engine writes every
    page again (above), the plan renders only the pages that show the card, and they and the
    pages it takes from the last plan are what a fresh plan makes."""
    cache: ParseCache = {}
    first = build_plan(load_catalog(cards, cache), today=TODAY)
    _edit(cards / "decisions" / "old-rpc-guidance.yaml", "title: ", "title: Renamed ")
    second = _replan(cards, cache, first)
    assert second.reuse.contents == first.reuse.contents
    assert "decisions/old-rpc-guidance.md" in second.reuse.rendered
    taken = set(second.pages) - second.reuse.rendered  # the example cards mostly name each other
    assert any(path.startswith(("decisions/", "failure-modes/")) for path in taken), taken
    fresh = build_plan(load_catalog(cards), today=TODAY)
    assert {p: page.markdown for p, page in second.pages.items()} == {
        p: page.markdown for p, page in fresh.pages.items()
    }
    assert "Renamed" in second.pages["decisions/old-rpc-guidance.md"].markdown


def test_an_edited_entrys_page_is_the_one_the_next_plan_makes(cards: Path) -> None:
    cache: ParseCache = {}
    first = build_plan(load_catalog(cards, cache), today=TODAY)
    assert edited_entry_pages(load_catalog(cards, cache), first, TODAY) is None  # no edit
    _edit(cards / "decisions" / "queue-or-direct-call.yaml", "Absorbs spikes.", "Absorbs more.")
    _edit(cards / "failure-modes" / "stale-cache-storm.yaml", "summary:", "summary: Renamed.")
    catalog = load_catalog(cards, cache)
    pages = edited_entry_pages(catalog, first, TODAY)
    assert pages is not None
    assert set(pages) == {"decisions/queue-or-direct-call.md", "failure-modes/stale-cache-storm.md"}
    second = build_plan(catalog, today=TODAY, previous=first)
    for path, page in pages.items():
        assert page == second.pages[path], path  # Markdown, search entries, what it shows
    assert "Absorbs more." in pages["decisions/queue-or-direct-call.md"].markdown
    # a page that lists the card is left to the next plan
    assert "browse/who-pays.md" not in pages
    assert edited_entry_pages(catalog, first, TODAY + dt.timedelta(days=1)) is None  # a new day


def _copy_of(cards: Path) -> Path:
    """A new card: another one under a new id and title."""
    copy = cards / "decisions" / "a-new-card.yaml"
    source = cards / "decisions" / "cache-or-recompute.yaml"
    copy.write_text(source.read_text().replace("title: ", "title: New "))
    return copy


@pytest.mark.parametrize("change", ["title", "added", "removed"])
def test_an_edit_that_changes_more_than_the_entrys_page_is_left_to_the_plan(
    cards: Path, change: str
) -> None:
    cache: ParseCache = {}
    added = _copy_of(cards) if change == "removed" else None
    first = build_plan(load_catalog(cards, cache), today=TODAY)
    if change == "title":  # shown in the navigation of every page
        _edit(cards / "decisions" / "old-rpc-guidance.yaml", "title: ", "title: Renamed ")
    elif change == "added":
        _copy_of(cards)
    elif added is not None:
        added.unlink()
    catalog = load_catalog(cards, cache)
    assert changed_ids(first.catalog, catalog)  # something was edited
    assert edited_entry_pages(catalog, first, TODAY) is None


def test_navigation_places_handwritten_pages() -> None:
    plan = build_plan(load_catalog(VALID), today=TODAY)
    nav = plan.navigation(["about.md", "contribute/index.md"])
    assert nav[0] == {"Home": "index.md"} and nav[1] == "about.md"
    assert nav[-1] == {
        "Contribute": ["contribute/index.md", {"Field reference": "contribute/fields.md"}]
    }
    assert plan.not_in_nav == ()
