"""Citations as each output shows them: numbered by first citation, linked to the source list.

Sources are numbered in the order an entry first cites them, reading the entry as its page shows
it (section by section, the comparison table row by row); sources never cited follow in the order
written. Every output (page, Markdown version, decision record) uses these numbers.

On a page, card text is rendered once per text (and cached), so a citation is rendered as a mark
(`MARK_OPEN` keys `MARK_CLOSE`) that `link_page` turns into links once the whole page is rendered:
then the page knows how often each source is cited, and the source list links back to each place.
A key that names no source of the page's entry is shown as the text it was, escaped; on a page
that is not an entry's, citations are left out.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..cards.citations import citations
from ..cards.models import DecisionCard, FailureMode, Source
from ..cards.outline import FACETS

MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"  # around the keys of a citation, in rendered text
BACK_OPEN, BACK_CLOSE = "\ue002", "\ue003"  # around a source number: its links back
MARKS = (MARK_OPEN, MARK_CLOSE, BACK_OPEN, BACK_CLOSE)
_MARK = re.compile(f"{MARK_OPEN}([^{MARK_CLOSE}]*){MARK_CLOSE}")  # with the blanks before it
_BACK = re.compile(f"{BACK_OPEN}([0-9]+){BACK_CLOSE}")


def site_of(url: str) -> str:
    """The host of a source's address, without `www.`: what the source list calls its site."""
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def _decision_texts(card: DecisionCard) -> Iterator[str]:
    yield card.summary
    yield from card.owners or []
    yield from (card.decision, card.heuristic, card.default_stance)
    yield from (card.framing.really_about, card.framing.not_about, card.framing.why_hard)
    for option in card.options:
        yield option.name
        if option.summary:
            yield option.summary
    for facet, _ in FACETS:
        for option in card.options:
            value = getattr(option, facet)
            for item in [value] if isinstance(value, str) else value:
                if isinstance(item, str):
                    yield item
                elif item.note:
                    yield item.note
    if card.combining:
        yield card.combining
    yield from card.reversibility.relook_triggers
    how = card.how_to_decide
    if how.litmus_test:
        yield how.litmus_test
    yield from (*how.questions, *how.key_factors, *how.evidence_needed)
    yield from (*card.pressures.bad_reasons, *card.pressures.anti_patterns)
    if card.ai_impact:
        ai = card.ai_impact
        yield from (*ai.helps, *ai.worsens, ai.false_confidence, ai.synthesis)
    yield from card.mistakes or []
    for follow_up in card.follow_ups or []:
        yield from (follow_up.question, follow_up.answer)
    if card.relations:
        for related in (card.relations.confused_with or []) + (card.relations.adjacent or []):
            yield related.note
    yield from (change.note for change in card.changes or [])
    yield from (source.note for source in card.sources or [] if source.note)


def _failure_mode_texts(mode: FailureMode) -> Iterator[str]:
    yield mode.summary
    yield from (*mode.symptoms, *mode.causes, *mode.recovery, *(mode.prevention or []))
    yield from (change.note for change in mode.changes or [])
    yield from (source.note for source in mode.sources or [] if source.note)


def texts_in_order(model: DecisionCard | FailureMode) -> Iterator[str]:
    """Every text of an entry that may cite, in the order its page shows them."""
    if isinstance(model, DecisionCard):
        return _decision_texts(model)
    return _failure_mode_texts(model)


@dataclass(frozen=True)
class Numbered:
    """An entry's sources in the order of their numbers, and the number of each cited id."""

    sources: tuple[Source, ...]
    numbers: Mapping[str, int]
    cited_count: int = 0  # the first this many sources are cited somewhere

    def cited(self, keys: tuple[str, ...] | list[str]) -> list[tuple[int, Source]]:
        """(number, source) for each key that names a source, in the order given, once each."""
        found: dict[int, Source] = {}
        for key in keys:
            number = self.numbers.get(key)
            if number is not None:
                found.setdefault(number, self.sources[number - 1])
        return list(found.items())


def numbered(model: DecisionCard | FailureMode) -> Numbered:
    """The sources of an entry, numbered by first citation (then the uncited ones, as written)."""
    sources = list(model.sources or [])
    by_id = {s.id: s for s in sources if s.id}
    order: list[Source] = []
    if by_id:
        for text in texts_in_order(model):
            for cite in citations(text):
                for key in cite.keys:
                    source = by_id.get(key)
                    if source is not None and all(source is not s for s in order):
                        order.append(source)
    cited_count = len(order)
    order += [s for s in sources if all(s is not o for o in order)]
    numbers = {s.id: n for n, s in enumerate(order, 1) if s.id}
    return Numbered(tuple(order), numbers, cited_count)


def without_citations(text: str) -> str:
    """A card text without its citations (for a place that shows no source list)."""
    if "[@" not in text:
        return text
    found = citations(text)
    for cite in reversed(found):
        start = cite.start
        while start and text[start - 1] in " \t":
            start -= 1
        text = text[:start] + text[cite.start + len(cite.written) :]
    return text


def cite_mark(keys: list[str]) -> str:
    """The mark a rendered text carries for one citation (keys HTML-escaped: never trusted)."""
    return MARK_OPEN + html.escape(";".join(keys), quote=True) + MARK_CLOSE


def back_mark(number: int) -> str:
    """Where the links back to the places that cite source `number` go in the source list."""
    return f"{BACK_OPEN}{number}{BACK_CLOSE}"


def link_page(page: str, numbers: Numbered | None) -> str:
    """The page with each citation mark made a numbered link to its source (or left out when the
    page has no source list), and each source's links back to where it is cited."""
    if MARK_OPEN not in page and BACK_OPEN not in page:
        return page
    counts: dict[int, int] = {}

    def link(match: re.Match[str]) -> str:
        if numbers is None:
            return ""
        shown = []
        for key in html.unescape(match.group(1)).split(";"):
            number = numbers.numbers.get(key)
            if number is None:  # not a source of this entry: the text as written, inert
                shown.append(html.escape(f" [@{key}]", quote=False))
                continue
            counts[number] = counts.get(number, 0) + 1
            title = html.escape(numbers.sources[number - 1].title, quote=True)
            shown.append(
                f'<sup class="tc-cite"><a href="#source-{number}" '
                f'id="cite-{number}-{counts[number]}" '
                f'aria-label="Source {number}: {title}">[{number}]</a></sup>'
            )
        return "".join(shown)

    def back(match: re.Match[str]) -> str:
        number = int(match.group(1))
        count = counts.get(number, 0)
        if not count:
            return ""
        links = " ".join(
            f'<a href="#cite-{number}-{n}" aria-label="Back to citation {n} of source {number}">'
            f"↩{'' if count == 1 else n}</a>"
            for n in range(1, count + 1)
        )
        return f' <span class="tc-backrefs">{links}</span>'

    return _BACK.sub(back, _each_mark(page, link))


def _each_mark(page: str, link: Callable[[re.Match[str]], str]) -> str:
    """`page` with each citation mark, and the spaces and tabs before it, replaced by `link`'s
    text for it. (The pattern `[ \\t]*MARK` would do it, but one starting with a repeat is tried
    at every position of the page; this searches for the mark itself.)"""
    out, at = [], 0
    for match in _MARK.finditer(page):
        start = match.start()
        while start > at and page[start - 1] in " \t":
            start -= 1
        out += [page[at:start], link(match)]
        at = match.end()
    out.append(page[at:])
    return "".join(out)
