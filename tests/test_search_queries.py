"""The search finds what practitioners type: every query of tests/search_queries.yaml, typed into
the header's search box of the real site in Chromium, must show its entry among the first three
results for at least 90% of the queries.

The site's full-text index is written again in three parts, as a collection of a few thousand
cards has it (search_index.PART_PAGES): the ranks then also show that the parts' scores compare.

The queries are written as people search ("kafka or rabbitmq", "datadog bill too high"), not as
card titles. The test prints the share found and the hardest queries with the rank their entry
reached, so a change that helps some queries and hurts others shows where.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from generator.site.paths import page_url

from .search_words import words_only_in_text
from .serving import CHROMIUM, require_chromium, serving

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parent.parent
QUERIES = REPO / "tests" / "search_queries.yaml"
TOP = 3
REQUIRED_SHARE = 0.90
PARTS = 3  # the full-text index's parts (see the module docstring)

require_chromium()

from playwright.sync_api import Page, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("queries") / "site"
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert built.returncode == 0, built.stdout + built.stderr
    from generator.engines.export import plan_for
    from generator.engines.project import Project
    from generator.site.search_index import write_search_index

    write_search_index(plan_for(Project(REPO / "mkdocs.yml")), out, parts=PARTS)
    assert (out / "pagefind" / "part-2" / "pagefind-entry.json").is_file()
    with serving(out) as url:
        yield url


@contextmanager
def search_box(site_url: str, errors: list[str] | None = None) -> Iterator[Page]:
    """The home page in Chromium with the search box open; console errors go to `errors`."""
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page()
            if errors is not None:
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(site_url + "/")
            page.keyboard.press("/")
            yield page
        finally:
            browser.close()


def ranked_ids(page: Page, query: str) -> list[str]:
    """The entry ids the results list shows for `query`, in rank order."""
    box = page.locator("header input[type=search]")
    box.fill("")
    box.fill(query)
    page.wait_for_function(
        """(query) => {
            const status = document.querySelector('[data-search-status]');
            return status && status.dataset.query === query && status.textContent !== 'Searching…';
        }""",
        arg=query,
    )
    hrefs = page.eval_on_selector_all(
        "[data-search-results] > li > a", "links => links.map(a => a.getAttribute('href'))"
    )
    return [href.rstrip("/").split("/")[-1] for href in hrefs]


def test_the_query_set_finds_its_entries_in_the_top_three(site_url: str) -> None:
    cases = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))
    assert len(cases) >= 40
    ranks: list[tuple[str, str, int | None]] = []
    with search_box(site_url) as page:
        for case in cases:
            ids = ranked_ids(page, case["query"])
            rank = ids.index(case["expect"]) + 1 if case["expect"] in ids else None
            ranks.append((case["query"], case["expect"], rank))
    found = sum(1 for _, _, rank in ranks if rank is not None and rank <= TOP)
    share = found / len(ranks)
    hardest = sorted(ranks, key=lambda r: (r[2] is not None, -(r[2] or 0)))[:10]
    report = "\n".join(
        f"  {rank or 'not shown':>9}  {query!r} -> {entry}" for query, entry, rank in hardest
    )
    print(f"\nsearch query set: {found}/{len(ranks)} = {share:.0%} in the top {TOP}\n{report}")
    assert share >= REQUIRED_SHARE, f"only {share:.0%} in the top {TOP}; hardest:\n{report}"


def test_each_part_of_the_full_text_is_searched(site_url: str) -> None:
    """A word only one card's text holds finds the card, whichever part of the full tier holds
    it (the pages go to the parts in turn, in the index's order)."""
    from generator.engines.export import plan_for
    from generator.engines.project import Project

    plan = plan_for(Project(REPO / "mkdocs.yml"))
    urls = ["/" + page_url(path, plan.settings.directory_urls) for path in plan.pages]
    by_part: dict[int, tuple[str, str]] = {}
    for url, word in words_only_in_text().items():
        by_part.setdefault(urls.index(url) % PARTS, (url, word))
    assert sorted(by_part) == list(range(PARTS))
    errors: list[str] = []
    with search_box(site_url, errors) as page:
        for url, word in by_part.values():
            assert url.rstrip("/").split("/")[-1] in ranked_ids(page, word), word
    assert errors == []
