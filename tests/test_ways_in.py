"""Ways into the site: the home page's first screen, the index pages a shortened address lands
on, and the page a host serves for an address with no page, at any depth and base path."""

from __future__ import annotations

import http.server
import io
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from .serving import CHROMIUM, QuietHandler, require_chromium, serving

pytestmark = [pytest.mark.browser, pytest.mark.slow]

require_chromium()

from playwright.sync_api import Browser, Response, sync_playwright  # noqa: E402

PREFIXES = ("/tradeoff-cards/", "/elsewhere/kb/", "/")  # the site_url's path, then others


def _host(site: Path) -> type[http.server.SimpleHTTPRequestHandler]:
    """A static host that serves the site under each of PREFIXES and its 404.html, with status
    404, for any address that has no file (as GitHub Pages and most hosts do)."""

    class Host(QuietHandler):
        def send_head(self):  # type: ignore[no-untyped-def]
            path = unquote(urlsplit(self.path).path)
            prefix = next(p for p in PREFIXES if path.startswith(p))
            local = site / path[len(prefix) :]
            if local.is_dir():
                local = local / "index.html"
            if local.is_file():
                self.path = "/" + local.relative_to(site).as_posix()
                return super().send_head()
            body = (site / "404.html").read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)

    return Host


@pytest.fixture(scope="module")
def host(built_example: Path) -> Iterator[str]:
    with serving(built_example, _host(built_example)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("depth", ["missing", "decisions/no-such-card/", "a/b/c/d/e"])
def test_the_not_found_page_works_at_any_depth_and_base_path(
    host: str, browser: Browser, prefix: str, depth: str
) -> None:
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    address = host + prefix + depth
    failed: list[str] = []

    def seen(r: Response) -> None:
        # the page itself is the 404; so are the steps up the address it checks for the site
        if r.status >= 400 and r.url != address and r.request.method != "HEAD":
            failed.append(r.url)

    page.on("response", seen)
    response = page.goto(address)
    assert response is not None and response.status == 404
    assert page.locator("h1").first.inner_text() == "Page not found"
    # styled: the theme's stylesheet and the site's own are in force
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") in (
        "sticky",
        "fixed",
    )
    assert not failed, failed
    links = page.locator(".tc-not-found a")
    hrefs = [links.nth(i).evaluate("a => a.href") for i in range(links.count())]
    assert hrefs == [host + prefix, host + prefix + "browse/finder/"]
    for href in hrefs:
        assert page.request.get(href).status == 200
    # the search box of every page is there, and opens with /
    page.locator("h1").first.click()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.matches('header input[type=search]')")
    page.close()


@pytest.mark.parametrize(
    ("address", "lists"),
    [
        ("decisions/", "decisions/cache-or-recompute/"),
        ("categories/", "categories/performance/"),
        ("browse/", "browse/finder/"),
        ("failure-modes/", "failure-modes/stale-cache-storm/"),
        ("browse/changes/", "No card or failure mode has recorded a change"),  # none here
    ],
)
def test_a_shortened_address_lands_on_an_index_page(
    host: str, browser: Browser, address: str, lists: str
) -> None:
    page = browser.new_page()
    response = page.goto(host + "/tradeoff-cards/" + address)
    assert response is not None and response.status == 200
    hrefs = page.eval_on_selector_all("article a[href]", "links => links.map(a => a.href)")
    assert (
        host + "/tradeoff-cards/" + lists in hrefs or lists in page.locator("article").inner_text()
    )
    page.close()


def test_the_home_page_first_screen_offers_the_ways_in(host: str, browser: Browser) -> None:
    for width in (1300, 390):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(host + "/tradeoff-cards/")
        for name in ("Search", "Find a card", "Categories", "Failure modes"):
            way = page.locator(".tc-ways a", has_text=name)
            box = way.bounding_box()
            assert box is not None and box["y"] + box["height"] <= 900, (width, name, box)
        page.locator(".tc-ways a", has_text="Search").click()
        assert page.evaluate("document.activeElement.matches('header input[type=search]')")
        text = page.locator("article").first.inner_text()
        assert not re.search(r"Recent changes", text)  # the change log has a page of its own
        page.close()


def test_no_tab_stop_after_the_search_box_is_out_of_sight(host: str, browser: Browser) -> None:
    for width in (1300, 390):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(host + "/tradeoff-cards/")
        page.locator("header input[type=search]").focus()
        for step in range(6):
            page.keyboard.press("Tab")
            where = page.evaluate(
                """() => {
                    const e = document.activeElement, r = e.getBoundingClientRect();
                    return {html: e.outerHTML.slice(0, 120), seen: getComputedStyle(e).visibility,
                            x: r.x, y: r.y, w: r.width, h: r.height};
                }"""
            )
            on_screen = where["w"] > 0 and where["x"] + where["w"] > 0 and where["x"] < width
            assert on_screen and where["seen"] == "visible", (width, step, where)
        page.close()


def test_the_field_reference_breaks_no_key_in_the_middle(host: str, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 900})
    page.goto(host + "/tradeoff-cards/contribute/fields/")
    lines = page.eval_on_selector_all(
        "table.tc-fields td:first-child code", "codes => codes.map(c => c.getClientRects().length)"
    )
    assert len(lines) > 20 and set(lines) == {1}
    page.close()


def test_by_who_pays_folds_each_role_and_a_link_to_a_role_opens_it(
    host: str, browser: Browser
) -> None:
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    page.goto(host + "/tradeoff-cards/browse/who-pays/")
    folded = page.locator("details.tc-payers__cards")
    assert folded.count() >= 3
    assert page.evaluate(
        "[...document.querySelectorAll('details.tc-payers__cards')].every(d => !d.open)"
    )
    # a card page's cost bearer links to its role, which opens
    page.goto(host + "/tradeoff-cards/decisions/cache-or-recompute/")
    page.locator("a[href$='who-pays/#role-on-call']").first.click()
    page.wait_for_url(re.compile("#role-on-call$"))
    opened = page.evaluate(
        "[...document.querySelectorAll('details.tc-payers__cards')].map(d => d.open)"
    )
    assert opened.count(True) == 1
    role = page.locator("#role-on-call + dd details.tc-payers__cards")
    assert role.evaluate("d => d.open")
    assert role.locator("a[href$='decisions/cache-or-recompute/']").is_visible()
    page.close()


def test_the_not_found_page_links_to_pages_as_the_site_addresses_them(tmp_path: Path) -> None:
    from .conftest import VALID, make_project, mkdocs_build

    project = make_project(tmp_path / "project", VALID)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "use_directory_urls: false\n")
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    page = (site / "404.html").read_text(encoding="utf-8")
    finder = re.search(r'<a href="\./([^"]+)">Find a card</a>', page)
    assert finder is not None and finder[1] == "browse/finder.html"
    assert (site / finder[1]).is_file()
