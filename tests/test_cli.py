"""The tradeoffs CLI through an in-process runner: exit codes, formats, scaffolds, schemas."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cards.schema import schema_texts

from .conftest import INVALID, REPO, RunCli


def test_validate_valid_collection(run_cli: RunCli, collection: Path) -> None:
    code, out, _ = run_cli("validate", str(collection))
    assert code == 0
    assert "6 files checked, no problems" in out


def test_validate_reports_every_problem_in_every_file(
    run_cli: RunCli, collection: Path, tmp_path: Path
) -> None:
    for name in ("five-mistakes", "duplicate-key", "bad-url"):
        shutil.copy(INVALID / "decisions" / f"{name}.yaml", collection / "decisions")
    code, out, err = run_cli("validate", "cards", cwd=tmp_path)
    assert code == 1
    lines = out.strip().splitlines()
    assert lines[-1] == "7 problems in 3 of 9 files"
    assert (
        "cards/decisions/duplicate-key.yaml:4:1: duplicate key 'category' (first written on line 3)"
        in lines
    )
    assert all(re.match(r"cards/decisions/[a-z-]+\.yaml:\d+:\d+: ", line) for line in lines[:-1])
    assert "Traceback" not in out + err


def test_validate_json(run_cli: RunCli, collection: Path, tmp_path: Path) -> None:
    shutil.copy(INVALID / "decisions" / "bad-undo-cost.yaml", collection / "decisions")
    code, out, _ = run_cli("validate", "cards", "--format", "json", cwd=tmp_path)
    report = json.loads(out)
    assert code == 1 and report["valid"] is False
    assert report["problems"] == [
        {
            "file": "cards/decisions/bad-undo-cost.yaml",
            "line": 36,
            "column": 14,
            "message": "'medium' is not a valid undo_cost; use one of: low, moderate, high, one-way",
        }
    ]


def test_validate_github_annotations(run_cli: RunCli, collection: Path, tmp_path: Path) -> None:
    shutil.copy(INVALID / "decisions" / "colon-in-plain-text.yaml", collection / "decisions")
    code, out, _ = run_cli("validate", "cards", "--format", "github", cwd=tmp_path)
    assert code == 1
    assert out.splitlines()[0] == (
        "::error file=cards/decisions/colon-in-plain-text.yaml,line=10,col=16,title=Invalid card::"
        "unexpected ': ' in unquoted text; put the text in quotes"
    )
    assert out.splitlines()[-1] == "1 problem in 1 of 7 files"


def test_usage_errors_exit_2(run_cli: RunCli, tmp_path: Path) -> None:
    code, _, err = run_cli("validate", str(tmp_path / "missing"))
    assert code == 2 and "card folder not found" in err
    code, _, err = run_cli("validate", "--format", "xml")
    assert code == 2 and "invalid choice" in err
    code, _, _ = run_cli("frobnicate")
    assert code == 2


@pytest.mark.slow
def test_python_dash_m_generator_runs_the_cli(collection: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "validate", str(collection)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "no problems" in result.stdout


def _fill_placeholders(text: str) -> str:
    """The scaffold with every optional key uncommented and every placeholder written."""
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    lines[header:] = [re.sub(r"^(\s*)# (?=[a-z_]+:|- |  )", r"\1", line) for line in lines[header:]]
    filled = "\n".join(lines) + "\n"
    filled = filled.replace("other-card-id", "cache-or-recompute").replace(
        "old-card-id", "old-rpc-guidance"
    )
    filled = filled.replace("status: draft", "status: published")
    filled = filled.replace('summary: ""  ', 'summary: "Filled in [@first-source]."  ')
    return filled.replace('""', '"Filled in."')


OPTIONAL_KEYS = ("owners", "keywords", "sources", "mistakes", "follow_ups", "changes")


def test_new_decision_scaffold_is_a_draft_that_validates(run_cli: RunCli, collection: Path) -> None:
    code, out, _ = run_cli(
        "new",
        "decision",
        "cache-vs-read-replica",
        "--category",
        "performance",
        "--cards",
        str(collection),
    )
    assert code == 0
    path = collection / "decisions" / "cache-vs-read-replica.yaml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=../decision.schema.json\n")
    for key in (*OPTIONAL_KEYS, "combining", "litmus_test", "ai_impact", "relations", "summary"):
        assert re.search(rf"^\s*# {key}:", text, re.MULTILINE), f"{key} is not offered"
    assert "#   - id: first-source" in text
    # as written, a draft: valid, with the placeholders listed as to-dos
    code, out, _ = run_cli("validate", str(collection))
    assert code == 0, out
    assert "to do: 'summary' is not written yet" in out
    assert "to do: 'options[2].best_when[1]' is not written yet" in out
    code, out, _ = run_cli("validate", "--no-drafts", str(collection))
    assert code == 1 and "card is a draft" in out
    # with every optional key uncommented and every text written, a valid published card
    filled = _fill_placeholders(text)
    path.write_text(filled)
    code, out, _ = run_cli("validate", "--no-drafts", str(collection))
    assert code == 0, out
    assert "to do" not in out
    path.write_text(filled.replace("[@first-source]", "[@first-sauce]"))
    code, out, _ = run_cli("validate", str(collection))
    assert code == 1 and "(did you mean 'first-source'?)" in out
    # the role form the scaffold shows in a comment validates once written out
    assert '#   - {role: <id in cards/roles.yaml>, note: ""}' in text
    bearers = filled.index("cost_bearers:")
    item = filled.index("\n", bearers) + 1
    item_end = filled.index("\n", item)
    indent = filled[item : filled.index("-", item)]
    role = f"{indent}- role: on-call\n{indent}  note: Paged when the replica lags."
    path.write_text(filled[:item] + role + filled[item_end:])
    code, out, _ = run_cli("validate", str(collection))
    assert code == 0, out


def test_new_failure_mode_scaffold_validates_once_filled(run_cli: RunCli, collection: Path) -> None:
    code, _, _ = run_cli("new", "failure-mode", "cache-stampede", "--cards", str(collection))
    assert code == 0
    path = collection / "failure-modes" / "cache-stampede.yaml"
    assert path.read_text().startswith(
        "# yaml-language-server: $schema=../failure-mode.schema.json\n"
    )
    path.write_text(_fill_placeholders(path.read_text()))
    code, out, _ = run_cli("validate", str(collection))
    assert code == 0, out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("new", "decision", "Bad_Id"), "not a valid id"),
        (("new", "decision", "ab"), "an id is 3 to 80"),
        (("new", "decision", "cache-or-recompute"), "already exists"),
        (("new", "failure-mode", "cache-or-recompute"), "already exists"),
        (
            ("new", "decision", "fresh-card", "--category", "perfromance"),
            "did you mean 'performance'",
        ),
    ],
)
def test_new_refuses(
    run_cli: RunCli, collection: Path, args: tuple[str, ...], message: str
) -> None:
    before = sorted(p.read_bytes() for p in collection.rglob("*.yaml"))
    code, _, err = run_cli(*args, "--cards", str(collection))
    assert code == 2 and message in err
    assert sorted(p.read_bytes() for p in collection.rglob("*.yaml")) == before


def test_committed_schemas_match_the_models() -> None:
    for name, text in schema_texts().items():
        committed = (REPO / "cards" / name).read_text(encoding="utf-8")
        assert committed == text, f"cards/{name} is out of date: run `make schema`"


def test_schema_command_writes_both(run_cli: RunCli, tmp_path: Path) -> None:
    code, _out, _ = run_cli("schema", "--out", str(tmp_path))
    assert code == 0
    schema = json.loads((tmp_path / "decision.schema.json").read_text())
    assert schema["additionalProperties"] is False
    assert "framing" in schema["$defs"]["DecisionCard"]["required"]
    assert json.loads((tmp_path / "failure-mode.schema.json").read_text())["title"] == "FailureMode"


def test_real_collection_is_valid(run_cli: RunCli) -> None:
    code, out, _ = run_cli("validate", str(REPO / "cards"))
    assert code == 0, out


@pytest.mark.slow
def test_check_links_reads_site_url_from_the_project(
    built_example: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    config = built_example.parent / "project" / "mkdocs.yml"
    site = tmp_path / "site"
    shutil.copytree(built_example, site)
    # a page that links root-relative under site_url's path (/tradeoff-cards/)
    (site / "rooted.html").write_text(
        '<!doctype html><a href="/tradeoff-cards/browse/finder/">Find a card</a>', encoding="utf-8"
    )
    code, out, _ = run_cli("check-links", str(site), "--config", str(config))
    assert code == 0, out
    code, out, _ = run_cli("check-links", str(site), "--config", str(config), "--base-path", "/")
    assert code == 1 and "rooted.html" in out  # an explicit flag still wins
    code, _, err = run_cli("check-links", str(built_example), "--config", str(config) + ".missing")
    assert code == 2 and "config file not found" in err


def test_new_with_an_unknown_category_says_where_categories_live(
    run_cli: RunCli, collection: Path
) -> None:
    categories = collection / "categories.yaml"
    before = categories.read_text()
    code, _, err = run_cli(
        "new", "decision", "model-serving", "--category", "ml-ops", "--cards", str(collection)
    )
    assert code == 2
    assert f"Categories are defined in {categories}" in err
    assert "- id: ml-ops\n  title: Ml ops\n  description: Decisions about ml ops.\n" in err
    assert "--new-category" in err
    assert categories.read_text() == before
    assert not (collection / "decisions" / "model-serving.yaml").exists()
    code, out, _ = run_cli(
        "new",
        "decision",
        "model-serving",
        "--category",
        "ml-ops",
        "--new-category",
        "--cards",
        str(collection),
    )
    assert code == 0 and f"added category 'ml-ops' to {categories}" in out
    assert categories.read_text().startswith(before) and "- id: ml-ops" in categories.read_text()
    code, out, _ = run_cli("validate", str(collection))
    assert code == 0, out


def test_a_category_id_too_short_says_why(run_cli: RunCli, collection: Path) -> None:
    code, _, err = run_cli("new", "decision", "model-serving", "--category", "ml")
    assert code == 2 and "an id is 3 to 80 lowercase letters" in err


@pytest.mark.parametrize(
    ("number", "noun", "plural", "expected"),
    [
        (1, "card", None, "1 card"),
        (0, "card", None, "0 cards"),
        (2, "problem", None, "2 problems"),
        (1, "entry", "entries", "1 entry"),
        (3, "entry", "entries", "3 entries"),
        (1200, "link", None, "1,200 links"),
    ],
)
def test_count_words(number: int, noun: str, plural: str | None, expected: str) -> None:
    from generator.cards.wording import count

    assert count(number, noun, plural) == expected


def test_no_count_in_the_output_strings_goes_without_the_helper() -> None:
    """A number printed next to a plural noun, in code or a template, is a '1 cards' waiting to
    happen: every such place goes through count()."""
    number_then_plural = re.compile(
        r"(\{[^{}]*\}|\{\{[^{}]*\}\}) (cards|problems|files|pages|options|decisions|months|"
        r"characters|to-dos|drafts|links|entries|items)\b"
    )
    found = []
    for path in sorted((REPO / "generator").rglob("*")):
        if path.suffix in (".py", ".j2", ".js") and "count(" not in path.name:
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if number_then_plural.search(line) and "count(" not in line:
                    found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert found == [], "\n".join(found)
