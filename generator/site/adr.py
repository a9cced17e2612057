"""Architecture decision records (MADR 4) drafted from a decision card.

The record is composed in one place. `record_parts` computes, from the card alone, every piece of
Markdown that does not depend on the reader; `compose` joins those pieces with what the reader
brings: the option chosen, a title, the date and the signals seen. A card page embeds the parts
as JSON and its script joins them exactly as `compose` does (`compose` in assets/decide.js), so
the page and `tradeoffs record` write the same text for the same inputs.

Card text is Markdown and stays Markdown in the record (emphasis, code and links carry over), but
it is always text: `md_text` escapes what could make it raw HTML or block structure, and keeps only
links a reader can follow safely (`safe_links`). decide.js mirrors `md_text` for the one text the
reader types on the page, the title.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..cards import outline
from ..cards.citations import citations
from ..cards.models import DecisionCard, Option
from .citing import Numbered, numbered, site_of
from .listings import UNDO_COST_TEXT
from .paths import decision_uri, page_url
from .plain_markdown import destination
from .records import STATUS

SIGNAL_PREFIX = "In our context: "
AGAINST_PREFIX = "Considered against it: "
RECORD_FILE = re.compile(r"^([0-9]{4,})-.*\.md$")

_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# What would start a heading, quote, list, fence or link definition at the start of a line.
_BLOCK_START = re.compile(r"(?:#{1,6}(?= |$)|>|[-+*](?= |$)|`{3,}|~{3,}|\[[^\]]+\]:)")
_THEMATIC_BREAK = re.compile(r"([-*_])(?: *\1){2,} *$")
_ORDERED_ITEM = re.compile(r"^([0-9]{1,9})([.)])(?= |$)")
_CLOSING_HASHES = re.compile(r" (#+)$")  # would be dropped from the end of a heading
_PARAGRAPHS = re.compile(r"\n[ \t]*\n+")
# A text with none of these, and not starting with one of those, is its own `md_text`.
_MAY_CHANGE = re.compile(r"[\t\n\r\f\v&<\ue000\ue001]|  |\]\(|[# ]\Z|\A\Z")
_MAY_START_BLOCK = re.compile(r"[#>+*\-`~\[0-9_ ]")

# An inline link or image whose text holds no brackets (inner ones are replaced first) and whose
# address has at most one level of parentheses; anything subtler is disarmed by _LEFT_OPEN.
_INLINE_LINK = re.compile(
    r"(!?)\[((?:[^\[\]\\]|\\[\s\S])*)\]\( *(<[^<>]*>|(?:[^ ()\\]|\\[\s\S]|\([^ ()]*\))*)"
    r"(?: +(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))? *\)"
)
_KEPT = re.compile("\ue000([0-9]+)\ue001")
_LEFT_OPEN = re.compile(r"\]\(")  # escaping its "(" stops a link, whatever comes before
# Letter by letter rather than IGNORECASE, which in Python also folds non-ASCII look-alikes.
_SAFE_SCHEME = re.compile(r"(?:[Hh][Tt][Tt][Pp][Ss]?://|[Mm][Aa][Ii][Ll][Tt][Oo]:)")
_SCHEME_LIKE = re.compile(r"^[^/?#]*:")


def safe_address(address: str) -> bool:
    """True for an http, https or mailto address, or a relative one that cannot turn into a
    scheme (no colon before its path, no entity or escape that could spell one)."""
    if address.startswith("<") and address.endswith(">"):
        address = address[1:-1]
    if _SAFE_SCHEME.match(address):
        return True
    return not (
        address.startswith("//") or _SCHEME_LIKE.match(address) or "&" in address or "\\" in address
    )


def safe_links(line: str) -> str:
    """Links and images of one line of Markdown reduced to what is safe to follow: a link to
    a safe address stays, an image becomes a link to it (or its alt text), everything else its
    text. Innermost first, so an image inside a link is settled before the link."""
    if "](" not in line:  # no link, image or opening to escape: most lines
        return line
    kept: list[str] = []

    def settle(match: re.Match[str]) -> str:
        image, text, address = match.group(1), match.group(2), match.group(3)
        if not safe_address(address):
            return text
        if image:
            text = text or "image"
        kept.append(f"[{text}]({address})")
        return f"\ue000{len(kept) - 1}\ue001"

    while True:
        reduced = _INLINE_LINK.sub(settle, line)
        if reduced == line:
            break
        line = reduced
    line = _LEFT_OPEN.sub("]\\\\(", line)  # what is left cannot become a link
    while _KEPT.search(line):
        line = _KEPT.sub(lambda m: kept[int(m.group(1))], line)
    return line


def md_text(text: str) -> str:
    """`text` as one line of Markdown that renders as the text itself: no raw HTML (`<` becomes
    `&lt;`, an entity reference keeps its `&` visible), nothing that starts a block, and links
    only to safe addresses (`safe_links`)."""
    if not _MAY_CHANGE.search(text) and not _MAY_START_BLOCK.match(text):
        return text  # most texts: one line with nothing to escape, disarm or collapse
    return _escaped_line(text)


def _escaped_line(text: str) -> str:
    line = safe_links(_SPACE.sub(" ", text).strip(" ").replace("\ue000", "").replace("\ue001", ""))
    line = _ENTITY.sub("&amp;", line).replace("<", "&lt;")
    if _BLOCK_START.match(line) or _THEMATIC_BREAK.match(line):
        line = "\\" + line
    else:
        line = _ORDERED_ITEM.sub(r"\1\\\2", line, count=1)
    return _CLOSING_HASHES.sub(r" \\\1", line)


def md_paragraphs(text: str) -> str:
    """Each paragraph of `text` through `md_text`, separated by blank lines."""
    return "\n\n".join(md_text(p) for p in _PARAGRAPHS.split(text.strip()) if p.strip())


def _bullets(items: Iterable[str], prefix: str = "") -> str:
    return "".join(f"* {prefix}{md_text(item)}\n" for item in items)


def _link_text(text: str) -> str:
    """`text` as the text of a Markdown link: one line, its brackets escaped."""
    return md_text(text).replace("[", "\\[").replace("]", "\\]")


def _source_link(number: int, url: str) -> str:
    return f"[\\[{number}\\]]({destination(url)})"


def link_citations(line: str, sources: Numbered) -> str:
    """A line of the record with each citation made a link to its source, numbered as on the
    card's page (`[[2]](https://...)`); a key that names no source is left out."""
    for cite in reversed(citations(line)):
        links = "".join(_source_link(n, s.url) for n, s in sources.cited(cite.keys))
        start = cite.start
        while start and line[start - 1] == " ":
            start -= 1
        line = line[:start] + links + line[cite.start + len(cite.written) :]
    return line


def _cited_keys(texts: Iterable[str]) -> list[str]:
    return [key for text in texts for cite in citations(text) for key in cite.keys]


def _option_texts(option: Option) -> list[str]:
    return [
        option.name,
        *([option.summary] if option.summary else []),
        option.wins_when,
        *option.best_when,
        *option.signals,
        *option.strengths,
        *option.costs,
        *option.hidden_costs,
    ]


def _sources_cited(card: DecisionCard, option: Option, sources: Numbered) -> str:
    """The sources the record of `option` cites (the drivers', the context's and the option's),
    as links, in the order of their numbers; '' when it cites none."""
    how = card.how_to_decide
    texts = [card.decision, card.framing.really_about, *how.key_factors, *how.evidence_needed]
    cited = sorted(sources.cited(_cited_keys([*texts, *_option_texts(option)])))
    if not cited:
        return ""
    lines = "".join(
        f"* \\[{n}\\] [{_link_text(s.title)}]({destination(s.url)}) ({site_of(s.url)})\n"
        for n, s in cited
    )
    return "\nSources cited for this option and the decision drivers:\n\n" + lines


def tick_id(option_key: str, kind: str, index: int) -> str:
    """The id of one condition (kind "b", for best_when) or signal ("s") of an option, as the
    card page's decision helper names it in its checkboxes and in the page URL."""
    return f"{option_key}:{kind}{index}"


@dataclass(frozen=True)
class RecordParts:
    """The reader-independent pieces of a card's decision record, each Markdown."""

    card_id: str
    titles: dict[str, str]  # the default title for each option key
    context: str  # context, problem statement and decision drivers (without signals seen)
    considered: str
    outcomes: dict[str, str]  # for each option key: outcome, consequences, confirmation
    more: str
    ticks: dict[str, str]  # each condition and signal by tick id, through `md_text`
    sources: dict[str, str]  # for each option key: the sources its record cites, as links
    status: str = STATUS
    signal_prefix: str = SIGNAL_PREFIX
    against_prefix: str = AGAINST_PREFIX


def card_link(card_id: str, site_url: str, directory_urls: bool = True) -> str:
    """The address of a card's page on the published site ('' when the site URL is unknown)."""
    if not site_url:
        return ""
    return site_url.rstrip("/") + "/" + page_url(decision_uri(card_id), directory_urls)


def record_parts(
    card_id: str, card: DecisionCard, site_url: str = "", directory_urls: bool = True
) -> RecordParts:
    """The pieces of every decision record drafted from `card`."""
    sources = numbered(card)

    def linked(markdown: str) -> str:
        return link_citations(markdown, sources) if "[@" in markdown else markdown

    framing = card.framing
    context = linked(
        "## Context and Problem Statement\n\n"
        f"{md_paragraphs(card.decision)}\n\n"
        f"{outline.section(outline.DECISION, 'framing').title}: "
        f"{md_paragraphs(framing.really_about)}\n\n"
        "## Decision Drivers\n\n" + _bullets(card.how_to_decide.key_factors)
    )
    considered = linked(
        "\n## Considered Options\n\n"
        + "".join(
            f"* {md_text(o.name)}" + (f": {md_text(o.summary)}" if o.summary else "") + "\n"
            for o in card.options
        )
    )

    def labelled(label: str, items: list[str]) -> str:
        # "Label: text": a card's text stays whole, whether it is a sentence or a phrase
        return "".join(f"* {label}: {md_text(item)}\n" for item in items)

    outcomes = {}
    for option in card.options:
        avoided = "".join(
            labelled(f"Avoided, a cost of {md_text(other.name)}", other.costs)
            for other in card.options
            if other.key != option.key
        )
        outcomes[option.key] = linked(
            "\n## Decision Outcome\n\n"
            f'Chosen option: "{md_text(option.name)}".\n\n'
            f"Where it wins: {md_text(option.wins_when)}\n\n"
            "### Consequences\n\n"
            + labelled("Good", option.strengths)
            + labelled("Bad", option.costs)
            + labelled("Bad, found later", option.hidden_costs)
            + avoided
            + "\n### Confirmation\n\n"
            "Gather this evidence and check that it supports the choice:\n\n"
            + _bullets(card.how_to_decide.evidence_needed)
        )
    reversibility = card.reversibility
    link = card_link(card_id, site_url, directory_urls)
    name = _link_text(card.title)
    source = f"[{name}]({link})" if link else f"{name} (`{card_id}`)"
    more = linked(
        "\n## More Information\n\n"
        f"Undo cost: {reversibility.undo_cost}. {UNDO_COST_TEXT[reversibility.undo_cost]}\n\n"
        "Re-visit this decision when:\n\n"
        + _bullets(reversibility.relook_triggers)
        + f"\nDrafted from the trade-off card {source}, reviewed {card.reviewed.isoformat()}.\n"
    )
    ticks = {
        tick_id(option.key, kind, index): linked(md_text(text))
        for option in card.options
        for kind, items in (("b", option.best_when), ("s", option.signals))
        for index, text in enumerate(items)
    }
    return RecordParts(
        card_id=card_id,
        titles={o.key: md_text(f"{card.title}: {o.name}") for o in card.options},
        context=context,
        considered=considered,
        outcomes=outcomes,
        more=more,
        ticks=ticks,
        sources={o.key: _sources_cited(card, o, sources) for o in card.options},
    )


def compose(
    parts: RecordParts,
    chosen: str,
    day: dt.date,
    title: str | None = None,
    signals: Iterable[str] = (),
    against: Iterable[str] = (),
    status: str | None = None,
) -> str:
    """The decision record for option `chosen`: `title` (the card's title and the option's name
    when empty), `signals` (what was seen to hold, for the choice) and `against` (what was seen
    to hold but points to another option) are the reader's own text. The front matter names the
    card and the option, which the site links the record with; `status` is the card's
    (accepted) unless given."""
    if chosen not in parts.outcomes:
        raise KeyError(chosen)
    heading = md_text(title or "") or parts.titles[chosen]
    seen = [line for line in (md_text(s) for s in signals) if line]
    other = [line for line in (md_text(s) for s in against) if line]
    return (
        f"---\nstatus: {status or parts.status}\ndate: {day.isoformat()}\n"
        f"card: {parts.card_id}\noption: {chosen}\n---\n\n# {heading}\n\n"
        + parts.context
        + "".join(f"* {parts.signal_prefix}{line}\n" for line in seen)
        + "".join(f"* {parts.against_prefix}{line}\n" for line in other)
        + parts.considered
        + parts.outcomes[chosen]
        + parts.more
        + parts.sources[chosen]
    )


def slug(text: str) -> str:
    """A file-name slug of `text`: ASCII letters and digits joined by hyphens, at most 60."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].rstrip("-")


def next_number(folder: Path) -> int:
    """One more than the highest number of a `NNNN-*.md` record in `folder` (1 when none)."""
    numbers = [
        int(match.group(1))
        for path in (folder.iterdir() if folder.is_dir() else [])
        if (match := RECORD_FILE.match(path.name))
    ]
    return max(numbers, default=0) + 1


def write_record(folder: Path, text: str, name: str) -> Path:
    """Write `text` as `NNNN-<name>.md` in `folder`, numbered after the highest record there;
    never overwrites (a number taken meanwhile moves it to the next one)."""
    folder.mkdir(parents=True, exist_ok=True)
    number = next_number(folder)
    while True:
        path = folder / f"{number:04d}-{name}.md"
        try:
            with path.open("x", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        except FileExistsError:
            number += 1
            continue
        return path
