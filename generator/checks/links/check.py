"""Check every link of a built site: the scan, then the fragments, then (when asked) the
external URLs."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from .fetch import check_external
from .options import ExternalOptions, Progress, Warn, normalize_base_path, normalize_site_url
from .report import BrokenLink, ExternalStats, LinkReport
from .resolve import _index_site, _missing_fragment
from .scan import _default_jobs, _scan_site

# --------------------------------------------------------------------------- the site


def check_site(
    site_dir: Path,
    *,
    base_path: str | None = None,
    site_url: str = "",
    jobs: int | None = None,
    external: ExternalOptions | None = None,
    progress: Progress | None = None,
    warn: Warn | None = None,
) -> LinkReport:
    """Check every link of every HTML page, Markdown file and the JSON API under `site_dir`.

    Internal links are always checked, offline; with `site_url`, links under it are internal
    (and `base_path` defaults to its path, else to `/`). External `http(s)` links are contacted
    only when `external` is given. Raises FileNotFoundError / NotADirectoryError for a bad
    `site_dir`. `progress(done, total, broken)` is called while external links are checked.
    """
    root = Path(site_dir)
    if not root.exists():
        raise FileNotFoundError(f"site directory not found: {root}")
    if not root.is_dir():
        raise NotADirectoryError(f"not a directory: {root}")
    site_url = normalize_site_url(site_url)
    if base_path is None:
        base_path = urlsplit(site_url).path or "/"
    index, pages, data, unread = _index_site(root, normalize_base_path(base_path), site_url)
    scans = _scan_site(root, pages + data, index, jobs or _default_jobs())
    ids_by_page = {scan.page: scan.ids for scan in scans}

    # (page, order in page) sorts the report like the pages read.
    found: list[tuple[str, int, BrokenLink]] = [
        (path, -1, BrokenLink(path, "", reason)) for path, reason in unread
    ]
    links = 0
    # url -> [(page, order, link as written, occurrences)]
    external_refs: dict[str, list[tuple[str, int, str, int]]] = defaultdict(list)
    for scan in scans:
        links += scan.counted
        for order, link, reason in scan.problems:
            found.append((scan.page, order, BrokenLink(scan.page, link, reason)))
        for order, link, target, fragment in scan.fragments:
            missing = _missing_fragment(fragment, target, ids_by_page.get(target, frozenset()))
            if missing:
                found.append((scan.page, order, BrokenLink(scan.page, link, missing)))
        for order, link, url, count in scan.external:
            external_refs[url].append((scan.page, order, link, count))

    external_unchecked = 0
    stats: ExternalStats | None = None
    if external is None:
        external_unchecked = sum(c for refs in external_refs.values() for *_, c in refs)
    else:
        wanted: dict[str, list[tuple[str, int, str, int]]] = {}
        ignored = 0
        for url, refs in external_refs.items():
            if any(_ignored(external.ignore, url, link) for _, _, link, _ in refs):
                ignored += 1
            else:
                wanted[url] = refs
        results = check_external(wanted, external, progress=progress, warn=warn)
        dead = 0
        for url, result in results.items():
            refs = wanted[url]
            links += sum(count for *_, count in refs)
            if not result.ok:
                dead += 1
                for page, order, link, _ in refs:
                    found.append((page, order, BrokenLink(page, link, result.reason)))
        stats = ExternalStats(
            urls=len(external_refs),
            checked=sum(1 for r in results.values() if not r.cached),
            cached=sum(1 for r in results.values() if r.cached),
            ignored=ignored,
            broken=dead,
        )

    found.sort(key=lambda item: (item[0], item[1]))
    return LinkReport(
        broken=[broken for *_, broken in found],
        pages=len(pages),
        links=links,
        files=len(data),
        external_unchecked=external_unchecked,
        external=stats,
    )


def _ignored(patterns: Sequence[re.Pattern[str]], url: str, link: str) -> bool:
    return any(p.search(link) or p.search(url) for p in patterns)
