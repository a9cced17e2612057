"""The card format as pydantic models: the single source of the schema.

Values arrive from the strict loader as text; only `reviewed` and each change's `date` (dates)
and `review_every_months` (a number) are converted.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import typing
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Strict,
    StringConstraints,
    Tag,
)
from pydantic_core import PydanticCustomError

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ID_MIN, ID_MAX = 3, 80


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank_text", "text is empty or only white space")
    return value


def is_blank_checked(annotation: Any) -> bool:
    """Whether an annotation (or a validator found in one) holds card text: a text, a list of
    texts or a choice between text and something else all check for blank text."""
    if isinstance(annotation, AfterValidator):
        return annotation.func is _not_blank
    return any(is_blank_checked(arg) for arg in typing.get_args(annotation))


def _parse_date(value: Any) -> Any:
    if isinstance(value, str):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            raise PydanticCustomError(
                "date_format",
                "expected a date written as YYYY-MM-DD, found '{value}'",
                {"value": value},
            )
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise PydanticCustomError(
                "date_value", "'{value}' is not a real calendar date", {"value": value}
            ) from None
    return value


def _parse_count(value: Any) -> Any:
    if isinstance(value, str):
        if not re.fullmatch(r"\d+", value.strip()):
            raise PydanticCustomError(
                "count_format", "expected a whole number, found '{value}'", {"value": value}
            )
        return int(value.strip())
    return value


Text = Annotated[str, Strict(), StringConstraints(min_length=1), AfterValidator(_not_blank)]
TextList = Annotated[list[Text], Field(min_length=1)]
Slug = Annotated[str, Strict(), StringConstraints(pattern=SLUG_PATTERN, max_length=ID_MAX)]
CardId = Annotated[
    str, Strict(), StringConstraints(pattern=SLUG_PATTERN, min_length=ID_MIN, max_length=ID_MAX)
]
Url = Annotated[str, Strict(), StringConstraints(pattern=r"^https?://[^\s/$.?#][^\s]*$")]
ReviewDate = Annotated[dt.date, BeforeValidator(_parse_date)]
Count = Annotated[int, BeforeValidator(_parse_count), Field(ge=1)]
KEYWORDS_MAX = 20
Keywords = Annotated[list[Text] | None, Field(max_length=KEYWORDS_MAX)]
KEYWORDS_DESCRIPTION = (
    "Words readers search with that the text may not use: tools, products, pattern names, "
    f"abbreviations. At most {KEYWORDS_MAX}."
)


class Model(BaseModel):
    """Base for every part of the format: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Model):
    """Where a fact comes from."""

    id: Slug | None = Field(
        None,
        description="Optional slug, unique within the entry; any text of the entry cites it as "
        "`[@id]`, or with others as `[@id; @other]`.",
    )
    title: Text = Field(description="Name of the page, paper or book.")
    url: Url = Field(description="Its address (http or https).")
    note: Text | None = Field(None, description="What it supports, if not obvious.")


class Change(Model):
    """One entry of a card's change log."""

    date: ReviewDate = Field(description="When the change was made (YYYY-MM-DD).")
    note: Text = Field(
        description="What changed and why: a corrected fact, a new option, a re-review."
    )


def _newest_first(changes: list[Change] | None) -> list[Change] | None:
    for earlier, later in itertools.pairwise(changes or []):
        if later.date > earlier.date:
            raise PydanticCustomError(
                "changes_order",
                "changes are listed newest first: {later} comes after {earlier}",
                {"later": later.date.isoformat(), "earlier": earlier.date.isoformat()},
            )
    return changes


ChangeLog = Annotated[list[Change] | None, AfterValidator(_newest_first)]


def _unique_source_ids(sources: list[Source] | None) -> list[Source] | None:
    seen: dict[str, int] = {}
    for index, source in enumerate(sources or []):
        if source.id is None:
            continue
        if source.id in seen:
            raise PydanticCustomError(
                "source_id_repeated",
                "source id '{id}' is used twice (first by source {first}); source ids are "
                "unique within an entry",
                {"id": source.id, "first": seen[source.id] + 1, "index": index},
            )
        seen[source.id] = index
    return sources


SourceList = Annotated[list[Source] | None, AfterValidator(_unique_source_ids)]


class MisuseLink(Model):
    """A failure mode this option leads to, linked to its entry."""

    failure_mode: CardId = Field(description="The id of a file in cards/failure-modes/.")
    note: Text | None = Field(None, description="How this option leads there.")


def _text_or_mapping(value: Any) -> str:
    return "link" if isinstance(value, dict) else "text"


class CostBearer(Model):
    """Who absorbs an option's cost, named by their role."""

    role: CardId = Field(description="The id of a role in cards/roles.yaml.")
    note: Text = Field(description="Who exactly within the role, and what they pay.")


# A cost bearer is plain text (shown under "Others") or a role with a note.
CostBearerItem = Annotated[
    Annotated[Text, Tag("text")] | Annotated[CostBearer, Tag("link")],
    Discriminator(_text_or_mapping),
]


Misuse = Annotated[
    Annotated[Text, Tag("text")] | Annotated[MisuseLink, Tag("link")],
    Discriminator(_text_or_mapping),
]


class Option(Model):
    """One of the choices a decision card compares."""

    key: Slug = Field(description="Slug, unique within the card.")
    name: Text = Field(description="Display name of the option.")
    summary: Text | None = Field(None, description="One line on what the option is.")
    best_when: TextList = Field(description="Conditions where this option fits naturally.")
    real_world_fits: TextList = Field(description="Concrete environments where it has worked.")
    strengths: TextList = Field(description="What it does well.")
    costs: TextList = Field(description="What you accept up front.")
    hidden_costs: TextList = Field(description="Costs that surface later than expected.")
    misuse: Annotated[list[Misuse], Field(min_length=1)] = Field(
        description="Failure modes when misused: text, or a link to a failure-mode entry."
    )
    cost_bearers: Annotated[list[CostBearerItem], Field(min_length=1)] = Field(
        description="Who absorbs the cost: a role from cards/roles.yaml with a note, or plain "
        'text (shown under "Others").'
    )
    wins_when: Text = Field(description="The one situation where this option clearly wins.")
    signals: TextList = Field(description="Observations that genuinely point to this option.")


class Framing(Model):
    """What the decision is, and is not, about."""

    really_about: Text = Field(description="What the decision is really about.")
    not_about: Text = Field(description="What people mistake it for.")
    why_hard: Text = Field(description="Why teams find it hard to call.")


class Reversibility(Model):
    """How hard the call is to undo, and what should reopen it."""

    undo_cost: Literal["low", "moderate", "high", "one-way"] = Field(
        description="How expensive it is to reverse: low, moderate, high or one-way."
    )
    relook_triggers: TextList = Field(description="Conditions that should force a re-look.")


class HowToDecide(Model):
    """The questions and evidence that settle the call."""

    questions: TextList = Field(description="Questions to ask in the room.")
    key_factors: TextList = Field(description="The variables that actually move the answer.")
    evidence_needed: TextList = Field(description="What to gather before committing.")
    litmus_test: Text | None = Field(None, description="One question that settles most cases.")


class Pressures(Model):
    """Reasoning that pushes the decision for the wrong reasons."""

    bad_reasons: TextList = Field(
        description="Reasoning that feels convincing but does not hold up."
    )
    anti_patterns: TextList = Field(description="Shapes of reasoning to recognise and set aside.")


class AiImpact(Model):
    """How AI bends this decision."""

    helps: TextList = Field(description="Where AI makes the decision easier or an option cheaper.")
    worsens: TextList = Field(description="Where AI makes it harder or riskier.")
    false_confidence: Text = Field(description="The comfort AI gives that is not earned.")
    synthesis: Text = Field(description="The net effect, in one paragraph.")


class FollowUp(Model):
    """A question that usually comes next, with its answer."""

    question: Text = Field(description="The question.")
    answer: Text = Field(description="The answer.")


class RelatedCard(Model):
    """A link to another decision card, with how the two relate."""

    card: CardId = Field(description="The id of another decision card.")
    note: Text = Field(description="How that decision differs from, or interacts with, this one.")


class Relations(Model):
    """How this decision relates to others (shown on both cards' pages)."""

    confused_with: list[RelatedCard] | None = Field(
        None, description="Nearby decisions this one is mistaken for."
    )
    adjacent: list[RelatedCard] | None = Field(
        None, description="Decisions often entangled with this one."
    )
    supersedes: list[CardId] | None = Field(None, description="Ids of cards this one replaces.")


class DecisionCard(Model):
    """A trade-off card: one decision between two or more options."""

    title: Text = Field(description="Short title, e.g. 'Monolith vs microservices'.")
    summary: Text = Field(description="One sentence on what kind of decision this usually is.")
    category: CardId = Field(description="An id from cards/categories.yaml.")
    tags: list[Slug] | None = Field(None, description="Lowercase slugs.")
    status: Literal["draft", "published", "deprecated"] = Field(
        "published", description="draft, published or deprecated."
    )
    owners: list[Text] | None = Field(None, description="Who keeps this card true.")
    reviewed: ReviewDate = Field(description="Date the card was last checked against reality.")
    review_every_months: Count = Field(
        12, description="After this many months past `reviewed` the card is due for review."
    )
    framing: Framing
    decision: Text = Field(description="The question, phrased as a question.")
    heuristic: Text = Field(description="The one-line rule of thumb.")
    default_stance: Text = Field(description="Where to start before any evidence arrives.")
    options: Annotated[list[Option], Field(min_length=2, max_length=6)] = Field(
        description="The options compared, 2 to 6."
    )
    combining: Text | None = Field(None, description="When and how the options are used together.")
    reversibility: Reversibility
    how_to_decide: HowToDecide
    pressures: Pressures
    ai_impact: AiImpact | None = None
    mistakes: list[Text] | None = Field(None, description="Common mistakes.")
    follow_ups: list[FollowUp] | None = Field(None, description="Common follow-up questions.")
    relations: Relations | None = None
    keywords: Keywords = Field(None, description=KEYWORDS_DESCRIPTION)
    sources: SourceList = Field(None, description="Where the facts come from.")
    changes: ChangeLog = Field(None, description="What changed in this card, newest first.")


class FailureMode(Model):
    """What goes wrong when an option is applied in the wrong context."""

    title: Text = Field(description="Short name of the failure mode.")
    summary: Text = Field(description="One sentence.")
    tags: list[Slug] | None = Field(None, description="Lowercase slugs.")
    reviewed: ReviewDate = Field(description="Date the entry was last checked against reality.")
    symptoms: TextList = Field(description="How you notice it.")
    causes: TextList = Field(description="How teams get there.")
    recovery: TextList = Field(description="The playbook: steps that get you out.")
    prevention: list[Text] | None = Field(None, description="How to avoid it.")
    keywords: Keywords = Field(None, description=KEYWORDS_DESCRIPTION)
    sources: SourceList = Field(None, description="Where the facts come from.")
    changes: ChangeLog = Field(None, description="What changed in this entry, newest first.")


class Category(Model):
    """A section of the site."""

    id: CardId = Field(description="Slug used in card files' `category`.")
    title: Text = Field(description="Section title.")
    description: Text = Field(description="One line shown on the section page.")
    order: Count | None = Field(
        None, description="Optional position; without it the list order is used."
    )


class Role(Model):
    """People who absorb costs, as a team would name them: a group on "By who pays"."""

    id: CardId = Field(description="Slug used in cost bearers' `role`.")
    title: Text = Field(description="The role as a team names it, e.g. 'On-call engineers'.")
    description: Text = Field(description="One line shown on the page of who pays.")


def models_in(annotation: Any) -> list[type[BaseModel]]:
    """Every model class reachable through Annotated, Optional, Union and list, in order."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found.extend(m for m in models_in(arg) if m not in found)
    return found


MODELS: dict[str, type[Model]] = {"decision": DecisionCard, "failure-mode": FailureMode}
