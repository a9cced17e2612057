"""The reference parts of the "Using the generator" pages, as Markdown, from the code itself.

Each function takes what it describes as plain data (the plugin's options, the CLI's commands,
the engines) or reads it from this stage (templates, data files), so the pages stay true when
the code changes. Which engine shows them, and how, is for the caller.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import data
from .paths import API_CARDS, API_DIR, LLMS_FULL_TXT, LLMS_TXT, PAGES
from .templating import BUILTIN_PREFIX, PACKAGE_TEMPLATES, template_blocks, template_macros


@dataclass(frozen=True)
class OptionDoc:
    """One option of the site engine's plugin."""

    name: str
    kind: str
    default: str
    doc: str


@dataclass(frozen=True)
class ArgumentDoc:
    """One positional argument or flag of a command."""

    names: str  # "--out" or "--format" or "CARDS_DIR"
    value: str  # the metavar or choices a flag takes; empty for a switch
    help: str
    default: str  # empty when there is none worth showing


@dataclass(frozen=True)
class CommandDoc:
    """One `tradeoffs` command."""

    name: str
    summary: str
    usage: str
    arguments: tuple[ArgumentDoc, ...]


# What every page template is given, and what each adds (tests/test_usage_docs.py compares
# these with what the renderer passes).
COMMON_CONTEXT = {
    "catalog": "every entry: `catalog.decisions`, `catalog.failure_modes` (id → entry with "
    "`.model`, `.path`), `catalog.categories`, `catalog.roles` (`catalog.role(id)`), "
    "`catalog.backlinks`, `catalog.reached_from`",
    "today": "the build date",
    "link": "`link(path)`: the URL of another generated page from this one",
    "rewrite": "rewrites a link written in card text to a URL",
    "uri": "this page's source path, e.g. `decisions/<id>.md`",
    "decision_uri": "`decision_uri(id)`: a decision card's page path",
    "failure_mode_uri": "`failure_mode_uri(id)`: a failure mode's page path",
    "category_uri": "`category_uri(id)`: a category's page path",
    "pages": "the fixed pages by name: " + ", ".join(f"`{name}`" for name in PAGES),
    "undo_cost_text": "the words for each `undo_cost` value",
    "facets": "the rows of the options compared side by side: (option field, label)",
    "labels": "the words for labelled texts that are not headings",
    "backlink_words": "what a page says of a card that names it, by relation",
    "numbered": "`numbered(model)`: an entry's sources, numbered by first citation",
    "back_mark": "`back_mark(n)`: where the links back to source `n`'s citations go",
    "site_of": "`site_of(url)`: the host a source list names",
    "review_due_date": "`review_due_date(card)`: when a card is due for review",
}
TEMPLATE_CONTEXT: dict[str, tuple[str, dict[str, str]]] = {
    "decision.md.j2": (
        "a decision card's page",
        {
            "entry": "the card's entry: `entry.id`, `entry.path`",
            "card": "the card's fields, as in the card format",
            "category": "its category: `id`, `title`, `description`",
            "backlinks": "the cards whose relations name this one",
            "superseded_by": "the cards that supersede it",
            "due": "the date it is due for review",
            "is_due": "whether that date has passed",
            "decided": "the decision records that name it, newest first: `record` (`number`, "
            "`title`, `status`, `date`, `option`, `path`), `option_name`, `reasons` (why it is "
            "due for a re-visit); shown by `_records.md.j2`",
            "record": "the parts of a decision record drafted from it",
            "canonical": "its page's URL",
            "diagram": "the relation diagram, as inline SVG",
            "outline": "the page's sections, in order, with their headings",
            "helper_intro": "the introduction of the decision helper",
        },
    ),
    "failure-mode.md.j2": (
        "a failure mode's page",
        {
            "entry": "the failure mode's entry",
            "mode": "its fields, as in the card format",
            "reached_from": "the options whose misuse leads to it",
            "outline": "the page's sections, in order, with their headings",
        },
    ),
    "category.md.j2": (
        "a category's page",
        {
            "title": "the category's title",
            "category": "the category",
            "cards": "its decision cards",
        },
    ),
    "home.md.j2": (
        "the home page",
        {
            "title": "the site's name",
            "recent": "the cards reviewed most recently",
            "changes": "the newest entries of the change logs",
        },
    ),
    "failure-modes.md.j2": ("the list of failure modes", {"title": "", "modes": "by title"}),
    "browse.md.j2": ("Browse: every way into the cards", {"title": ""}),
    "decisions.md.j2": ("All decisions, by category", {"title": ""}),
    "categories.md.j2": ("Categories", {"title": ""}),
    "changes.md.j2": (
        "What changed",
        {"title": "", "changes": "the newest entries of the change logs: (date, note, entry)"},
    ),
    "finder.md.j2": ("Find a card", {"title": "", "finder": "each card's filter values"}),
    "reversibility.md.j2": ("Browse by reversibility", {"title": "", "by_undo": "by undo cost"}),
    "who-pays.md.j2": ("Browse by who pays", {"title": "", "bearers": "the roles, then Others"}),
    "review-due.md.j2": ("Review due", {"title": "", "due": "cards past their review date"}),
    "tags.md.j2": ("Tags", {"title": "", "tags": "each tag and its entries"}),
    "fields.md.j2": ("Field reference", {"title": "", "references": "every key, by kind"}),
    "decision-log.md.j2": (
        "the decision log (the records folder's index, when there are records)",
        {"title": "", "decided": "every record, by number, as `decided` on a card's page"},
    ),
}


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = [f"| {' | '.join(header)} |", f"|{'---|' * len(header)}"]
    lines += [f"| {' | '.join(_cell(c) for c in row)} |" for row in rows]
    return "\n".join(lines) + "\n"


def _code(text: str) -> str:
    return f"`{text}`" if text else ""


def plugin_options(options: Sequence[OptionDoc], plugin: str = "tradeoff-cards") -> str:
    """Every option of the plugin with its type, default and description, and an example."""
    rows = [(f"`{o.name}`", o.kind, _code(o.default), o.doc) for o in options]
    example = "\n".join(f"      {o.name}: {o.default or '...'}" for o in options)
    return (
        _table(("option", "type", "default", "what it does"), rows)
        + f"\n```yaml\nplugins:\n  - search\n  - {plugin}:\n{example}\n```\n"
    )


def cli_reference(commands: Sequence[CommandDoc], program: str = "tradeoffs") -> str:
    """A section per command: what it does, its usage line and a table of its arguments."""
    parts = []
    for command in commands:
        parts.append(f"## {program} {command.name}".rstrip() + f"\n\n{command.summary}\n")
        parts.append(f"```text\n{command.usage.strip()}\n```\n")
        rows = [
            (f"`{a.names}`", _code(a.value), a.help, _code(a.default)) for a in command.arguments
        ]
        if rows:
            parts.append(_table(("argument", "value", "what it does", "default"), rows))
    return "\n".join(parts)


def engines(notes: dict[str, str]) -> str:
    """The engines `tradeoffs build --engine` runs, the default first."""
    rows = [
        (f"`{name}`", "included" if i == 0 else f"`pip install 'tradeoff-cards[{name}]'`", note)
        for i, (name, note) in enumerate(notes.items())
    ]
    return _table(("engine", "install", "notes"), rows)


def templates() -> str:
    """Every page template, the page it renders and the variables it is given."""
    shipped = sorted(
        p.name for p in PACKAGE_TEMPLATES.glob("*.md.j2") if not p.name.startswith("_")
    )
    rows = [(f"`{name}`", TEMPLATE_CONTEXT[name][0], _own_context(name)) for name in shipped]
    common = [(f"`{name}`", text) for name, text in COMMON_CONTEXT.items()]
    return (
        _table(("template", "renders", "variables of its own"), rows)
        + "\nEvery page template is also given:\n\n"
        + _table(("variable", "what it is"), common)
    )


def template_blocks_table() -> str:
    """The blocks of every page template and the macros of the shared ones, read from the
    templates themselves."""
    shipped = sorted(p.name for p in PACKAGE_TEMPLATES.glob("*.md.j2"))
    rows = [
        (f"`{name}`", ", ".join(f"`{block}`" for block in template_blocks(name)))
        for name in shipped
        if not name.startswith("_")
    ]
    shared = [
        (f"`{name}`", ", ".join(f"`{m}`" for m in template_macros(name)) or "(included whole)")
        for name in shipped
        if name.startswith("_")
    ]
    example = (
        f'{{% extends "{BUILTIN_PREFIX}/home.md.j2" %}}\n'
        "{% block lead %}\n"
        '<p class="tc-lead">The calls our platform team has made, and how to make the next one.</p>\n'
        "{% endblock %}\n"
    )
    return (
        _table(("template", "blocks, in page order"), rows)
        + "\nThe pieces the pages share are overridden by copying the whole file:\n\n"
        + _table(("template", "macros"), shared)
        + f"\nFor example, `home.md.j2` in the templates folder:\n\n```jinja\n{example}```\n"
    )


def _own_context(template: str) -> str:
    return "; ".join(
        f"`{name}`: {text}" if text else f"`{name}`"
        for name, text in TEMPLATE_CONTEXT[template][1].items()
    )


def data_files() -> str:
    """The files for programs every build writes, and the shape of `api/cards.json`."""
    rows = [
        (
            f"`{API_CARDS}`",
            "every card and failure mode as data, with URLs and the links between them",
        ),
        (
            f"`{API_DIR}/decision.schema.json`, `{API_DIR}/failure-mode.schema.json`",
            "the JSON Schemas that each `card` and `entry` in it validates against",
        ),
        (f"`{LLMS_TXT}`", "an index of the site for language models (llmstxt.org)"),
        (f"`{LLMS_FULL_TXT}`", "every card in full, as Markdown, in one file"),
        ("`decisions/<id>/index.md`, `failure-modes/<id>/index.md`", "each entry as Markdown"),
    ]
    # the module's description of the file, after its one-line summary
    shape = inspect.cleandoc(data.__doc__ or "").split("\n\n", 1)[-1]
    return (
        _table(("file", "what it holds"), rows)
        + f"\nThe current `schema_version` is **{data.SCHEMA_VERSION}**.\n\n"
        + shape
        + "\n"
    )
