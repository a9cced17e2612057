"""Where each generated page lives, and the links between pages.

Pages are named by their source path (`decisions/<id>.md`), as an engine names Markdown files;
links are computed from those paths to final URLs, with or without directory URLs.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit


@dataclass(frozen=True)
class FixedPage:
    """A page every site has, whatever its cards: where it lives, what renders it, its titles."""

    name: str  # how templates name it (`pages.tags`)
    path: str  # source path
    template: str
    title: str  # the page's own title ('' for the home page: the site's name)
    nav_title: str  # its entry in the navigation
    section: str  # the navigation section it is listed in ('' for the top level)


# The fixed pages, in the order the navigation lists them within their sections.
FIXED_PAGES: tuple[FixedPage, ...] = (
    FixedPage("home", "index.md", "home.md.j2", "", "Home", ""),
    FixedPage(
        "failure_modes",
        "failure-modes/index.md",
        "failure-modes.md.j2",
        "Failure modes",
        "Failure modes",
        "Failure modes",
    ),
    FixedPage("browse", "browse/index.md", "browse.md.j2", "Browse", "Overview", "Browse"),
    FixedPage("finder", "browse/finder.md", "finder.md.j2", "Find a card", "Find a card", "Browse"),
    FixedPage(
        "decisions",
        "decisions/index.md",
        "decisions.md.j2",
        "All decisions",
        "All decisions",
        "Browse",
    ),
    FixedPage(
        "categories",
        "categories/index.md",
        "categories.md.j2",
        "Categories",
        "Categories",
        "Browse",
    ),
    FixedPage(
        "reversibility",
        "browse/reversibility.md",
        "reversibility.md.j2",
        "Browse by reversibility",
        "By reversibility",
        "Browse",
    ),
    FixedPage(
        "who_pays",
        "browse/who-pays.md",
        "who-pays.md.j2",
        "Browse by who pays",
        "By who pays",
        "Browse",
    ),
    FixedPage(
        "review_due",
        "browse/review-due.md",
        "review-due.md.j2",
        "Review due",
        "Review due",
        "Browse",
    ),
    FixedPage(
        "changes", "browse/changes.md", "changes.md.j2", "What changed", "What changed", "Browse"
    ),
    FixedPage("tags", "browse/tags.md", "tags.md.j2", "Tags", "Tags", "Browse"),
    FixedPage(
        "fields",
        "contribute/fields.md",
        "fields.md.j2",
        "Field reference",
        "Field reference",
        "Contribute",
    ),
)
# The fixed pages' paths by the name templates use for them (`pages.tags`).
PAGES = {page.name: page.path for page in FIXED_PAGES}
HOME = PAGES["home"]
FAILURE_MODES_INDEX = PAGES["failure_modes"]
TAGS = PAGES["tags"]

# Files for programs rather than people, by their path in the built site.
LLMS_TXT = "llms.txt"
LLMS_FULL_TXT = "llms-full.txt"
API_DIR = "api"
API_CARDS = f"{API_DIR}/cards.json"

# Rewrites a relative link target written in a card (e.g. `other-card.md#options`) to a URL.
LinkRewriter = Callable[[str], str]


def decision_uri(card_id: str) -> str:
    """Source path of a decision card page."""
    return f"decisions/{card_id}.md"


def failure_mode_uri(mode_id: str) -> str:
    """Source path of a failure-mode page."""
    return f"failure-modes/{mode_id}.md"


def category_uri(category_id: str) -> str:
    """Source path of a category's index page."""
    return f"categories/{category_id}/index.md"


def log_uri(records_dir: str) -> str:
    """Source path of the decision log: the index page of the records' folder."""
    return f"{records_dir.strip('/')}/index.md"


def page_url(uri: str, directory_urls: bool = True) -> str:
    """The site URL of a page source path, relative to the site root ('' for the home page)."""
    stem = uri[:-3] if uri.endswith(".md") else uri
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def markdown_path(uri: str, directory_urls: bool = True) -> str:
    """Where the clean Markdown version of a page lives in the site: beside the page's HTML file,
    as `index.md` for a directory URL (`decisions/<id>/index.md`), else with `.md` for `.html`."""
    url = page_url(uri, directory_urls)
    if not url or url.endswith("/"):
        return f"{url}index.md"
    return url.removesuffix(".html") + ".md"


@lru_cache(maxsize=65536)
def site_link(target: str, from_path: str, site_url: str = "") -> str:
    """A link to `target` (a path in the site, e.g. `decisions/x/` or `llms.txt`) written in the
    file at `from_path`: absolute under `site_url` when one is set, else relative to the file."""
    if site_url:
        return site_url.rstrip("/") + "/" + target
    base = posixpath.dirname(from_path) or "."
    relative = posixpath.relpath(target.rstrip("/") or ".", base)
    if target.endswith("/") or not target:
        relative = "./" if relative == "." else relative + "/"
    return relative


def _relpath(path: str, start: str) -> str:
    """posixpath.relpath(path, start) for two relative paths; for paths with no empty, `.` or
    `..` part (every page's URL) without its calls for the working directory."""
    to = path.rstrip("/").split("/") if path != "." else []
    at = start.rstrip("/").split("/") if start != "." else []
    if any(part in ("", ".", "..") for part in (*to, *at)):
        return posixpath.relpath(path, start)
    common = 0
    for one, other in zip(to, at, strict=False):
        if one != other:
            break
        common += 1
    return "/".join([".."] * (len(at) - common) + to[common:]) or "."


def relative_url(
    from_uri: str, to_uri: str, directory_urls: bool = True, from_source: bool = False
) -> str:
    """A link from one generated page to another, as a URL relative to the first page, or with
    `from_source` relative to the first page's source file (for engines that rewrite every
    relative link in a page as if it were written in the source, as Zensical does)."""
    here = page_url(from_uri, directory_urls)
    if from_source:
        base = posixpath.dirname(from_uri) + "/"
    else:
        base = here if directory_urls else posixpath.dirname(here) + "/"
    target = page_url(to_uri, directory_urls)
    relative = _relpath(target or ".", base.rstrip("/") or ".")
    if target.endswith("/") or not target:
        relative = relative.rstrip("/") + "/"
    return relative


def link_rewriter(
    from_uri: str, directory_urls: bool = True, from_source: bool = False
) -> LinkRewriter:
    """For card text on page `from_uri`: `other.md#x` (relative to the page's source) to its URL."""

    def rewrite(url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.endswith(".md"):
            return url
        source = posixpath.normpath(posixpath.join(posixpath.dirname(from_uri), parts.path))
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        return relative_url(from_uri, source, directory_urls, from_source) + fragment

    return rewrite
