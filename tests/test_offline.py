"""A built site asks nothing of any other host: measured in Chromium on every kind of page.

The site is built as `make site` builds it (`tradeoffs build`, the real cards and configuration),
served on 127.0.0.1, and each page is loaded with every request recorded: none may go to another
origin, and the browser console must stay free of errors. Skipped without Chromium unless CI is set.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .serving import CHROMIUM, Watched, require_chromium, serving

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent

require_chromium()

from playwright.sync_api import expect, sync_playwright  # noqa: E402


def _built(tmp_path_factory: pytest.TempPathFactory, engine: str) -> Path:
    out = tmp_path_factory.mktemp(f"offline-{engine}") / "site"
    command = [sys.executable, "-m", "generator", "build", "--out", str(out), "--engine", engine]
    built = subprocess.run(
        [*command, "--no-check-links"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    return out


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    out = _built(tmp_path_factory, "mkdocs")
    with serving(out) as url:
        yield url, out


def test_a_page_load_fetches_nothing_of_the_search(served: tuple[str, Path]) -> None:
    url, _ = served
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            fetched: list[str] = []
            page.on("request", lambda request: fetched.append(request.url))
            page.goto(f"{url}/decisions/rag-vs-fine-tuning/", wait_until="networkidle")
            page.mouse.wheel(0, 2000)
            page.wait_for_timeout(300)
            assert not [u for u in fetched if "pagefind" in u or "/search/" in u]
            # focusing the box is what starts the search's downloads
            with page.expect_request(lambda r: r.url.endswith("/pagefind/pagefind.js")):
                page.locator("header input[type=search]").focus()
        finally:
            browser.close()


def _pages(site: Path) -> list[str]:
    browse = sorted(
        p.parent.relative_to(site).as_posix() for p in (site / "browse").glob("*/index.html")
    )
    return [
        "",
        "decisions/rag-vs-fine-tuning/",
        "categories/ai-systems/",
        "failure-modes/retry-storm/",
        "failure-modes/",
        *(f"{path}/" for path in browse),
    ]


def test_no_request_leaves_the_site_and_no_console_error(served: tuple[str, Path]) -> None:
    url, site = served
    pages = _pages(site)
    assert len(pages) >= 9  # home, card, category, failure mode(s) and the browse pages
    seen = Watched(url)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            for scheme in ("light", "dark"):
                context = browser.new_context(color_scheme=scheme, service_workers="block")
                page = context.new_page()
                seen.watch(page)
                for path in pages:
                    seen.at = path
                    response = page.goto(f"{url}/{path}", wait_until="networkidle")
                    assert response is not None and response.ok, path
                # an open search, with results and a filter: its index is the site's own
                seen.at = "search"
                page.locator("h1").first.click()  # the page, not the browser's chrome, has focus
                page.keyboard.press("/")
                box = page.locator("header input[type=search]")
                expect(box).to_be_focused()
                page.keyboard.type("kafka", delay=20)
                status = page.locator("[data-search-status]")
                expect(status, f"errors so far: {seen.errors}").to_have_attribute(
                    "data-query", "kafka", timeout=60_000
                )
                expect(page.locator("[data-search-results] > li > a").first).to_be_visible()
                page.locator("select[data-filter=undo]").select_option("moderate")
                page.wait_for_load_state("networkidle")
                context.close()
        finally:
            browser.close()
    assert seen.outside == []
    assert seen.errors == []


def test_a_diagram_node_is_a_working_link(served: tuple[str, Path]) -> None:
    url, _ = served
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"{url}/decisions/rag-vs-fine-tuning/", wait_until="networkidle")
            page.locator("details.tc-neighbourhood > summary").click()  # shown on request
            node = page.locator("svg.tc-diagram a.tc-node").first
            target = node.get_attribute("xlink:href") or ""
            assert target.startswith("../")
            node.click()
            page.wait_for_url(f"{url}/decisions/{target[3:]}")
            assert page.locator("h1").first.inner_text()
        finally:
            browser.close()
    assert errors == []


def test_under_zensical_no_request_leaves_the_site(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # the project's site has repo_url: Zensical's theme would ask its host for statistics
    out = _built(tmp_path_factory, "zensical")
    with serving(out) as url, sync_playwright() as p:
        seen = Watched(url)
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_context(service_workers="block").new_page()
            seen.watch(page)
            for path in _pages(out):
                seen.at = path
                response = page.goto(f"{url}/{path}", wait_until="networkidle")
                assert response is not None and response.ok, path
            assert page.locator("a.md-source").count() >= 1  # the repository link is shown
        finally:
            browser.close()
    assert seen.outside == []
    assert seen.errors == []
