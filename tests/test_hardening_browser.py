"""Page scripts on a site served under a path that starts with "//" stay on the site's host."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .serving import QuietHandler, serving
from .test_browser import DESKTOP, _local_context, browser  # noqa: F401

pytestmark = pytest.mark.browser

PREFIX = "//evil.example"  # the site's path prefix: read alone, another host's address
CARD = "cache-or-recompute"


class _PrefixedHandler(QuietHandler):
    """Serves the site under PREFIX (and 404 elsewhere)."""

    def translate_path(self, path: str) -> str:
        # http.server itself folds a leading "//" into "/" (against open redirects of its own)
        inner = PREFIX.lstrip("/")
        path = "/" + path.lstrip("/")
        if not path.startswith(f"/{inner}/"):
            return str(Path(self.directory) / "missing")
        return super().translate_path(path[len(inner) + 1 :])


def test_scripts_keep_addresses_on_the_sites_host(
    browser: object,  # noqa: F811
    built_example: Path,
) -> None:
    with serving(built_example, _PrefixedHandler) as origin:
        context = _local_context(browser, origin, viewport=DESKTOP)  # type: ignore[arg-type]
        try:
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            card = f"{origin}{PREFIX}/decisions/{CARD}/"
            page.goto(card)
            # decide.js: a tick goes into this page's address, not another host's
            page.locator("table.tc-compare input[type=checkbox]").first.check()
            page.wait_for_url(re.compile(r"[?&]tick="))
            assert page.url.startswith(card + "?tick=")

            # page.js: a same-page link with another query is pointed at this page
            href = page.evaluate(
                """() => {
                  const a = document.createElement("a");
                  a.href = location.href.split("?")[0] + "?other=1#why";
                  a.textContent = "x";
                  document.querySelector(".md-content").append(a);
                  let seen = null;
                  a.addEventListener("click", (e) => { seen = a.href; e.preventDefault(); });
                  a.click();
                  return seen;
                }"""
            )
            assert href.startswith(card + "?tick=") and href.endswith("#why")

            # finder.js: the filters go into this page's address
            page.goto(f"{origin}{PREFIX}/browse/finder/")
            page.locator("form[data-finder] input[name=words]").fill("cache")
            page.wait_for_url(re.compile(r"words=cache"))
            assert page.url.startswith(f"{origin}{PREFIX}/browse/finder/?")
            assert errors == []
        finally:
            context.close()
