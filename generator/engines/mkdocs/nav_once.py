"""The theme's navigation rendered once for all the pages that show it alike.

Material renders its primary navigation (`partials/nav.html`) for every page; with many cards
that is most of the time MkDocs spends on a page, and it grows with the navigation. A page the
navigation does not list (a card's page, say) is marked in it nowhere, and every link in it is
written relative to the page's folder. Two such pages in the same folder get the same links, and
so do two whose folders sit side by side in one parent folder unless a link leads into one of
them. So the navigation is rendered once for each such group, and for every other page as the
theme does.

The navigation template is ours (shared_nav/partials/nav.html): it asks `NavOnce` for the key of
the page and includes the template it stands in front of, which the loader serves under PREFIX.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader
from mkdocs.config.defaults import MkDocsConfig

HERE = Path(__file__).parent
SHARED_NAV = HERE / "shared_nav"
PREFIX = "tradeoff-cards-theme"  # the theme's own templates, under our navigation template


def _parts(url: str) -> list[str]:
    """The folders of a site-relative URL as MkDocs splits them (a last part with a dot is a
    file), or [] for an address on another host or an absolute path."""
    if "://" in url or url.startswith(("/", "#", "mailto:")):
        return []
    path = posixpath.normpath("/" + url.split("#")[0].split("?")[0])[1:]
    return path.split("/") if path else []


def _folder(url: str) -> tuple[str, ...]:
    """The folder links on the page at `url` are relative to (mkdocs.utils.get_relative_url)."""
    parts = _parts(url)
    if parts and "." in parts[-1] and not url.endswith("/"):
        parts = parts[:-1]
    return tuple(parts)


def _items(items: Iterable[Any]) -> Iterable[Any]:
    for item in items:
        yield item
        yield from _items(getattr(item, "children", None) or ())


class NavOnce:
    """The navigation as rendered for each group of pages outside it that show it alike (`key`),
    for one build."""

    def __init__(self, nav: Any, config: MkDocsConfig) -> None:
        self.nav = nav
        self.listed = {id(item) for item in _items(nav.items)}
        # Every folder a link in the navigation leads into: a page in one of them is not shared.
        targets = [getattr(item, "url", None) for item in _items(nav.items)]
        homepage = getattr(nav, "homepage", None)
        extra: dict[str, Any] = dict(config.extra or {})
        targets += [getattr(homepage, "url", None), extra.get("homepage")]
        targets += [config.theme.get("logo"), config.theme.get("favicon")]
        self.entered: set[tuple[str, ...]] = set()
        for target in targets:
            if isinstance(target, str):
                parts = _parts(target)
                self.entered.update(tuple(parts[:n]) for n in range(1, len(parts) + 1))
        self.rendered: dict[tuple[str, ...], str] = {}

    def key(self, page: Any, nav: Any) -> tuple[str, ...] | None:
        """Which pages show the navigation as this page does: those in the same folder, or those
        whose folders sit beside its own when no link leads into them; None when it is its own."""
        if nav is not self.nav or page is None or id(page) in self.listed:
            return None
        if getattr(page, "parent", None) is not None:  # a page MkDocs placed in the navigation
            return None
        folder = _folder(page.url)
        if not folder or folder in self.entered:
            return ("in", *folder)  # shared with the pages in the same folder only
        return ("beside", *folder[:-1])

    def has(self, key: tuple[str, ...]) -> bool:
        return key in self.rendered

    def get(self, key: tuple[str, ...]) -> str:
        return self.rendered[key]

    def keep(self, key: tuple[str, ...], html: str) -> str:
        self.rendered[key] = html
        return html


def share_navigation(env: Environment, config: MkDocsConfig, nav: Any) -> Environment:
    """Serve our navigation template in front of the theme's, with what it needs."""
    dirs = [str(d) for d in config.theme.dirs]
    if str(SHARED_NAV) not in dirs or env.loader is None:
        return env
    below = dirs[dirs.index(str(SHARED_NAV)) + 1 :]
    env.loader = ChoiceLoader([env.loader, PrefixLoader({PREFIX: FileSystemLoader(below)})])
    env.globals["tradeoff_nav"] = NavOnce(nav, config)
    return env
