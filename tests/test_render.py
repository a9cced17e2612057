"""Rendering: golden Markdown, faithful text, and the pages a reader sees in a real build."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import shutil
from html import unescape
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cards import load_catalog
from generator.site.listings import add_months
from generator.site.plan import Page, build_plan

from .conftest import TESTS, VALID

GOLDEN = TESTS / "golden"
TODAY = dt.date(2026, 11, 21)


Pages = dict[str, Page]


@pytest.fixture(scope="module")
def pages() -> Pages:
    return dict(build_plan(load_catalog(VALID), today=TODAY).pages)


@pytest.mark.parametrize(
    "uri",
    [
        "decisions/cache-or-recompute.md",
        "failure-modes/stale-cache-storm.md",
        "categories/performance/index.md",
    ],
)
def test_golden_markdown(pages: Pages, uri: str, request: pytest.FixtureRequest) -> None:
    golden = GOLDEN / uri.replace("/", "__")
    if request.config.getoption("--update-golden"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(pages[uri].markdown, encoding="utf-8")
    assert pages[uri].markdown == golden.read_text(encoding="utf-8"), (
        f"{uri} differs from {golden.name}; if the change is intended, rerun with --update-golden"
    )


def test_every_page_kind_is_generated(pages: Pages) -> None:
    expected = {
        "index.md",
        "decisions/cache-or-recompute.md",
        "decisions/queue-or-direct-call.md",
        "decisions/old-rpc-guidance.md",
        "failure-modes/stale-cache-storm.md",
        "failure-modes/index.md",
        "categories/performance/index.md",
        "categories/integration/index.md",
        "decisions/index.md",
        "categories/index.md",
        "browse/index.md",
        "browse/finder.md",
        "browse/changes.md",
        "browse/reversibility.md",
        "browse/who-pays.md",
        "browse/review-due.md",
        "browse/tags.md",
        "contribute/fields.md",
    }
    assert set(pages) == expected
    assert (
        pages["decisions/cache-or-recompute.md"].source
        == VALID / "decisions" / "cache-or-recompute.yaml"
    )


def test_review_due_uses_the_months(pages: Pages) -> None:
    due = pages["browse/review-due.md"].markdown
    # old-rpc-guidance: reviewed 2024-01-10, 12 months -> due; cache-or-recompute: 2026-10-02 + 6 -> not due
    assert 'href="../../decisions/old-rpc-guidance/"' in due and "due since 2025-01-10" in due
    assert "cache-or-recompute" not in due
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)


def test_field_reference_lists_every_model_key(pages: Pages) -> None:
    reference = pages["contribute/fields.md"].markdown
    for key in (
        "framing.really_about",
        "options[].misuse",
        "relations.confused_with[].note",
        "reversibility.undo_cost",
        "ai_impact.false_confidence",
        "follow_ups[].answer",
    ):
        assert f"<code>{key}</code>" in reference


def test_counts_say_1_card_and_2_cards(pages: Pages) -> None:
    home = pages["index.md"].markdown
    assert 'tc-tile__meta">1 card</p>' in home and 'tc-tile__meta">2 cards</p>' in home
    assert "Reached from 1 option<" in pages["failure-modes/index.md"].markdown


def test_field_reference_describes_each_section_by_its_own_model(pages: Pages) -> None:
    from generator.cards import models

    rows = dict(
        re.findall(
            r"<tr><td><code>([^<]+)</code></td>.*?<td>([^<]*)</td></tr>",
            pages["contribute/fields.md"].markdown,
        )
    )
    card_doc = models.DecisionCard.__doc__ or ""
    for key, model in {
        "framing": models.Framing,
        "reversibility": models.Reversibility,
        "how_to_decide": models.HowToDecide,
        "pressures": models.Pressures,
        "ai_impact": models.AiImpact,
        "relations": models.Relations,
    }.items():
        assert rows[key] == (model.__doc__ or "").strip(), key
        assert rows[key] != card_doc
    assert card_doc not in pages["contribute/fields.md"].markdown


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


@pytest.mark.slow
def test_card_page_renders_every_field_faithfully(built_example: Path) -> None:
    html = (built_example / "decisions" / "cache-or-recompute" / "index.html").read_text()
    text = _text(html)
    # three option columns, each facet a row
    assert len(re.findall(r'<th scope="col" id="option-[a-z-]+">', html)) == 3
    assert html.count('scope="colgroup"') == 9
    # raw HTML in a text field is shown, never rendered
    assert (
        "<script>alert(1)</script>" not in html
        and "Cold starts after a flush <script>alert(1)</script>" in text
    )
    assert "<abbr>" not in html and "Keep the last result with a <abbr>TTL</abbr>." in text
    # a | in a cell and in the title neither breaks the table nor the heading
    assert "Absorbs read spikes | even at peak." in text
    assert "<title>Cache | recompute | precompute - Trade-off Cards</title>" in html.replace(
        "&amp;", "&"
    )
    # YAML lookalikes are text
    assert re.search(r"<li>no</li>", html) and re.search(r"<li>1\.10</li>", html)
    # Markdown in text works
    assert "<strong>staleness</strong>" in html and "<code>EXPLAIN</code>" in html
    # relations both ways, failure-mode link, sources, edit link to the YAML
    assert 'href="../queue-or-direct-call/"' in html
    assert 'href="../../failure-modes/stale-cache-storm/"' in html
    assert 'href="https://www.rfc-editor.org/rfc/rfc9111"' in html
    assert "edit/main/cards/decisions/cache-or-recompute.yaml" in html


@pytest.mark.slow
def test_backlinks_and_superseded_by(built_example: Path) -> None:
    queue = _text((built_example / "decisions" / "queue-or-direct-call" / "index.html").read_text())
    assert "Referenced by" in queue and "Queues defer work; caches avoid repeating it." in queue
    old = (built_example / "decisions" / "old-rpc-guidance" / "index.html").read_text()
    assert (
        "This card has been replaced by" in _text(old) and 'href="../queue-or-direct-call/"' in old
    )
    assert "Deprecated" in old


@pytest.mark.slow
def test_failure_mode_lists_where_it_is_reached_from(built_example: Path) -> None:
    html = (built_example / "failure-modes" / "stale-cache-storm" / "index.html").read_text()
    assert 'href="../../decisions/cache-or-recompute/#option-cache"' in html
    assert "TTLs that line up make every key expire at once." in _text(html)
    assert "<li>off</li>" in html


@pytest.mark.slow
def test_listing_pages_and_navigation(built_example: Path) -> None:
    home = (built_example / "index.html").read_text()
    assert 'href="categories/performance/"' in home
    category = (built_example / "categories" / "performance" / "index.html").read_text()
    assert 'href="../../decisions/cache-or-recompute/"' in category
    assert "Undo cost: low" in category
    assert (
        "Undo cost: high" in (built_example / "browse" / "reversibility" / "index.html").read_text()
    )
    who_pays = (built_example / "browse" / "who-pays" / "index.html").read_text()
    assert 'On-call engineers <span class="tc-count">(1)</span>' in who_pays
    # navigation.prune: a card page of one category does not embed the other category's cards
    assert "queue-or-direct-call" not in re.sub(
        r'<div class="md-content".*',
        "",
        (built_example / "decisions" / "cache-or-recompute" / "index.html").read_text(),
        flags=re.S,
    )
    tags = (built_example / "browse" / "tags" / "index.html").read_text()
    assert "caching" in tags and "../../decisions/cache-or-recompute/" in tags


@pytest.mark.slow
def test_relation_diagram_is_inline_svg_with_real_links(built_example: Path) -> None:
    html = (built_example / "decisions" / "cache-or-recompute" / "index.html").read_text()
    svg = re.search(r'<svg class="tc-diagram".*?</svg>', html, re.S)
    assert svg, "no relation diagram"
    diagram = svg.group(0)
    assert (
        'role="group" aria-label="Cache | recompute | precompute and the 1 decision it is related to"'
        in diagram
    )
    assert '<g class="tc-node tc-node--current" aria-current="page">' in diagram
    assert '<a class="tc-node" xlink:href="../queue-or-direct-call/" target="_self">' in diagram
    assert ">confused with</tspan>" in diagram
    old = (built_example / "decisions" / "old-rpc-guidance" / "index.html").read_text()
    assert ">superseded by</tspan>" in old
    assert "mermaid" not in html and "<script" not in diagram


def test_diagram_edge_labels_end_before_the_boxes_that_would_cover_them() -> None:
    from generator.site import diagram

    # Every relation kind towards one card, and each alone: the longest labels there are.
    edges = [
        ("here", "confused_with", "both"),
        ("here", "adjacent", "both"),
        ("both", "supersedes", "here"),
        ("here", "supersedes", "older"),
        ("here", "adjacent", "next"),
    ]
    svg = diagram.relation_svg("here", edges, lambda c: f"Card {c}", lambda c: f"../{c}/")
    labels = re.findall(r'<text class="tc-edge-label"([^>]*)>(.*?)</text>', svg)
    lines = [  # (x, text) of each line: a <tspan> each, or the <text> itself when on one line
        (float(x), unescape(text))
        for attributes, label in labels
        for x, text in re.findall(r'<tspan x="([\d.]+)"[^>]*>([^<]*)</tspan>', label)
        or [(re.search(r'x="([\d.]+)"', attributes).group(1), label)]  # type: ignore[union-attr]
    ]
    assert {word for _, text in lines for word in text.split("; ")} == {
        "confused with",
        "adjacent",
        "superseded by",
        "supersedes",
    }
    # 7.2px a character: wider than the average letter of a 12px sans-serif (about 6.5px)
    for x, text in lines:
        assert x + len(text) * 7.2 <= diagram.BOX_X, f"'{text}' runs under a box"
        assert diagram.label_width(text) >= len(text) * 7.2  # the diagram's estimate is wider
    # and the label lines of one connector stay within its box's height
    box = re.search(
        r'xlink:href="../both/"[^>]*><rect x="\d+" y="(\d+)" width="\d+" height="(\d+)"', svg
    )
    assert box
    top, height = float(box.group(1)), float(box.group(2))
    ys = [float(y) for y in re.findall(r'<tspan x="[\d.]+" y="([\d.]+)"', labels[0][1])]
    assert len(ys) == 3 and top <= min(ys) - 10 and max(ys) <= top + height  # 10: a 12px ascent


def test_large_categories_list_cards_on_their_page_not_in_the_navigation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import generator.site.navigation as render

    catalog = load_catalog(VALID)
    assert render.pages_outside_navigation(catalog) == []
    monkeypatch.setattr(render, "NAV_CARDS_UP_TO", 1)  # integration has two cards
    assert render.pages_outside_navigation(catalog) == [
        "decisions/queue-or-direct-call.md",
        "decisions/old-rpc-guidance.md",
    ]
    nav = render.navigation(catalog)
    sections = {next(iter(item)): next(iter(item.values())) for item in nav[1:3]}
    assert sections["Integration"] == ["categories/integration/index.md"]
    assert sections["Performance"] == [
        "categories/performance/index.md",
        {"Cache | recompute | precompute": "decisions/cache-or-recompute.md"},
    ]


@pytest.mark.slow
def test_finder_lists_every_card_with_what_it_is_filtered_on(built_example: Path) -> None:
    from generator.site.listings import finder

    found = finder(load_catalog(VALID))
    titles = [e.model.title.casefold() for e, _ in found.cards]
    assert len(titles) == 3 and titles == sorted(titles)
    payers = {party: (payer_id, count) for payer_id, party, count in found.payers}
    assert payers["On-call engineers"] == ("on-call", 1)
    assert len({payer_id for payer_id, _, _ in found.payers}) == len(found.payers)
    assert ("caching", 1) in found.tags
    html = (built_example / "browse" / "finder" / "index.html").read_text()
    item = re.search(
        r'<li class="tc-finder__card"([^>]*)>\s*<p class="tc-tile__title">'
        r'<a href="../../decisions/cache-or-recompute/"',
        html,
    )
    assert item, "no finder item for cache-or-recompute"
    attributes = item.group(1)
    assert 'data-category="performance"' in attributes and 'data-undo="low"' in attributes
    assert 'data-tags="caching latency"' in attributes and 'data-status="published"' in attributes
    assert 'data-payers="on-call others data-team"' in attributes
    assert '<form class="tc-finder" data-finder' in html


def test_an_option_that_reaches_a_failure_mode_twice_is_listed_once(tmp_path: Path) -> None:
    cards = tmp_path / "cards"
    shutil.copytree(VALID, cards)
    path = cards / "decisions" / "cache-or-recompute.yaml"
    text = path.read_text(encoding="utf-8")
    twice = text.replace(
        "      - Caching values that are cheap to compute.\n",
        "      - failure_mode: stale-cache-storm\n        note: A cold start empties every key.\n",
        1,
    )
    assert twice != text
    path.write_text(twice, encoding="utf-8")
    plan = build_plan(load_catalog(cards), today=TODAY)
    page = plan.pages["failure-modes/stale-cache-storm.md"].markdown
    reached = page[page.index("{ #reached-from }") :]
    assert reached.count("#option-cache") == 1
    assert "TTLs that line up" in reached and "A cold start empties every key." in reached
    listing = plan.pages["failure-modes/index.md"].markdown
    assert "Reached from 1 option<" in listing
    markdown = plan.files["failure-modes/stale-cache-storm/index.md"]  # the page as Markdown
    assert markdown.count("option *Cache*") == 1
    assert "  - A cold start empties every key." in markdown


@pytest.mark.slow
def test_previous_and_next_stay_within_a_section(built_example: Path) -> None:
    footers = {}
    for page in built_example.rglob("index.html"):
        html = page.read_text(encoding="utf-8")
        links = re.findall(
            r'<a href="([^"]*)" class="md-footer__link md-footer__link--(prev|next)"', html
        )
        footers[page.parent.relative_to(built_example).as_posix()] = links
    catalog = load_catalog(VALID)
    home = footers["."]
    assert home == [], home  # the home page leads into no section
    stepped = 0
    for where, links in footers.items():
        for href, _ in links:
            target = (built_example / where / href).resolve().relative_to(built_example.resolve())
            if where.startswith("decisions/"):  # cards of its category, or the category's page
                category = catalog.decisions[where.split("/")[1]].model.category
                assert target.as_posix().startswith("decisions/") or target.as_posix() == (
                    f"categories/{category}"
                ), (where, href)
                if target.as_posix().startswith("decisions/"):
                    other = catalog.decisions[target.name].model.category
                    assert other == category, (where, href)
            stepped += 1
    assert stepped > 0  # sections with several pages keep their links


def test_what_changed_lists_the_newest_changes_by_date(tmp_path: Path) -> None:
    cards = tmp_path / "cards"
    shutil.copytree(VALID, cards)
    path = cards / "decisions" / "cache-or-recompute.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "changes:\n  - date: 2026-11-20\n    note: Newer fix with `code`.\n"
        + "  - date: 2026-10-02\n    note: Older fix.\n",
        encoding="utf-8",
    )
    plan = build_plan(load_catalog(cards), today=TODAY)
    page = plan.pages["browse/changes.md"].markdown
    newer, older = page.index("## 20 November 2026"), page.index("## 2 October 2026")
    assert (
        newer < page.index("Newer fix with <code>code</code>.") < older < page.index("Older fix.")
    )
    assert 'href="../../decisions/cache-or-recompute/#changes"' in page
    home = plan.pages["index.md"].markdown
    assert "Newer fix" not in home and "The cards last changed on 20 November 2026" in home


@settings(max_examples=400, deadline=None, derandomize=True)
@given(
    st.lists(st.sampled_from(["a", "b", "decisions", "x.html", "", ".", ".."]), max_size=4),
    st.lists(st.sampled_from(["a", "b", "decisions", "x.html", "", ".", ".."]), max_size=4),
    st.booleans(),
)
def test_a_relative_path_is_the_one_posixpath_gives(
    to: list[str], at: list[str], end: bool
) -> None:
    from generator.site.paths import _relpath

    path, start = "/".join(to) or ".", ("/".join(at) or ".") + ("/" if end else "")
    if not path.startswith("/") and not start.startswith("/"):
        assert _relpath(path, start) == posixpath.relpath(path, start)
