"""The options of the `tradeoff-cards` plugin in mkdocs.yml."""

from __future__ import annotations

import ast
import inspect
import itertools
import textwrap
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError

from ...cards.library import LibrarySettingError, excluded_by
from ...site.usage import OptionDoc


class _LibraryOption(c.BaseConfigOption[Any]):
    """`true`, `false`, or `{exclude: [ids or categories]}`."""

    def __init__(self) -> None:
        super().__init__()
        self.default = False

    def run_validation(self, value: object) -> Any:
        try:
            excluded_by(value)
        except LibrarySettingError as exc:
            raise ValidationError(str(exc)) from None
        return value


class TradeoffCardsConfig(base.Config):
    """Options of the `tradeoff-cards` plugin in mkdocs.yml."""

    cards_dir = c.Type(str, default="cards")
    """The card folder, relative to mkdocs.yml."""

    templates_dir = c.Optional(c.Type(str))
    """Folder searched for `*.md.j2` overrides before the built-in templates, relative to
    mkdocs.yml. Defaults to the theme's `custom_dir`. Watched by the preview; its templates are
    never published."""

    library = _LibraryOption()
    """Build the site on the library of cards that ships with this package (CC BY 4.0): its
    decisions, failure modes and categories plus the cards in `cards_dir`, where a card with a
    library card's id replaces it. `{exclude: [ids or categories]}` leaves some out."""

    records_dir = c.Type(str, default="adr")
    """Where `tradeoffs record` writes decision records, relative to docs_dir (default `adr`,
    published under /adr/). Records in the cards' address space (`decisions`) can collide with a
    card's page; such a collision fails the build, naming both."""

    generate_nav = c.Type(bool, default=True)
    """Build the navigation (a section per category) unless mkdocs.yml sets `nav` itself."""

    external_requests = c.Type(bool, default=False)
    """Let pages ask other hosts for what the theme would load from them: web fonts and the
    repository's statistics. Off by default: the site works on an intranet and offline."""

    search_index = c.Type(bool, default=True)
    """Write the search index (Pagefind's, in pagefind/) that the header's search box reads. Off,
    the box says search is unavailable: for builds no reader sees, such as a timing run."""

    compact_html = c.Type(bool, default=True)
    """Remove the theme's indentation from every page: a quarter of a card page's bytes."""


def _docstrings(cls: type) -> dict[str, str]:
    """The string under each assignment in a class body (Python keeps none of them)."""
    body = ast.parse(textwrap.dedent(inspect.getsource(cls))).body[0]
    assert isinstance(body, ast.ClassDef)
    found = {}
    for statement, following in itertools.pairwise(body.body):
        if (
            isinstance(statement, ast.Assign)
            and isinstance(statement.targets[0], ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            found[statement.targets[0].id] = inspect.cleandoc(following.value.value)
    return found


def _kind(option: Any) -> str:
    if isinstance(option, c.Optional):
        return f"{_kind(option.option)} (optional)"
    if isinstance(option, _LibraryOption):
        return "true, false or {exclude: [...]}"
    kinds: dict[Any, str] = {bool: "true or false", str: "text", int: "whole number"}
    return kinds.get(getattr(option, "_type", None), "value")


def _default(value: Any) -> str:
    if value is None:
        return ""
    return str(value).lower() if isinstance(value, bool) else str(value)


def option_docs() -> list[OptionDoc]:
    """Every option of the plugin, in the order the class declares them, with its type, default
    and docstring."""
    docs = _docstrings(TradeoffCardsConfig)
    return [
        OptionDoc(name, _kind(option), _default(option.default), docs.get(name, ""))
        for name, option in TradeoffCardsConfig._schema
    ]
