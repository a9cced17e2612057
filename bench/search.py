"""The site search at scale, as a reader on a slow link meets it.

    python bench/search.py --cards 1000 [--cards 10000] [--json bench/out/search.json]

For each size: N synthetic cards (bench/synth.py) in the real site configuration, built once with
`mkdocs build` (the plugin logs how long indexing took and how long the build waited for it);
the index step is also timed alone, from the plan. The site is served on 127.0.0.1 and opened in
Chromium with the network emulated through the DevTools protocol (NETWORK below); then:

- page load without searching: bytes of everything search-related (pagefind/ and the search
  script) fetched until the network is idle;
- search: the home page opened, the box focused, a query typed; the time from navigation start
  (and from the first key) to the first result shown, and the bytes of scripts and data
  (everything but HTML, CSS, images and fonts) served from navigation start to that moment.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from run import OUT  # noqa: E402
from synth import synthesize  # noqa: E402

SRC = BENCH.parent


def make_project(n_cards: int, seed: int) -> Path:
    """bench/out/project-N: this repository's site configuration around N synthetic cards."""
    from generator.engines.project import Project

    project = OUT / f"project-{n_cards}"
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    shutil.copy2(SRC / "mkdocs.yml", project / "mkdocs.yml")
    site = Project(project / "mkdocs.yml")
    for folder in {site.config.get("docs_dir", "docs"), site.theme.get("custom_dir")} - {None}:
        if (SRC / folder).is_dir():
            shutil.copytree(SRC / folder, project / folder)
    synthesize(n_cards, site.cards_dir, seed=seed)
    return project


CHROMIUM = "/usr/bin/chromium"
# 10 Mbit/s both ways and 40 ms added to every request (DevTools bytes per second).
NETWORK = {
    "offline": False,
    "latency": 40,
    "downloadThroughput": 10_000_000 / 8,
    "uploadThroughput": 10_000_000 / 8,
}
QUERY = "retry storm"
SEARCH_RUNS = 3  # the search is timed this many times, each in a new browser context; median
# Times taken in the page (performance.now(), from navigation start): when the first key went
# down, and when the first result link was in the list and painted. Waiting for the link from
# outside the page would add Playwright's polling interval (up to 0.5 s) to the time.
MARKS = """
window.__tcBench = {};
document.addEventListener("keydown", function () {
  if (!window.__tcBench.key) window.__tcBench.key = performance.now();
}, true);
new MutationObserver(function () {
  var marks = window.__tcBench;
  var status = document.querySelector("[data-search-status]");
  if (!marks.shown && document.querySelector("[data-search-results] > li > a")) {
    marks.shown = performance.now();
    requestAnimationFrame(function () {
      setTimeout(function () { marks.painted = performance.now(); }, 0);
    });
  }
  // every tier has answered: the status names the query (search.js)
  if (marks.shown && !marks.all && status && status.getAttribute("data-query")) {
    marks.all = performance.now();
  }
}).observe(document, { subtree: true, childList: true, attributes: true });
"""
NOT_DATA = {"Document", "Stylesheet", "Image", "Font"}


NOT_DATA_FILES = (".html", ".css", ".png", ".svg", ".ico", ".jpg", ".woff", ".woff2")
SERVED: list[tuple[str, int, float]] = []  # (path, bytes, time.time()) of every response


class _Counting(http.server.SimpleHTTPRequestHandler):
    """Records what it serves: bytes are counted where they leave the server, which covers
    the requests of Pagefind's web worker as well as the page's."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def copyfile(self, source: Any, outputfile: Any) -> None:
        data = source.read()
        outputfile.write(data)
        SERVED.append((self.path.split("?")[0], len(data), time.time()))


@contextmanager
def serving(site: Path) -> Iterator[str]:
    handler = functools.partial(_Counting, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _mkdocs_build(project: Path, config: str, out: str) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", config, "-d", out],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    total = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(result.stderr[-3000:])
    return total, result.stderr


def build(project: Path) -> dict[str, float]:
    """Build the site; the whole build's time and the plugin's index figures."""
    total, log = _mkdocs_build(project, "mkdocs.yml", "site")
    found = re.search(r"search index of [\d,]+ pages in ([\d.]+) s, ([\d.]+) s after", log)
    assert found, log[-2000:]
    return {"build_s": total, "index_thread_s": float(found[1]), "index_wait_s": float(found[2])}


def added_by_index(project: Path, runs: int) -> dict[str, Any]:
    """The build with and without its search index (`search_index: false`), alternating: the
    wall time the index adds to the build, whatever of it runs on the other core."""
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    off = re.sub(r"(?m)^(  - tradeoff-cards:\n)", r"\1      search_index: false\n", text)
    assert off != text, "the plugin's entry in mkdocs.yml is not `  - tradeoff-cards:`"
    (project / "mkdocs-no-index.yml").write_text(off, encoding="utf-8")
    with_index: list[float] = []
    without: list[float] = []
    for _ in range(runs):
        with_index.append(_mkdocs_build(project, "mkdocs.yml", "site")[0])
        without.append(_mkdocs_build(project, "mkdocs-no-index.yml", "site-no-index")[0])
    shutil.rmtree(project / "site-no-index", ignore_errors=True)
    a, b = statistics.median(with_index), statistics.median(without)
    return {
        "ab_runs": runs,
        "build_with_index_s": round(a, 2),
        "build_without_index_s": round(b, 2),
        "index_added_share": round((a - b) / b, 3),
    }


def index_alone(project: Path) -> float:
    """The index step alone: records from the plan, indexed and written."""
    import tempfile

    from generator.engines.export import plan_for
    from generator.engines.project import Project
    from generator.site.search_index import index_documents, index_into, part_count

    plan = plan_for(Project(project / "mkdocs.yml"))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        index_into(index_documents(plan), Path(out), parts=part_count(len(plan.pages)))
    return time.perf_counter() - started


def _is_search(url: str) -> bool:
    return "/pagefind/" in url or "/assets/tradeoff-cards/search/" in url


def _open(browser: Any, emulate: bool) -> tuple[Any, Any]:
    """A new context and page, cache off, network emulated, the timing marks installed."""
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    page.add_init_script(MARKS)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    if emulate:
        cdp.send("Network.emulateNetworkConditions", NETWORK)
    return context, page


def _search_once(browser: Any, url: str, emulate: bool) -> dict[str, Any]:
    context, page = _open(browser, emulate)
    SERVED.clear()
    page.goto(url + "/", wait_until="load")
    box = page.locator("header input[type=search]")
    box.click()
    box.press_sequentially(QUERY, delay=30)
    page.wait_for_function(
        "window.__tcBench.painted !== undefined && window.__tcBench.all !== undefined"
    )
    marks = page.evaluate(
        "[window.__tcBench.key, window.__tcBench.painted, window.__tcBench.all,"
        " performance.timeOrigin]"
    )
    key_ms, painted_ms, all_ms, origin_ms = marks
    shown = (origin_ms + painted_ms) / 1000  # as time.time()
    done = (origin_ms + max(all_ms, painted_ms)) / 1000
    page.wait_for_timeout(1000)  # responses still being written are counted
    context.close()

    def data(until: float) -> list[tuple[int, str]]:
        served = [(u, n) for u, n, t in SERVED if t <= until]
        return [(n, u) for u, n in served if not u.endswith(NOT_DATA_FILES) and not u.endswith("/")]

    first, every = data(shown), data(done)
    return {
        "first_results_from_navigation_s": painted_ms / 1000,
        "first_results_from_first_key_s": (painted_ms - key_ms) / 1000,
        "script_and_data_bytes": sum(size for size, _ in first),
        "search_bytes": sum(size for size, u in first if _is_search(u)),
        "requests": len(first),
        # once the full text has added its results too
        "all_results_from_navigation_s": max(all_ms, painted_ms) / 1000,
        "all_results_script_and_data_bytes": sum(size for size, _ in every),
        "after_results": [(u, n) for u, n, t in SERVED if t > shown],
    }


def browse(url: str, emulate: bool = True, runs: int = SEARCH_RUNS) -> dict[str, Any]:
    """The reader's side: bytes on a plain page load, then the time and bytes of one search,
    `runs` times (medians; the bytes of the run with the median time)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            context, page = _open(browser, emulate)
            SERVED.clear()
            page.goto(url + "/", wait_until="load")
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(500)
            results: dict[str, Any] = {
                "load_search_bytes": sum(n for u, n, _ in SERVED if _is_search(u)),
                "load_all_bytes": sum(n for _, n, _ in SERVED),
            }
            context.close()
            runs_seen = [_search_once(browser, url, emulate) for _ in range(runs)]
        finally:
            browser.close()
    key = "first_results_from_navigation_s"
    median_run = sorted(runs_seen, key=lambda r: r[key])[len(runs_seen) // 2]
    results.update(median_run)
    results["runs"] = [round(r[key], 3) for r in runs_seen]
    results["typing_s"] = len(QUERY) * 0.03
    return results


def measure(n_cards: int, reuse: bool, alone: bool = True, ab_runs: int = 0) -> dict[str, Any]:
    project = OUT / f"project-{n_cards}"
    row: dict[str, Any] = {"cards": n_cards, "network": NETWORK, "query": QUERY}
    if not (reuse and (project / "site" / "pagefind").is_dir()):
        project = make_project(n_cards, seed=1)
        row.update(build(project))
        row["added_share_of_build"] = row["index_wait_s"] / row["build_s"]
        if alone:
            row["index_alone_s"] = index_alone(project)
            row["index_share_of_build"] = row["index_alone_s"] / row["build_s"]
    if ab_runs:
        row.update(added_by_index(project, ab_runs))
    site = project / "site"
    row["index_files"] = sum(1 for p in (site / "pagefind").rglob("*") if p.is_file())
    row["index_bytes"] = sum(
        p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file()
    )
    with serving(site) as url:
        row.update(browse(url))
        local = browse(url, emulate=False)
        row["first_results_from_first_key_s_no_emulation"] = local["first_results_from_first_key_s"]
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, action="append", required=True)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--reuse", action="store_true", help="use an already built site")
    parser.add_argument(
        "--no-index-alone", action="store_true", help="skip timing the index step on its own"
    )
    parser.add_argument(
        "--ab",
        type=int,
        default=0,
        metavar="RUNS",
        help="also build RUNS times with and without the index, alternating (the added cost)",
    )
    args = parser.parse_args(argv)
    rows = [measure(n, args.reuse, not args.no_index_alone, args.ab) for n in args.cards]
    text = json.dumps(rows, indent=2)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
