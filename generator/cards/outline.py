"""The outline of each kind of entry: its sections in order, their titles and anchors, and the words
every output uses for facets, relations, backlinks and fields.

The page templates, the Markdown version (`card_markdown`), the decision record (`adr`) and
`tradeoffs diff` all read their headings and words from here, and walk the sections in this order,
so a section renamed or moved here is renamed or moved everywhere. A section is shown when what
it shows is there (`shown`); its parts are its subsections, with their own headings.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .drafts import UNWRITTEN
from .models import DecisionCard, FailureMode


@dataclass(frozen=True)
class Section:
    """One heading of an entry: `key` names what it shows, `anchor` its id on the page ('' for a
    heading without one), `field` the part of the entry whose absence leaves it out."""

    key: str
    title: str
    anchor: str = ""
    parts: tuple[Section, ...] = ()
    field: str | None = None

    def part(self, key: str) -> Section:
        """The subsection with this key."""
        return next(p for p in self.parts if p.key == key)


def _s(
    key: str, title: str, anchor: str = "", *parts: Section, field: str | None = None
) -> Section:
    return Section(key, title, anchor, tuple(parts), field)


DECISION: tuple[Section, ...] = (
    _s("decision", "The decision", "decision"),
    _s(
        "framing",
        "What it is really about",
        "framing",
        _s("really_about", "Really about"),
        _s("not_about", "Not about"),
        _s("why_hard", "Why it is hard"),
    ),
    _s("options", "The options side by side", "options"),
    _s(
        "decide",
        "Weigh it for your context",
        "decide",
        _s("record", "Record this decision", "record"),
    ),
    _s("combining", "Combining them", "combining", field="combining"),
    _s("reversibility", "Reversibility", "reversibility"),
    _s(
        "how_to_decide",
        "How to decide",
        "how-to-decide",
        _s("questions", "Questions to ask in the room", "questions"),
        _s("key_factors", "Factors that move the answer", "key-factors"),
        _s("evidence_needed", "Evidence to gather first", "evidence"),
    ),
    _s(
        "pressures",
        "Pressures to resist",
        "pressures",
        _s("bad_reasons", "Bad reasons"),
        _s("anti_patterns", "Anti-patterns"),
    ),
    _s(
        "ai_impact",
        "How AI changes this",
        "ai-impact",
        _s("helps", "Helps"),
        _s("worsens", "Makes worse"),
        _s("synthesis", "Net effect"),
        field="ai_impact",
    ),
    _s("mistakes", "Common mistakes", "mistakes", field="mistakes"),
    _s(
        "related",
        "Related decisions",
        "related",
        _s("confused_with", "Often confused with", "confused-with", field="confused_with"),
        _s("adjacent", "Adjacent decisions", "adjacent", field="adjacent"),
        _s("supersedes", "Supersedes", "supersedes", field="supersedes"),
        _s("referenced_by", "Referenced by", "referenced-by", field="referenced_by"),
    ),
    # for reference, last: the follow-up questions, what changed, the sources
    _s("follow_ups", "Follow-up questions", "follow-ups", field="follow_ups"),
    _s("changes", "What changed", "changes", field="changes"),
    _s("sources", "Sources", "sources", field="sources"),
)

FAILURE_MODE: tuple[Section, ...] = (
    _s("symptoms", "Symptoms", "symptoms"),
    _s("causes", "How teams get here", "causes"),
    _s("recovery", "Recovery playbook", "recovery"),
    _s("prevention", "Prevention", "prevention", field="prevention"),
    _s("reached_from", "Reached from", "reached-from"),
    _s("changes", "What changed", "changes", field="changes"),
    _s("sources", "Sources", "sources", field="sources"),
)

OUTLINES: dict[str, tuple[Section, ...]] = {"decision": DECISION, "failure-mode": FAILURE_MODE}

# The rows of the options compared side by side: (option field, label).
FACETS: tuple[tuple[str, str], ...] = (
    ("best_when", "Best when"),
    ("real_world_fits", "Where it has worked"),
    ("strengths", "Strengths"),
    ("costs", "Costs you accept up front"),
    ("hidden_costs", "Hidden costs"),
    ("misuse", "Failure modes when misused"),
    ("cost_bearers", "Who absorbs the cost"),
    ("wins_when", "Wins when"),
    ("signals", "Signals that point here"),
)
FACET_LABELS = dict(FACETS)

# What a card's page says of another card that names it, by the relation.
BACKLINK_WORDS = {
    "confused_with": "says it is often confused with this",
    "adjacent": "lists this as adjacent",
    "supersedes": "supersedes this",
}

# Words for the labelled texts that are not headings.
LABELS = {
    "heuristic": "Rule of thumb",
    "default_stance": "Default stance",
    "litmus_test": "Litmus test",
    "false_confidence": "False confidence",
    "keywords": "Also searched as",
    "relook": "Re-look at this call when:",
    "superseded": "Superseded",
    "draft": "Draft",
    "draft_notice": "This card is still being written: weigh what it says with care",
    "unwritten": UNWRITTEN,
    "no_reached_from": "No card links to this failure mode yet.",
}


def section(outline: tuple[Section, ...], key: str) -> Section:
    """The section of `outline` with this key."""
    return next(s for s in outline if s.key == key)


# The questions to ask, shown again near the top of a card under their own heading's words.
LABELS["questions"] = section(DECISION, "how_to_decide").part("questions").title


def relation_title(kind: str) -> str:
    """The heading of a kind of relation (`confused_with`, `adjacent`, `supersedes`)."""
    return section(DECISION, "related").part(kind).title


def helper_intro(card: DecisionCard) -> str:
    """How to weigh the options for one's context, as the decision helper introduces it."""
    litmus = " and apply the litmus test" if card.how_to_decide.litmus_test else ""
    return (
        f'Go through the rows "{FACET_LABELS["best_when"]}" and "{FACET_LABELS["signals"]}" '
        "above and count, option by option, what holds in your context. When two thirds of "
        "what holds points to one option, your context leans to it; when it spreads across "
        f"the options, read how they combine{litmus}."
    )


def _value(model: Any, field: str, extra: dict[str, Any]) -> Any:
    if field in extra:
        return extra[field]
    if field in ("confused_with", "adjacent", "supersedes"):
        relations = getattr(model, "relations", None)
        return getattr(relations, field) if relations else None
    return getattr(model, field, None)


def shown(
    outline: tuple[Section, ...], model: DecisionCard | FailureMode, **extra: Any
) -> Iterator[tuple[Section, tuple[Section, ...]]]:
    """Each section of `outline` the entry shows, with the parts of it that it shows, in order.

    `extra` gives what the entry alone cannot tell (`referenced_by`: the backlinks)."""
    for section in outline:
        if section.field and not _value(model, section.field, extra):
            continue
        parts = tuple(p for p in section.parts if not p.field or _value(model, p.field, extra))
        if section.key == "related" and not parts:
            continue
        yield section, parts


def headings(
    outline: tuple[Section, ...], model: DecisionCard | FailureMode, **extra: Any
) -> list[tuple[int, str]]:
    """(level below the entry's title, title) of every heading the entry shows, in order."""
    found: list[tuple[int, str]] = []
    for section, parts in shown(outline, model, **extra):
        found.append((1, section.title))
        found.extend((2, part.title) for part in parts)
    return found


def _lower_first(title: str) -> str:
    """'Hidden costs' -> 'hidden costs'; a word in capitals ('AI') keeps them."""
    if len(title) > 1 and title[1].isupper():
        return title
    return title[:1].lower() + title[1:]


# Fields named by the section or part that shows them; the other fields keep their own words.
_SECTION_FIELDS = ("combining", "ai_impact", "mistakes", "follow_ups", "changes")
_FIELD_WORDS = {
    **{key: _lower_first(label) for key, label in FACETS},
    **{
        part.key: _lower_first(part.title)
        for section in DECISION
        for part in section.parts
        if part.key not in ("record", "referenced_by")
    },
    **{key: _lower_first(section(DECISION, key).title) for key in _SECTION_FIELDS},
    "relook_triggers": "re-look triggers",
    "review_every_months": "review every (months)",
}


def field_words(key: str) -> str:
    """A field's name as a reader of the site knows it: a facet's or section's own words
    (`signals` -> `signals that point here`), else the key in words (`undo_cost` -> `undo cost`)."""
    return _FIELD_WORDS.get(key, key.replace("_", " "))
