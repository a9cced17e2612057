"""Search entries for a decision card, built from the card itself.

The theme's search plugin finds a page's sections by parsing its HTML again; for a card page
that is a large table it parses only to recover text we already have. These entries carry the
same fields (location, title, text, tags), one per section and one per option, so a result
points at the part of the card that matched.
"""

from __future__ import annotations

import html
import re
from typing import Any, Iterable

from .catalog import Entry
from .models import DecisionCard

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"[`*]+")


def _plain(text: str) -> str:
    """Card Markdown as escaped plain text: link text kept, emphasis and code marks dropped."""
    return html.escape(_MARKS.sub("", _LINK.sub(r"\1", text)).strip(), quote=False)


def _text(parts: Iterable[str | None]) -> str:
    return " ".join(f"<p>{_plain(p)}</p>" for p in parts if p)


def card_entries(entry: Entry[DecisionCard], url: str, titles: dict[str, str]) -> list[dict[str, Any]]:
    """Index entries for one card page at `url`; `titles` maps card ids to titles (relations)."""
    card = entry.model
    tags = list(card.tags or [])
    entries: list[dict[str, Any]] = []

    def add(anchor: str, title: str, parts: Iterable[str | None]) -> None:
        item: dict[str, Any] = {
            "location": f"{url}#{anchor}" if anchor else url,
            "title": html.escape(title, quote=False),
            "text": _text(parts),
        }
        if tags:
            item["tags"] = tags
        entries.append(item)

    add("", card.title, [card.summary])
    add("decision", "The decision", [card.decision, card.heuristic, card.default_stance])
    framing = card.framing
    add("framing", "What it is really about", [framing.really_about, framing.not_about, framing.why_hard])
    for option in card.options:
        misuse = [m if isinstance(m, str) else m.note for m in option.misuse]
        add(
            f"option-{option.key}",
            option.name,
            [option.summary, *option.best_when, *option.real_world_fits, *option.strengths,
             *option.costs, *option.hidden_costs, *misuse, *option.cost_bearers, option.wins_when,
             *option.signals],
        )
    if card.combining:
        add("combining", "Combining them", [card.combining])
    add("reversibility", "Reversibility", card.reversibility.relook_triggers)
    how = card.how_to_decide
    add("how-to-decide", "How to decide",
        [how.litmus_test, *how.questions, *how.key_factors, *how.evidence_needed])
    add("pressures", "Pressures to resist", [*card.pressures.bad_reasons, *card.pressures.anti_patterns])
    if card.ai_impact:
        ai = card.ai_impact
        add("ai-impact", "How AI changes this", [*ai.helps, *ai.worsens, ai.false_confidence, ai.synthesis])
    if card.mistakes:
        add("mistakes", "Common mistakes", card.mistakes)
    if card.follow_ups:
        add("follow-ups", "Follow-up questions", [t for f in card.follow_ups for t in (f.question, f.answer)])
    relations = card.relations
    if relations and (relations.confused_with or relations.adjacent):
        related = [*(relations.confused_with or []), *(relations.adjacent or [])]
        add("related", "Related decisions", [f"{titles[r.card]}: {r.note}" for r in related])
    return entries
