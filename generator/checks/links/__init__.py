"""Check the links of a built site.

Offline (the default), every internal `href`, `src`, `srcset`, `poster` and meta-refresh URL
of every HTML page must resolve to a file of the site, and every `#fragment` to an `id` (or
`<a name>`) in the target page. So must every Markdown link (`[text](url)`, `<url>`) of the
site's Markdown files (`*.md`, `llms.txt`, `llms-full.txt`) and every `url` of the JSON API
(`api/cards.json`, relative to the site root). With a site URL, a link under it is internal too:
`https://example.org/docs/x/` is the site's `x/index.html`. With an `ExternalOptions`, the distinct `http(s)` URLs are
also fetched, concurrently, politely (per-host rate limit, `Retry-After`, backoff) and with
a cache of the good ones. Only the standard library is used; nothing here imports MkDocs.

The checker is a package, one module per job: `extract` reads the links of a file, `resolve`
indexes the site and resolves a link to a file (and fragment), `scan` reads every page (in worker
processes on large sites), `check` puts them together for a site, `report` holds what a check
finds and writes it, `options` what a check is told, and `fetch` (with `cache` and `ratelimit`)
checks external URLs.
"""

from __future__ import annotations

from .cache import LinkCache
from .check import check_site
from .extract import markdown_links, parse_srcset
from .fetch import check_external, redirect_problem
from .options import (
    DEFAULT_CACHE,
    USER_AGENT,
    ConfigError,
    ExternalOptions,
    Progress,
    Warn,
    compile_ignores,
    load_pyproject_ignores,
    normalize_base_path,
    normalize_site_url,
)
from .ratelimit import HostRateLimiter, parse_retry_after
from .report import BrokenLink, ExternalResult, ExternalStats, LinkReport, format_json, format_text

__all__ = [
    "DEFAULT_CACHE",
    "USER_AGENT",
    "BrokenLink",
    "ConfigError",
    "ExternalOptions",
    "ExternalResult",
    "ExternalStats",
    "HostRateLimiter",
    "LinkCache",
    "LinkReport",
    "Progress",
    "Warn",
    "check_external",
    "check_site",
    "compile_ignores",
    "format_json",
    "format_text",
    "load_pyproject_ignores",
    "markdown_links",
    "normalize_base_path",
    "normalize_site_url",
    "parse_retry_after",
    "parse_srcset",
    "redirect_problem",
]
