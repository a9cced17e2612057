"""The clean Markdown version of each card and failure mode, as programs read them.

Each lives beside its page: `decisions/<id>/index.md` with directory URLs, else
`decisions/<id>.md`. It holds what the page shows, in the page's order: headings, lists, the
options compared as one GFM table, and links (absolute when the site has a `site_url`, else
relative to the file). There is no HTML: card text goes through `plain_markdown`, so nothing
written in a card can become markup.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, MutableMapping
from functools import partial
from urllib.parse import urlsplit

from ..cards import Catalog, Entry, outline
from ..cards.linking import by_option
from ..cards.models import CostBearer, DecisionCard, FailureMode
from ..cards.outline import BACKLINK_WORDS, FACETS, LABELS, Section
from ..cards.parallel import map_halves
from ..cards.wording import count
from . import plain_markdown as md
from .citing import Numbered, numbered, site_of
from .data import Sink, source_path
from .listings import UNDO_COST_TEXT
from .paths import (
    category_uri,
    decision_uri,
    failure_mode_uri,
    markdown_path,
    page_url,
    site_link,
)

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
        self.written: MutableMapping[tuple[str, str, int], list[str]] = {}

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
        t = _Texts(self.text_links(uri, here), numbered(card), self._label(entry.id, here))
        category = self.catalog.category(card.category)
        page = self.link(page_url(uri, self.directory_urls), here)
        category_page = self.link(page_url(category_uri(category.id), self.directory_urls), here)
        meta = [
            f"- Category: {link_to(category.title, category_page)}",
            f"- Undo cost: {card.reversibility.undo_cost} "
            f"({UNDO_COST_TEXT[card.reversibility.undo_cost]})",
            f"- Status: {card.status}",
            f"- Reviewed: {card.reviewed.isoformat()} "
            f"(due for review every {count(card.review_every_months, 'month')})",
        ]
        if card.owners:
            meta.append("- Kept by: " + ", ".join(t.line(o) for o in card.owners))
        if card.tags:
            meta.append("- Tags: " + ", ".join(card.tags))
        if card.keywords:
            meta.append(f"- {LABELS['keywords']}: " + ", ".join(t.line(k) for k in card.keywords))
        meta.append(f"- Web page: {link_to(card.title, page)}")
        meta.append(f"- Source: {md.code(source_path(self.catalog, entry))}")
        lines = [
            md.heading(level, md.inline(card.title, no_links)),
            "",
            f"> {t.line(card.summary)}",
            "",
            *meta,
        ]
        superseded = self.catalog.superseded_by(entry.id)
        if superseded:
            newer = ", ".join(self._card_link(s, here) for s in superseded)
            lines += ["", f"{LABELS['superseded']} by {newer}."]
        backlinks = self.catalog.backlinks.get(entry.id, [])
        for section, parts in outline.shown(outline.DECISION, card, referenced_by=backlinks):
            lines += _heading(level + 1, section)
            lines += self._decision_section(entry, section, parts, t, here, level)
        return lines

    def _decision_section(
        self,
        entry: Entry[DecisionCard],
        section: Section,
        parts: tuple[Section, ...],
        t: _Texts,
        here: str,
        level: int,
    ) -> list[str]:
        """The lines under one section's heading, with its parts' headings."""
        card, key = entry.model, section.key
        body: list[str] = []
        sub = level + 2
        if key == "decision":
            body += t.paragraphs(card.decision)
            body += ["", f"- **{LABELS['heuristic']}:** {t.line(card.heuristic)}"]
            body += [f"- **{LABELS['default_stance']}:** {t.line(card.default_stance)}"]
        elif key == "framing":
            for part in parts:
                body += [*_heading(sub, part), "", *t.paragraphs(getattr(card.framing, part.key))]
        elif key == "options":
            body += self._comparison(card, t, here)
        elif key == "decide":
            body.append(md.escape(outline.helper_intro(card)))
            keys = ", ".join(md.code(o.key) for o in card.options)
            for part in parts:
                body += _heading(sub, part)
                body += [
                    "",
                    "Write the call down as an architecture decision record (MADR) drafted from "
                    f"this card: {md.code(f'tradeoffs record {entry.id} --chose OPTION')} writes "
                    f"it into {md.code('docs/decisions/')}; the options are {keys}.",
                ]
        elif key == "combining" and card.combining:
            body += t.paragraphs(card.combining)
        elif key == "reversibility":
            undo = card.reversibility.undo_cost
            body += [f"**Undo cost: {undo}.** {UNDO_COST_TEXT[undo]}", "", LABELS["relook"], ""]
            body += t.items(card.reversibility.relook_triggers)
        elif key == "how_to_decide":
            how = card.how_to_decide
            if how.litmus_test:
                body.append(f"**{LABELS['litmus_test']}:** {t.line(how.litmus_test)}")
            for part in parts:
                body += [*_heading(sub, part), "", *t.items(getattr(how, part.key))]
        elif key == "pressures":
            for part in parts:
                body += [*_heading(sub, part), "", *t.items(getattr(card.pressures, part.key))]
        elif key == "ai_impact" and card.ai_impact:
            ai = card.ai_impact
            for part in parts:
                if part.key == "synthesis":
                    confidence = f"**{LABELS['false_confidence']}:** {t.line(ai.false_confidence)}"
                    body += ["", confidence]
                    body += [*_heading(sub, part), "", *t.paragraphs(ai.synthesis)]
                else:
                    body += [*_heading(sub, part), "", *t.items(getattr(ai, part.key))]
        elif key == "mistakes":
            body += t.items(card.mistakes or [])
        elif key == "follow_ups":
            for follow_up in card.follow_ups or []:
                body += [
                    "",
                    f"**{t.line(follow_up.question)}**",
                    "",
                    *t.paragraphs(follow_up.answer),
                ]
        elif key == "related":
            body += self._related(entry, parts, t, here, sub)
        elif key == "changes":
            body += [f"- **{c.date.isoformat()}:** {t.line(c.note)}" for c in card.changes or []]
        elif key == "sources":
            body += t.sources()
        return _blank_trimmed(body)

    def _label(self, entry_id: str, here: str) -> str:
        """The prefix of the footnote labels of an entry written into `here`: none in its own
        file, its id where several entries share a file (their numbers would clash)."""
        own = here in (
            self.card_file(decision_uri(entry_id)),
            self.card_file(failure_mode_uri(entry_id)),
        )
        return "" if own else f"{entry_id}-"

    def _comparison(self, card: DecisionCard, t: _Texts, here: str) -> list[str]:
        header = ["", *(md.inline(o.name, no_links) for o in card.options)]
        rows = [["**Key**", *(md.code(o.key) for o in card.options)]]
        if any(o.summary for o in card.options):
            summaries = [t.line(o.summary) if o.summary else "" for o in card.options]
            rows.append(["**Summary**", *summaries])
        for facet, label in FACETS:
            cells = []
            for option in card.options:
                if facet == "wins_when":
                    cells.append(t.line(option.wins_when))
                    continue
                shown = []
                for item in getattr(option, facet):
                    if isinstance(item, str):
                        shown.append(t.inline(item))
                    elif isinstance(item, CostBearer):
                        title = md.escape(self.catalog.role(item.role).title)
                        shown.append(f"{title}: {t.inline(item.note)}")
                    else:
                        note = f": {t.inline(item.note)}" if item.note else ""
                        shown.append(self._mode_link(item.failure_mode, here) + note)
                cells.append(" ".join(f"• {s}" for s in shown))
            rows.append([f"**{label}**", *cells])
        return md.table(header, rows)

    def _related(
        self,
        entry: Entry[DecisionCard],
        parts: tuple[Section, ...],
        t: _Texts,
        here: str,
        level: int,
    ) -> list[str]:
        relations = entry.model.relations
        lines: list[str] = []
        for part in parts:
            body: list[str] = []
            if part.key == "referenced_by":
                for b in self.catalog.backlinks.get(entry.id, []):
                    # The note is written in the other card: its links are relative to that
                    # card, and its citations name that card's sources (left out here).
                    their_links = self.text_links(decision_uri(b.source), here)
                    note = f": {md.one_line(b.note, their_links)}" if b.note else ""
                    words = BACKLINK_WORDS[b.relation]
                    body.append(f"- {self._card_link(b.source, here)} {words}{note}")
            elif part.key == "supersedes" and relations:
                body = [f"- {self._card_link(old, here)}" for old in relations.supersedes or []]
            elif relations:
                body = [
                    f"- {self._card_link(r.card, here)}: {t.line(r.note)}"
                    for r in getattr(relations, part.key) or []
                ]
            lines += [*_heading(level, part), "", *body]
        return lines

    def failure_mode(self, entry: Entry[FailureMode], here: str, level: int = 1) -> list[str]:
        """The lines of one failure mode; its title is a heading of `level`."""
        mode, uri = entry.model, failure_mode_uri(entry.id)
        t = _Texts(self.text_links(uri, here), numbered(mode), self._label(entry.id, here))
        page = self.link(page_url(uri, self.directory_urls), here)
        meta = ["- Kind: failure mode", f"- Reviewed: {mode.reviewed.isoformat()}"]
        if mode.tags:
            meta.append("- Tags: " + ", ".join(mode.tags))
        if mode.keywords:
            words = ", ".join(t.line(k) for k in mode.keywords)
            meta.append(f"- {LABELS['keywords']}: {words}")
        meta.append(f"- Web page: {link_to(mode.title, page)}")
        meta.append(f"- Source: {md.code(source_path(self.catalog, entry))}")
        lines = [
            md.heading(level, md.inline(mode.title, no_links)),
            "",
            f"> {t.line(mode.summary)}",
            "",
            *meta,
        ]
        for section, _ in outline.shown(outline.FAILURE_MODE, mode):
            body: list[str] = []
            if section.key == "recovery":
                body = [f"{n}. {t.line(step)}" for n, step in enumerate(mode.recovery, 1)]
            elif section.key == "reached_from":
                for r in by_option(self.catalog.reached_from.get(entry.id, [])):
                    option = md.inline(r.option_name, no_links)
                    their_links = self.text_links(decision_uri(r.card), here)
                    notes = [md.one_line(note, their_links) for note in r.notes]
                    note = f": {notes[0]}" if len(notes) == 1 else ":" if notes else ""
                    body.append(f"- {self._card_link(r.card, here)}, option *{option}*{note}")
                    body += [f"  - {n}" for n in notes] if len(notes) > 1 else []
                body = body or [LABELS["no_reached_from"]]
            elif section.key == "changes":
                body = [f"- **{c.date.isoformat()}:** {t.line(c.note)}" for c in mode.changes or []]
            elif section.key == "sources":
                body = t.sources()
            else:
                body = t.items(getattr(mode, section.key) or [])
            lines += [*_heading(level + 1, section), "", *body]
        return lines

    # ------------------------------------------------------------------ files

    def entry_lines(self, uri: str, here: str, level: int = 2) -> list[str]:
        """A card or failure mode written into `here` with its title at `level`."""
        written = self.written.get((uri, here, level))
        if written is not None:
            return written
        own = self.written.get((uri, self.card_file(uri), 1))
        entry = self.entries[uri]
        if own is not None and self.site_url and not numbered(entry.model).cited_count:
            # Absolute links read the same anywhere: the card's own file, headings one level
            # down (every line of it that starts with `#` is a heading; text never does).
            # (Not with citations: their footnote labels are the entry's own in its file.)
            return [f"{'#' * (level - 1)}{line}" if line[:1] == "#" else line for line in own]
        if isinstance(entry.model, DecisionCard):
            return self.decision(entry, here, level)
        return self.failure_mode(entry, here, level)

    def card_files(
        self,
        also: tuple[str, int] | None = None,
        made: MutableMapping[tuple[str, str, int], list[str]] | None = None,
        sink: Sink | None = None,
    ) -> dict[str, str]:
        """The Markdown version of each card and failure mode, by its path in the site; with
        `sink`, each is handed to it as it is made and none is returned.

        With `also` (a file and a heading level), each entry is written for that file as well,
        and `entry_lines` returns it from then on. `made` holds lines written before, by
        (page path, file, level): entries found there are not written again (a plan passes
        those made with its pages). It is `written` from then on, where every entry's lines
        end up.
        """
        uris = [decision_uri(i) for i in sorted(self.catalog.decisions)]
        uris += [failure_mode_uri(i) for i in sorted(self.catalog.failure_modes)]
        if made is not None:
            made.update(self.written)
            self.written = made
        todo = [uri for uri in uris if (uri, self.card_file(uri), 1) not in self.written]
        # Parsing card text is most of the work: half of the entries on the second core.
        for uri, (own, extra) in zip(
            todo, map_halves(partial(self._write, also=also), todo), strict=True
        ):
            self.written[(uri, self.card_file(uri), 1)] = own
            if also is not None and extra is not None:
                self.written[(uri, *also)] = extra
        files: dict[str, str] = {}
        for uri in uris:
            path = self.card_file(uri)
            text = "\n".join([*self.written[(uri, path, 1)], ""])  # the final newline: one join
            if sink is None:
                files[path] = text
            else:
                sink(path, text)
        return files

    def _write(self, uri: str, also: tuple[str, int] | None) -> tuple[list[str], list[str] | None]:
        own = self.entry_lines(uri, self.card_file(uri), level=1)
        if also is None or (self.site_url and not numbered(self.entries[uri].model).cited_count):
            return own, None  # with a site URL, `entry_lines` reuses `own`
        return own, self.entry_lines(uri, *also)


def _blank_separated(paragraphs: list[str]) -> list[str]:
    lines: list[str] = []
    for paragraph in paragraphs:
        lines += ["", paragraph] if lines else [paragraph]
    return lines


def _heading(level: int, section: Section) -> list[str]:
    """A blank line and the heading of a section at `level`."""
    return ["", md.heading(level, section.title)]


def _blank_trimmed(body: list[str]) -> list[str]:
    """The body of a section after a blank line (one blank line, never two)."""
    while body and body[0] == "":
        body = body[1:]
    return ["", *body] if body else []


class _Texts:
    """The card text of one entry written into one file: its links, and its citations as
    footnote references (`[^3]`) to the numbered sources."""

    def __init__(self, links: md.LinkMap, sources: Numbered, label: str) -> None:
        self.links = links
        self.numbers = sources
        self.label = label

    def cite(self, keys: tuple[str, ...]) -> str:
        """Footnote references for the keys that name a source (any other key is left out)."""
        return "".join(f"[^{self.label}{n}]" for n, _ in self.numbers.cited(keys))

    def inline(self, text: str) -> str:
        """One text as inline Markdown."""
        return md.inline(text, self.links, self.cite)

    def line(self, text: str) -> str:
        """One text of any length as one line."""
        return md.one_line(text, self.links, self.cite)

    def paragraphs(self, text: str) -> list[str]:
        """Each paragraph of a text, separated by blank lines."""
        return _blank_separated(md.paragraphs(text, self.links, self.cite))

    def items(self, values: list[str]) -> list[str]:
        """A list item per text."""
        return [f"- {self.line(v)}" for v in values]

    def sources(self) -> list[str]:
        """The numbered sources: a footnote for each cited one (so its references resolve), an
        item for each other one."""
        lines: list[str] = []
        for number, source in enumerate(self.numbers.sources, 1):
            note = f": {md.one_line(source.note, self.links)}" if source.note else ""
            shown = f"{link_to(source.title, source.url)} ({md.escape(site_of(source.url))}){note}"
            if number <= self.numbers.cited_count:
                lines += ["", f"[^{self.label}{number}]: {shown}"]
            else:
                lines += ["", f"- {shown}"]
        return lines[1:]
