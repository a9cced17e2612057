"""Reading every page of a site for its links, in parallel worker processes on large sites."""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import posixpath
import sys
import threading
from pathlib import Path
from typing import NamedTuple

from ...site.paths import API_CARDS
from .extract import _api_links, _PageParser, markdown_links
from .resolve import _EXTERNAL, _SKIPPED, HTML_SUFFIXES, _resolve, _SiteIndex

# Below this many pages, starting worker processes costs more than it saves.
_PARALLEL_MIN_PAGES = 100


class _PageScan(NamedTuple):
    """What a worker sends back for one page: only what still needs the main process, so
    the tens of thousands of good nav links never cross a process boundary."""

    page: str
    ids: frozenset[str]
    counted: int  # links checked here (internal and accepted schemes), with repeats
    problems: list[tuple[int, str, str]]  # (order in page, link, reason)
    fragments: list[tuple[int, str, str, str]]  # (order, link, target page, fragment)
    external: list[tuple[int, str, str, int]]  # (order, link, URL without fragment, repeats)


def _read_links(root: str, page: str) -> tuple[dict[str, int], frozenset[str], str]:
    """(links with their counts, anchor ids, the folder relative links start from) of a file."""
    with open(os.path.join(root, page), encoding="utf-8", errors="replace") as handle:
        text = handle.read()
    if page == API_CARDS:
        return _api_links(text), frozenset(), ""  # URLs relative to the site root
    if not page.lower().endswith(HTML_SUFFIXES):
        return markdown_links(text), frozenset(), posixpath.dirname(page)
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    return parser.links, frozenset(parser.ids), posixpath.dirname(page)


def _scan_page(root: str, page: str, index: _SiteIndex) -> _PageScan:
    try:
        links, ids, page_dir = _read_links(root, page)
    except ValueError as exc:  # the JSON API is not JSON
        return _PageScan(page, frozenset(), 0, [(0, "", f"cannot read links: {exc}")], [], [])
    counted = 0
    problems: list[tuple[int, str, str]] = []
    fragments: list[tuple[int, str, str, str]] = []
    external: list[tuple[int, str, str, int]] = []
    for order, (link, count) in enumerate(links.items()):
        kind, target, fragment, error = _resolve(link, page, page_dir, index)
        if kind == _EXTERNAL:
            external.append((order, link, target, count))
            continue
        if kind == _SKIPPED:
            continue
        counted += count
        if error:
            problems.append((order, link, error))
        elif fragment and target.lower().endswith(HTML_SUFFIXES):
            fragments.append((order, link, target, fragment))
    return _PageScan(page, ids, counted, problems, fragments, external)


_WORKER_INDEX: _SiteIndex | None = None


def _init_worker(index: _SiteIndex) -> None:
    global _WORKER_INDEX
    _WORKER_INDEX = index


def _scan_chunk(root: str, pages: list[str]) -> list[_PageScan]:
    assert _WORKER_INDEX is not None
    return [_scan_page(root, page, _WORKER_INDEX) for page in pages]


def _default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _scan_site(root: Path, pages: list[str], index: _SiteIndex, jobs: int) -> list[_PageScan]:
    root_str = str(root)
    if jobs <= 1 or len(pages) < _PARALLEL_MIN_PAGES:
        return [_scan_page(root_str, page, index) for page in pages]
    # Parsing is CPU-bound pure Python, so threads would not help: processes do. "fork" is
    # fast and needs no `if __name__ == "__main__"` guard in the caller's script, but forking
    # a process that runs other threads (a live-reload server) can deadlock: then "spawn".
    method = "fork" if sys.platform == "linux" and threading.active_count() == 1 else "spawn"
    size = max(1, -(-len(pages) // (jobs * 4)))
    chunks = [pages[i : i + size] for i in range(0, len(pages), size)]
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context(method),
        initializer=_init_worker,
        initargs=(index,),
    ) as pool:
        scans: list[_PageScan] = []
        for chunk_scans in pool.map(_scan_chunk, [root_str] * len(chunks), chunks):
            scans.extend(chunk_scans)
        return scans
