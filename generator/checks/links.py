"""Check the links of a built site.

Offline (the default), every internal `href`, `src`, `srcset`, `poster` and meta-refresh URL
of every HTML page must resolve to a file of the site, and every `#fragment` to an `id` (or
`<a name>`) in the target page. So must every Markdown link (`[text](url)`, `<url>`) of the
site's Markdown files (`*.md`, `llms.txt`, `llms-full.txt`) and every `url` of the JSON API
(`api/cards.json`, relative to the site root). With a site URL, a link under it is internal too:
`https://example.org/docs/x/` is the site's `x/index.html`. With an `ExternalOptions`, the distinct `http(s)` URLs are
also fetched, concurrently, politely (per-host rate limit, `Retry-After`, backoff) and with
a cache of the good ones. Only the standard library is used; nothing here imports MkDocs.
"""

from __future__ import annotations

import concurrent.futures
import email.utils
import functools
import http
import http.client
import ipaddress
import json
import multiprocessing
import os
import posixpath
import re
import socket
import ssl
import stat
import sys
import threading
import time
import tomllib
import unicodedata
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

from ..cards.problems import printable
from ..site.paths import API_CARDS, LLMS_FULL_TXT, LLMS_TXT

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
]

USER_AGENT = "tradeoff-cards-linkcheck/0.1"
DEFAULT_CACHE = Path(".cache/tradeoffs/external-links.json")
MAX_REDIRECTS = 10
HTML_SUFFIXES = (".html", ".htm")
# Files of the site read as Markdown besides every `*.md`: the llms.txt convention's two files.
MARKDOWN_FILES = (LLMS_TXT, LLMS_FULL_TXT)
CACHE_VERSION = 1

# Below this many pages, starting worker processes costs more than it saves.
_PARALLEL_MIN_PAGES = 100

Warn = Callable[[str], None]
Progress = Callable[[int, int, int], None]


def _warn_stderr(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


class ConfigError(ValueError):
    """An ignore pattern or the `pyproject.toml` table is unusable."""


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class BrokenLink:
    """One broken link: the page (relative to the site) it is on, the link as written, why."""

    page: str
    link: str
    reason: str

    def __str__(self) -> str:
        # Pages, links and a server's answers are other people's text: one line, nothing a
        # terminal would act on.
        if not self.link:  # the file itself, not a link in it
            return printable(f"{self.page}: {self.reason}")
        return printable(f"{self.page} → {self.link}: {self.reason}")


@dataclass(frozen=True)
class ExternalStats:
    """What happened to the distinct external URLs of a run with `--external`."""

    urls: int
    checked: int
    cached: int
    ignored: int
    broken: int


@dataclass
class LinkReport:
    """The outcome of checking one site."""

    broken: list[BrokenLink]
    pages: int
    links: int
    files: int = 0  # Markdown files and the JSON API, checked besides the pages
    # External link occurrences found but not contacted because external checking was off.
    external_unchecked: int = 0
    external: ExternalStats | None = None

    @property
    def ok(self) -> bool:
        """True when no link is broken."""
        return not self.broken


# --------------------------------------------------------------------------- parsing


def parse_srcset(value: str) -> list[str]:
    """The URLs of a `srcset` attribute (`a.png 1x, b.png 2x`), following the HTML spec's
    tokenizer closely enough that commas inside URLs (`data:` URLs) survive."""
    urls: list[str] = []
    i, n = 0, len(value)
    while i < n:
        while i < n and (value[i].isspace() or value[i] == ","):
            i += 1
        start = i
        while i < n and not value[i].isspace():
            i += 1
        url = value[start:i]
        if not url:
            break
        if url.endswith(","):
            # "a.png,b.png": a trailing comma ends the candidate without descriptors.
            url = url.rstrip(",")
        else:
            depth = 0  # skip the descriptors, up to a comma outside parentheses
            while i < n:
                c = value[i]
                if c == "(":
                    depth += 1
                elif c == ")" and depth:
                    depth -= 1
                elif c == "," and not depth:
                    break
                i += 1
        if url:
            urls.append(url)
    return urls


_REFRESH_URL = re.compile(r"""^\s*\d*(?:\.\d*)?\s*[;,]\s*(?:url\s*=\s*)?['"]?([^'"]*)""", re.I)
# Resource hints name an origin, not a document: fetching one proves nothing.
_HINT_RELS = frozenset({"preconnect", "dns-prefetch"})


# Most tags of a generated page (the nav's <li>/<span>, highlighted code's <span class>) can
# carry neither a URL nor an anchor. Recognising those with one regex and skipping
# HTMLParser's attribute parsing for them halves the parse time. The skip is deliberately
# conservative: only lower-case names from these lists and well-formed attributes qualify;
# anything else (href, src, id, name, unusual syntax, upper case) takes the normal path.
# Elements that switch the tokenizer's state (script, style, textarea, title, svg, math...)
# are never in the lists, so skipping a tag never changes how the rest is tokenized.
_QUIET_TAGS = (
    "span|div|li|a|p|code|ul|ol|nav|label|em|strong|b|i|u|s|small|sup|sub|kbd|mark|pre|"
    "table|thead|tbody|tfoot|tr|td|th|caption|colgroup|col|section|article|header|footer|"
    "main|aside|button|dl|dt|dd|blockquote|figure|figcaption|details|summary|hr|br|"
    "h[1-6]|abbr|cite|q|time|wbr|input|select|option|form|fieldset|legend|picture|"
    "body|html|head"
)
_QUIET_ATTRS = (
    r"class|title|style|dir|lang|role|tabindex|hidden|type|alt|width|height|for|"
    r"aria-[a-z-]+|data-[a-z0-9_.-]+|open|colspan|rowspan|value|checked|disabled|"
    r"autocomplete|placeholder|translate|spellcheck|loading|decoding|align"
)
_QUIET_START = re.compile(
    rf"""<(?:{_QUIET_TAGS})"""
    rf"""(?:\s+(?:{_QUIET_ATTRS})(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?>"""
)
_QUIET_END = re.compile(rf"</(?:{_QUIET_TAGS})\s*>")


class _PageParser(HTMLParser):
    """Collects the URLs and the anchor targets (ids, `<a name>`) of one page."""

    # Only declared: newer HTMLParsers (3.14+) set it in reset(), older ones never do.
    _open_elements: list[tuple[str, str, bool]]

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._tracks_foreign = hasattr(self, "_open_elements")
        self.links: dict[str, int] = {}  # link as written -> occurrences, in document order
        self.ids: set[str] = set()

    # HTMLParser tracks line numbers for getpos(), which we never call; skipping that
    # bookkeeping saves about a tenth of the parse time on large sites.
    def updatepos(self, i: int, j: int) -> int:
        return j

    def parse_starttag(self, i: int) -> int:
        # Only outside script/style-like raw text and (Python 3.14+) outside SVG/MathML, where
        # the parser keeps a stack of open elements that skipped tags would upset.
        if self.cdata_elem is None and not (self._tracks_foreign and self._open_elements):
            match = _QUIET_START.match(self.rawdata, i)
            if match:
                return match.end()
        return super().parse_starttag(i)

    def parse_endtag(self, i: int) -> int:
        if self.cdata_elem is None and not (self._tracks_foreign and self._open_elements):
            match = _QUIET_END.match(self.rawdata, i)
            if match:
                return match.end()
        return super().parse_endtag(i)

    def _add(self, url: str) -> None:
        url = url.strip()
        self.links[url] = self.links.get(url, 0) + 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "link" or tag == "meta":
            self._special(tag, attrs)
            return
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src", "poster", "xlink:href"):
                if tag != "base":
                    self._add(value)
            elif name == "id":
                self.ids.add(value)
            elif name == "srcset":
                for url in parse_srcset(value):
                    self._add(url)
            elif name == "name" and tag == "a":
                self.ids.add(value)
            elif name == "data" and tag == "object":
                self._add(value)

    def _special(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "link":
            rels = set(values.get("rel", "").lower().split())
            if "href" in values and not rels & _HINT_RELS:
                self._add(values["href"])
        elif values.get("http-equiv", "").lower() == "refresh":
            match = _REFRESH_URL.match(values.get("content", ""))
            if match and match.group(1).strip():
                self._add(match.group(1))


# A Markdown backslash escape, a run of backticks (which may open a code span), the `](` between
# a link's text and its destination, a bracket, or an autolink. Escapes and code spans are
# skipped, so a `](` after an open `[` outside them starts a destination.
_MARKDOWN_TOKEN = re.compile(
    r"\\[!-/:-@\[-`{-~]|`+|\]\(|[\[\]]|<[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*>"
)
# A link destination, an optional title and the closing parenthesis.
_DESTINATION = re.compile(
    r"[ \t]*(?:<([^<>\n]*)>|([^\s()]*(?:\([^\s()]*\)[^\s()]*)*))"
    r"""(?:[ \t]+(?:"[^"]*"|'[^']*'|\([^()]*\)))?[ \t]*\)"""
)


@functools.lru_cache(maxsize=16)
def _closing_ticks(count: int) -> re.Pattern[str]:
    return re.compile(rf"(?<!`)`{{{count}}}(?!`)")


def markdown_links(text: str) -> dict[str, int]:
    """The link targets of a Markdown text (inline links and autolinks), with their counts.

    Reads the constructs a CommonMark parser would: backslash escapes and code spans hide what
    they contain; reference-style links and HTML are not read.
    """
    links: dict[str, int] = {}
    at = brackets = 0
    while True:
        match = _MARKDOWN_TOKEN.search(text, at)
        if match is None:
            return links
        token, at = match.group(), match.end()
        if token == "[":
            brackets += 1
        elif token == "]":
            brackets = max(0, brackets - 1)
        elif token[0] == "`":
            # A code span runs to the next run of exactly as many backticks, if there is one.
            close = _closing_ticks(len(token)).search(text, at)
            if close is not None:
                at = close.end()
        elif token == "](" and brackets:
            brackets -= 1
            destination = _DESTINATION.match(text, at)
            if destination is not None:
                url = destination.group(1)
                url = destination.group(2) if url is None else url
                links[url] = links.get(url, 0) + 1
                at = destination.end()
        elif token[0] == "<":
            url = token[1:-1]
            links[url] = links.get(url, 0) + 1


def _api_links(text: str) -> dict[str, int]:
    """The `url` of every entry of `api/cards.json`."""
    links: dict[str, int] = {}
    data = json.loads(text)
    for group in ("decisions", "failure_modes"):
        for item in data.get(group) or []:
            url = item.get("url") if isinstance(item, dict) else None
            if isinstance(url, str):
                links[url] = links.get(url, 0) + 1
    return links


# --------------------------------------------------------------------------- resolving

_INTERNAL, _EXTERNAL, _ACCEPTED, _SKIPPED = 0, 1, 2, 3
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# Schemes that are fine without any check; data: and javascript: are counted as checked.
_ACCEPTED_SCHEMES = frozenset({"mailto", "tel", "data", "javascript"})


class _PageScan(NamedTuple):
    """What a worker sends back for one page: only what still needs the main process, so
    the tens of thousands of good nav links never cross a process boundary."""

    page: str
    ids: frozenset[str]
    counted: int  # links checked here (internal and accepted schemes), with repeats
    problems: list[tuple[int, str, str]]  # (order in page, link, reason)
    fragments: list[tuple[int, str, str, str]]  # (order, link, target page, fragment)
    external: list[tuple[int, str, str, int]]  # (order, link, URL without fragment, repeats)


@dataclass(frozen=True)
class _SiteIndex:
    files: frozenset[str]
    dirs: frozenset[str]
    folded: Mapping[str, str]  # lower-cased path -> real path, for "did you mean" hints
    base_path: str
    site_url: str = ""  # links under it are internal


def _nfc(path: str) -> str:
    # macOS stores names decomposed (NFD); links are almost always composed (NFC).
    return path if path.isascii() else unicodedata.normalize("NFC", path)


def _unreadable(path: str) -> str | None:
    """Why a site entry is not read: a symbolic link (never followed: it could lead out of the
    site, or to /dev/zero) or, for a file, anything but a regular file (a FIFO would block)."""
    if os.path.islink(path):
        try:
            target = f" to {os.readlink(path)}"
        except OSError:
            target = ""
        return f"symbolic link{target}, not followed: a site holds its files itself"
    if not os.path.isdir(path) and not stat.S_ISREG(os.stat(path).st_mode):
        return "not a regular file, not read"
    return None


def _index_site(
    root: Path, base_path: str, site_url: str = ""
) -> tuple[_SiteIndex, list[str], list[str], list[tuple[str, str]]]:
    """The site's files, its HTML pages, its other files with links (Markdown, JSON API), and
    the entries it does not read, with the reason (symbolic links, special files)."""
    files: set[str] = set()
    dirs: set[str] = {""}
    pages: list[str] = []
    data: list[str] = []
    unread: list[tuple[str, str]] = []
    root_str = str(root)
    for dirpath, dirnames, filenames in os.walk(root_str):
        rel_dir = os.path.relpath(dirpath, root_str)
        rel_dir = "" if rel_dir == "." else _nfc(rel_dir.replace(os.sep, "/"))
        prefix = rel_dir + "/" if rel_dir else ""
        for name in list(dirnames):
            reason = _unreadable(os.path.join(dirpath, name))
            if reason is not None:
                unread.append((prefix + _nfc(name), reason))
                dirnames.remove(name)
                continue
            dirs.add(prefix + _nfc(name))
        for name in filenames:
            rel = prefix + _nfc(name)
            reason = _unreadable(os.path.join(dirpath, name))
            if reason is not None:
                unread.append((rel, reason))
                continue
            files.add(rel)
            if name.lower().endswith(HTML_SUFFIXES):
                pages.append(rel)
            elif name.endswith(".md") or rel in MARKDOWN_FILES or rel == API_CARDS:
                data.append(rel)
    folded = {path.lower(): path for path in files | dirs}
    pages.sort()
    data.sort()
    index = _SiteIndex(frozenset(files), frozenset(dirs), folded, base_path, site_url)
    return index, pages, data, sorted(unread)


def _not_found(path: str, index: _SiteIndex) -> str:
    hint = index.folded.get(path.lower())
    if hint is not None and hint != path:
        return f"file not found: {path} (did you mean {hint}? the case differs)"
    return f"file not found: {path}"


def _resolve(
    link: str, page: str, page_dir: str, index: _SiteIndex
) -> tuple[int, str, str | None, str]:
    """(kind, target, fragment, error) for one link of `page` (in folder `page_dir`).

    The target is a site-relative file for internal links and the URL without its fragment
    for external ones; fragment is None when the link has no '#'.
    """
    match = _SCHEME.match(link)
    if match and index.site_url and link.startswith(index.site_url):
        # The site's own address: the file is in the folder being checked.
        link, match = index.base_path + link[len(index.site_url) :], None
    if match:
        scheme = match.group(1).lower()
        if scheme == "http" or scheme == "https":
            return _EXTERNAL, link.partition("#")[0], None, ""
        return (_ACCEPTED if scheme in _ACCEPTED_SCHEMES else _SKIPPED), "", None, ""
    if link.startswith("//"):
        # Protocol-relative: whatever the page is served over; https is the safe bet.
        return _EXTERNAL, "https:" + link.partition("#")[0], None, ""

    rest, hash_mark, fragment = link.partition("#")
    path = rest.partition("?")[0]  # the query never changes which file is served
    frag: str | None = fragment if hash_mark else None
    if "%" in path:
        path = unquote(path)  # files on disk have the decoded names
    if not path:
        return _INTERNAL, page, frag, ""

    if path.startswith("/"):
        norm = posixpath.normpath(path)  # ".." above "/" stops at "/", as in browsers
        base = index.base_path
        if base != "/":
            if norm == base[:-1]:
                norm = "/"
            elif norm.startswith(base):
                norm = norm[len(base) - 1 :]
            else:
                return _INTERNAL, "", frag, f"points outside the base path {base}"
        norm = norm.lstrip("/")
    else:
        norm = posixpath.normpath(f"{page_dir}/{path}" if page_dir else path)
        if norm == ".." or norm.startswith("../"):
            return _INTERNAL, "", frag, "points outside the site directory"
        if norm == ".":
            norm = ""
    if not norm.isascii():
        norm = _nfc(norm)

    found, error = _lookup(norm, path.endswith("/"), index)
    if error and path.startswith("/") and index.base_path == "/":
        # MkDocs writes 404.html with root-relative links that include site_url's path.
        prefix, _, rest = norm.partition("/")
        if rest and prefix not in index.dirs and not _lookup(rest, path.endswith("/"), index)[1]:
            error += f" (served under /{prefix}/? then pass --base-path /{prefix}/)"
    return _INTERNAL, found, frag, error


def _lookup(norm: str, is_dir: bool, index: _SiteIndex) -> tuple[str, str]:
    """(file, "") for the site-relative path `norm`, or ("", why not)."""
    files = index.files
    if norm and not is_dir:
        if norm in files:
            return norm, ""
        if norm not in index.dirs:
            return "", _not_found(norm, index)
    # A directory URL: the server answers with its index.html.
    target = f"{norm}/index.html" if norm else "index.html"
    if target in files:
        return target, ""
    if norm in index.dirs:
        return "", f"directory has no index.html: {norm}/" if norm else "the site has no index.html"
    return "", _not_found(target, index)


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


def _missing_fragment(fragment: str, target: str, ids: frozenset[str]) -> str | None:
    if not fragment or fragment in ids:
        return None
    decoded = unquote(fragment)
    if decoded in ids:
        return None
    reason = f'no element with id "{decoded}" in {target}'
    near = sorted(i for i in ids if i.lower() == decoded.lower())
    if near:
        reason += f' (did you mean "{near[0]}"? ids are case-sensitive)'
    return reason


def normalize_site_url(value: str) -> str:
    """`https://example.org/docs` -> `https://example.org/docs/`; raises ConfigError unless it
    is an http(s) URL; '' stays ''."""
    value = value.strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"--site-url must be an http(s) URL such as https://example.org/docs/: {value}"
        )
    return value if value.endswith("/") else value + "/"


def normalize_base_path(value: str) -> str:
    """`project`, `/project` or `/project/` -> `/project/`; raises ConfigError for URLs."""
    value = value.strip()
    if "://" in value or value.startswith("//"):
        raise ConfigError(f"--base-path must be a path such as /project/, not a URL: {value}")
    parts = [part for part in value.split("/") if part]
    if any(part in (".", "..") for part in parts):
        raise ConfigError(f"--base-path must not contain . or .. segments: {value}")
    return "/" + "".join(f"{part}/" for part in parts)


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


# --------------------------------------------------------------------------- reports


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def format_text(report: LinkReport) -> str:
    """One `page → link: reason` line per broken link, then a summary line."""
    lines = [str(broken) for broken in report.broken]
    files = f" and {_plural(report.files, 'data file')}" if report.files else ""
    summary = (
        f"checked {_plural(report.links, 'link')} in {_plural(report.pages, 'page')}{files}: "
        f"{len(report.broken):,} broken"
    )
    notes: list[str] = []
    if report.external is not None:
        ext = report.external
        parts = [f"{ext.checked:,} fetched", f"{ext.cached:,} cached"]
        if ext.ignored:
            parts.append(f"{ext.ignored:,} ignored")
        notes.append(f"{_plural(ext.urls, 'external URL')}: " + ", ".join(parts))
    elif report.external_unchecked:
        notes.append(
            f"{_plural(report.external_unchecked, 'external link')} not checked; use --external"
        )
    if notes:
        summary += f" ({'; '.join(notes)})"
    lines.append(summary)
    return "\n".join(lines)


def format_json(report: LinkReport) -> str:
    """`{"broken": [{page, link, reason}...], "summary": {...}}` for tools."""
    summary: dict[str, object] = {
        "pages": report.pages,
        "files": report.files,
        "links": report.links,
        "broken": len(report.broken),
        "external_unchecked": report.external_unchecked,
        "external": asdict(report.external) if report.external else None,
    }
    return json.dumps(
        {"broken": [asdict(b) for b in report.broken], "summary": summary},
        indent=2,
        ensure_ascii=False,
    )


# --------------------------------------------------------------------------- ignore list


def compile_ignores(patterns: Iterable[tuple[str, str]]) -> tuple[re.Pattern[str], ...]:
    """Compile `(pattern, where it came from)` pairs; ConfigError names the bad one."""
    compiled = []
    for pattern, source in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise ConfigError(f"invalid ignore pattern {pattern!r} from {source}: {exc}") from None
    return tuple(compiled)


def load_pyproject_ignores(path: Path) -> list[str]:
    """The `ignore` list of `[tool.tradeoffs.check-links]` in `path` ([] when absent)."""
    if not path.is_file():
        return []
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (tomllib.TOMLDecodeError, OSError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    table = data.get("tool", {}).get("tradeoffs", {}).get("check-links", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.tradeoffs.check-links] must be a table")
    ignore = table.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(p, str) for p in ignore):
        raise ConfigError(f"{path}: [tool.tradeoffs.check-links] ignore must be a list of strings")
    return ignore


# --------------------------------------------------------------------------- external links


@dataclass(frozen=True)
class ExternalOptions:
    """How to check external links; the defaults are the CLI's."""

    concurrency: int = 8
    timeout: float = 10.0
    retries: int = 2
    per_host_rate: float = 2.0  # requests per second per host
    max_retry_after: float = 60.0
    cache_path: Path | None = DEFAULT_CACHE  # None: no cache
    cache_days: float = 7.0
    ignore: tuple[re.Pattern[str], ...] = ()
    backoff: float = 1.0  # first retry delay; doubles on each further retry
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class ExternalResult:
    """The verdict on one external URL."""

    url: str
    ok: bool
    reason: str = ""
    status: int | None = None
    final_url: str | None = None
    cached: bool = False


class HostRateLimiter:
    """At most `rate` requests per second to each host, across threads.

    Each caller reserves the next free slot for its host under a lock and then sleeps
    outside it, so waiting on one host never delays another.
    """

    def __init__(self, rate: float, stop: threading.Event | None = None) -> None:
        self._interval = 1.0 / rate
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()
        self._stop = stop or threading.Event()

    def acquire(self, host: str) -> None:
        """Block until a request to `host` is allowed."""
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + self._interval
        if slot > now:
            self._stop.wait(slot - now)

    def defer(self, host: str, seconds: float) -> None:
        """Let no request reach `host` for `seconds` (it asked us to back off)."""
        with self._lock:
            until = time.monotonic() + seconds
            self._next[host] = max(self._next.get(host, until), until)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or HTTP date); None if absent
    or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class LinkCache:
    """URLs found good recently, in a JSON file: `{"version": 1, "urls": {url: {...}}}`.

    Only successes are stored, so dead links are rechecked on every run. An unreadable file
    is reported through `warn` and treated as empty.
    """

    def __init__(self, path: Path, max_age_days: float, warn: Warn | None = None) -> None:
        self.path = path
        self.max_age = max_age_days * 86400.0
        self._warn = warn or _warn_stderr
        self._entries: dict[str, dict[str, object]] = {}
        self._dirty = False
        self._load()

    def _load(self) -> None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError) as exc:
            self._warn(f"ignoring the link cache {self.path}: {exc}")
            return
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
                raise ValueError("not a version 1 link cache")
            urls = data.get("urls")
            if not isinstance(urls, dict):
                raise ValueError('"urls" is not an object')
        except ValueError as exc:
            self._warn(f"ignoring the corrupt link cache {self.path}: {exc}")
            return
        for url, entry in urls.items():
            # A damaged entry costs one recheck, not the whole cache.
            if isinstance(entry, dict) and isinstance(entry.get("checked"), (int, float)):
                self._entries[url] = entry

    def get(self, url: str, now: float | None = None) -> dict[str, object] | None:
        """The entry for `url` if it is still fresh."""
        entry = self._entries.get(url)
        if entry is None:
            return None
        age = (now or time.time()) - float(entry["checked"])  # type: ignore[arg-type]
        # A timestamp from the future (clock skew, hand edits) is as good as expired.
        return entry if 0 <= age <= self.max_age else None

    def put(self, result: ExternalResult, now: float | None = None) -> None:
        """Remember a good result."""
        if result.ok:
            self._entries[result.url] = {
                "checked": now or time.time(),
                "status": result.status,
                "final_url": result.final_url,
            }
            self._dirty = True

    def save(self, now: float | None = None) -> None:
        """Write the fresh entries back atomically; a failure is a warning, not an error."""
        if not self._dirty:
            return
        now = now or time.time()
        fresh = {u: e for u, e in self._entries.items() if self.get(u, now) is not None}
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(
                json.dumps({"version": CACHE_VERSION, "urls": fresh}, indent=1, sort_keys=True),
                encoding="utf-8",
            )
            os.replace(tmp, self.path)
        except OSError as exc:
            self._warn(f"could not write the link cache {self.path}: {exc}")
            tmp.unlink(missing_ok=True)


class _PassThrough(urllib.request.HTTPErrorProcessor):
    """Return every response as is: we judge statuses and follow redirects ourselves, so that
    hops are counted, loops caught and each hop rate-limited."""

    def http_response(self, request, response):  # type: ignore[no-untyped-def]
        return response

    https_response = http_response


_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Characters left alone when making a URL ASCII; '%' keeps existing escapes intact.
_URL_SAFE = "/%:@!$&'()*+,;=~-._?"


def _ascii_url(url: str) -> tuple[str, str]:
    """(URL safe to send, host) for `url`; ValueError if it cannot be requested."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        raise ValueError("no host name")
    netloc = parts.netloc
    if not netloc.isascii():
        userinfo = parts.netloc.rpartition("@")[0]
        port = f":{parts.port}" if parts.port is not None else ""
        netloc = (f"{userinfo}@" if userinfo else "") + host.encode("idna").decode("ascii") + port
    path = quote(parts.path, safe=_URL_SAFE) or "/"
    query = quote(parts.query, safe=_URL_SAFE)
    return urlunsplit((parts.scheme.lower(), netloc, path, query, "")), host


_FETCHED_SCHEMES = ("http", "https")


def _address_kind(address: str) -> str | None:
    """What makes an IP address unfit for a redirect to reach ('loopback', 'private'...), or
    None for an ordinary public address."""
    ip = ipaddress.ip_address(address.partition("%")[0])  # without an IPv6 zone
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind, test in (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("private", ip.is_private),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
    ):
        if test:
            return kind
    return None


def _internal_address(host: str) -> str | None:
    """Why `host` must not be reached by a redirect: the first of its addresses that is
    loopback, link-local, private, unspecified, multicast or reserved; None when every address
    is public or the name does not resolve (the fetch then reports that)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return None
    for info in infos:
        address = str(info[4][0])
        kind = _address_kind(address)
        if kind is not None:
            shown = host if host == address else f"{host} ({address})"
            return f"{shown} is a {kind} address"
    return None


def redirect_problem(target: str, origin_host: str | None) -> str | None:
    """Why a redirect to `target` is not followed, or None. Only http and https are fetched;
    a redirect to another host must not lead into the local machine or network (cloud metadata
    at 169.254.169.254, a router, a database), though it may stay on the host first asked."""
    try:
        parts = urlsplit(target)
        host = parts.hostname
    except ValueError as exc:
        return f"redirect to an invalid address not followed: {exc}"
    if parts.scheme.lower() not in _FETCHED_SCHEMES:
        return f"redirect to {target} not followed: only http and https are fetched"
    if host is None or host == (origin_host or "").lower():
        return None
    internal = _internal_address(host)
    return f"redirect to {target} not followed: {internal}" if internal else None


def _status_text(status: int) -> str:
    try:
        return f"HTTP {status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


class _Fetcher:
    """Checks single URLs; shared by the worker threads."""

    def __init__(self, options: ExternalOptions, stop: threading.Event) -> None:
        self.options = options
        self._stop = stop
        self._limiter = HostRateLimiter(options.per_host_rate, stop)
        self._opener = urllib.request.build_opener(_PassThrough)

    def check(self, url: str) -> ExternalResult:
        """Follow `url` through its redirects to a verdict. The URL itself is checked as the
        site wrote it (http and https only); every redirect must pass `redirect_problem`."""
        try:
            origin = urlsplit(url)
            origin_host, scheme = origin.hostname, origin.scheme.lower()
        except ValueError as exc:
            return ExternalResult(url, False, f"invalid URL: {exc}")
        if scheme not in _FETCHED_SCHEMES:
            return ExternalResult(url, False, "only http and https links are fetched")
        current, seen = url, {url}
        for _hop in range(MAX_REDIRECTS + 1):
            outcome = self._fetch(current)
            if isinstance(outcome, str):
                return ExternalResult(url, False, outcome, final_url=current)
            status, location = outcome
            if status in _REDIRECTS and location:
                try:
                    target = urljoin(current, location.strip()).partition("#")[0]
                except ValueError as exc:
                    reason = f"redirect to an invalid address not followed: {exc}"
                    return ExternalResult(url, False, reason, status, current)
                refused = redirect_problem(target, origin_host)
                if refused is not None:
                    return ExternalResult(url, False, refused, status, current)
                if target in seen:
                    return ExternalResult(url, False, f"redirect loop at {target}", status)
                seen.add(target)
                current = target
                continue
            if status < 400:
                return ExternalResult(url, True, "", status, current)
            reason = _status_text(status)
            if current != url:
                reason += f" after redirect to {current}"
            return ExternalResult(url, False, reason, status, current)
        return ExternalResult(url, False, f"more than {MAX_REDIRECTS} redirects", None, current)

    def _sleep(self, seconds: float) -> None:
        self._stop.wait(seconds)

    def _fetch(self, url: str) -> tuple[int, str | None] | str:
        """(status, Location) of one hop, after retries; a string is the failure reason."""
        opts = self.options
        try:
            request_url, host = _ascii_url(url)
        except (ValueError, UnicodeError) as exc:
            return f"invalid URL: {exc}"
        method, attempt = "HEAD", 0
        while True:
            if self._stop.is_set():
                return "interrupted"
            self._limiter.acquire(host)
            failure: str | None = None
            status = 0
            headers: Mapping[str, str] = {}
            try:
                request = urllib.request.Request(
                    request_url,
                    method=method,
                    headers={"User-Agent": opts.user_agent, "Accept": "*/*"},
                )
                # The body is never read: the status is the answer, and HTTP/1.0-style
                # connections (urllib sends "Connection: close") make closing early cheap.
                with self._opener.open(request, timeout=opts.timeout) as response:
                    status, headers = response.status, response.headers
            except urllib.error.URLError as exc:
                reason = exc.reason
                if isinstance(reason, TimeoutError):
                    failure = f"timed out after {opts.timeout:g} s"
                elif isinstance(reason, ssl.SSLCertVerificationError):
                    return f"TLS certificate error: {reason.verify_message or reason}"
                else:
                    failure = f"connection error: {reason}"
            except TimeoutError:
                failure = f"timed out after {opts.timeout:g} s"
            except (http.client.HTTPException, OSError) as exc:
                failure = f"connection error: {str(exc) or type(exc).__name__}"
            except ValueError as exc:
                return f"invalid URL: {exc}"

            if failure is not None:
                if attempt >= opts.retries:
                    return failure
                self._sleep(opts.backoff * 2**attempt)
                attempt += 1
                continue
            if method == "HEAD" and status in (405, 501):
                method = "GET"  # HEAD not supported here; this is not a retry
                continue
            if status == 429 or status >= 500:
                wait = None
                if status in (429, 503):
                    wait = parse_retry_after(headers.get("Retry-After"))
                if wait is not None and wait > opts.max_retry_after:
                    return (
                        f"rate limited: Retry-After {wait:g} s exceeds the "
                        f"{opts.max_retry_after:g} s limit"
                    )
                if attempt >= opts.retries:
                    if status == 429:
                        tries = "1 retry" if attempt == 1 else f"{attempt} retries"
                        return f"rate limited: {_status_text(status)} after {tries}"
                    return _status_text(status)
                if wait is not None:
                    # The host asked everyone to wait, not only this URL.
                    self._limiter.defer(host, wait)
                else:
                    self._sleep(opts.backoff * 2**attempt)
                attempt += 1
                continue
            return status, headers.get("Location")


def _interleave_hosts(urls: Iterable[str]) -> list[str]:
    # Round-robin over hosts, so the pool's threads are not all parked on one slow host's
    # rate limit while other hosts wait in the queue.
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in urls:
        by_host[(urlsplit(url).hostname or "")].append(url)
    queues = list(by_host.values())
    ordered: list[str] = []
    for i in range(max((len(q) for q in queues), default=0)):
        ordered.extend(q[i] for q in queues if i < len(q))
    return ordered


def check_external(
    urls: Iterable[str],
    options: ExternalOptions,
    *,
    progress: Progress | None = None,
    warn: Warn | None = None,
) -> dict[str, ExternalResult]:
    """Check each distinct URL once; cached good URLs are not contacted."""
    distinct = list(dict.fromkeys(urls))
    cache = (
        LinkCache(options.cache_path, options.cache_days, warn)
        if options.cache_path is not None
        else None
    )
    results: dict[str, ExternalResult] = {}
    pending: list[str] = []
    for url in distinct:
        entry = cache.get(url) if cache else None
        if entry is not None:
            status = entry.get("status")
            final = entry.get("final_url")
            results[url] = ExternalResult(
                url,
                True,
                "",
                status if isinstance(status, int) else None,
                final if isinstance(final, str) else None,
                cached=True,
            )
        else:
            pending.append(url)

    stop = threading.Event()
    fetcher = _Fetcher(options, stop)
    done = broken = 0
    if progress and pending:
        progress(0, len(pending), 0)
    pool = concurrent.futures.ThreadPoolExecutor(
        max_workers=max(1, options.concurrency), thread_name_prefix="linkcheck"
    )
    try:
        futures = {pool.submit(fetcher.check, url): url for url in _interleave_hosts(pending)}
        for future in concurrent.futures.as_completed(futures):
            result = future.result()
            results[result.url] = result
            done += 1
            broken += not result.ok
            if cache is not None:
                cache.put(result)
            if progress:
                progress(done, len(pending), broken)
    except BaseException:
        # Ctrl-C: wake the sleepers and drop the queue instead of finishing every URL.
        stop.set()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)
        if cache is not None:
            cache.save()
    return {url: results[url] for url in distinct}
