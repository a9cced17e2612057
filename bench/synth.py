"""Synthetic card collections for the benchmarks.

    python bench/synth.py --cards 1000 --out bench/out/cards-1000 [--seed 1]

writes a valid cards folder (categories.yaml, decisions/, failure-modes/) of N decision cards
and about N/10 failure modes, shaped like the real cards in cards/: the text lengths of every
field and the lengths of every list follow the (min, median, max) measured on the real
collection (`--measure cards` prints them again), texts carry some Markdown (code spans,
*emphasis*, links to https://example.org), some `|` and `<`, cards link to each other
(confused_with / adjacent with notes, a few supersedes), every failure mode is reached from at
least one option's misuse, there are 4 to 20 categories (scaling with N) and tags come from a
pool. The same seed gives byte-identical output.

From Python: `synthesize(n_cards, out_dir, seed=1)`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import shutil
import statistics
import sys
from pathlib import Path
from typing import Any

import yaml


def _pool(text: str) -> list[str]:
    """A word pool written as one block of text."""
    return text.split()


# (min, median, max) text length in characters, measured on cards/ (24 decision cards and 11
# failure modes, November 2026) with `--measure cards`.
TEXT_LENGTHS: dict[str, tuple[int, int, int]] = {
    "title": (12, 30, 41),
    "summary": (143, 230, 301),
    "owner": (9, 18, 22),
    "framing.really_about": (245, 382, 497),
    "framing.not_about": (207, 288, 401),
    "framing.why_hard": (361, 430, 615),
    "decision": (99, 130, 191),
    "heuristic": (137, 208, 288),
    "default_stance": (205, 301, 392),
    "option.name": (7, 21, 44),
    "option.summary": (57, 129, 181),
    "option.best_when": (32, 109, 181),
    "option.real_world_fits": (38, 126, 243),
    "option.strengths": (43, 96, 172),
    "option.costs": (44, 120, 247),
    "option.hidden_costs": (55, 136, 238),
    "option.misuse": (64, 137, 320),
    "option.misuse.note": (171, 201, 268),
    "option.cost_bearers": (24, 69, 120),
    "option.wins_when": (58, 139, 184),
    "option.signals": (33, 78, 156),
    "combining": (380, 530, 799),
    "relook_triggers": (34, 83, 137),
    "questions": (43, 81, 153),
    "key_factors": (21, 52, 95),
    "evidence_needed": (40, 85, 217),
    "litmus_test": (83, 140, 208),
    "bad_reasons": (23, 112, 198),
    "anti_patterns": (35, 80, 156),
    "ai.helps": (87, 137, 193),
    "ai.worsens": (62, 134, 204),
    "ai.false_confidence": (164, 225, 348),
    "ai.synthesis": (179, 222, 297),
    "mistakes": (33, 91, 156),
    "follow_up.question": (20, 51, 87),
    "follow_up.answer": (163, 286, 515),
    "relation.confused_with": (255, 326, 398),
    "relation.adjacent": (163, 266, 353),
    "source.title": (16, 48, 129),
    "source.note": (43, 78, 99),
    "fm.title": (9, 21, 34),
    "fm.summary": (183, 211, 296),
    "fm.symptoms": (64, 115, 193),
    "fm.causes": (63, 115, 248),
    "fm.recovery": (66, 143, 243),
    "fm.prevention": (40, 105, 210),
    "fm.source.note": (64, 83, 163),
}

# (min, max) number of items in each list, from the same measurement.
LIST_LENGTHS: dict[str, tuple[int, int]] = {
    "options": (2, 4),  # real cards have 2-3; the brief asks for 2-4
    "tags": (3, 4),
    "option.best_when": (3, 5),
    "option.real_world_fits": (2, 4),
    "option.strengths": (2, 5),
    "option.costs": (2, 5),
    "option.hidden_costs": (2, 5),
    "option.misuse": (1, 4),
    "option.cost_bearers": (2, 4),
    "option.signals": (2, 5),
    "relook_triggers": (4, 5),
    "questions": (4, 5),
    "key_factors": (4, 6),
    "evidence_needed": (3, 5),
    "bad_reasons": (3, 5),
    "anti_patterns": (3, 4),
    "ai.helps": (2, 3),
    "ai.worsens": (1, 3),
    "mistakes": (4, 6),
    "follow_ups": (2, 4),
    "adjacent": (1, 2),
    "sources": (2, 4),
    "fm.tags": (3, 4),
    "fm.symptoms": (6, 7),
    "fm.causes": (4, 7),
    "fm.recovery": (5, 7),
    "fm.prevention": (3, 5),
    "fm.sources": (1, 3),
}

WORDS = _pool("""
service services team teams deploy deploys release releases schema schemas database databases
query queries latency throughput cost costs budget owner owners on-call incident incidents
pipeline pipelines batch stream streams event events queue queues broker cache caches index
indexes model models prompt prompts evaluation retrieval vendor vendors contract contracts test
tests integration migration migrations rollback rollout canary traffic tenant tenants cluster
clusters replica replicas partition partitions shard shards backfill replay retention audit
compliance security access token tokens request requests response responses client clients
interface interfaces boundary boundaries module modules library libraries dependency
dependencies upgrade upgrades version versions platform platforms product customer customers
engineer engineers operator operators dashboard dashboards alert alerts metric metrics log logs
trace traces budget capacity peak load region regions failover recovery backup backups snapshot
snapshots quarter month week day hour minute second year roadmap feature features flag flags
branch branches merge review reviews approval approvals policy policies risk risks outage
outages regression regressions benchmark benchmarks workload workloads job jobs worker workers
scheduler orchestration container containers function functions runtime runtimes storage disk
memory network bandwidth the a an of to in for on with without across between before after
during when while because so that which who whose every each most many few some no any all
usually rarely often quietly slowly quickly early late later first last next previous other
same different shared separate single multiple small large hidden real visible expensive cheap
slow fast stable fragile simple complex manual automated internal external upstream downstream
is are was were becomes become stays stay needs need owns own pays pay breaks break moves move
keeps keep grows grow shrinks shrink fails fail runs run ships ship measures measure decides
decide checks check costs cost changes change adds add removes remove hides hide splits split
""")

CODE_SPANS = [
    "`WHERE updated_at > :last_run`",
    "`SELECT *`",
    "`kubectl rollout undo`",
    "`git rebase`",
    "`max_tokens`",
    "`429 Too Many Requests`",
    "`--dry-run`",
    "`a | b`",
    "`<tenant>`",
    "`if err == nil`",
    "`retry(3)`",
    "`x < y`",
]
EMPHASIS = ["*before*", "*after*", "*every*", "*not*", "*which*", "*own*", "*really*", "**never**"]
LINKS = [
    "[the runbook](https://example.org/runbook)",
    "[a worked example](https://example.org/examples/{n})",
    "[the vendor's limits page](https://example.org/limits?tier=pro)",
    "[notes](https://example.org/notes/{n}#details)",
]
ODD_BITS = [
    "p99 < 200 ms",
    "A | B",
    "latency < 1 s",
    "cost | benefit",
    "x <= y",
    "read | write split",
    "fewer than 5 < 10 teams",
    "a <b> tag written as text",
    "3 < 4",
]

TAG_WORDS = _pool("""
services deployment latency streaming data-pipelines llm fine-tuning retrieval evaluation
vendors lock-in databases testing kubernetes serverless multi-tenant observability security
compliance cost migration scaling caching queues events api graphql rest monorepo branching
feature-flags ownership reliability incident-response capacity storage analytics warehouse
lakehouse agents prompting governance onboarding platform
""")

CATEGORY_NAMES = [
    "AI systems",
    "Architecture",
    "Data",
    "Delivery",
    "Operations",
    "Security",
    "Testing",
    "Platform",
    "Storage",
    "Networking",
    "Product",
    "Organisation",
    "Compliance",
    "Observability",
    "Performance",
    "Frontend",
    "Mobile",
    "Integration",
    "Cost",
    "Governance",
]

OPTION_NOUNS = [
    "monolith",
    "microservices",
    "batch",
    "streaming",
    "rest",
    "graphql",
    "sql",
    "document-store",
    "managed",
    "self-hosted",
    "build",
    "buy",
    "rewrite",
    "refactor",
    "canary",
    "blue-green",
    "serverless",
    "containers",
    "sync",
    "async",
    "rag",
    "fine-tuning",
    "prompting",
    "agents",
    "warehouse",
    "lakehouse",
    "monorepo",
    "polyrepo",
    "flags",
    "branches",
    "cache",
    "replica",
    "queue",
    "cron",
    "library",
    "platform",
    "sidecar",
    "gateway",
    "mesh",
    "single-tenant",
]

DATE_START = dt.date(2024, 11, 1)
DATE_SPAN_DAYS = 730  # reviewed dates spread over two years


class _Dumper(yaml.SafeDumper):
    """Never writes anchors or aliases; long texts as folded blocks, like the real cards."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if len(value) > 80 and "\n" not in value and not value.endswith(" "):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=">")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


class _Text:
    """Deterministic filler text of a given length with a little Markdown in it."""

    def __init__(self, rng: random.Random, markdown_share: float = 0.25) -> None:
        self.rng = rng
        self.counter = 0
        self.share = markdown_share / 0.25  # scales the thresholds below

    def length(self, field: str) -> int:
        low, mode, high = TEXT_LENGTHS[field]
        return round(self.rng.triangular(low, high, mode))

    def words(self, target: int) -> str:
        rng = self.rng
        out: list[str] = []
        size = 0
        while size < target:
            word = rng.choice(WORDS)
            out.append(word)
            size += len(word) + 1
        return " ".join(out)

    def __call__(self, field: str, *, markdown: bool = True, end: str = ".") -> str:
        rng = self.rng
        target = self.length(field)
        bits: list[str] = []
        if markdown and target > 40:
            roll = rng.random()
            self.counter += 1
            share = self.share
            if roll < 0.12 * share:
                bits.append(rng.choice(CODE_SPANS))
            elif roll < 0.20 * share:
                bits.append(rng.choice(EMPHASIS))
            elif roll < 0.25 * share:
                bits.append(rng.choice(LINKS).format(n=self.counter))
            elif roll < 0.29 * share:
                bits.append(rng.choice(ODD_BITS))
        if rng.random() < 0.0004:
            # `&` (and `!`) are rare in real cards (1 card in 24) and make the loader parse a file
            # twice (it looks for anchors and tags), so they are rare here too (about 5% of cards).
            bits.append("Q&A")
        budget = max(4, target - sum(len(b) + 1 for b in bits))
        text = self.words(budget)
        # Trim to the target at a word boundary, then splice the Markdown in at a word boundary.
        words = text.split(" ")
        while len(words) > 2 and len(" ".join(words)) > budget:
            words.pop()
        for bit in bits:
            words.insert(rng.randrange(1, len(words) + 1), bit)
        sentence = " ".join(words)
        sentence = sentence[0].upper() + sentence[1:]
        if target > 300 and rng.random() < 0.1:
            # An occasional second paragraph, as a blank line inside the text.
            cut = sentence.find(" ", len(sentence) // 2)
            if cut > 0:
                sentence = (
                    sentence[:cut] + ".\n\n" + sentence[cut + 1].upper() + sentence[cut + 2 :]
                )
        return sentence + end

    def items(self, field: str, count_key: str | None = None) -> list[str]:
        low, high = LIST_LENGTHS[count_key or field]
        return [self(field) for _ in range(self.rng.randint(low, high))]


def category_count(n_cards: int) -> int:
    """4 categories for a small collection, growing with N up to 20."""
    return max(4, min(20, round(math.sqrt(n_cards) / 2.2)))


def failure_mode_count(n_cards: int) -> int:
    return max(1, round(n_cards / 10))


def _slug_words(rng: random.Random, pool: list[str], count: int) -> list[str]:
    return rng.sample(pool, count)


def _card_ids(rng: random.Random, n: int) -> list[str]:
    ids = []
    for i in range(n):
        a, b = rng.sample(OPTION_NOUNS, 2)
        ids.append(f"{a}-vs-{b}-{i + 1:04d}")
    return ids


def _sources(
    rng: random.Random, text: _Text, count_key: str, note_key: str
) -> list[dict[str, str]]:
    low, high = LIST_LENGTHS[count_key]
    sources = []
    for _ in range(rng.randint(low, high)):
        source = {
            "title": text("source.title", markdown=False, end=""),
            "url": "https://example.org/" + "/".join(text.words(40).split(" ")[:5]),
        }
        if rng.random() < 0.6:
            source["note"] = text(note_key)
        sources.append(source)
    return sources


def _decision(
    rng: random.Random,
    text: _Text,
    index: int,
    card_id: str,
    ids: list[str],
    categories: list[str],
    tag_pool: list[str],
    misuse_links: dict[int, list[str]],
) -> dict[str, Any]:
    n = len(ids)
    a, b = card_id.split("-vs-")[0], card_id.split("-vs-")[1].rsplit("-", 1)[0]
    qualifier = text.words(8).split(" ")[0]
    card: dict[str, Any] = {
        "title": f"{a.replace('-', ' ').capitalize()} vs {b.replace('-', ' ')} for {qualifier} {index + 1}",
        "summary": text("summary"),
        # Neighbouring ids share a category, so relations mostly stay within a section.
        "category": categories[(index * len(categories)) // n],
        "tags": sorted(rng.sample(tag_pool, rng.randint(*LIST_LENGTHS["tags"]))),
        "status": rng.choices(["published", "draft", "deprecated"], [90, 5, 5])[0],
        "owners": [text.words(12).split()[0] + "-team"],
        "reviewed": (DATE_START + dt.timedelta(days=rng.randrange(DATE_SPAN_DAYS))).isoformat(),
    }
    if rng.random() < 0.4:
        card["review_every_months"] = str(rng.choice([6, 12, 18, 24]))
    card["framing"] = {
        "really_about": text("framing.really_about"),
        "not_about": text("framing.not_about"),
        "why_hard": text("framing.why_hard"),
    }
    card["decision"] = text("decision", end="?")
    card["heuristic"] = text("heuristic")
    card["default_stance"] = text("default_stance")
    options = []
    keys = [a, b] + [k for k in OPTION_NOUNS if k not in (a, b)]
    n_options = rng.choices([2, 3, 4], [70, 22, 8])[0]
    for o in range(n_options):
        key = keys[o] if o < 2 else rng.choice(keys[2:]) + f"-{o}"
        misuse: list[Any] = text.items("option.misuse")
        for fm in misuse_links.get(index * 8 + o, []):
            link: dict[str, str] = {"failure_mode": fm}
            if rng.random() < 0.8:
                link["note"] = text("option.misuse.note")
            misuse.insert(rng.randrange(len(misuse) + 1), link)
        option: dict[str, Any] = {
            "key": key,
            "name": text("option.name", markdown=False, end="").title(),
        }
        if rng.random() < 0.95:
            option["summary"] = text("option.summary")
        option.update(
            best_when=text.items("option.best_when"),
            real_world_fits=text.items("option.real_world_fits"),
            strengths=text.items("option.strengths"),
            costs=text.items("option.costs"),
            hidden_costs=text.items("option.hidden_costs"),
            misuse=misuse,
            cost_bearers=[s.rstrip(".") + "." for s in text.items("option.cost_bearers")],
            wins_when=text("option.wins_when"),
            signals=text.items("option.signals"),
        )
        options.append(option)
    card["options"] = options
    card["combining"] = text("combining")
    card["reversibility"] = {
        "undo_cost": rng.choice(["low", "moderate", "moderate", "high", "high", "one-way"]),
        "relook_triggers": text.items("relook_triggers"),
    }
    card["how_to_decide"] = {
        "questions": [q.rstrip(".") + "?" for q in text.items("questions")],
        "key_factors": text.items("key_factors"),
        "evidence_needed": text.items("evidence_needed"),
        "litmus_test": text("litmus_test"),
    }
    card["pressures"] = {
        "bad_reasons": text.items("bad_reasons"),
        "anti_patterns": text.items("anti_patterns"),
    }
    if rng.random() < 0.92:
        card["ai_impact"] = {
            "helps": text.items("ai.helps"),
            "worsens": text.items("ai.worsens"),
            "false_confidence": text("ai.false_confidence"),
            "synthesis": text("ai.synthesis"),
        }
    card["mistakes"] = text.items("mistakes")
    low, high = LIST_LENGTHS["follow_ups"]
    card["follow_ups"] = [
        {"question": text("follow_up.question", end="?"), "answer": text("follow_up.answer")}
        for _ in range(rng.randint(low, high))
    ]
    # Relations to nearby cards (same region of the id list, so mostly the same category).
    relations: dict[str, Any] = {}
    if n > 1:

        def near() -> str:
            while True:
                j = (index + rng.randint(-15, 15)) % n
                if j != index:
                    return ids[j]

        used: set[str] = set()
        if rng.random() < 0.35:
            target = near()
            used.add(target)
            relations["confused_with"] = [{"card": target, "note": text("relation.confused_with")}]
        adjacent = []
        for _ in range(rng.randint(*LIST_LENGTHS["adjacent"])):
            target = near()
            if target in used:
                continue
            used.add(target)
            adjacent.append({"card": target, "note": text("relation.adjacent")})
        if adjacent:
            relations["adjacent"] = adjacent
        if index > 0 and rng.random() < 0.05:
            # Supersede an older card (lower index), never one already named here.
            old = ids[rng.randrange(index)]
            if old not in used:
                relations["supersedes"] = [old]
    if relations:
        card["relations"] = relations
    card["sources"] = _sources(rng, text, "sources", "source.note")
    return card


def _failure_mode(rng: random.Random, text: _Text, tag_pool: list[str]) -> dict[str, Any]:
    mode: dict[str, Any] = {
        "title": text("fm.title", markdown=False, end="").capitalize(),
        "summary": text("fm.summary"),
        "tags": sorted(rng.sample(tag_pool, rng.randint(*LIST_LENGTHS["fm.tags"]))),
        "reviewed": (DATE_START + dt.timedelta(days=rng.randrange(DATE_SPAN_DAYS))).isoformat(),
        "symptoms": text.items("fm.symptoms"),
        "causes": text.items("fm.causes"),
        "recovery": text.items("fm.recovery"),
    }
    if rng.random() < 0.85:
        mode["prevention"] = text.items("fm.prevention")
    mode["sources"] = _sources(rng, text, "fm.sources", "fm.source.note")
    return mode


def _dump(data: Any, schema: str | None) -> str:
    body = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    header = f"# yaml-language-server: $schema=../{schema}\n" if schema else ""
    return header + body


def synthesize(
    n_cards: int,
    out: Path | str,
    seed: int = 1,
    *,
    clean: bool = True,
    markdown_share: float = 0.25,
) -> dict[str, int]:
    """Write a valid synthetic collection of `n_cards` decision cards into `out`.

    `markdown_share` is the share of texts (of 40+ characters) that get a code span, emphasis, a
    link or a `|`/`<` (about 0.29 of them get one with the default). The real cards have Markdown
    in under 1% of their texts; the default stresses the Markdown path on purpose.

    Returns counts: {"decisions", "failure_modes", "categories", "misuse_links", "relations"}.
    """
    if n_cards < 2:
        raise ValueError("a collection needs at least 2 decision cards (they refer to each other)")
    out = Path(out)
    if clean and out.exists():
        shutil.rmtree(out)
    (out / "decisions").mkdir(parents=True, exist_ok=True)
    (out / "failure-modes").mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    text = _Text(rng, markdown_share)

    n_categories = category_count(n_cards)
    categories = []
    category_ids = []
    for c in range(n_categories):
        title = CATEGORY_NAMES[c]
        cid = title.lower().replace(" ", "-")
        category_ids.append(cid)
        categories.append({"id": cid, "title": title, "description": text("option.summary")})

    tag_pool = list(TAG_WORDS)
    while len(tag_pool) < 40 + n_cards // 20:
        tag_pool.append(f"{rng.choice(TAG_WORDS)}-{len(tag_pool)}")

    ids = _card_ids(rng, n_cards)
    n_modes = failure_mode_count(n_cards)
    mode_ids = [f"failure-mode-{m + 1:04d}-{rng.choice(TAG_WORDS)}" for m in range(n_modes)]

    # Misuse links, keyed by card index * 8 + option index (options 0 and 1 always exist).
    # Every failure mode is reached from at least one option; some from several.
    links: dict[int, list[str]] = {}
    for m, mode_id in enumerate(mode_ids):
        card = (m * 10 + rng.randrange(10)) % n_cards
        links.setdefault(card * 8 + rng.randrange(2), []).append(mode_id)
        for _ in range(rng.choices([0, 1, 2], [50, 35, 15])[0]):
            card = rng.randrange(n_cards)
            slot = links.setdefault(card * 8 + rng.randrange(2), [])
            if mode_id not in slot:
                slot.append(mode_id)

    (out / "categories.yaml").write_text(
        "# The sections of the site, in the order they appear.\n" + _dump(categories, None),
        encoding="utf-8",
    )
    n_relations = 0
    for index, card_id in enumerate(ids):
        decision = _decision(rng, text, index, card_id, ids, category_ids, tag_pool, links)
        relations = decision.get("relations", {})
        n_relations += sum(
            len(relations.get(k, [])) for k in ("confused_with", "adjacent", "supersedes")
        )
        (out / "decisions" / f"{card_id}.yaml").write_text(
            _dump(decision, "decision.schema.json"), encoding="utf-8"
        )
    for mode_id in mode_ids:
        (out / "failure-modes" / f"{mode_id}.yaml").write_text(
            _dump(_failure_mode(rng, text, tag_pool), "failure-mode.schema.json"), encoding="utf-8"
        )
    return {
        "decisions": n_cards,
        "failure_modes": n_modes,
        "categories": n_categories,
        "misuse_links": sum(len(v) for v in links.values()),
        "relations": n_relations,
    }


def measure(cards_dir: Path | str) -> dict[str, tuple[int, int, int, int]]:
    """(count, min, median, max) text length of every field path in a cards folder."""
    lengths: dict[str, list[int]] = {}

    def walk(value: Any, path: str) -> None:
        if isinstance(value, str):
            lengths.setdefault(path, []).append(len(value))
        elif isinstance(value, list):
            for item in value:
                walk(item, path + "[]")
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}" if path else key)

    cards_dir = Path(cards_dir)
    for folder in ("decisions", "failure-modes"):
        prefix = "" if folder == "decisions" else "fm:"
        for path in sorted((cards_dir / folder).glob("*.yaml")):
            walk(yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader), prefix)
    return {
        key: (len(v), min(v), round(statistics.median(v)), max(v))
        for key, v in sorted(lengths.items())
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, help="number of decision cards")
    parser.add_argument("--out", help="the cards folder to write (replaced if it exists)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--markdown-share",
        type=float,
        default=0.25,
        help="share of texts with Markdown syntax (default 0.25; real cards: <0.01)",
    )
    parser.add_argument(
        "--measure",
        metavar="CARDS_DIR",
        action="append",
        default=[],
        help="print count/min/median/max text length per field of a cards folder (repeatable)",
    )
    args = parser.parse_args(argv)
    if args.measure:
        tables = [measure(d) for d in args.measure]
        keys = sorted(set().union(*tables))
        print(f"{'field':45s} " + " | ".join(f"{d[-24:]:>24s}" for d in args.measure))
        for key in keys:
            cells = []
            for table in tables:
                n, lo, med, hi = table.get(key, (0, 0, 0, 0))
                cells.append(f"{n:5d} {lo:4d}/{med:4d}/{hi:4d}")
            print(f"{key:45s} " + " | ".join(f"{c:>24s}" for c in cells))
        if not args.cards:
            return 0
    if not args.cards or not args.out:
        parser.error("--cards and --out are required (unless only --measure is given)")
    counts = synthesize(
        args.cards, Path(args.out), seed=args.seed, markdown_share=args.markdown_share
    )
    print(
        f"wrote {counts['decisions']} decision cards, {counts['failure_modes']} failure modes, "
        f"{counts['categories']} categories, {counts['misuse_links']} misuse links and "
        f"{counts['relations']} relations to {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
