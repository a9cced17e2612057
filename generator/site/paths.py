"""Where each generated page lives, and the links between pages.

Pages are named by their source path (`decisions/<id>.md`), as an engine names Markdown files;
links are computed from those paths to final URLs, with or without directory URLs.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from urllib.parse import urlsplit

HOME = "index.md"
FAILURE_MODES_INDEX = "failure-modes/index.md"
FINDER = "browse/finder.md"
BY_REVERSIBILITY = "browse/reversibility.md"
BY_WHO_PAYS = "browse/who-pays.md"
REVIEW_DUE = "browse/review-due.md"
TAGS = "browse/tags.md"
FIELD_REFERENCE = "contribute/fields.md"

# The fixed pages by the name templates use for them (`pages.tags`).
PAGES = {
    "home": HOME,
    "failure_modes": FAILURE_MODES_INDEX,
    "finder": FINDER,
    "reversibility": BY_REVERSIBILITY,
    "who_pays": BY_WHO_PAYS,
    "review_due": REVIEW_DUE,
    "tags": TAGS,
    "fields": FIELD_REFERENCE,
}

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


def page_url(uri: str, directory_urls: bool = True) -> str:
    """The site URL of a page source path, relative to the site root ('' for the home page)."""
    stem = uri[:-3] if uri.endswith(".md") else uri
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def relative_url(from_uri: str, to_uri: str, directory_urls: bool = True) -> str:
    """A link from one generated page to another, as a URL relative to the first page."""
    here = page_url(from_uri, directory_urls)
    base = here if directory_urls else posixpath.dirname(here) + "/"
    target = page_url(to_uri, directory_urls)
    relative = posixpath.relpath(target or ".", base.rstrip("/") or ".")
    if target.endswith("/") or not target:
        relative = relative.rstrip("/") + "/"
    return relative


def link_rewriter(from_uri: str, directory_urls: bool = True) -> LinkRewriter:
    """For card text on page `from_uri`: `other.md#x` (relative to the page's source) to its URL."""

    def rewrite(url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.endswith(".md"):
            return url
        source = posixpath.normpath(posixpath.join(posixpath.dirname(from_uri), parts.path))
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        return relative_url(from_uri, source, directory_urls) + fragment

    return rewrite
