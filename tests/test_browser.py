"""End-to-end checks of the real site in headless Chromium.

The module builds the site from the repository's own cards (``mkdocs build --strict``), serves it on
127.0.0.1 and drives Debian's Chromium through Playwright: the comparison table, following a
relation, a tag and a search result, screenshots at desktop and phone width, and an axe-core audit
in light and dark schemes. Requests to anything other than the local server are aborted, so the run
is hermetic (web fonts and the Mermaid script from the CDN simply do not load).

The module is skipped when /usr/bin/chromium or node_modules/axe-core is missing, except when the
``CI`` environment variable is set: there a missing tool is a failure, so the browser tests cannot
silently stop running.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from .search_words import words_only_in_text
from .serving import CHROMIUM, in_ci, serving

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = REPO / "tests" / "artifacts"
DECISIONS = REPO / "cards" / "decisions"

CARD = "rag-vs-fine-tuning"
SEARCH_WORD = "lakehouse"
SEARCH_CARD = "warehouse-vs-lakehouse"
DESKTOP: Any = {"width": 1400, "height": 900}
PHONE: Any = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000
BLOCKING_IMPACTS = {"serious", "critical"}


def _missing_tools() -> list[str]:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    if not AXE.exists():
        missing.append(f"{AXE.relative_to(REPO)} (npm ci)")
    return missing


_missing = _missing_tools()
if _missing:
    _reason = "browser tests need " + " and ".join(_missing)
    if in_ci():
        pytest.fail(f"{_reason}; CI is set, so this is an error, not a skip", pytrace=False)
    pytest.skip(_reason, allow_module_level=True)

from playwright.sync_api import (  # noqa: E402
    Browser,
    BrowserContext,
    Dialog,
    Page,
    expect,
    sync_playwright,
)

expect.set_options(timeout=TIMEOUT_MS)


def _card(card_id: str) -> dict:
    return yaml.safe_load((DECISIONS / f"{card_id}.yaml").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build the real site from the repository's cards and serve it on 127.0.0.1."""
    out = tmp_path_factory.mktemp("browser-site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stdout}\n{proc.stderr}"
    assert (out / "decisions" / CARD / "index.html").is_file()
    with serving(out) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield b
        finally:
            b.close()


NewPage = Callable[..., Page]


def _local_context(browser: Browser, base_url: str, **options: Any) -> BrowserContext:
    """A fresh browser context in which only the local server at `base_url` is reachable."""
    context = browser.new_context(base_url=base_url, service_workers="block", **options)
    context.set_default_timeout(TIMEOUT_MS)
    local = base_url + "/"
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(local) else route.abort(),
    )
    return context


@pytest.fixture
def new_page(browser: Browser, site_url: str) -> Iterator[NewPage]:
    """Factory for pages in fresh contexts; only the local server is reachable."""
    contexts = []

    def make(
        viewport: Any = None, color_scheme: Any = "light", java_script_enabled: bool = True
    ) -> Page:
        context = _local_context(
            browser,
            site_url,
            viewport=viewport or DESKTOP,
            color_scheme=color_scheme,
            java_script_enabled=java_script_enabled,
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: NewPage) -> Page:
    return new_page()


# --------------------------------------------------------------------------- the card page


def test_comparison_table_has_one_column_per_option(page: Page) -> None:
    card = _card(CARD)
    page.goto(f"/decisions/{CARD}/")
    expect(page.locator("h1")).to_have_text(card["title"])

    table = page.locator("div.tc-compare-wrap table.tc-compare")
    expect(table).to_be_visible()
    headers = table.locator("thead th[scope=col]")
    expect(headers).to_have_count(len(card["options"]))
    for i, option in enumerate(card["options"]):
        expect(headers.nth(i).locator(".tc-option-name")).to_have_text(option["name"])

    facets = table.locator("tr.tc-facet th")
    expect(facets.filter(has_text=re.compile(r"^\s*Best when\s*$"))).to_have_count(1)
    expect(facets.first).to_have_attribute("colspan", str(len(card["options"])))
    # every facet row is followed by a row with one cell per option
    expect(table.locator("tr.tc-cells--best-when > td")).to_have_count(len(card["options"]))


def test_related_decision_link_opens_that_card(page: Page) -> None:
    card = _card(CARD)
    target_id = card["relations"]["confused_with"][0]["card"]
    target = _card(target_id)
    page.goto(f"/decisions/{CARD}/")
    expect(page).to_have_title(re.compile(re.escape(card["title"])))

    link = page.locator(f"ul.tc-related a[href$='/{target_id}/']").first
    expect(link).to_have_text(target["title"])
    link.click()

    page.wait_for_url(re.compile(rf"/decisions/{re.escape(target_id)}/$"))
    expect(page).to_have_title(re.compile(rf"^{re.escape(target['title'])}\b"))
    expect(page.locator("h1")).to_have_text(target["title"])


def test_tag_link_opens_tags_page_at_that_tag(page: Page) -> None:
    card = _card(CARD)
    page.goto(f"/decisions/{CARD}/")
    tags = page.locator(".tc-header a.tc-tag")
    expect(tags).to_have_count(len(card["tags"]))
    tag = card["tags"][0]
    tags.filter(has_text=re.compile(rf"^\s*{re.escape(tag)}\s*$")).click()

    page.wait_for_url(re.compile(rf"/browse/tags/#tag-{re.escape(tag)}$"))
    anchor = page.locator(f'[id="tag-{tag}"]')
    expect(anchor).to_have_count(1)
    expect(anchor).to_be_visible()
    # the tag's own entry lists this card
    entry = page.locator(f'[id="tag-{tag}"] + dd')
    expect(entry.locator(f"a[href$='/decisions/{CARD}/']")).to_have_count(1)


def test_search_finds_a_card_by_a_title_word(page: Page) -> None:
    target = _card(SEARCH_CARD)
    assert SEARCH_WORD in target["title"].lower()
    page.goto("/")
    search = page.locator("header input[type=search]")
    expect(search).to_have_count(1)
    page.locator("h1").first.click()
    page.keyboard.press("/")  # the shortcut focuses the box
    expect(search).to_be_focused()
    page.keyboard.type(SEARCH_WORD, delay=20)

    first = page.locator("[data-search-results] > li > a").first
    expect(first).to_have_attribute("href", re.compile(rf"/decisions/{SEARCH_CARD}/$"))
    item = page.locator("[data-search-results] > li").first
    expect(item).to_contain_text("Undo cost:")
    expect(item.locator("mark").first).to_be_visible()
    page.keyboard.press("ArrowDown")  # from the box to the first result, by keyboard
    expect(first).to_be_focused()
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(rf"/decisions/{re.escape(SEARCH_CARD)}/(#.*)?$"))
    expect(page.locator("h1")).to_have_text(target["title"])
    expect(page).to_have_title(re.compile(rf"^{re.escape(target['title'])}\b"))


def test_a_citation_leads_to_its_source_and_back_by_keyboard(page: Page) -> None:
    page.goto("/decisions/kubernetes-vs-paas/")
    # once the page's scripts have run (they build the helper and may scroll on load)
    expect(page.locator("table.tc-compare input[data-option]").first).to_be_attached()
    page.wait_for_load_state("networkidle")
    cite = page.locator("#cite-1-1")
    expect(cite).to_have_attribute("aria-label", re.compile(r"^Source 1: Google Kubernetes"))
    cite.focus()
    page.keyboard.press("Enter")
    # (the theme may rewrite the address to the section it scrolled to: look at the page instead)
    source = page.locator("#source-1")
    expect(source).to_be_in_viewport()
    expect(source).to_contain_text("(cloud.google.com)")
    back = source.locator(".tc-backrefs a").first
    expect(back).to_have_attribute("aria-label", "Back to citation 1 of source 1")
    back.focus()
    page.keyboard.press("Enter")
    expect(cite).to_be_in_viewport()
    # the decision helper copies the items it lists, never a citation's id
    ids = page.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids))


def _found(page: Page, query: str) -> list[str]:
    """The results' addresses once every tier has answered `query`."""
    page.wait_for_function(
        "(q) => document.querySelector('[data-search-status]').dataset.query === q", arg=query
    )
    return page.eval_on_selector_all(
        "[data-search-results] > li > a", "links => links.map(a => a.getAttribute('href'))"
    )


def _word_only_in_text() -> tuple[str, str]:
    """A word of one card's sections that no page is named by (see search_words.py)."""
    _, word, url = min((w[:5], w, u) for u, w in words_only_in_text().items())
    return word, url


def test_search_shows_pages_found_by_name_first_and_then_those_found_in_the_text(
    page: Page,
) -> None:
    page.goto("/")
    search = page.locator("header input[type=search]")
    search.click()
    search.fill(SEARCH_WORD)
    results = page.locator("[data-search-results] > li > a")
    expect(results.first).to_be_visible()
    first = results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    final = _found(page, SEARCH_WORD)
    # the first results stay where they are; the full text only adds after them
    assert final[: len(first)] == first and first[0].endswith(f"/decisions/{SEARCH_CARD}/")
    assert not [href for href in final if "tc-quick" in href]
    # a word only a card's text holds still finds the card, from the full text
    word, url = _word_only_in_text()
    search.fill(word)
    assert _found(page, word)[0].endswith(url)
    expect(page.locator("[data-search-status]")).to_have_text("Best matches first")


def test_search_filters_and_hands_over_to_the_finder(page: Page) -> None:
    page.goto("/")
    search = page.locator("header input[type=search]")
    search.click()
    search.fill("retries")
    results = page.locator("[data-search-results] > li > a")
    expect(results.first).to_be_visible()
    undo = page.locator("select[data-filter=undo]")
    undo.select_option("high")
    expect(page.locator("[data-search-status]")).not_to_have_text(re.compile("Searching"))
    for text in page.locator("[data-search-results] .tc-search__facts").all_text_contents():
        assert "Undo cost: high" in text
    finder = page.locator("[data-search-finder]")
    expect(finder).to_have_attribute(
        "href", re.compile(r"browse/finder/\?words=retries&undo=high$")
    )
    page.keyboard.press("Escape")
    expect(page.locator("[data-search-panel]")).to_be_hidden()


def test_search_recovers_from_a_failed_download(page: Page) -> None:
    # Every download of the engine fails until the network is back; whenever the page tries
    # (while the box opens or when the query runs), the query must say the search is unavailable,
    # and the next query must download the engine again rather than keep the failure for good.
    network = {"up": False}
    failed: list[str] = []

    def until_back(route: Any) -> None:
        if network["up"]:
            route.continue_()
        else:
            failed.append(route.request.url)
            route.abort()

    page.route(re.compile(r"/pagefind/pagefind\.js(\?[^/]*)?$"), until_back)
    page.goto("/")
    search = page.locator("header input[type=search]")
    search.fill("retries")
    expect(page.locator("[data-search-status]")).to_have_text(re.compile("unavailable"))
    assert failed
    network["up"] = True
    search.fill("retry storm")
    expect(page.locator("[data-search-results] > li > a").first).to_be_visible()


# --------------------------------------------------------------------------- layout


def test_screenshots_and_no_page_overflow_on_phone(new_page: NewPage) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        for scheme in ("light", "dark"):
            page = new_page(viewport, scheme)
            page.goto(f"/decisions/{CARD}/")
            expect(page.locator("table.tc-compare")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / f"card-{name}-{scheme}.png"), full_page=True)

    page = new_page(PHONE)
    for path in (
        f"/decisions/{CARD}/",
        "/categories/ai-systems/",
        "/",
        "/browse/tags/",
        "/browse/finder/",
    ):
        page.goto(path)
        widths = page.evaluate(
            """() => ({
                scroll: document.documentElement.scrollWidth,
                viewport: window.innerWidth,
                offenders: [...document.querySelectorAll('.md-content *')]
                  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
                                && !el.closest('.tc-compare-wrap'))
                  .slice(0, 5)
                  .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')),
            })"""
        )
        assert widths["scroll"] <= widths["viewport"] + 1, (
            f"{path} overflows sideways on a phone: scrollWidth {widths['scroll']} > "
            f"{widths['viewport']}; widest elements: {widths['offenders']}"
        )

    # On a phone the comparison shows one option at a time, at the full width of the page, instead
    # of squeezing each option into a column a few words wide or scrolling sideways.
    page.goto(f"/decisions/{CARD}/")
    wrap = page.evaluate(
        """() => { const w = document.querySelector('.tc-compare-wrap');
                  const cols = [...w.querySelectorAll('thead th:not([hidden])')]
                    .map(th => th.getBoundingClientRect().width);
                  return {scroll: w.scrollWidth, client: w.clientWidth, columns: cols}; }"""
    )
    assert wrap["scroll"] <= wrap["client"] + 1, f"the comparison scrolls sideways: {wrap}"
    assert len(wrap["columns"]) == 1 and wrap["columns"][0] >= 300, wrap


# --------------------------------------------------------------------------- accessibility

AXE_PAGES = {
    # ticks for two options: the helper shows an unclear lean, with its links
    "card": f"/decisions/{CARD}/?tick=rag:b0,fine-tuning:b0",
    "category": "/categories/ai-systems/",
    "home": "/",
    "finder": "/browse/finder/?tag=llm",
    "open search": "/",  # with results for a query shown (SEARCHED)
    "browse": "/browse/",
    "all decisions": "/decisions/",
    "what changed": "/browse/changes/",
    "who pays": "/browse/who-pays/",
    "not found": "/404.html",
}
SEARCHED = {"open search": "retry"}


def _format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} [{v['impact']}] {v['help']} ({len(v['nodes'])} nodes)")
        for node in v["nodes"][:4]:
            summary = " ".join(str(node.get("failureSummary") or "").split())
            lines.append(f"    {node['target']}: {summary[:300]}")
    return "\n".join(lines)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(AXE_PAGES))
def test_axe_finds_no_serious_violations(new_page: NewPage, name: str, scheme: str) -> None:
    page = new_page(DESKTOP, scheme)
    page.goto(AXE_PAGES[name])
    expected_scheme = "slate" if scheme == "dark" else "default"
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", expected_scheme)
    if name in SEARCHED:
        page.locator("header input[type=search]").fill(SEARCHED[name])
        expect(page.locator("[data-search-results] > li").first).to_be_visible()
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '),
                                          failureSummary: n.failureSummary})),
            }));
        }"""
    )
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    minor = [v for v in violations if v["impact"] not in BLOCKING_IMPACTS]
    if minor:
        print(f"axe, {name} ({scheme}), minor/moderate:\n{_format_violations(minor)}")
    assert not blocking, (
        f"axe found serious/critical violations on {AXE_PAGES[name]} ({scheme}):\n"
        + _format_violations(blocking)
    )


# --------------------------------------------------------------------------- deciding with a card


def _ticks(page: Page, option: str, kind: str) -> Any:
    """The checkboxes for an option's conditions (kind "b") or signals ("s"), where they are
    read: in the comparison."""
    return page.locator(
        f"table.tc-compare input[type=checkbox][data-option='{option}'][value^='{option}:{kind}']"
    )


def test_decision_helper_leans_to_what_is_ticked_and_keeps_it_in_the_address(page: Page) -> None:
    card = _card(CARD)
    option = card["options"][1]
    key, other = option["key"], card["options"][0]["key"]
    page.goto(f"/decisions/{CARD}/")
    helper = page.locator("[data-decision-helper]")
    table = page.locator("table.tc-compare")
    verdict = helper.locator(".tc-helper__verdict")
    expect(helper).to_have_attribute("data-leading-option", "")
    expect(table.locator(f"input[data-option='{key}']")).to_have_count(
        len(option["best_when"]) + len(option["signals"])
    )
    signals = _ticks(page, key, "s")
    expect(signals).to_have_count(len(option["signals"]))
    # a label carries the item's text; ticking works from the keyboard
    expect(table.locator(f"label[for='tc-tick-{key}-s0']")).to_contain_text(
        option["signals"][0].split("`")[0].strip()
    )
    for index in range(len(option["signals"])):
        signals.nth(index).focus()
        page.keyboard.press("Space")
    expect(helper).to_have_attribute("data-leading-option", key)
    expect(verdict).to_contain_text("Your context leans to")
    expect(verdict).to_contain_text(option["name"])
    page.wait_for_url(re.compile(r"[?&]tick="))

    page.reload()
    expect(helper).to_have_attribute("data-leading-option", key)
    expect(table.locator("input:checked")).to_have_count(len(option["signals"]))
    for index in range(len(option["signals"])):
        expect(signals.nth(index)).to_be_checked()

    # as many ticks for another option: no clear lean, and the page says where to look
    for index in range(len(option["signals"])):
        table.locator(f"input[data-option='{other}']").nth(index).check()
    expect(helper).to_have_attribute("data-leading-option", "")
    expect(verdict).to_contain_text("No clear lean")
    expect(verdict.locator("a[href='#combining']")).to_have_count(1)
    expect(verdict.locator("a[href='#litmus-test']")).to_have_count(1)
    ticked = page.url

    # another page and back: the ticks come back with the address
    page.goto("/")
    page.go_back()
    expect(page).to_have_url(ticked)
    expect(table.locator("input:checked")).to_have_count(2 * len(option["signals"]))
    expect(helper).to_have_attribute("data-leading-option", "")


def test_without_javascript_the_lists_are_plain_and_the_finder_lists_everything(
    new_page: NewPage,
) -> None:
    card = _card(CARD)
    page = new_page(java_script_enabled=False)
    page.goto(f"/decisions/{CARD}/?tick=rag:b0")
    expect(page.locator(".md-content input")).to_have_count(0)
    best = page.locator("tr.tc-cells--best-when > td").first.locator("li")
    expect(best).to_have_count(len(card["options"][0]["best_when"]))
    expect(best.first).to_be_visible()
    expect(page.locator("[data-decision-helper] .tc-helper__intro")).to_be_visible()
    expect(page.locator("[data-decision-record]")).to_contain_text("a decision record your team")

    page.goto("/browse/finder/?words=cache")
    expect(page.locator("form[data-finder]")).to_be_hidden()
    expect(page.locator("li.tc-finder__card:visible")).to_have_count(
        len(list(DECISIONS.glob("*.yaml")))
    )


def test_finder_combines_filters_and_keeps_them_in_the_address(page: Page) -> None:
    cards = [
        yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(DECISIONS.glob("*.yaml"))
    ]

    def expected(undo: set[str], tag: str, word: str) -> int:
        return sum(
            1
            for c in cards
            if c["reversibility"]["undo_cost"] in undo
            and tag in (c.get("tags") or [])
            and word in (c["title"] + " " + c["summary"]).lower()
        )

    page.goto("/")
    page.locator(".md-content a[href$='browse/finder/']").first.click()
    page.wait_for_url(re.compile(r"/browse/finder/$"))
    count = page.locator("[data-finder-count]")
    expect(count).to_have_text(f"{len(cards)} cards")
    form = page.locator("form[data-finder]")
    form.locator("input[name=undo][value=moderate]").check()
    form.locator("input[name=undo][value=high]").check()
    form.locator("details.tc-finder__tags summary").click()
    form.locator("input[name=tag][value=llm]").check()
    form.locator("input[name=words]").fill("model")
    shown = expected({"moderate", "high"}, "llm", "model")
    assert 0 < shown < len(cards)
    expect(page.locator("li.tc-finder__card:visible")).to_have_count(shown)
    expect(count).to_contain_text(f"{shown} of {len(cards)} cards match")
    page.wait_for_url(re.compile(r"words=model"))
    assert "undo=moderate%2Chigh" in page.url and "tag=llm" in page.url

    page.reload()
    expect(page.locator("li.tc-finder__card:visible")).to_have_count(shown)
    expect(form.locator("input[name=words]")).to_have_value("model")
    form.locator("button[type=reset]").click()
    expect(page.locator("li.tc-finder__card:visible")).to_have_count(len(cards))
    page.wait_for_url(re.compile(r"/browse/finder/$"))


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_printed_card_is_a_handout_that_fits_in_nine_pages(page: Page) -> None:
    # CARD is the longest card of the collection on paper
    page.goto(f"/decisions/{CARD}/")
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer"):
        expect(page.locator(chrome)).to_be_hidden()
    expect(page.locator(".tc-print-url")).to_have_text(
        f"https://tradeoff-cards.github.io/tradeoff-cards/decisions/{CARD}/"
    )
    expect(page.locator(".tc-reviewed")).to_be_visible()
    expect(page.locator("details.tc-follow-up > p").first).to_be_visible()
    expect(page.locator("[data-decision-record]")).to_be_hidden()
    assert (
        page.evaluate("getComputedStyle(document.querySelector('table.tc-compare thead')).display")
        == "table-header-group"
    )
    widths = page.evaluate(
        "[document.querySelector('.md-content__inner').getBoundingClientRect().width,"
        " window.innerWidth]"
    )
    assert widths[0] >= 0.95 * widths[1], widths  # the whole width of the paper
    for paper in ("A4", "Letter"):
        pages = _pdf_pages(page.pdf(format=paper))
        assert 1 < pages <= 9, f"{CARD} prints on {pages} {paper} pages"


# ------------------------------------------------------------ a card whose text is hostile

HOSTILE = REPO / "tests" / "cards" / "hostile" / "decisions" / "quotes-and-scripts.yaml"
RECORD_TITLE = (
    '# "Our call" </script><img src=x onerror="window.__xss=1"> &amp; '
    "[x](javascript:window.__xss=2) ![p](https://evil.example/p.png) C #"
)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The example collection plus a card whose text tries to run, built with the site's
    address set to the local server, so that Material's instant navigation is on; yields the
    address and the project."""
    import shutil

    from .conftest import VALID, make_project, mkdocs_build

    root = tmp_path_factory.mktemp("hostile-site")
    cards = root / "cards"
    shutil.copytree(VALID, cards)
    shutil.copy(HOSTILE, cards / "decisions")
    out = root / "site"
    out.mkdir()
    with serving(out) as url:
        project = make_project(root / "project", cards)
        config = project / "mkdocs.yml"
        text = re.sub(r"(?m)^site_url: .*$", f"site_url: {url}/", config.read_text())
        # instant navigation is off in the site's own configuration; adopters may turn it on
        text = text.replace("  features:\n", "  features:\n    - navigation.instant\n", 1)
        assert "- navigation.instant\n" in text
        config.write_text(text, encoding="utf-8")
        result = mkdocs_build(project, out)
        assert result.returncode == 0, result.stderr
        yield url, project


def test_hostile_card_text_never_runs_and_the_record_matches_the_cli(
    browser: Browser, hostile_site: tuple[str, Path], run_cli: Any
) -> None:
    url, project = hostile_site
    card = yaml.safe_load(HOSTILE.read_text(encoding="utf-8"))
    safe = card["options"][0]
    context = _local_context(browser, url, viewport=DESKTOP)
    try:
        page = context.new_page()
        dialogs: list[str] = []

        def refuse(dialog: Dialog) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", refuse)
        page.goto("/categories/performance/")
        page.evaluate("window.__marker = 'not reloaded'")
        page.locator("a[href$='/decisions/quotes-and-scripts/']").first.click()
        page.wait_for_url(re.compile(r"/decisions/quotes-and-scripts/"))
        helper = page.locator("[data-decision-helper]")
        table = page.locator("table.tc-compare")
        expect(table.locator("input[type=checkbox]")).to_have_count(
            sum(len(o["best_when"]) + len(o["signals"]) for o in card["options"])
        )
        assert page.evaluate("window.__marker") == "not reloaded"  # instant navigation

        signals = _ticks(page, "safe", "s")
        expect(signals).to_have_count(len(safe["signals"]))
        for index in range(len(safe["signals"])):
            signals.nth(index).check()
        expect(helper).to_have_attribute("data-leading-option", "safe")
        expect(helper.locator(".tc-helper__verdict strong")).to_have_text(
            '"Safe" <i onmouseover="window.__xss=\'name\'">option</i>'
        )
        page.reload()
        expect(helper).to_have_attribute("data-leading-option", "safe")
        expect(table.locator("input:checked")).to_have_count(len(safe["signals"]))
        # the text is shown as written, inside the labels
        expect(table.locator("label[for='tc-tick-safe-s0']")).to_have_text(safe["signals"][0])
        expect(table.locator("label[for='tc-tick-safe-b1']")).to_have_text(safe["best_when"][1])

        record = page.locator("[data-decision-record]")
        record.locator("select[name=option]").select_option("safe")
        record.locator("input[name=title]").fill(RECORD_TITLE)
        record.locator("input[name=date]").fill("2026-11-21")
        with page.expect_download() as download:
            record.locator("button[type=submit]").click()
        downloaded = Path(download.value.path()).read_text(encoding="utf-8")

        assert page.evaluate("window.__xss") is None and dialogs == []
    finally:
        context.close()

    code, printed, stderr = run_cli(
        "record",
        "quotes-and-scripts",
        "--chose",
        "safe",
        "--cards",
        str(project / "cards"),
        "--config",
        str(project / "mkdocs.yml"),
        "--title",
        RECORD_TITLE,
        "--date",
        "2026-11-21",
        *(arg for signal in safe["signals"] for arg in ("--signal", signal)),
        "--out",
        "-",
    )
    assert code == 0, stderr
    assert downloaded == printed
    assert (
        '# \\# "Our call" &lt;/script>&lt;img src=x onerror="window.__xss=1"> &amp;amp; '
        "x [p](https://evil.example/p.png) C \\#\n" in printed
    )


def test_hostile_card_text_shows_as_text_in_search_results(
    browser: Browser, hostile_site: tuple[str, Path]
) -> None:
    url, _ = hostile_site
    card = yaml.safe_load(HOSTILE.read_text(encoding="utf-8"))
    context = _local_context(browser, url, viewport=DESKTOP)
    try:
        page = context.new_page()
        page.goto("/")
        box = page.locator("header input[type=search]")
        for query in ("sanitizer", "hostile onerror", "script"):
            box.fill(query)
            first = page.locator("[data-search-results] > li").first
            expect(first.locator("a").first).to_have_attribute(
                "href", re.compile(r"/decisions/quotes-and-scripts/$")
            )
            expect(first.locator(".tc-search__title")).to_have_text(card["title"])
        results = page.locator("[data-search-results]")
        # card text never became elements: only the result's own markup and <mark>
        assert results.locator("img, script, svg, i, b, template").count() == 0
        assert page.evaluate("window.__xss") is None
        page.goto("/decisions/quotes-and-scripts/")
        expect(page.locator(".tc-keywords")).to_have_text(
            "Also searched as: " + ", ".join(card["keywords"])
        )
        assert page.evaluate("window.__xss") is None
    finally:
        context.close()


def test_finder_words_match_tags_and_keywords(page: Page) -> None:
    cards = {
        p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in DECISIONS.glob("*.yaml")
    }
    tagged = {i for i, c in cards.items() if "messaging" in (c.get("tags") or [])}
    named = {i for i, c in cards.items() if "pulsar" in " ".join(c.get("keywords") or []).lower()}
    assert tagged and named
    for word, expected in (("messaging", tagged), ("pulsar", named)):
        page.goto(f"/browse/finder/?words={word}")
        expect(page.locator("[data-finder-count]")).not_to_have_text(f"{len(cards)} cards")
        links = page.locator("[data-finder-list] > li:visible .tc-tile__title a")
        hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert expected <= {href.rstrip("/").split("/")[-1] for href in hrefs}, word


@pytest.mark.parametrize("viewport", [{"width": 1300, "height": 900}, PHONE])
def test_no_focused_helper_control_is_covered(new_page: NewPage, viewport: Any) -> None:
    """WCAG 2.4.11: a checkbox of the decision helper (in the comparison) that takes the
    keyboard's focus is not hidden under anything sticky (the header, the bar of option names);
    on a phone, those of the option shown."""
    page = new_page(viewport)
    page.goto(f"/decisions/{CARD}/")
    boxes = page.locator("table.tc-compare input[type=checkbox][data-option]:visible")
    expect(boxes.first).to_be_attached()
    total = boxes.count()
    assert total >= 4
    boxes.first.focus()
    covered: list[dict] = []
    visited: set[str] = set()
    for _ in range(20 * total):  # the links between the checkboxes are tab stops too
        where = page.evaluate(
            """() => {
                const e = document.activeElement;
                if (!e.matches('table.tc-compare input[data-option]')) return null;
                const r = e.getBoundingClientRect();
                const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
                return {id: e.id, inside: top === e, y: Math.round(r.top)};
            }"""
        )
        if where is not None:
            visited.add(where["id"])
            if not where["inside"]:
                covered.append(where)
        if len(visited) == total:
            break
        page.keyboard.press("Tab")
    assert len(visited) == total and not covered, covered


def test_every_option_of_a_three_option_card_is_readable_on_a_phone(new_page: NewPage) -> None:
    page = new_page(PHONE, "dark")
    page.goto(f"/decisions/{CARD}/")
    keys = page.eval_on_selector_all(
        "thead th[id^='option-']", "ths => ths.map(t => t.id.slice(7))"
    )
    assert len(keys) == 3
    wrap = page.locator(".tc-compare-wrap")
    for key in keys:
        name = page.locator(f".tc-compare-bar__option[data-option='{key}']")
        name.scroll_into_view_if_needed()
        box = name.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert name.evaluate("b => b.scrollWidth <= b.clientWidth")  # the whole name shows
        name.click()
        expect(name).to_have_attribute("aria-pressed", "true")
        shown = page.eval_on_selector_all(
            "td[data-option-key]:not([hidden])", "cells => cells.map(c => c.dataset.optionKey)"
        )
        assert shown and set(shown) == {key}
        # one option at a time: nothing to scroll sideways, and its name stays in view
        assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth + 1")
        page.locator("tr.tc-cells--hidden-costs").scroll_into_view_if_needed()
        box = name.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


def test_the_option_names_stay_over_their_columns_on_a_wide_screen(new_page: NewPage) -> None:
    page = new_page({"width": 1300, "height": 900})
    page.goto(f"/decisions/{CARD}/")
    bar = page.locator(".tc-compare-bar__track")
    expect(bar).to_be_hidden()  # the table's own header is on screen
    page.locator("tr.tc-cells--hidden-costs").scroll_into_view_if_needed()
    expect(bar).to_be_visible()
    for th in page.locator("thead th[id^='option-']").all():
        key = (th.get_attribute("id") or "")[len("option-") :]
        name, head = page.locator(f".tc-compare-bar__option[data-option='{key}']"), th
        a, b = name.bounding_box(), head.bounding_box()
        assert a is not None and b is not None and abs(a["x"] - b["x"]) <= 1
        assert 0 <= a["y"] < 900


def test_the_way_to_decide_comes_before_the_details(new_page: NewPage) -> None:
    page = new_page({"width": 1300, "height": 900})
    page.goto("/decisions/log-vs-queue/")
    litmus = page.locator(".tc-decide-first__litmus")
    box = litmus.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 1800, box
    card = yaml.safe_load((DECISIONS / "log-vs-queue.yaml").read_text(encoding="utf-8"))
    text = " ".join(litmus.inner_text().split())
    assert " ".join(card["how_to_decide"]["litmus_test"].split())[:40] in text
    questions = page.locator(".tc-decide-first li")
    assert questions.count() == len(card["how_to_decide"]["questions"])
    page.locator(".tc-decide-first__more a").click()
    page.wait_for_url(re.compile("#how-to-decide$"))
    # the sections kept for reference come last, in the page and in print
    order = page.eval_on_selector_all("h2[id]", "hs => hs.map(h => h.id)")
    assert order[-3:] == ["follow-ups", "changes", "sources"], order


def test_one_tick_is_counted_as_one_tick(page: Page) -> None:
    card = _card(CARD)
    key = card["options"][0]["key"]
    page.goto(f"/decisions/{CARD}/")
    _ticks(page, key, "b").first.check()
    verdict = page.locator("[data-decision-helper] .tc-helper__verdict")
    expect(verdict).to_contain_text("your 1 tick points to it.")
    expect(verdict).not_to_contain_text("1 of your 1")
    expect(page.locator(".tc-helper__lead .tc-helper__bar-count")).to_have_text("1 tick")
