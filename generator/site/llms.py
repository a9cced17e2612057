"""`llms.txt` and `llms-full.txt`: the site's cards for language models.

`llms.txt` follows the llms.txt convention (https://llmstxt.org): an H1 with the site's name, a
blockquote summary, a paragraph on how to read the rest, then one H2 section per category listing
its cards as `- [Title](url): summary`, one for the failure modes, and an "Optional" section (the
full text and the JSON API, which a reader short of context may skip). Each card links to its
clean Markdown version (see `card_markdown`). `llms-full.txt` holds every card and failure mode in
full, in the order of the site's sections. Nothing in either depends on the date of the build.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping

from ..cards import Catalog, Entry
from ..cards.models import DecisionCard, FailureMode
from . import plain_markdown as md
from .card_markdown import MarkdownWriter, Sink, link_to, no_links
from .paths import (
    API_CARDS,
    API_DIR,
    LLMS_FULL_TXT,
    LLMS_TXT,
    decision_uri,
    failure_mode_uri,
    page_url,
)

DEFAULT_DESCRIPTION = (
    "Engineering trade-off decisions, one card per hard call: the options side by side, what "
    "each really costs, how reversible it is, and how to decide."
)
# The "Optional" section of llms.txt: (path in the site, title, what it holds).
OPTIONAL = [
    (LLMS_FULL_TXT, "Every card in full", "every decision card and failure mode in one file"),
    (
        API_CARDS,
        "The cards as JSON",
        "every card's fields as written, with its URL and the links between cards",
    ),
    (
        f"{API_DIR}/decision.schema.json",
        "Decision card JSON Schema",
        "the format of each `card` in the JSON",
    ),
    (
        f"{API_DIR}/failure-mode.schema.json",
        "Failure mode JSON Schema",
        "the format of each failure mode `entry` in the JSON",
    ),
]


def ordered_decisions(catalog: Catalog) -> list[Entry[DecisionCard]]:
    """Decision cards in the order of the site's sections, each section by title."""
    return [entry for c in catalog.categories for entry in catalog.cards_in(c.id)]


def ordered_failure_modes(catalog: Catalog) -> list[Entry[FailureMode]]:
    """Failure modes by title."""
    modes = catalog.failure_modes.values()
    return sorted(modes, key=lambda e: (e.model.title.casefold(), e.id))


def _top(site_name: str, description: str) -> list[str]:
    return [
        md.heading(1, md.escape(site_name)),
        "",
        f"> {md.escape(description or DEFAULT_DESCRIPTION)}",
        "",
    ]


def llms_txt(
    writer: MarkdownWriter, site_name: str, description: str, log: str | None = None
) -> str:
    """The text of `llms.txt`; `log` is the decision log's source path, when the site has one."""
    catalog, here = writer.catalog, LLMS_TXT
    lines = _top(site_name, description)
    lines.append(
        "Each decision card weighs two or more options: what each really costs (including the "
        "costs that surface late and who pays them), how reversible the call is, and how to "
        "decide. The links below go to the Markdown version of each card. "
        f"{md.link(LLMS_FULL_TXT, writer.link(LLMS_FULL_TXT, here))} has every card in one "
        f"file, and {md.link(API_CARDS, writer.link(API_CARDS, here))} has them as data."
    )
    for category in catalog.categories:
        cards = catalog.cards_in(category.id)
        if not cards:
            continue
        lines += ["", md.heading(2, md.inline(category.title, no_links)), ""]
        for entry in cards:
            card, uri = entry.model, decision_uri(entry.id)
            status = "" if card.status == "published" else f" ({card.status})"
            target = writer.link(writer.card_file(uri), here)
            summary = md.one_line(card.summary, writer.text_links(uri, here))
            lines.append(f"- {link_to(card.title, target)}: {summary}{status}")
    modes = ordered_failure_modes(catalog)
    if modes:
        lines += ["", md.heading(2, "Failure modes"), ""]
        for mode in modes:
            uri = failure_mode_uri(mode.id)
            target = writer.link(writer.card_file(uri), here)
            summary = md.one_line(mode.model.summary, writer.text_links(uri, here))
            lines.append(f"- {link_to(mode.model.title, target)}: {summary}")
    if log is not None:
        target = writer.link(page_url(log, writer.directory_urls), here)
        lines += ["", md.heading(2, "Decision log"), ""]
        lines.append(
            f"- {md.link('Decision log', target)}: every decision record of this site, with its "
            "status, date, the card it was decided with and the option chosen"
        )
    lines += ["", md.heading(2, "Optional"), ""]
    lines += [
        f"- {md.link(title, writer.link(path, here))}: {note}" for path, title, note in OPTIONAL
    ]
    return "\n".join(lines) + "\n"


def llms_full_txt(writer: MarkdownWriter, site_name: str, description: str) -> str:
    """The text of `llms-full.txt`: every card and failure mode in full."""
    return "\n".join(_llms_full_lines(writer, site_name, description))  # the text copied once


def llms_full_pieces(writer: MarkdownWriter, site_name: str, description: str) -> Iterator[str]:
    """`llms-full.txt` as pieces that make its text one after another: its lines and the line
    breaks between them, each entry's lines made (or read back) as their turn comes."""
    for number, line in enumerate(_llms_full_lines(writer, site_name, description)):
        if number:
            yield "\n"
        yield line


def _llms_full_lines(writer: MarkdownWriter, site_name: str, description: str) -> Iterator[str]:
    catalog, here = writer.catalog, LLMS_FULL_TXT
    yield from _top(site_name, description)
    yield (
        "Every decision card, by section, then every failure mode, each in full. "
        f"{md.link(LLMS_TXT, writer.link(LLMS_TXT, here))} lists them with a line each."
    )
    for entry in ordered_decisions(catalog):
        yield ""
        yield from writer.entry_lines(decision_uri(entry.id), here, level=2)
    for mode in ordered_failure_modes(catalog):
        yield ""
        yield from writer.entry_lines(failure_mode_uri(mode.id), here, level=2)
    yield ""  # the final newline


def markdown_files(
    catalog: Catalog,
    *,
    site_name: str,
    description: str = "",
    site_url: str = "",
    directory_urls: bool = True,
    made: MutableMapping[tuple[str, str, int], list[str]] | None = None,
    log: str | None = None,
    sink: Sink | None = None,
) -> tuple[dict[str, str], MutableMapping[tuple[str, str, int], list[str]]]:
    """`llms.txt`, `llms-full.txt` and each card's Markdown version by their path in the site,
    and the lines written for each entry (see `MarkdownWriter.card_files`, also for `made`);
    `log` is the decision log's source path, which llms.txt lists. With `sink`, each file is
    handed to it as soon as it is made and none is returned."""
    writer = MarkdownWriter(catalog, site_url=site_url, directory_urls=directory_urls)
    # First, and with llms-full.txt's version of each entry: written on both cores together.
    card_files = writer.card_files(also=(LLMS_FULL_TXT, 2), made=made, sink=sink)
    files = {LLMS_TXT: llms_txt(writer, site_name, description, log)}
    if sink is not None:
        sink(LLMS_TXT, files.pop(LLMS_TXT))
    if sink is not None:
        sink(LLMS_FULL_TXT, llms_full_pieces(writer, site_name, description))
    else:
        files[LLMS_FULL_TXT] = llms_full_txt(writer, site_name, description)
    return {**files, **card_files}, writer.written
