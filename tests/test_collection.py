"""The real collection in cards/ keeps the density the knowledge base promises."""

from __future__ import annotations

from collections import Counter

import pytest

from generator.cards import Catalog, load_catalog

from .conftest import REPO


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(REPO / "cards")


def test_size_and_categories(catalog: Catalog) -> None:
    assert len(catalog.decisions) >= 24 and len(catalog.failure_modes) >= 8
    ids = [c.id for c in catalog.categories]
    assert {"ai-systems", "architecture", "data", "delivery"} <= set(ids)
    per_category = Counter(e.model.category for e in catalog.decisions.values())
    assert all(per_category[c] >= 3 for c in ids), per_category


def test_required_cards_exist(catalog: Catalog) -> None:
    required = {
        "rag-vs-fine-tuning",
        "hosted-api-vs-self-hosted-model",
        "human-review-vs-automated-evaluation",
        "prompting-vs-fine-tuning",
    }
    assert required <= set(catalog.decisions)
    assert catalog.decisions["rag-vs-fine-tuning"].model.category == "ai-systems"
    reached = {r.card for r in catalog.reached_from["rag-without-ground-truth"]}
    assert "rag-vs-fine-tuning" in reached


def test_flagship_card_fills_every_section(catalog: Catalog) -> None:
    card = catalog.decisions["rag-vs-fine-tuning"].model
    for name in type(card).model_fields:
        if name == "changes":  # a history, not a section: empty until the card is first corrected
            continue
        assert getattr(card, name) not in (None, [], ""), name
    assert card.relations is not None
    assert (
        card.how_to_decide.litmus_test and card.relations.confused_with and card.relations.adjacent
    )
    assert all(o.summary for o in card.options)


def test_every_card_relates_to_another_with_a_note(catalog: Catalog) -> None:
    for card_id, entry in catalog.decisions.items():
        relations = entry.model.relations
        related = (relations.confused_with or []) + (relations.adjacent or []) if relations else []
        backlinks = [b for b in catalog.backlinks.get(card_id, []) if b.relation != "supersedes"]
        assert related or backlinks, card_id


def test_every_failure_mode_is_reached(catalog: Catalog) -> None:
    unreached = [m for m in catalog.failure_modes if not catalog.reached_from.get(m)]
    assert not unreached


def test_every_option_is_dense(catalog: Catalog) -> None:
    for card_id, entry in catalog.decisions.items():
        for option in entry.model.options:
            for facet in ("best_when", "strengths", "costs", "hidden_costs"):
                assert len(getattr(option, facet)) >= 2, (card_id, option.key, facet)


def test_relations_are_declared_once_per_pair(catalog: Catalog) -> None:
    # a pair declared from both sides would need both notes kept in agreement; one side suffices
    # because the other card's page shows the link back
    pairs: Counter[frozenset[str]] = Counter()
    for card_id, entry in catalog.decisions.items():
        relations = entry.model.relations
        for related in (
            ((relations.confused_with or []) + (relations.adjacent or [])) if relations else []
        ):
            pairs[frozenset((card_id, related.card))] += 1
    assert [tuple(p) for p, n in pairs.items() if n > 1] == []


def test_sources_are_web_addresses(catalog: Catalog) -> None:
    urls = [s.url for e in catalog.decisions.values() for s in e.model.sources or []]
    assert len(urls) >= 40 and all(u.startswith("https://") for u in urls)
