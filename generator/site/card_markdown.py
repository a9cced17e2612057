"""The clean Markdown version of each card and failure mode, as programs read them.

Each lives beside its page: `decisions/<id>/index.md` with directory URLs, else
`decisions/<id>.md`. It holds what the page shows, in the page's order: headings, lists, the
options compared as one GFM table, and links (absolute when the site has a `site_url`, else
relative to the file). There is no HTML: card text goes through `plain_markdown`, so nothing
written in a card can become markup.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from functools import partial
from urllib.parse import urlsplit

from ..cards import RELATION_KINDS, Catalog, Entry
from ..cards.models import Change, DecisionCard, FailureMode, Source
from ..cards.parallel import map_halves
from . import plain_markdown as md
from .data import source_path
from .listings import UNDO_COST_TEXT
from .paths import (
    category_uri,
    decision_uri,
    failure_mode_uri,
    markdown_path,
    page_url,
    site_link,
)
from .render import RELATION_TITLES

FACETS = [
    ("best_when", "Best when"),
    ("real_world_fits", "Where it has worked"),
    ("strengths", "Strengths"),
    ("costs", "Costs you accept up front"),
    ("hidden_costs", "Hidden costs"),
    ("misuse", "Failure modes when misused"),
    ("cost_bearers", "Who absorbs the cost"),
    ("wins_when", "Wins when"),
    ("signals", "Signals that point here"),
]
BACKLINK_WORDS = {
    "confused_with": "says it is often confused with this",
    "adjacent": "lists this as adjacent",
    "supersedes": "supersedes this",
}


# A heading of `depth` levels below the entry's title, with its lines; no lines for none.
_Section = Callable[..., list[str]]


def no_links(url: str) -> None:
    """A link map that keeps only the text of every link."""
    return None


def link_to(text: str, url: str) -> str:
    """A link whose text is card text (Markdown, with any links in it left as text)."""
    return f"[{md.inline(text, no_links)}]({md.destination(url)})"


def _sectioner(level: int) -> _Section:
    def section(title: str, body: list[str], depth: int = 1) -> list[str]:
        return ["", md.heading(level + depth, title), *(["", *body] if body else [])]

    return section


class MarkdownWriter:
    """Writes the Markdown files of one catalog; links are computed for the file being written."""

    def __init__(self, catalog: Catalog, *, site_url: str = "", directory_urls: bool = True):
        self.catalog = catalog
        self.site_url = site_url
        self.directory_urls = directory_urls
        # Every card and failure mode by the path of its page.
        self.entries: dict[str, Entry[DecisionCard] | Entry[FailureMode]] = {
            **{decision_uri(i): e for i, e in catalog.decisions.items()},
            **{failure_mode_uri(i): e for i, e in catalog.failure_modes.items()},
        }
        # Entries written by `card_files`, by (page path, file written into, heading level).
        self.written: dict[tuple[str, str, int], list[str]] = {}

    # ------------------------------------------------------------------ links

    def card_file(self, uri: str) -> str:
        """Path in the site of the Markdown version of a card or failure-mode page."""
        return markdown_path(uri, self.directory_urls)

    def link(self, target: str, here: str) -> str:
        """A link to a path in the site, written in the file at `here`."""
        return site_link(target, here, self.site_url)

    def text_links(self, uri: str, here: str) -> md.LinkMap:
        """For card text of page `uri` written into `here`: a relative link to another card's page
        (`other.md`) goes to that card's Markdown version, other relative links to their page."""
        page = page_url(uri, self.directory_urls)
        page_dir = page if page.endswith("/") or not page else posixpath.dirname(page) + "/"

        def rewrite(url: str) -> str | None:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc:
                return url
            fragment = f"#{parts.fragment}" if parts.fragment else ""
            if parts.path.endswith(".md"):
                source = posixpath.normpath(posixpath.join(posixpath.dirname(uri), parts.path))
                if source in self.entries:
                    return self.link(self.card_file(source), here)
                return self.link(page_url(source, self.directory_urls), here) + fragment
            if not parts.path:
                return None  # a fragment of the card's page: nothing to point at here
            target = posixpath.normpath(posixpath.join(page_dir, parts.path))
            target += "/" if parts.path.endswith("/") else ""
            if target.startswith("../"):
                return None
            return self.link(target.removeprefix("./"), here) + fragment

        return rewrite

    def _card_link(self, card_id: str, here: str) -> str:
        target = self.link(self.card_file(decision_uri(card_id)), here)
        return link_to(self.catalog.decisions[card_id].model.title, target)

    def _mode_link(self, mode_id: str, here: str) -> str:
        target = self.link(self.card_file(failure_mode_uri(mode_id)), here)
        return link_to(self.catalog.failure_modes[mode_id].model.title, target)

    # ------------------------------------------------------------------ entries

    def decision(self, entry: Entry[DecisionCard], here: str, level: int = 1) -> list[str]:
        """The lines of one decision card; its title is a heading of `level`."""
        card, uri = entry.model, decision_uri(entry.id)
        links = self.text_links(uri, here)

        def text(value: str) -> str:
            return md.one_line(value, links)

        def items(values: list[str]) -> list[str]:
            return [f"- {text(v)}" for v in values]

        section = _sectioner(level)
        category = self.catalog.category(card.category)
        page = self.link(page_url(uri, self.directory_urls), here)
        category_page = self.link(page_url(category_uri(category.id), self.directory_urls), here)
        meta = [
            f"- Category: {link_to(category.title, category_page)}",
            f"- Undo cost: {card.reversibility.undo_cost} "
            f"({UNDO_COST_TEXT[card.reversibility.undo_cost]})",
            f"- Status: {card.status}",
            f"- Reviewed: {card.reviewed.isoformat()} "
            f"(due for review every {card.review_every_months} months)",
        ]
        if card.owners:
            meta.append("- Kept by: " + ", ".join(text(o) for o in card.owners))
        if card.tags:
            meta.append("- Tags: " + ", ".join(card.tags))
        if card.keywords:
            meta.append("- Also searched as: " + ", ".join(text(k) for k in card.keywords))
        meta.append(f"- Web page: {link_to(card.title, page)}")
        meta.append(f"- Source: {md.code(source_path(self.catalog, entry))}")
        lines = [
            md.heading(level, md.inline(card.title, no_links)),
            "",
            f"> {text(card.summary)}",
            "",
            *meta,
        ]
        superseded = self.catalog.superseded_by(entry.id)
        if superseded:
            newer = ", ".join(self._card_link(s, here) for s in superseded)
            lines += ["", f"Superseded by {newer}."]

        lines += section("The decision", _blank_separated(md.paragraphs(card.decision, links)))
        lines += ["", f"- **Rule of thumb:** {text(card.heuristic)}"]
        lines += [f"- **Default stance:** {text(card.default_stance)}"]
        framing = card.framing
        lines += section(
            "What it is really about",
            [
                f"- **Really about:** {text(framing.really_about)}",
                f"- **Not about:** {text(framing.not_about)}",
                f"- **Why it is hard:** {text(framing.why_hard)}",
            ],
        )
        lines += section("The options side by side", self._comparison(card, links, here))
        if card.combining:
            lines += section(
                "Combining them", _blank_separated(md.paragraphs(card.combining, links))
            )
        undo = card.reversibility.undo_cost
        lines += section(
            "Reversibility",
            [
                f"**Undo cost: {undo}.** {UNDO_COST_TEXT[undo]}",
                "",
                "Re-look at this call when:",
                "",
                *items(card.reversibility.relook_triggers),
            ],
        )
        how = card.how_to_decide
        litmus = [f"**Litmus test:** {text(how.litmus_test)}"] if how.litmus_test else []
        lines += section("How to decide", litmus)
        lines += section("Questions to ask in the room", items(how.questions), 2)
        lines += section("Factors that move the answer", items(how.key_factors), 2)
        lines += section("Evidence to gather first", items(how.evidence_needed), 2)
        lines += section("Pressures to resist", [])
        lines += section("Bad reasons", items(card.pressures.bad_reasons), 2)
        lines += section("Anti-patterns", items(card.pressures.anti_patterns), 2)
        if card.ai_impact:
            ai = card.ai_impact
            lines += section("How AI changes this", [])
            lines += section("Helps", items(ai.helps), 2)
            lines += section("Makes worse", items(ai.worsens), 2)
            lines += section("False confidence", [text(ai.false_confidence)], 2)
            lines += section("Net effect", _blank_separated(md.paragraphs(ai.synthesis, links)), 2)
        if card.mistakes:
            lines += section("Common mistakes", items(card.mistakes))
        if card.follow_ups:
            lines += section("Follow-up questions", [])
            for follow_up in card.follow_ups:
                answer = _blank_separated(md.paragraphs(follow_up.answer, links))
                lines += section(md.one_line(follow_up.question, no_links), answer, 2)
        lines += self._related(entry, here, section)
        lines += self._changes_and_sources(card.changes, card.sources, links, section)
        return lines

    def _comparison(self, card: DecisionCard, links: md.LinkMap, here: str) -> list[str]:
        header = ["", *(md.inline(o.name, no_links) for o in card.options)]
        rows = [["**Key**", *(md.code(o.key) for o in card.options)]]
        if any(o.summary for o in card.options):
            summaries = [md.one_line(o.summary, links) if o.summary else "" for o in card.options]
            rows.append(["**Summary**", *summaries])
        for facet, label in FACETS:
            cells = []
            for option in card.options:
                if facet == "wins_when":
                    cells.append(md.one_line(option.wins_when, links))
                    continue
                shown = []
                for item in getattr(option, facet):
                    if isinstance(item, str):
                        shown.append(md.inline(item, links))
                    else:
                        note = f": {md.inline(item.note, links)}" if item.note else ""
                        shown.append(self._mode_link(item.failure_mode, here) + note)
                cells.append(" ".join(f"• {s}" for s in shown))
            rows.append([f"**{label}**", *cells])
        return md.table(header, rows)

    def _related(self, entry: Entry[DecisionCard], here: str, section: _Section) -> list[str]:
        relations = entry.model.relations
        backlinks = self.catalog.backlinks.get(entry.id, [])
        if not relations and not backlinks:
            return []
        links = self.text_links(decision_uri(entry.id), here)
        lines = section("Related decisions", [])
        for kind in RELATION_KINDS:
            related = (getattr(relations, kind) if relations else None) or []
            if related:
                body = [
                    f"- {self._card_link(r.card, here)}: {md.one_line(r.note, links)}"
                    for r in related
                ]
                lines += section(RELATION_TITLES[kind], body, 2)
        if relations and relations.supersedes:
            body = [f"- {self._card_link(old, here)}" for old in relations.supersedes]
            lines += section(RELATION_TITLES["supersedes"], body, 2)
        if backlinks:
            body = []
            for b in backlinks:
                # The note is written in the other card: its links are relative to that card.
                their_links = self.text_links(decision_uri(b.source), here)
                note = f": {md.one_line(b.note, their_links)}" if b.note else ""
                words = BACKLINK_WORDS[b.relation]
                body.append(f"- {self._card_link(b.source, here)} {words}{note}")
            lines += section("Referenced by", body, 2)
        return lines

    def _changes_and_sources(
        self,
        changes: list[Change] | None,
        sources: list[Source] | None,
        links: md.LinkMap,
        section: _Section,
    ) -> list[str]:
        lines: list[str] = []
        if changes:
            body = [f"- **{c.date.isoformat()}:** {md.one_line(c.note, links)}" for c in changes]
            lines += section("Changes", body)
        if sources:
            body = []
            for s in sources:
                note = f": {md.one_line(s.note, links)}" if s.note else ""
                body.append(f"- {link_to(s.title, s.url)}{note}")
            lines += section("Sources", body)
        return lines

    def failure_mode(self, entry: Entry[FailureMode], here: str, level: int = 1) -> list[str]:
        """The lines of one failure mode; its title is a heading of `level`."""
        mode, uri = entry.model, failure_mode_uri(entry.id)
        links = self.text_links(uri, here)

        def items(values: list[str]) -> list[str]:
            return [f"- {md.one_line(v, links)}" for v in values]

        section = _sectioner(level)
        page = self.link(page_url(uri, self.directory_urls), here)
        meta = ["- Kind: failure mode", f"- Reviewed: {mode.reviewed.isoformat()}"]
        if mode.tags:
            meta.append("- Tags: " + ", ".join(mode.tags))
        if mode.keywords:
            words = ", ".join(md.one_line(k, links) for k in mode.keywords)
            meta.append(f"- Also searched as: {words}")
        meta.append(f"- Web page: {link_to(mode.title, page)}")
        meta.append(f"- Source: {md.code(source_path(self.catalog, entry))}")
        lines = [
            md.heading(level, md.inline(mode.title, no_links)),
            "",
            f"> {md.one_line(mode.summary, links)}",
            "",
            *meta,
        ]
        lines += section("Symptoms", items(mode.symptoms))
        lines += section("How teams get here", items(mode.causes))
        steps = [f"{n}. {md.one_line(step, links)}" for n, step in enumerate(mode.recovery, 1)]
        lines += section("Recovery playbook", steps)
        if mode.prevention:
            lines += section("Prevention", items(mode.prevention))
        reached = self.catalog.reached_from.get(entry.id, [])
        body = []
        for r in reached:
            option = md.inline(r.option_name, no_links)
            their_links = self.text_links(decision_uri(r.card), here)
            note = f": {md.one_line(r.note, their_links)}" if r.note else ""
            body.append(f"- {self._card_link(r.card, here)}, option *{option}*{note}")
        lines += section("Reached from", body or ["No card links to this failure mode yet."])
        lines += self._changes_and_sources(mode.changes, mode.sources, links, section)
        return lines

    # ------------------------------------------------------------------ files

    def entry_lines(self, uri: str, here: str, level: int = 2) -> list[str]:
        """A card or failure mode written into `here` with its title at `level`."""
        written = self.written.get((uri, here, level))
        if written is not None:
            return written
        own = self.written.get((uri, self.card_file(uri), 1))
        if own is not None and self.site_url:
            # Absolute links read the same anywhere: the card's own file, headings one level
            # down (every line of it that starts with `#` is a heading; text never does).
            return [f"{'#' * (level - 1)}{line}" if line[:1] == "#" else line for line in own]
        entry = self.entries[uri]
        if isinstance(entry.model, DecisionCard):
            return self.decision(entry, here, level)
        return self.failure_mode(entry, here, level)

    def card_files(
        self,
        also: tuple[str, int] | None = None,
        reuse: Mapping[tuple[str, str, int], list[str]] | None = None,
    ) -> dict[str, str]:
        """The Markdown version of each card and failure mode, by its path in the site.

        With `also` (a file and a heading level), each entry is written for that file as well,
        and `entry_lines` returns it from then on. `reuse` holds lines written before, by
        (page path, file, level): entries found there are not written again (a live preview
        passes those whose pages did not change). Every entry's lines end up in `written`.
        """
        reuse = reuse or {}
        uris = [decision_uri(i) for i in sorted(self.catalog.decisions)]
        uris += [failure_mode_uri(i) for i in sorted(self.catalog.failure_modes)]
        for key, lines in reuse.items():
            if key[0] in self.entries:
                self.written[key] = lines
        todo = [uri for uri in uris if (uri, self.card_file(uri), 1) not in self.written]
        # Parsing card text is most of the work: half of the entries on the second core.
        for uri, (own, extra) in zip(
            todo, map_halves(partial(self._write, also=also), todo), strict=True
        ):
            self.written[(uri, self.card_file(uri), 1)] = own
            if also is not None and extra is not None:
                self.written[(uri, *also)] = extra
        return {
            self.card_file(uri): "\n".join(self.written[(uri, self.card_file(uri), 1)]) + "\n"
            for uri in uris
        }

    def _write(self, uri: str, also: tuple[str, int] | None) -> tuple[list[str], list[str] | None]:
        own = self.entry_lines(uri, self.card_file(uri), level=1)
        if also is None or self.site_url:  # with a site URL, `entry_lines` reuses `own`
            return own, None
        return own, self.entry_lines(uri, *also)


def _blank_separated(paragraphs: list[str]) -> list[str]:
    lines: list[str] = []
    for paragraph in paragraphs:
        lines += ["", paragraph] if lines else [paragraph]
    return lines
