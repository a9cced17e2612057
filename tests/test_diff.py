"""`tradeoffs diff`: what changed in the cards between two git revisions, in a reviewer's words."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from generator.cli.diff_report import changed_span

from .conftest import VALID, RunCli
from .test_plain_markdown import RENDERER, inert

QUEUE = "cards/decisions/queue-or-direct-call.yaml"
NEW_CARD = """\
title: Batch or stream
summary: Whether to process data on a schedule or as it arrives.
category: performance
reviewed: 2026-11-01
framing:
  really_about: How fresh the answer must be.
  not_about: Tools.
  why_hard: Streams look modern.
decision: Should this pipeline run in batches or as a stream?
heuristic: Batch until a consumer needs minutes.
default_stance: Batch.
options:
  - key: batch
    name: Batch
    best_when: [Hours are fine.]
    real_world_fits: [A nightly report.]
    strengths: [Simple.]
    costs: [Latency.]
    hidden_costs: [Backfills.]
    misuse: [Batching alerts.]
    cost_bearers: [data team]
    wins_when: Nobody needs minutes.
    signals: [Reports are read once a day.]
  - key: stream
    name: Stream
    best_when: [Seconds matter.]
    real_world_fits: [Fraud scoring.]
    strengths: [Fresh.]
    costs: [A cluster to run.]
    hidden_costs: [Replays.]
    misuse: [Streaming a monthly report.]
    cost_bearers: [on-call]
    wins_when: A decision needs the last event.
    signals: [A consumer acts within a minute.]
reversibility:
  undo_cost: moderate
  relook_triggers: [A consumer needs fresher data.]
how_to_decide:
  questions: [How fresh must it be?]
  key_factors: [Latency need.]
  evidence_needed: [Consumer requirements.]
pressures:
  bad_reasons: [Streaming is modern.]
  anti_patterns: [Streaming everything.]
"""


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Card Author",
        "GIT_AUTHOR_EMAIL": "author@example.org",
        "GIT_COMMITTER_NAME": "Card Author",
        "GIT_COMMITTER_EMAIL": "author@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_SYSTEM": os.devnull,
    }
    result = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def edit(repo: Path, path: str, old: str, new: str) -> None:
    file = repo / path
    text = file.read_text()
    assert old in text, (path, old)
    file.write_text(text.replace(old, new, 1))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose `main` has the example cards, and a branch `change` that raises one
    card's undo cost, adds a hidden cost to one option, removes a signal and adds a card."""
    repo = tmp_path / "repo"
    shutil.copytree(VALID, repo / "cards")
    (repo / "README.md").write_text("A card collection.\n")
    edit(
        repo,
        QUEUE,
        "signals: [Peak load is ten times the median.]",
        "signals: [Peak load is ten times the median., Deploys of one side break the other.]",
    )
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "Cards")
    git(repo, "checkout", "-q", "-b", "change")
    edit(repo, QUEUE, "undo_cost: moderate", "undo_cost: high")
    edit(
        repo,
        QUEUE,
        "hidden_costs: [Timeouts cascade., Fan-out multiplies latency.]",
        "hidden_costs: [Timeouts cascade., Fan-out multiplies latency., Retry storms double the load.]",
    )
    edit(
        repo,
        QUEUE,
        "signals: [Peak load is ten times the median., Deploys of one side break the other.]",
        "signals: [Peak load is ten times the median.]",
    )
    (repo / "cards" / "decisions" / "batch-or-stream.yaml").write_text(NEW_CARD)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "Change cards")
    return repo


def diff_json(run_cli: RunCli, repo: Path, *args: str) -> dict[str, Any]:
    code, out, err = run_cli("diff", "--format", "json", *args, cwd=repo)
    assert code == 0, err
    report: dict[str, Any] = json.loads(out)
    return report


def test_reports_exactly_the_four_changes(repo: Path, run_cli: RunCli) -> None:
    report = diff_json(run_cli, repo, "main", "change")
    assert report["summary"] == {
        "added": 1,
        "removed": 0,
        "renamed": 0,
        "changed": 1,
        "invalid": 0,
    }
    added, changed = report["entries"]
    assert (added["status"], added["kind"], added["id"], added["title"]) == (
        "added",
        "decision",
        "batch-or-stream",
        "Batch or stream",
    )
    assert added["changes"] == []
    assert (changed["status"], changed["id"]) == ("changed", "queue-or-direct-call")
    assert [
        (c["path"], c["field"], c["action"], c["old"], c["new"]) for c in changed["changes"]
    ] == [
        (
            ["options", "direct", "hidden_costs"],
            "hidden costs",
            "added",
            None,
            "Retry storms double the load.",
        ),
        (
            ["options", "queue", "signals"],
            "signals that point here",
            "removed",
            "Deploys of one side break the other.",
            None,
        ),
        (["reversibility", "undo_cost"], "undo cost", "changed", "moderate", "high"),
    ]
    assert changed["changes"][0]["within"] == [{"what": "option", "name": "Direct call"}]


def test_text_and_markdown_say_it_in_words(repo: Path, run_cli: RunCli) -> None:
    code, text, _ = run_cli("diff", "main", "change", cwd=repo)
    assert code == 0
    head = git(repo, "rev-parse", "change")[:12]
    assert text.splitlines() == [
        f"Cards in change ({head}) against main ({git(repo, 'rev-parse', 'main')[:12]}): "
        "1 added, 1 changed",
        "added: decision batch-or-stream “Batch or stream”",
        "changed: decision queue-or-direct-call “Queue or direct call”",
        "  option “Direct call”, hidden costs: added “Retry storms double the load.”",
        "  option “Queue”, signals that point here: removed “Deploys of one side break the other.”",
        "  undo cost: moderate → high",
    ]
    code, markdown, _ = run_cli("diff", "--format", "markdown", "main", "change", cwd=repo)
    assert code == 0
    assert markdown.startswith("### Card changes\n\n**1 added, 1 changed**: change")
    assert "- **Added** `decision batch-or-stream`: Batch or stream" in markdown
    assert "  - undo cost: `moderate` → `high`" in markdown
    assert (
        "  - option **Direct call**, hidden costs: added “Retry storms double the load.”"
        in markdown
    )


def test_default_compares_the_merge_base_with_the_working_tree(repo: Path, run_cli: RunCli) -> None:
    git(repo, "checkout", "-q", "main")
    (repo / "README.md").write_text("Moved on.\n")
    git(repo, "commit", "-q", "-am", "main moves on")
    git(repo, "checkout", "-q", "change")
    edit(repo, QUEUE, "reviewed: 2026-09-15", "reviewed: 2026-12-01")  # not committed
    code, text, _ = run_cli("diff", cwd=repo)
    assert code == 0
    base = git(repo, "merge-base", "main", "change")[:12]
    assert text.splitlines()[0] == (
        f"Cards in the working tree against the merge base of HEAD and main ({base}): "
        "1 added, 1 changed"
    )
    assert "  reviewed: 2026-09-15 → 2026-12-01" in text
    # from a sub-folder, with the card folder named
    code, again, _ = run_cli("diff", "--cards", "..", cwd=repo / "cards" / "decisions")
    assert code == 0 and again == text
    code, _, err = run_cli("diff", "--cards", "../cards", cwd=repo / "cards" / "decisions")
    assert code == 2 and "card folder not found" in err


def test_a_renamed_card_is_one_entry(repo: Path, run_cli: RunCli) -> None:
    git(
        repo,
        "mv",
        "cards/decisions/cache-or-recompute.yaml",
        "cards/decisions/cache-or-compute.yaml",
    )
    edit(
        repo,
        "cards/decisions/cache-or-compute.yaml",
        "Hit rate falls under 50 %.",
        "Hit rate falls.",
    )
    report = diff_json(run_cli, repo, "change")
    [entry] = report["entries"]
    assert (entry["status"], entry["old_id"], entry["id"]) == (
        "renamed",
        "cache-or-recompute",
        "cache-or-compute",
    )
    assert [(c["action"], c["old"], c["new"]) for c in entry["changes"]] == [
        ("removed", "Hit rate falls under 50 %.", None),
        ("added", None, "Hit rate falls."),
    ]


def test_formatting_alone_is_no_change(repo: Path, run_cli: RunCli) -> None:
    path = repo / QUEUE
    path.write_text(
        "# a comment\n"
        + path.read_text().replace("category: integration\n", "")
        + "category: integration\n"
    )
    edit(repo, QUEUE, "reviewed: 2026-09-15", "reviewed: '2026-09-15'\nreview_every_months: 12")
    code, text, _ = run_cli("diff", "change", cwd=repo)
    assert code == 0
    assert text.strip().endswith(": no changes")


def test_an_invalid_card_is_reported_not_raised(repo: Path, run_cli: RunCli) -> None:
    edit(repo, QUEUE, "undo_cost: high", "undo_cost: medium")
    (repo / "cards" / "decisions" / "tabbed.yaml").write_text("title: x\n\tsummary: y\n")
    code, text, err = run_cli("diff", "change", cwd=repo)
    assert code == 1 and "Traceback" not in err
    assert "invalid: decision queue-or-direct-call “Queue or direct call”" in text
    assert (
        "  does not validate in the working tree: cards/decisions/queue-or-direct-call.yaml:"
        in text
    )
    assert "'medium' is not a valid undo_cost" in text
    assert "added: decision tabbed “tabbed”" in text
    assert "tab used for indentation" in text
    # invalid only in the base: reported, and the newer version is fine
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "break it")
    edit(repo, QUEUE, "undo_cost: medium", "undo_cost: high")
    (repo / "cards" / "decisions" / "tabbed.yaml").unlink()
    report = diff_json(run_cli, repo, "HEAD")
    assert [(e["status"], e["id"]) for e in report["entries"]] == [
        ("removed", "tabbed"),
        ("invalid", "queue-or-direct-call"),
    ]
    assert report["entries"][1]["problems"]["head"] == []
    assert "medium" in report["entries"][1]["problems"]["base"][0]


def test_card_text_in_the_markdown_report_is_inert(repo: Path, run_cli: RunCli) -> None:
    edit(
        repo,
        QUEUE,
        "hidden_costs: [",
        "hidden_costs: ['<img src=x onerror=alert(1)> \"quoted\" </script>', ",
    )
    edit(repo, QUEUE, "name: Queue\n", "name: '<b onclick=alert(1)>Queue</b>'\n")
    code, markdown, _ = run_cli("diff", "--format", "markdown", "change", cwd=repo)
    assert code == 0
    html = RENDERER.render(markdown)
    assert inert(html) == []
    assert "&lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot; &lt;/script&gt;" in html
    assert "&lt;b onclick=alert(1)&gt;Queue&lt;/b&gt;" in html


def test_usage_errors(repo: Path, tmp_path: Path, run_cli: RunCli) -> None:
    code, _, err = run_cli("diff", "nope", cwd=repo)
    assert code == 2 and "unknown revision 'nope'" in err
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    code, _, err = run_cli("diff", cwd=outside)
    assert code == 2 and "not a git repository" in err.lower()
    git(repo, "branch", "-q", "-m", "main", "trunk")
    code, _, err = run_cli("diff", cwd=repo)
    assert code == 2 and "no default branch found" in err


def test_no_changes(repo: Path, run_cli: RunCli) -> None:
    code, text, _ = run_cli("diff", "change", "change", cwd=repo)
    assert code == 0 and text.strip().endswith(": no changes")
    code, markdown, _ = run_cli("diff", "--format", "markdown", "change", cwd=repo)
    assert code == 0 and "**no changes**" in markdown


def test_long_texts_show_the_part_that_changed() -> None:
    old = "word " * 30 + "the old ending of a long sentence."
    new = "word " * 30 + "the new ending of a long sentence."
    assert changed_span(old, new) == (
        "… word word word the old ending of a long …",
        "… word word word the new ending of a long …",
    )
    assert changed_span("short", "text") == ("short", "text")


def test_a_source_id_given_or_changed_is_reported() -> None:
    from generator.cards.compare import compare_data

    source = {"title": "A study", "url": "https://example.org/study"}
    old = {"sources": [source], "heuristic": "Do it."}
    new = {"sources": [{"id": "a-study", **source}], "heuristic": "Do it [@a-study]."}
    renamed = {"sources": [{"id": "the-study", **source}], "heuristic": "Do it [@the-study]."}
    given = compare_data(old, new)
    assert [(c.within, c.field, c.action, c.new) for c in given if c.path[0] == "sources"] == [
        ((("source", "A study"),), "id", "added", "a-study")
    ]
    changed = [c for c in compare_data(new, renamed) if c.path[0] == "sources"]
    assert [(c.action, c.old, c.new) for c in changed] == [("changed", "a-study", "the-study")]
