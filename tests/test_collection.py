"""The real collection in cards/ keeps the promises the knowledge base makes to its readers."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from pydantic import BaseModel

from generator.cards import Catalog, load_catalog
from generator.cards.citations import NOT_TEXT
from generator.cards.models import DecisionCard, FailureMode

from .conftest import REPO

LINK = re.compile(r"\]\((https?://[^)\s]+)\)")
# A citation names a source of the same entry (the validator checks that it does).
CITED = re.compile(r"\[@[a-z0-9-]+(?:; ?@[a-z0-9-]+)*\]")
TROPES = re.compile(
    r"3 ?a\.m\.|three in the morning|tuesday|cv-driven|cv driven|résumé|resume-driven", re.I
)
# Cards outside ai-systems where AI really changes the call (reviewing AI-written code).
AI_IMPACT_OUTSIDE_AI = {"pre-merge-review-vs-pair-programming"}
WHO_OPERATES = {
    "kubernetes-vs-paas",
    "managed-vs-self-hosted-database",
    "hosted-api-vs-self-hosted-model",
    "serverless-vs-containers",
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(REPO / "cards")


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _texts(getattr(value, name))


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


def _own_relations(card: DecisionCard) -> list[str]:
    relations = card.relations
    if relations is None:
        return []
    return [r.card for r in (relations.confused_with or []) + (relations.adjacent or [])]


def test_size_and_categories(catalog: Catalog) -> None:
    # a superseded card stays published for its links, but does not count as coverage
    live = [e for e in catalog.decisions.values() if e.model.status != "deprecated"]
    assert len(live) >= 72 and len(catalog.failure_modes) >= 40, (
        len(live),
        len(catalog.failure_modes),
    )
    ids = [c.id for c in catalog.categories]
    assert len(ids) >= 9
    assert {"ai-systems", "architecture", "data", "delivery", "security", "operations"} <= set(ids)
    assert {"frontend", "cost", "teams"} <= set(ids)
    per_category = Counter(e.model.category for e in live)
    assert {c: per_category[c] for c in ids if per_category[c] < 5} == {}


def test_required_cards_exist(catalog: Catalog) -> None:
    required = {
        "rag-vs-fine-tuning",
        "hosted-api-vs-self-hosted-model",
        "human-review-vs-automated-evaluation",
        "prompting-vs-fine-tuning",
        "vector-database-vs-pgvector-vs-search-engine",
        "sessions-vs-tokens",
        "slo-burn-rate-vs-threshold-alerts",
        "server-rendered-vs-single-page-app",
        "commitments-vs-on-demand-capacity",
        "you-build-it-you-run-it-vs-central-ops",
        # the third edition: decisions every staff engineer expects to find
        "cache-aside-vs-write-through-vs-no-cache",
        "api-versioning-vs-additive-change",
        "rest-vs-grpc-between-services",
        "strong-vs-eventual-consistency",
        "iac-declarative-vs-general-purpose-vs-console",
        "standard-stack-vs-polyglot",
        "tech-debt-budget-vs-dedicated-time-vs-opportunistic",
        "rate-limiting-vs-load-shedding-vs-autoscaling-headroom",
        "keyless-vs-key-based-artifact-signing",
        "central-data-team-vs-data-mesh",
        "build-vs-buy-vs-no-internal-developer-platform",
    }
    assert required - set(catalog.decisions) == set()
    reached = {r.card for r in catalog.reached_from["rag-without-ground-truth"]}
    assert "rag-vs-fine-tuning" in reached


def test_flagship_card_fills_every_section(catalog: Catalog) -> None:
    card = catalog.decisions["rag-vs-fine-tuning"].model
    for name in type(card).model_fields:
        assert getattr(card, name) not in (None, [], ""), name
    assert card.relations is not None
    assert (
        card.how_to_decide.litmus_test and card.relations.confused_with and card.relations.adjacent
    )
    assert all(o.summary for o in card.options)


def test_every_card_declares_two_relations_and_is_named_by_another(catalog: Catalog) -> None:
    thin = {
        i: _own_relations(e.model)
        for i, e in catalog.decisions.items()
        if len(_own_relations(e.model)) < 2
    }
    assert thin == {}
    named = {target for e in catalog.decisions.values() for target in _own_relations(e.model)}
    assert set(catalog.decisions) - named == set()


def test_relations_are_declared_once_per_pair(catalog: Catalog) -> None:
    # a pair declared from both sides would need both notes kept in agreement; one side suffices
    # because the other card's page shows the link back
    pairs: Counter[frozenset[str]] = Counter()
    for card_id, entry in catalog.decisions.items():
        for target in _own_relations(entry.model):
            pairs[frozenset((card_id, target))] += 1
    assert [tuple(p) for p, n in pairs.items() if n > 1] == []


def test_the_who_operates_it_cards_are_told_apart(catalog: Catalog) -> None:
    # each of them relates to at least one of the others, saying the difference; only Kubernetes
    # vs PaaS and serverless vs containers are really taken for each other, the rest are analogies
    linked: set[str] = set()
    confused: set[frozenset[str]] = set()
    for card_id in WHO_OPERATES:
        relations = catalog.decisions[card_id].model.relations
        for related in _own_relations(catalog.decisions[card_id].model):
            if related in WHO_OPERATES:
                linked |= {card_id, related}
        for related_card in (relations.confused_with or []) if relations else []:
            if related_card.card in WHO_OPERATES:
                confused.add(frozenset((card_id, related_card.card)))
    assert linked == WHO_OPERATES
    assert confused == {frozenset(("kubernetes-vs-paas", "serverless-vs-containers"))}


def test_most_options_link_a_failure_mode_and_every_failure_mode_is_reached(
    catalog: Catalog,
) -> None:
    options = [o for e in catalog.decisions.values() for o in e.model.options]
    linked = [o for o in options if any(not isinstance(m, str) for m in o.misuse)]
    assert len(linked) / len(options) >= 0.6, f"{len(linked)} of {len(options)}"
    unreached = [m for m in catalog.failure_modes if not catalog.reached_from.get(m)]
    assert unreached == []


def test_every_cost_bearer_names_a_role(catalog: Catalog) -> None:
    bearers = [
        (card_id, option.key, bearer)
        for card_id, entry in catalog.decisions.items()
        for option in entry.model.options
        for bearer in option.cost_bearers
    ]
    assert [b for b in bearers if isinstance(b[2], str)] == []
    used = Counter(b[2].role for b in bearers if not isinstance(b[2], str))
    assert 8 <= len(used) <= 15, used
    assert [r.id for r in catalog.roles if r.id not in used] == []  # no role defined for nothing


def test_every_option_is_dense(catalog: Catalog) -> None:
    for card_id, entry in catalog.decisions.items():
        for option in entry.model.options:
            for facet in ("best_when", "strengths", "costs", "hidden_costs"):
                assert len(getattr(option, facet)) >= 2, (card_id, option.key, facet)


def test_list_lengths_follow_the_subject(catalog: Catalog) -> None:
    # a template shows through when most lists have the same length (the first edition had
    # exactly four best_when items in 49 of 55 options)
    options = [o for e in catalog.decisions.values() for o in e.model.options]
    for facet in ("best_when", "signals", "strengths", "hidden_costs", "real_world_fits"):
        counts = Counter(len(getattr(o, facet)) for o in options)
        assert len(counts) >= 3, (facet, counts)
        assert counts.most_common(1)[0][1] / len(options) <= 0.6, (facet, counts)
    for card_id, entry in catalog.decisions.items():
        lengths = {
            len(getattr(o, f)) for o in entry.model.options for f in ("best_when", "signals")
        }
        assert len(lengths) > 1, card_id
    questions = Counter(len(e.model.how_to_decide.questions) for e in catalog.decisions.values())
    assert questions.most_common(1)[0][1] / len(catalog.decisions) <= 0.5, questions


def test_sources_are_many_varied_and_not_from_one_site(catalog: Catalog) -> None:
    cards_per_host: Counter[str] = Counter()
    for card_id, entry in catalog.decisions.items():
        sources = entry.model.sources or []
        hosts = {_host(s.url) for s in sources}
        assert len(sources) >= 3 and len(hosts) >= 2, card_id
        cited = hosts | {_host(u) for text in _texts(entry.model) for u in LINK.findall(text)}
        cards_per_host.update(cited)
    quarter = len(catalog.decisions) / 4
    assert [(h, n) for h, n in cards_per_host.items() if n > quarter] == []
    for mode_id, mode in catalog.failure_modes.items():
        assert len(mode.model.sources or []) >= 2, mode_id


def test_every_card_names_a_real_documented_example(catalog: Catalog) -> None:
    for card_id, entry in catalog.decisions.items():
        fits = [f for o in entry.model.options for f in o.real_world_fits]
        assert any(LINK.search(f) or CITED.search(f) for f in fits), card_id
        # an example without a source link or citation is an illustration and says so
        for fit in fits:
            sourced = LINK.search(fit) or CITED.search(fit)
            assert sourced or fit.startswith("Illustration"), (card_id, fit[:60])


def test_ai_impact_only_where_ai_changes_the_call(catalog: Catalog) -> None:
    outside = {
        card_id
        for card_id, entry in catalog.decisions.items()
        if entry.model.ai_impact and entry.model.category != "ai-systems"
    }
    assert outside <= AI_IMPACT_OUTSIDE_AI


def test_no_recurring_tropes(catalog: Catalog) -> None:
    entries: list[tuple[str, DecisionCard | FailureMode]] = [
        *((i, e.model) for i, e in catalog.decisions.items()),
        *((i, e.model) for i, e in catalog.failure_modes.items()),
    ]
    found = [
        (i, m.group(0)) for i, model in entries for t in _texts(model) if (m := TROPES.search(t))
    ]
    assert found == []


def test_every_entry_keeps_a_change_log(catalog: Catalog) -> None:
    models: list[tuple[str, DecisionCard | FailureMode]] = [
        *((i, e.model) for i, e in catalog.decisions.items()),
        *((i, e.model) for i, e in catalog.failure_modes.items()),
    ]
    for entry_id, model in models:
        changes = model.changes or []
        assert changes, entry_id
        # a change is made while checking the card, so none is later than the last review
        assert all(c.date <= model.reviewed for c in changes), entry_id


def test_every_entry_has_its_own_keywords(catalog: Catalog) -> None:
    # keywords carry the names readers type that the text may not use; fewer than three
    # rarely covers the tools a card discusses, and a repeat only adds weight to one word
    models: list[tuple[str, DecisionCard | FailureMode]] = [
        *((i, e.model) for i, e in catalog.decisions.items()),
        *((i, e.model) for i, e in catalog.failure_modes.items()),
    ]
    for entry_id, model in models:
        keywords = model.keywords or []
        assert 3 <= len(keywords) <= 20, (entry_id, len(keywords))
        folded = Counter(k.casefold() for k in keywords)
        assert [k for k, n in folded.items() if n > 1] == [], entry_id


# A figure is a number with what makes it a claim: a percentage, a price, a duration, a size or a
# multiplier. A bare number (a year, a version, an RFC, an HTTP status, "two teams") is not one;
# single-letter units (s, h) need a space so "429s" and "p99s" stay status codes and percentiles.
FIGURE = re.compile(
    r"""(?<![\w.-])(?:
      [$€£]\s?\d
    | \d[\d,]*(?:\.\d+)?\s?(?:%|percent\b|per\scent\b)
    | \d[\d,]*(?:\.\d+)?(?:\s?[-–]\s?\d[\d,]*(?:\.\d+)?)?
      (?:\s(?:s|h)\b|\s?(?:ns|µs|ms|milliseconds?|secs?|seconds?|mins?|minutes?|hrs?|hours?
         |days?|weeks?|months?|years?|[KMGTPE]i?B|bytes?)\b)
    | \d[\d,]*(?:\.\d+)?\s?[x×](?!\w)
    | \d[\d,]*(?:\.\d+)?\s?(?:USD|EUR|GBP|dollars?)\b
    )""",
    re.X,
)
ESTIMATE = re.compile(r"\bestimate", re.I)
INLINE_URL = re.compile(r"\]\([^)]*\)")
# The first four words of a sentence; a sentence ends at . ! or ? followed by white space.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
WORD = re.compile(r"[\w'’-]+")
TEMPLATE_LIMIT = 6


def _claims(value: object, key: str = "") -> Iterator[str]:
    """Every text or list item a reader takes as a claim: no names, ids, sources or change notes."""
    if isinstance(value, str):
        if key not in NOT_TEXT:
            yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _claims(item, key)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            if name not in ("sources", "changes"):
                yield from _claims(getattr(value, name), name)


def _entries(catalog: Catalog) -> list[tuple[str, DecisionCard | FailureMode]]:
    return [
        *((i, e.model) for i, e in catalog.decisions.items()),
        *((i, e.model) for i, e in catalog.failure_modes.items()),
    ]


def _figures(text: str) -> list[str]:
    # link targets hold digits that are not claims (issue numbers, dates in URLs)
    return FIGURE.findall(INLINE_URL.sub("]", text))


def test_the_figure_pattern_knows_a_figure_from_a_number() -> None:
    figures = [
        "a 99.95% target",
        "a 14.4x burn",
        "10× the cost",
        "$65M a year",
        "30 ms at p99",
        "6 months of notice",
        "slower than 2 s",
        "16 GB of memory",
        "19 MiB",
        "by 39 percent",
        "3-7 days",
    ]
    assert [f for f in figures if len(_figures(f)) != 1] == []
    numbers = [
        "HTTP 429s",
        "5xx errors",
        "in 2025",
        "RFC 9111",
        "p99 latency",
        "[a post](https://example.org/2024/10ms)",
        "us-east-1",
        "two teams",
    ]
    assert [n for n in numbers if _figures(n)] == []


def test_every_figure_cites_its_source_or_says_it_is_an_estimate(catalog: Catalog) -> None:
    uncited: list[tuple[str, str, str]] = []
    estimates: Counter[str] = Counter()
    for entry_id, model in _entries(catalog):
        for text in _claims(model):
            # an illustration is hypothetical by its own label; its numbers make no claim
            if text.startswith("Illustration") or not (found := _figures(text)):
                continue
            if CITED.search(text):
                continue
            if ESTIMATE.search(text):
                estimates[entry_id] += 1
                continue
            uncited.append((entry_id, ", ".join(found), text[:90]))
    assert uncited == [], "\n".join(f"{i}: {f} in {t!r}" for i, f, t in uncited)
    assert [i for i, n in estimates.items() if n > 1] == []


def _is_illustration(fit: str) -> bool:
    return fit.startswith("Illustration")


def test_illustrations_are_rare_and_every_option_has_a_real_case(catalog: Catalog) -> None:
    fits = [
        f for e in catalog.decisions.values() for o in e.model.options for f in o.real_world_fits
    ]
    illustrations = [f for f in fits if _is_illustration(f)]
    without_real_case = [
        f"{card_id}/{option.key}"
        for card_id, entry in catalog.decisions.items()
        for option in entry.model.options
        if all(_is_illustration(f) for f in option.real_world_fits)
    ]
    assert without_real_case == [], "options with no sourced case:\n" + "\n".join(without_real_case)
    share = f"{len(illustrations)} of {len(fits)} fits are illustrations; the cards with most:\n"
    per_card = Counter(
        card_id
        for card_id, entry in catalog.decisions.items()
        for option in entry.model.options
        for fit in option.real_world_fits
        if _is_illustration(fit)
    )
    assert len(illustrations) <= 0.15 * len(fits), share + "\n".join(
        f"{card_id}: {n}" for card_id, n in per_card.most_common(15)
    )


def _urls(model: DecisionCard | FailureMode) -> set[str]:
    urls = {s.url for s in model.sources or []}
    urls |= {u for text in _texts(model) for u in LINK.findall(text)}
    return {u.split("#")[0].rstrip("/") for u in urls}


def test_no_single_source_carries_more_than_four_cards(catalog: Catalog) -> None:
    # a failure mode may lean on the source of the cards that reach it; cards may not lean on one
    cards_per_url: Counter[str] = Counter()
    for entry in catalog.decisions.values():
        cards_per_url.update(_urls(entry.model))
    crowded = {u: n for u, n in cards_per_url.items() if n > 4}
    assert crowded == {}, "\n".join(
        f"{url} in {n} cards: "
        + ", ".join(i for i, e in catalog.decisions.items() if url in _urls(e.model))
        for url, n in crowded.items()
    )


def _openings(text: str) -> Iterator[str]:
    text = INLINE_URL.sub("]", CITED.sub("", text))
    for sentence in SENTENCE_END.split(text):
        words = WORD.findall(sentence.casefold())
        if len(words) >= 4:
            yield " ".join(words[:4])


def test_no_sentence_opening_is_a_template(catalog: Catalog) -> None:
    entries = _entries(catalog)
    # a card or failure mode named at the start of a sentence is a reference, not a template
    names = {" ".join(WORD.findall(m.title.casefold())[:4]) for _, m in entries}
    cards_per_opening: dict[str, set[str]] = {}
    for entry_id, model in entries:
        for text in _claims(model):
            for opening in _openings(text):
                cards_per_opening.setdefault(opening, set()).add(entry_id)
    shared = {
        opening: sorted(ids)
        for opening, ids in cards_per_opening.items()
        if len(ids) > TEMPLATE_LIMIT and opening not in names
    }
    assert shared == {}, "\n".join(f"{o!r}: {', '.join(ids)}" for o, ids in shared.items())


def test_every_card_names_its_owners(catalog: Catalog) -> None:
    ownerless = [i for i, e in catalog.decisions.items() if not e.model.owners]
    assert ownerless == [], "cards without owners: " + ", ".join(ownerless)


def test_an_opening_is_the_first_four_words_of_each_sentence() -> None:
    text = "It is also not [@src] about X. See [the guide](https://x.org/a.b) for more! Too short."
    assert list(_openings(text)) == ["it is also not", "see the guide for"]


# Copies and snapshots stand in for the page a reader should see: hosted mirrors, web archives,
# raw file views, blog month archives and documentation pinned to an old version.
NOT_CANONICAL = re.compile(
    r"\.vercel\.app/|web\.archive\.org/|archive\.(?:ph|today)/|docs\.rs/k8s|"
    r"raw\.githubusercontent\.com/|apidock\.com/|/\d{4}/\d{2}/?$|"
    r"/docs/(?:v?\d+\.\d+(?:\.\d+)?|\d+)/"
)


def test_sources_are_canonical_current_pages(catalog: Catalog) -> None:
    found = [
        (entry_id, source.url)
        for entries in (catalog.decisions, catalog.failure_modes)
        for entry_id, entry in entries.items()
        for source in entry.model.sources or []
        if NOT_CANONICAL.search(source.url)
    ]
    assert found == [], "\n".join(f"{i}: {url}" for i, url in found)


def test_the_canonical_pattern_tells_copies_from_pages() -> None:
    for copy in (
        "https://web.archive.org/web/2020/https://example.com/post",
        "https://raw.githubusercontent.com/o/r/main/README.md",
        "https://testing.googleblog.com/2016/05",
        "https://www.postgresql.org/docs/13/sql-altertable.html",
        "https://www.mongodb.com/docs/v4.4/core/transactions/",
        "https://example-blog.vercel.app/post",
    ):
        assert NOT_CANONICAL.search(copy), copy
    for page in (
        "https://www.postgresql.org/docs/current/sql-altertable.html",
        "https://testing.googleblog.com/2016/05/flaky-tests-at-google-and-how-we.html",
        "https://github.com/Shopify/packwerk/blob/main/USAGE.md",
    ):
        assert not NOT_CANONICAL.search(page), page
