"""The live preview (`mkdocs serve`) never hangs on a mistake: the last good site stays served with
the problems on every page, and fixing them brings the site back without a restart."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import Abort, PluginError

from generator.engines.mkdocs.preview import RebuildGuard, show_problems, with_notice

from .conftest import VALID, make_project

CARD = Path("cards") / "decisions" / "queue-or-direct-call.yaml"


def test_the_notice_is_text_at_the_top_of_the_body_and_replaces_an_earlier_one() -> None:
    page = '<html><body class="x"><p>Card</p></body></html>'
    shown = with_notice(page, "cards/a.yaml:3:5: '<img src=x onerror=alert(1)>' is not valid")
    assert shown.startswith('<html><body class="x"><!-- tradeoff-cards: build problems -->')
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown and "<img" not in shown
    again = with_notice(shown, "cards/b.yaml:1:1: other")
    assert (
        again.count("<!-- tradeoff-cards: build problems -->") == 1 and "cards/b.yaml:1:1" in again
    )
    assert with_notice(again, None) == page


def test_a_failed_rebuild_is_shown_on_every_page_and_counts_as_done(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "decisions" / "a").mkdir(parents=True)
    for page in (site / "index.html", site / "decisions" / "a" / "index.html"):
        page.write_text("<html><body><p>last good</p></body></html>")
    guard = RebuildGuard()
    server = SimpleNamespace(builder=None)

    def failing_build() -> None:
        guard.build_error = PluginError("cards/decisions/a.yaml:36:14: 'medium' is not valid")
        raise Abort("Aborted with a BuildError!")

    server.builder = failing_build
    guard.install(server, str(site))
    server.builder()  # returns: the server then lets browsers reload instead of waiting
    assert guard.showing_problems
    for page in (site / "index.html", site / "decisions" / "a" / "index.html"):
        text = page.read_text()
        assert "last good" in text and "a.yaml:36:14: &#x27;medium&#x27; is not valid" in text
    assert "a.yaml:36:14" in (site / "404.html").read_text()  # no page of its own: an error page

    guard.rebuild(lambda: None, site)
    assert not guard.showing_problems  # the plugin then rebuilds every page, notice and all
    # and a file the rebuild left as it was (a dirty build's static HTML) loses the notice
    assert (site / "decisions" / "a" / "index.html").read_text() == (
        "<html><body><p>last good</p></body></html>"
    )


def test_a_bug_is_shown_by_its_type_and_left_as_a_traceback_in_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken() -> None:
        raise KeyError("decisions")

    RebuildGuard().rebuild(broken, tmp_path)
    assert "KeyError: &#x27;decisions&#x27;" in (tmp_path / "index.html").read_text()
    assert "Traceback" in capsys.readouterr().err
    assert show_problems(tmp_path, "again") == 2  # the error pages written the first time


class _LiveReload(SimpleNamespace):
    """The versions of the site MkDocs' live-reload server counts: a page request waits while
    the version wanted is not the one visible, and browsers reload when the visible one grows."""

    def __init__(self, builder: Callable[[], None]) -> None:
        super().__init__(builder=builder, _wanted_epoch=1000, _visible_epoch=1000)
        self._epoch_cond = threading.Condition()

    def rebuild(self) -> None:  # as the server's build loop runs one
        self._wanted_epoch += 1
        self.builder()
        with self._epoch_cond:
            self._visible_epoch = self._wanted_epoch


@pytest.mark.parametrize("fails", [False, True])
def test_pages_written_first_are_served_during_the_rebuild_and_reloaded_after(
    tmp_path: Path, fails: bool
) -> None:
    seen = []

    def build() -> None:
        seen.append((server._wanted_epoch, server._visible_epoch))
        if fails:
            raise PluginError("cards/decisions/a.yaml:1:1: a problem the pages show")

    server = _LiveReload(build)
    RebuildGuard().install(server, str(tmp_path), first=lambda: True)
    server.rebuild()
    ((wanted, visible),) = seen
    assert wanted == visible == 1001  # requests are not held: the page written first is served
    assert server._visible_epoch > 1001  # and browsers reload once the rebuild is done

    seen.clear()
    server.builder = build
    RebuildGuard().install(server, str(tmp_path), first=lambda: False)
    server.rebuild()
    ((wanted, visible),) = seen
    assert wanted > visible  # nothing written first: requests wait for the rebuild
    assert server._visible_epoch == wanted


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _fetch(url: str) -> str | None:
    """The page's text, or None when the server does not answer within five seconds."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, TimeoutError, ConnectionError):
        return None


def _wait_for(url: str, condition: Callable[[str], bool], what: str, seconds: float = 90) -> str:
    deadline = time.monotonic() + seconds
    text = None
    while time.monotonic() < deadline:
        text = _fetch(url)
        if text is not None and condition(text):
            return text
        time.sleep(0.3)
    answer = "no answer (the request hung)" if text is None else text[:300]
    pytest.fail(f"{url}: {what} within {seconds} s; last: {answer}")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str, Path]]:
    """`mkdocs serve --dirty` (as `make serve` runs it) on the example collection: yields the
    project, the site's URL and the file the server logs to. Templates are in `templates_dir`."""
    project = make_project(tmp_path / "project", VALID)
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "cards_dir: cards\n", "cards_dir: cards\n      templates_dir: overrides\n"
        )
    )
    (project / "overrides").mkdir()
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "mkdocs", "serve", "--dirty"),
                *("-f", str(project / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        try:
            url = f"http://127.0.0.1:{port}/tradeoff-cards/"
            _wait_for(url, lambda text: "Trade-off Cards" in text, "the first build served")
            yield project, url, log
        finally:
            server.terminate()
            server.wait(timeout=20)


def _save(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


@pytest.mark.slow
def test_an_invalid_card_is_shown_in_the_browser_and_fixing_it_recovers(
    served: tuple[Path, str, Path],
) -> None:
    project, url, log = served
    card_page = f"{url}decisions/queue-or-direct-call/"
    other_page = f"{url}decisions/cache-or-recompute/"
    _save(project / CARD, "undo_cost: moderate", 'undo_cost: "<b>medium</b>"')

    place = "cards/decisions/queue-or-direct-call.yaml:36:14"
    for page in (url, card_page, other_page, f"{url}contribute/"):
        shown = _wait_for(page, lambda text: place in text, "the problem shown on the page")
        assert "&#x27;&lt;b&gt;medium&lt;/b&gt;&#x27; is not a valid undo_cost" in shown
        assert "<b>medium</b>" not in shown  # the card's text is text
        assert "1 problem in the cards; the site was not rebuilt:" in shown
    assert "Queue or direct call" in (_fetch(card_page) or "")  # the last good page, still served
    assert place in log.read_text()  # and in the terminal

    _save(project / CARD, 'undo_cost: "<b>medium</b>"', "undo_cost: moderate")
    _save(project / CARD, "title: Queue or direct call", "title: Queue or call directly")
    recovered = _wait_for(
        card_page, lambda text: "Queue or call directly" in text, "the fixed card served"
    )
    assert "build problems" not in recovered
    for page in (url, other_page, f"{url}contribute/"):
        assert "build problems" not in (_fetch(page) or "build problems"), page


@pytest.mark.slow
def test_a_template_mistake_is_shown_and_a_fixed_template_used_at_once(
    served: tuple[Path, str, Path],
) -> None:
    project, url, _ = served
    template = project / "overrides" / "home.md.j2"
    template.write_text(
        '{% extends "builtin/home.md.j2" %}\n{% block lead %}\n<p>{{ team }}</p>\n{% endblock %}\n'
    )
    shown = _wait_for(url, lambda text: "home.md.j2:3" in text, "the template's mistake shown")
    assert "&#x27;team&#x27; is undefined (rendering index.md)" in shown
    template.write_text(
        '{% extends "builtin/home.md.j2" %}\n{% block lead %}\n<p>Our calls.</p>\n{% endblock %}\n'
    )
    recovered = _wait_for(url, lambda text: "<p>Our calls.</p>" in text, "the fixed template used")
    assert "build problems" not in recovered


@pytest.mark.slow
def test_a_saved_cards_page_is_served_first_and_the_pages_that_show_it_follow(
    served: tuple[Path, str, Path],
) -> None:
    project, url, log = served
    _save(project / CARD, "leave it a message.", "leave it a note on a queue.")
    seen = lambda text: "leave it a note on a queue." in text  # noqa: E731
    _wait_for(f"{url}decisions/queue-or-direct-call/", seen, "the saved card's page")
    _wait_for(f"{url}categories/integration/", seen, "its category's page, which lists it")
    assert "the saved card's page is up to date; the rest follows" in log.read_text()


def test_an_error_no_engine_logged_is_logged_with_the_problems(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    guard = RebuildGuard()

    def raw_error() -> None:  # as ProperDocs raises an error of MkDocs' own classes
        guard.build_error = PluginError("cards/decisions/a.yaml:2:1: unknown key")
        raise guard.build_error

    guard.rebuild(raw_error, tmp_path)
    assert "cards/decisions/a.yaml:2:1: unknown key" in caplog.text
