"""The cards for programs: the JSON API, llms.txt, llms-full.txt and each card's Markdown."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from jsonschema import Draft202012Validator, FormatChecker

from generator.cards import load_catalog
from generator.cards.schema import schema_texts
from generator.site.plan import SiteSettings, build_plan, data_exports
from generator.site.reuse import changed_pages

from .conftest import REPO, VALID, indexed_pages
from .test_plain_markdown import RENDERER, inert

SITE_URL = "https://tradeoff-cards.github.io/tradeoff-cards/"  # mkdocs.yml's
DATA_FILES = ("api/cards.json", "api/decision.schema.json", "api/failure-mode.schema.json")


def exports(cards: Path, **settings: str) -> dict[str, str]:
    return data_exports(load_catalog(cards), SiteSettings(**settings))[0]  # type: ignore[arg-type]


def validator(text: str) -> Draft202012Validator:
    schema = json.loads(text)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


# --------------------------------------------------------------------------- the JSON API


@pytest.mark.parametrize("cards", [VALID, REPO / "cards"], ids=["examples", "real"])
def test_every_card_validates_against_the_published_schemas(cards: Path) -> None:
    files = exports(cards)
    api = json.loads(files["api/cards.json"])
    decision = validator(files["api/decision.schema.json"])
    failure_mode = validator(files["api/failure-mode.schema.json"])
    assert list(api) == ["schema_version", "decisions", "failure_modes", "roles"]
    assert api["schema_version"] == 1
    assert [r["id"] for r in api["roles"]] == [r.id for r in load_catalog(cards).roles]
    assert [d["id"] for d in api["decisions"]] == sorted(
        p.stem for p in (cards / "decisions").glob("*.yaml")
    )
    assert [m["id"] for m in api["failure_modes"]] == sorted(
        p.stem for p in (cards / "failure-modes").glob("*.yaml")
    )
    for item in api["decisions"]:
        assert list(item) == ["id", "url", "source", "card", "referenced_by", "records"]
        assert [e.message for e in decision.iter_errors(item["card"])] == [], item["id"]
    for item in api["failure_modes"]:
        assert list(item) == ["id", "url", "source", "entry", "reached_from"]
        assert [e.message for e in failure_mode.iter_errors(item["entry"])] == [], item["id"]


def test_the_published_schemas_are_the_exported_ones() -> None:
    files = exports(VALID)
    for name, text in schema_texts().items():
        assert files[f"api/{name}"] == text == (REPO / "cards" / name).read_text()


def test_fields_are_exactly_as_the_yaml_has_them() -> None:
    api = json.loads(exports(VALID)["api/cards.json"])
    cards = {d["id"]: d for d in api["decisions"]}
    card = cards["cache-or-recompute"]["card"]
    written = yaml.safe_load((VALID / "decisions" / "cache-or-recompute.yaml").read_text())
    cache, recompute = card["options"][0], card["options"][1]
    assert cache["best_when"][1] == "no"  # YAML 1.1 would have made these False and 1.1
    assert recompute["hidden_costs"][1] == "1.10"
    assert cache["hidden_costs"][0] == written["options"][0]["hidden_costs"][0]
    assert "<script>alert(1)</script>" in cache["hidden_costs"][0]
    assert card["reviewed"] == "2026-10-02" and card["review_every_months"] == 6
    assert list(card) == sorted(card)
    plain = cards["queue-or-direct-call"]["card"]
    assert "status" not in plain and "review_every_months" not in plain  # no defaults filled in
    assert cards["queue-or-direct-call"]["url"] == "decisions/queue-or-direct-call/"
    assert cards["queue-or-direct-call"]["source"] == (
        "tests/cards/valid/decisions/queue-or-direct-call.yaml"
    )
    assert cards["queue-or-direct-call"]["referenced_by"] == [
        {
            "card": "cache-or-recompute",
            "relation": "confused_with",
            "note": "Queues defer work; caches avoid repeating it.",
        }
    ]
    assert cards["old-rpc-guidance"]["referenced_by"] == [
        {"card": "queue-or-direct-call", "relation": "supersedes", "note": None}
    ]
    mode = api["failure_modes"][0]
    assert mode["entry"]["symptoms"][1] == "off"
    assert mode["reached_from"] == [
        {
            "card": "cache-or-recompute",
            "option": "cache",
            "note": "TTLs that line up make every key expire at once.",
        }
    ]


def test_urls_are_absolute_under_the_site_url_and_follow_directory_urls() -> None:
    api = json.loads(exports(VALID, site_url=SITE_URL)["api/cards.json"])
    assert api["decisions"][0]["url"] == f"{SITE_URL}decisions/cache-or-recompute/"
    flat, _ = data_exports(load_catalog(VALID), SiteSettings(directory_urls=False))
    assert json.loads(flat["api/cards.json"])["decisions"][0]["url"] == (
        "decisions/cache-or-recompute.html"
    )
    assert "decisions/cache-or-recompute.md" in flat  # beside decisions/cache-or-recompute.html


_DIGESTS = """
import hashlib, sys
from pathlib import Path
from generator.cards import load_catalog
from generator.site.plan import SiteSettings, data_exports
files, _ = data_exports(load_catalog(Path(sys.argv[1])), SiteSettings(site_url=sys.argv[2]))
for path in sorted(files):
    print(path, hashlib.sha256(files[path].encode()).hexdigest())
"""


@pytest.mark.slow
def test_two_builds_write_the_same_bytes() -> None:
    """In separate interpreters with different hash seeds: nothing depends on set order, the
    time or the machine."""
    runs = [
        subprocess.run(
            [sys.executable, "-c", _DIGESTS, str(REPO / "cards"), SITE_URL],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
            env={**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": epoch},
        ).stdout
        for seed, epoch in (("1", "1790000000"), ("2", "1800000000"))
    ]
    entries = len(list((REPO / "cards").glob("*/*.yaml")))  # one Markdown file each
    assert runs[0] == runs[1] and len(runs[0].splitlines()) == 3 + 2 + entries


def test_entries_written_on_the_second_core_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.cards import parallel

    catalog = load_catalog(REPO / "cards")
    monkeypatch.setenv("TRADEOFFS_NO_FORK", "1")
    alone = data_exports(catalog, SiteSettings())[0]
    monkeypatch.delenv("TRADEOFFS_NO_FORK")
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 2)
    if not parallel.can_fork(95):
        pytest.skip("no fork here")
    assert data_exports(catalog, SiteSettings())[0] == alone


@pytest.mark.parametrize("site_url", ["", SITE_URL])
def test_a_preview_writes_again_only_the_entries_whose_pages_changed(
    collection: Path, site_url: str
) -> None:
    settings = SiteSettings(site_url=site_url)
    first = build_plan(load_catalog(collection), settings)
    card = collection / "decisions" / "queue-or-direct-call.yaml"
    card.write_text(card.read_text().replace("leave it a message.", "leave it a note."))
    second = build_plan(load_catalog(collection), settings, previous=first)
    assert second.files == build_plan(load_catalog(collection), settings).files
    assert "leave it a note." in second.files["llms.txt"]
    assert "leave it a note." in second.files["decisions/queue-or-direct-call/index.md"]
    kept = "failure-modes/stale-cache-storm.md"  # shows nothing of that card
    assert kept not in second.reuse.rendered
    assert second.reuse.data_parts.objects[kept] is first.reuse.data_parts.objects[kept]
    for key, lines in second.reuse.data_parts.markdown.items():
        assert (lines is first.reuse.data_parts.markdown.get(key)) == (key[0] == kept), key


def test_the_plan_carries_the_files_and_a_site_url_change_rebuilds_everything() -> None:
    catalog = load_catalog(VALID)
    plan = build_plan(catalog)
    assert {*DATA_FILES, "llms.txt", "llms-full.txt"} <= set(plan.files)
    assert "decisions/cache-or-recompute/index.md" in plan.files
    assert "failure-modes/stale-cache-storm/index.md" in plan.files
    assert plan.stylesheets == ("assets/tradeoff-cards/cards.css",)
    moved = build_plan(catalog, SiteSettings(site_url=SITE_URL), previous=plan)
    assert changed_pages(moved, plan) is None


# --------------------------------------------------------------------------- llms.txt

_LINK_ITEM = re.compile(
    r"- \[(?P<name>(?:[^\]\\]|\\.)+)\]\((?P<url><[^>]+>|[^)\s]+)\)(?:: (?P<notes>.+))?"
)


def _sections(text: str) -> tuple[list[str], dict[str, list[str]]]:
    """(lines before the first H2, {H2 title: its non-blank lines})."""
    head: list[str] = []
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = line[3:]
            assert current not in sections, f"section {current} twice"
            sections[current] = []
        elif current is None:
            head.append(line)
        elif line.strip():
            sections[current].append(line)
    return head, sections


@pytest.mark.slow
def test_llms_txt_follows_the_convention(built_example: Path) -> None:
    text = (built_example / "llms.txt").read_text()
    head, sections = _sections(text)
    assert head[0] == "# Trade-off Cards" and head[1] == ""
    assert head[2].startswith("> ") and head[3] == ""
    assert not any(line.startswith("#") for line in head[1:])  # no other heading before the H2s
    assert list(sections) == ["Performance", "Integration", "Failure modes", "Optional"]
    listed: dict[str, str] = {}
    for title, lines in sections.items():
        for line in lines:
            match = _LINK_ITEM.fullmatch(line)
            assert match, f"{title}: {line!r} is not `- [name](url): notes`"
            listed[match["url"]] = match["notes"] or ""
    catalog = load_catalog(VALID)
    for card_id, entry in catalog.decisions.items():
        url = f"{SITE_URL}decisions/{card_id}/index.md"
        assert listed[url].startswith(entry.model.summary)
    assert f"{SITE_URL}failure-modes/stale-cache-storm/index.md" in listed
    assert sections["Performance"][0].startswith("- [Cache | recompute | precompute](")
    assert sections["Integration"][1].endswith("kept for history. (deprecated)")
    # every link is a file of the built site
    for url in listed:
        assert url.startswith(SITE_URL)
        assert (built_example / urlsplit(url).path.removeprefix("/tradeoff-cards/")).is_file(), url


@pytest.mark.slow
def test_built_site_has_each_file_and_no_page_more(built_example: Path) -> None:
    for path in (*DATA_FILES, "llms.txt", "llms-full.txt"):
        assert (built_example / path).is_file(), path
    card = (built_example / "decisions" / "cache-or-recompute" / "index.md").read_text()
    assert card.startswith("# Cache | recompute | precompute\n\n> Whether to keep")
    assert "| **Hidden costs** | • Cold starts after a flush \\<script>alert(1)\\</script>" in card
    assert (built_example / "failure-modes" / "stale-cache-storm" / "index.md").is_file()
    # the Markdown files are not pages: no HTML for them, not in the sitemap or search
    assert not (
        built_example / "decisions" / "cache-or-recompute" / "index" / "index.html"
    ).exists()
    assert ".md<" not in (built_example / "sitemap.xml").read_text()
    assert not any(url.endswith(".md") for url in indexed_pages(built_example))
    full = (built_example / "llms-full.txt").read_text()
    assert full.count("\n## ") == 4  # three decision cards and one failure mode
    assert "\n### The options side by side\n" in full


def test_card_markdown_has_the_sections_and_the_comparison_table() -> None:
    files = exports(VALID, site_url=SITE_URL)
    card = files["decisions/cache-or-recompute/index.md"]
    headings = [line for line in card.splitlines() if line.startswith(("# ", "## "))]
    assert headings[:7] == [
        "# Cache | recompute | precompute",
        "## The decision",
        "## What it is really about",
        "## The options side by side",
        "## Weigh it for your context",
        "## Combining them",
        "## Reversibility",
    ]
    html = RENDERER.render(card)
    table = html[html.index("<table>") : html.index("</table>")]
    assert "<th>Cache</th>\n<th>Recompute</th>\n<th>Precompute</th>" in table
    assert "Absorbs read spikes | even at peak." in table
    assert (
        f'<a href="{SITE_URL}failure-modes/stale-cache-storm/index.md">Stale cache storm</a>'
        in table
    )
    assert f"[Queue or direct call]({SITE_URL}decisions/queue-or-direct-call/index.md)" in card
    assert inert(html) == []
    relative = exports(VALID)["decisions/cache-or-recompute/index.md"]
    assert "(../queue-or-direct-call/index.md)" in relative
    assert "(../../categories/performance/)" in relative


# --------------------------------------------------------------------------- hostile text

HOSTILE = """\
title: 'Quotes " and </script> <img src=x onerror=alert(1)>'
summary: "A \\"quoted\\" summary with <a href=\\"#\\" onclick=\\"steal()\\">a link</a> and </script>."
category: performance
reviewed: 2026-10-02
framing:
  really_about: "<script>alert('x')</script> and `<b>code</b>` and [evil](javascript:alert(1))"
  not_about: "![tracker](https://evil.example/pixel.png) | pipes | and &lt;escaped&gt;"
  why_hard: "# not a heading\\n\\n- not a list"
decision: "<iframe src=https://evil.example></iframe>?"
heuristic: "<div onmouseover='x()'>hover</div>"
default_stance: '<svg onload=alert(1)>'
options:
  - key: first
    name: "<b onclick=alert(1)>First</b>"
    best_when: ['<img src=x onerror=alert(1)>']
    real_world_fits: ['"double" and ''single'' quotes']
    strengths: ['</script><script>alert(2)</script>']
    costs: ['<style>body{display:none}</style>']
    hidden_costs: ['<a href="javascript:alert(3)">click</a>']
    misuse: ['<!-- hidden --> comment']
    cost_bearers: ['<u>users</u>']
    wins_when: "</td></tr></table> breaks out"
    signals: ['onclick="alert(4)"']
  - key: second
    name: Second
    best_when: [a]
    real_world_fits: [b]
    strengths: [c]
    costs: [d]
    hidden_costs: [e]
    misuse: [f]
    cost_bearers: [g]
    wins_when: h
    signals: [i]
reversibility:
  undo_cost: low
  relook_triggers: ['<meta http-equiv="refresh" content="0;url=https://evil.example">']
how_to_decide:
  questions: ['<form action=https://evil.example><input></form>']
  key_factors: [x]
  evidence_needed: [y]
pressures:
  bad_reasons: [z]
  anti_patterns: [w]
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    import shutil

    cards = tmp_path_factory.mktemp("hostile") / "cards"
    shutil.copytree(VALID, cards)
    (cards / "decisions" / "hostile-text.yaml").write_text(HOSTILE)
    return exports(cards, site_url=SITE_URL)


def test_hostile_text_is_valid_json_and_the_same_text(hostile: dict[str, str]) -> None:
    text = hostile["api/cards.json"]
    assert "<" not in text  # every `<` is \\u003c: the file can sit inside a <script>
    api = json.loads(text)
    card = next(d["card"] for d in api["decisions"] if d["id"] == "hostile-text")
    written = yaml.safe_load(HOSTILE)
    assert card["title"] == written["title"]
    assert card["summary"] == written["summary"]
    assert card["options"][0]["hidden_costs"] == written["options"][0]["hidden_costs"]
    assert card["options"][0]["wins_when"] == "</td></tr></table> breaks out"


def test_hostile_text_is_inert_in_every_markdown_file(hostile: dict[str, str]) -> None:
    checked = 0
    for path, text in hostile.items():
        if path.endswith((".md", ".txt")):
            html = RENDERER.render(text)
            assert inert(html) == [], path
            checked += 1
    assert checked == 2 + 4 + 1
    card = RENDERER.render(hostile["decisions/hostile-text/index.md"])
    # shown as text, as on the page
    assert "&lt;img src=x onerror=alert(1)&gt;" in card
    assert "&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in card
    assert "[evil](javascript:alert(1))" in card
    assert "<code>&lt;b&gt;code&lt;/b&gt;</code>" in card
    assert "&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt; breaks out" in card
    assert "<h1>Quotes &quot; and &lt;/script&gt;" in card
    assert "<th>&lt;b onclick=alert(1)&gt;First&lt;/b&gt;</th>" in card
    llms = RENDERER.render(hostile["llms.txt"])
    assert "&lt;img src=x onerror=alert(1)&gt;</a>" in llms


def test_keywords_reach_the_data_and_markdown_outputs(built_example: Path) -> None:
    cards = json.loads((built_example / "api" / "cards.json").read_text())
    text = json.dumps(cards)
    assert '"keywords": ["Redis", "Memcached", "materialized view"]' in text
    card = (built_example / "decisions" / "cache-or-recompute" / "index.md").read_text()
    assert "- Also searched as: Redis, Memcached, materialized view\n" in card
    full = (built_example / "llms-full.txt").read_text()
    assert "- Also searched as: thundering herd, cache stampede, dogpile\n" in full
    page = (built_example / "decisions" / "cache-or-recompute" / "index.html").read_text()
    assert (
        '<p class="tc-keywords">Also searched as: Redis, Memcached, materialized view</p>' in page
    )
