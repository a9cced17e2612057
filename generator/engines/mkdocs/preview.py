"""The preview never hangs: a rebuild that fails leaves the last good site served, with the
problems shown at the top of every page until a rebuild succeeds.

`mkdocs serve` holds every page request until a rebuild succeeds, so a card with a mistake
would leave the browser waiting with the reason only in the terminal. The plugin wraps the
server's rebuild: when it fails, the reason is logged, written into the pages already built
(as text: a problem quotes card text) and the rebuild counts as done, so browsers reload and
show it. The next rebuild that succeeds rewrites every page and takes the notice off any file
it left as it was.
"""

from __future__ import annotations

import html
import logging
import re
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from time import monotonic
from typing import Any

from mkdocs.exceptions import BuildError

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

START = "<!-- tradeoff-cards: build problems -->"
END = "<!-- /tradeoff-cards: build problems -->"
_NOTICE = re.compile(re.escape(START) + ".*?" + re.escape(END), re.DOTALL)
_BODY = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
# Inline styles: the notice must show even when the failed build left no stylesheet behind.
_STYLE = (
    "margin:0;padding:1em 1.5em;background:#fde8e8;color:#5c0a0a;border-bottom:3px solid #b3261e;"
    "font:15px/1.5 system-ui,sans-serif;position:relative;z-index:10"
)
_PRE_STYLE = "margin:.5em 0 0;white-space:pre-wrap;font:13px/1.5 ui-monospace,monospace"


def notice(problems: str) -> str:
    """The notice put at the top of each page: what failed, as escaped text."""
    return (
        f'{START}<div class="tc-build-problems" role="alert" style="{_STYLE}">'
        "<strong>The preview could not be rebuilt: it shows the last good site.</strong> "
        "Fix the problems below and save; the page reloads by itself."
        f'<pre style="{_PRE_STYLE}">{html.escape(problems.strip())}</pre></div>{END}'
    )


def with_notice(page: str, problems: str | None) -> str:
    """`page` with an earlier notice taken out and, when there are `problems`, a new one at the
    top of its body."""
    page = _NOTICE.sub("", page)
    if problems is None:
        return page
    body = _BODY.search(page)
    at = body.end() if body else 0
    return page[:at] + notice(problems) + page[at:]


def error_page(problems: str) -> str:
    """A page of its own for a site with nothing built yet to show the problems on."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>The preview could not be built</title></head><body>"
        f"{notice(problems)}</body></html>"
    )


def show_problems(site_dir: Path, problems: str) -> int:
    """Put the notice on every page of `site_dir`; the home and "not found" pages get an error
    page when the failed build left none. Returns how many pages show it."""
    pages = sorted(site_dir.rglob("*.html")) if site_dir.is_dir() else []
    for page in pages:
        text = page.read_text(encoding="utf-8", errors="replace")
        page.write_text(with_notice(text, problems), encoding="utf-8")
    for name in ("index.html", "404.html"):
        if not (site_dir / name).exists():
            site_dir.mkdir(parents=True, exist_ok=True)
            (site_dir / name).write_text(error_page(problems), encoding="utf-8")
            pages.append(site_dir / name)
    return len(pages)


def clear_problems(site_dir: Path) -> None:
    """Take the notice off the files the rebuild that succeeded did not write again (a dirty
    build copies a static HTML file only when its source is newer)."""
    for page in site_dir.rglob("*.html") if site_dir.is_dir() else []:
        text = page.read_text(encoding="utf-8", errors="replace")
        if START in text:
            page.write_text(with_notice(text, None), encoding="utf-8")


def describe(error: BaseException) -> str:
    """What a failed rebuild says in the browser: a contributor's mistake as its message, anything
    else (a bug) by its type, the traceback being in the terminal."""
    if isinstance(error, BuildError | SystemExit) and str(error):
        return str(error)
    return f"{type(error).__name__}: {error}\n(the traceback is in the terminal)"


class RebuildGuard:
    """Wraps the preview server's rebuild so a failure is shown instead of stalling requests,
    and so the pages written before the rebuild (`first`) are served while it runs."""

    def __init__(self) -> None:
        self.showing_problems = False  # every page carries the notice until a rebuild succeeds
        self.build_error: BaseException | None = None  # the last build's, from on_build_error
        self.server: Any = None

    def install(
        self,
        server: Any,
        site_dir: str,
        first: Callable[[], bool] = lambda: False,
        watched: Iterable[str | None] = (),
    ) -> None:
        """Route the server's rebuilds through the guard (the first build has already run).
        `first` writes pages before each rebuild and says whether it did. The folders of
        `watched` that exist are watched besides the site's own."""
        for folder in dict.fromkeys(watched):
            if folder and Path(folder).is_dir():
                server.watch(folder)
        rebuild: Callable[[], None] | None = getattr(server, "builder", None)
        if rebuild is None:
            return
        self.server = server

        def guarded() -> None:
            shown = not self.showing_problems and self.show_first(first)
            try:
                self.rebuild(rebuild, Path(site_dir))
            finally:
                if shown:  # browsers reload once more, to the rebuild's pages
                    self.reload_browsers(after=True)

        server.builder = guarded

    def show_first(self, first: Callable[[], bool]) -> bool:
        """Write pages with `first` and let browsers reload to them before the rebuild. Anything
        that goes wrong leaves it all to the rebuild, which reports it."""
        try:
            written = first() and self.reload_browsers(after=False)
        except Exception:
            log.debug("tradeoff-cards: the rebuild writes every page", exc_info=True)
            return False
        if written:
            log.info("tradeoff-cards: the saved card's page is up to date; the rest follows")
        return written

    def reload_browsers(self, *, after: bool) -> bool:
        """Tell the browsers the server's site changed while a rebuild runs: it stops holding
        page requests until the rebuild ends and browsers reload (MkDocs' live-reload server,
        which counts versions of the site; False for a server that does not). With `after`,
        the rebuild that ends makes a version of its own."""
        server = self.server
        condition = getattr(server, "_epoch_cond", None)
        if condition is None or not hasattr(server, "_wanted_epoch"):
            return False
        with condition:
            if after:
                server._wanted_epoch = max(server._wanted_epoch + 1, round(monotonic() * 1000))
            else:
                server._visible_epoch = server._wanted_epoch
                condition.notify_all()
        return True

    def rebuild(self, build: Callable[[], None], site_dir: Path) -> None:
        """Run one rebuild; on failure, log it and show it on the pages served, and return."""
        self.build_error = None
        try:
            build()
        except Exception as exc:
            # MkDocs logs a BuildError itself and aborts with a generic message: the plugin
            # hears the real one in on_build_error. An engine that raises the error as it is
            # (ProperDocs, for MkDocs' errors; strict mode's count of warnings) logs nothing.
            error = self.build_error or exc
            if error is exc and isinstance(error, BuildError | SystemExit):
                log.error("%s", error)
            elif error is exc:
                traceback.print_exc()
            problems = describe(error)
            shown = show_problems(site_dir, problems)
            self.showing_problems = True
            log.error(
                "tradeoff-cards: the preview keeps the last good site, with the problems "
                "above on its %d page%s, until they are fixed",
                shown,
                "" if shown == 1 else "s",
            )
            return
        if self.showing_problems:
            clear_problems(site_dir)
        self.showing_problems = False
