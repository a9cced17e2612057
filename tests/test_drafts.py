"""Drafts: a card with `status: draft` may leave text unwritten, and every output shows it so."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from generator.cards import load_catalog
from generator.cards.compare import read_version
from generator.cards.drafts import UNWRITTEN
from generator.cards.models import DecisionCard
from generator.cards.schema import schema_texts
from generator.site.plan import build_plan

from .conftest import RunCli

TODAY = dt.date(2026, 11, 21)
CARD = "queue-or-direct-call"


def _draft(text: str, status: str = "draft") -> str:
    """The example card with its summary, framing and a heuristic gone, and empty items."""
    text = text.replace(
        "summary: Whether one service should call another now or leave it a message.\n", ""
    )
    text = re.sub(r"framing:\n(  .*\n)+", "", text)
    text = text.replace(
        "heuristic: Call directly when the caller needs the answer now.", 'heuristic: ""'
    )
    text = text.replace("strengths: [Simple to trace., Errors surface at once.]", "strengths: []")
    text = text.replace("signals: [Peak load is ten times the median.]", 'signals: [""]')
    return text.replace("category: integration\n", f"category: integration\nstatus: {status}\n")


@pytest.fixture
def drafted(collection: Path) -> Path:
    path = collection / "decisions" / f"{CARD}.yaml"
    path.write_text(_draft(path.read_text()))
    return collection


EXPECTED_TODOS = [  # in file order; the two missing keys at the top, where they go
    "'framing'",
    "'summary'",
    "'heuristic'",
    "'options[1].strengths'",
    "'options[2].signals[1]'",
]


def test_a_draft_lists_what_is_unwritten_and_passes(run_cli: RunCli, drafted: Path) -> None:
    code, out, _ = run_cli("validate", str(drafted))
    assert code == 0, out
    todos = [line for line in out.splitlines() if ": to do: " in line]
    assert [re.search(r"to do: ('[^']+')", t).group(1) for t in todos] == EXPECTED_TODOS  # type: ignore[union-attr]
    assert all(re.match(rf".*/{CARD}\.yaml:\d+:\d+: to do: ", t) for t in todos)
    assert out.splitlines()[-1] == "6 files checked, no problems; 5 to-dos in 1 draft"


def test_the_same_card_published_fails(run_cli: RunCli, drafted: Path) -> None:
    path = drafted / "decisions" / f"{CARD}.yaml"
    path.write_text(path.read_text().replace("status: draft", "status: published"))
    code, out, _ = run_cli("validate", str(drafted))
    assert code == 1 and "missing required key 'summary'" in out and "to do" not in out


def test_no_drafts_fails_while_a_draft_remains(run_cli: RunCli, drafted: Path) -> None:
    code, out, _ = run_cli("validate", "--no-drafts", str(drafted))
    assert code == 1
    assert f"{CARD}.yaml:3:9: card is a draft (5 to-dos left)" in out
    code, out, _ = run_cli("validate", "--no-drafts", "--format", "github", str(drafted))
    assert code == 1 and "::notice file=" in out and "title=Draft::to do: 'summary'" in out


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("reviewed:", "colour: blue\nreviewed:"), "unknown key 'colour'"),
        (
            ("supersedes: [old-rpc-guidance]", "supersedes: [no-such-card]"),
            "unknown card 'no-such-card'",
        ),
        (("undo_cost: moderate", "undo_cost: medium"), "'medium' is not a valid undo_cost"),
        (("key: queue", "key: direct"), "option key 'direct' is used twice"),
        (("wins_when: The answer", "wins_when: See [@nowhere]. The answer"), "nowhere"),
        (("  undo_cost: moderate\n", ""), "missing required key 'undo_cost'"),
        (("options:", "options: text\nx:"), "'options' should be a list"),
    ],
)
def test_a_draft_is_still_checked_for_everything_else(
    run_cli: RunCli, drafted: Path, change: tuple[str, str], message: str
) -> None:
    path = drafted / "decisions" / f"{CARD}.yaml"
    assert change[0] in path.read_text()
    path.write_text(path.read_text().replace(change[0], change[1], 1))
    code, out, _ = run_cli("validate", str(drafted))
    assert code == 1 and message in out, out
    assert "to do: 'summary'" in out  # listed beside the mistakes, never as one


def test_the_schema_accepts_a_draft_and_not_a_published_card(drafted: Path) -> None:
    schema = json.loads(schema_texts()["decision.schema.json"])
    validator = Draft202012Validator(schema)
    catalog = load_catalog(drafted)
    data = dict(catalog.decisions[CARD].doc.data)  # type: ignore[arg-type]
    assert [e.message for e in validator.iter_errors(data)] == []
    data["status"] = "published"
    assert "'summary' is a required property" in [e.message for e in validator.iter_errors(data)]
    data["status"], data["colour"] = "draft", "blue"
    assert any("colour" in e.message for e in validator.iter_errors(data))


def test_every_output_marks_the_unwritten_text(drafted: Path) -> None:
    plan = build_plan(load_catalog(drafted), today=TODAY)
    page = plan.pages[f"decisions/{CARD}.md"].markdown
    assert "This card is still being written" in page and "5 parts still to write" in page
    assert f'<em class="tc-unwritten">{UNWRITTEN}</em>' in page
    assert "None" not in page
    markdown = plan.files[f"decisions/{CARD}/index.md"]
    assert UNWRITTEN in markdown and "None" not in markdown
    api = json.loads(plan.files["api/cards.json"])
    card = next(d["card"] for d in api["decisions"] if d["id"] == CARD)
    assert card["status"] == "draft" and "summary" not in card and card["heuristic"] == ""
    validator = Draft202012Validator(json.loads(plan.files["api/decision.schema.json"]))
    assert [e.message for e in validator.iter_errors(card)] == []
    search = " ".join(e.text for e in plan.pages[f"decisions/{CARD}.md"].search)
    assert "None" not in search


def test_diff_reads_a_draft_as_data(drafted: Path) -> None:
    raw = (drafted / "decisions" / f"{CARD}.yaml").read_bytes()
    version = read_version("decision", DecisionCard, f"decisions/{CARD}.yaml", raw)
    assert version.problems == () and version.data is not None
    assert version.data["status"] == "draft" and "summary" not in version.data


def test_a_scaffold_draft_builds_a_page(run_cli: RunCli, collection: Path) -> None:
    code, _, _ = run_cli(
        "new", "decision", "brand-new-call", "--category", "performance", "--cards", str(collection)
    )
    assert code == 0
    plan = build_plan(load_catalog(collection), today=TODAY)
    page = plan.pages["decisions/brand-new-call.md"].markdown
    assert page.count(UNWRITTEN) > 20 and "None" not in page


@pytest.mark.slow
def test_a_site_with_a_draft_builds_strictly(drafted: Path, tmp_path: Path) -> None:
    from .conftest import indexed_pages, make_project, mkdocs_build

    project = make_project(tmp_path / "project", drafted)
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "decisions" / CARD / "index.html").read_text(encoding="utf-8")
    assert "This card is still being written" in html
    assert html.count('class="tc-unwritten"') >= 5 and ">None<" not in html
    pages = indexed_pages(tmp_path / "site")
    text = " ".join(p["content"] for url, p in pages.items() if CARD in url)
    assert UNWRITTEN in text and "None" not in text
