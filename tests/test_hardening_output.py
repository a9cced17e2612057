"""What reaches a terminal or a job summary is escaped for it; writers never overwrite."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from generator.cards.problems import FORMATS, Problem, printable
from generator.checks.links import BrokenLink

from .conftest import VALID, RunCli, make_project
from .test_diff import QUEUE, edit, git

# Every way a value could leave its line or its place: a heading, a table, HTML, a terminal
# escape sequence, a direction override, Unicode's own line separators.
HOSTILE = (
    "INJECTED\n# Heading\n\n| a | b |\n|---|---|\n| c | d |\n"
    "<img src=x onerror=alert(1)> <script>x</script>\x1b[2J\x1b]0;title\x07\u202e\u2028x\x85y"
)


def _yaml(value: str) -> str:
    return json.dumps(value)  # a JSON string is a YAML double-quoted scalar


def _terminal_safe(output: str) -> None:
    assert not any(ch in output for ch in "\x1b\x07\u202e\u2028\x85\r")
    for line in output.splitlines():
        assert not line.startswith(("#", "|", "<")), line


def _markdown_safe(output: str, items: int) -> None:
    tokens = MarkdownIt("commonmark").enable("table").parse(output)
    kinds = [t.type for t in tokens]
    assert kinds.count("heading_open") == 1  # the report's own
    assert "table_open" not in kinds and "html_block" not in kinds
    inline = [c.type for t in tokens if t.children for c in t.children]
    assert "html_inline" not in inline and "image" not in inline
    assert kinds.count("list_item_open") == items
    for line in output.splitlines():
        assert line == "" or line.startswith(("### ", "**", "- ", "  - ")), line
    _terminal_safe(output.replace("### Card changes", ""))


def test_problem_lines_stay_one_line_in_every_format() -> None:
    problems = [Problem(f"cards/{HOSTILE}.yaml", 3, 4, f"'{HOSTILE}' is not a valid undo_cost")]
    text = FORMATS["text"](problems, 1)
    assert len(text.splitlines()) == 2
    _terminal_safe(text)
    github = FORMATS["github"](problems, 1)
    assert len(github.splitlines()) == 2 and github.startswith("::error file=cards/")
    _terminal_safe(github)
    assert json.loads(FORMATS["json"](problems, 1))["problems"][0]["message"].startswith("'INJ")


def test_printable_shows_what_it_escapes() -> None:
    assert printable("a\nb\x1b[31m\u202ec") == "a\\nb\\x1b[31m\\u202ec"
    assert printable("ordinary – text ✓") == "ordinary – text ✓"


def test_broken_link_lines_stay_one_line() -> None:
    line = str(BrokenLink(f"{HOSTILE}.html", f"https://x/{HOSTILE}", HOSTILE))
    assert "\n" not in line
    _terminal_safe(line)


def test_validate_reports_hostile_values_and_file_names_inertly(
    collection: Path, run_cli: RunCli
) -> None:
    card = collection / "decisions" / "queue-or-direct-call.yaml"
    card.write_text(card.read_text().replace("undo_cost: moderate", f"undo_cost: {_yaml(HOSTILE)}"))
    shutil.copy(card, collection / "decisions" / "bad\nname\u202e.yaml")
    for fmt in ("text", "github"):
        code, out, _ = run_cli("validate", str(collection), "--format", fmt)
        assert code == 1
        assert "INJECTED" in out and "bad\\nname\\u202e.yaml" in out
        _terminal_safe(out)


@pytest.fixture
def hostile_repo(tmp_path: Path) -> Path:
    """main has the example cards; the working tree puts hostile text in every field the
    report shows: a title, an option's name, list items, a changed value, an invalid value,
    a file name."""
    repo = tmp_path / "repo"
    shutil.copytree(VALID, repo / "cards")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "Cards")
    git(repo, "checkout", "-q", "-b", "x<b>|#y")
    edit(repo, QUEUE, "title: ", f"title: {_yaml(HOSTILE)}\nold_title: ")
    text = (repo / QUEUE).read_text()
    (repo / QUEUE).write_text(
        "\n".join(line for line in text.splitlines() if "old_title" not in line) + "\n"
    )
    edit(repo, QUEUE, "name: Direct call", f"name: {_yaml('Direct ' + HOSTILE)}")
    edit(repo, QUEUE, "strengths: [", f"strengths: [{_yaml(HOSTILE)}, ")
    edit(
        repo,
        QUEUE,
        "wins_when: The answer is needed before replying.",
        f"wins_when: {_yaml(HOSTILE + ' The answer is needed.')}",
    )
    edit(
        repo,
        "cards/decisions/cache-or-recompute.yaml",
        "undo_cost: low",
        f"undo_cost: {_yaml(HOSTILE)}",
    )
    shutil.copy(repo / QUEUE, repo / "cards" / "decisions" / "new\n# card\u202e.yaml")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Hostile")
    return repo


def test_diff_reports_are_escaped_for_the_job_summary_and_the_terminal(
    hostile_repo: Path, run_cli: RunCli
) -> None:
    code, markdown, err = run_cli(
        "diff", "main", "x<b>|#y", "--format", "markdown", cwd=hostile_repo
    )
    assert code == 1, err
    assert markdown.count("INJECTED") >= 5, markdown
    items = sum(1 for line in markdown.splitlines() if line.lstrip().startswith("- "))
    _markdown_safe(markdown, items)
    assert "x&lt;b" in markdown.replace("\\<", "&lt;") or "x\\<b>" in markdown

    code, text, err = run_cli("diff", "main", "x<b>|#y", cwd=hostile_repo)
    assert code == 1, err
    assert text.count("INJECTED") >= 5
    _terminal_safe(text)


# --------------------------------------------------------------------------- writers


def test_export_never_replaces_a_config_file_without_force(tmp_path: Path, run_cli: RunCli) -> None:
    project = make_project(tmp_path / "project", VALID)
    config = project / "mkdocs.yml"
    before = config.read_bytes()
    args = ("export", str(tmp_path / "out"), "--config", str(config))
    code, _, err = run_cli(*args, "--mkdocs-config-out", str(config))
    assert code == 2
    assert f"{config} already exists" in err and "--force" in err
    assert config.read_bytes() == before
    assert not (tmp_path / "out").exists()  # refused before anything was written

    code, _, err = run_cli(*args, "--mkdocs-config-out", str(config), "--force")
    assert code == 0, err
    assert config.read_bytes() != before and "- tradeoff-cards" not in config.read_text()


def test_schema_never_replaces_a_different_file_without_force(
    tmp_path: Path, run_cli: RunCli
) -> None:
    assert run_cli("schema", "--out", str(tmp_path))[0] == 0
    assert run_cli("schema", "--out", str(tmp_path))[0] == 0  # the same content: nothing lost
    mine = tmp_path / "decision.schema.json"
    mine.write_text('{"mine": true}\n')
    code, _, err = run_cli("schema", "--out", str(tmp_path))
    assert code == 2 and f"{mine} already exists with other content" in err
    assert mine.read_text() == '{"mine": true}\n'
    assert run_cli("schema", "--out", str(tmp_path), "--force")[0] == 0
    assert "mine" not in mine.read_text()


# --------------------------------------------------------------------------- messages, not tracebacks


def test_init_over_a_dangling_symlink_is_a_message(tmp_path: Path, run_cli: RunCli) -> None:
    target = tmp_path / "kb"
    target.mkdir()
    (target / "mkdocs.yml").symlink_to(tmp_path / "nowhere" / "mkdocs.yml")
    (target / "README.md").symlink_to(tmp_path / "elsewhere.md")
    code, _, err = run_cli("init", str(target), "--existing")
    assert code == 2
    assert "already has" in err and "README.md" in err and "mkdocs.yml" in err
    assert not (tmp_path / "elsewhere.md").exists() and not (tmp_path / "nowhere").exists()
    assert sorted(p.name for p in target.iterdir()) == ["README.md", "mkdocs.yml"]

    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "missing-folder")
    code, _, err = run_cli("init", str(dangling))
    assert code == 2 and f"{dangling} exists and is not a folder" in err


def test_record_out_naming_a_file_is_a_message(collection: Path, run_cli: RunCli) -> None:
    file = collection.parent / "notes.md"
    file.write_text("mine\n")
    code, _, err = run_cli(
        "record",
        "cache-or-recompute",
        "--chose",
        "cache",
        "--cards",
        str(collection),
        "--out",
        str(file),
    )
    assert code == 2 and f"{file} is not a folder" in err
    assert file.read_text() == "mine\n"


@pytest.mark.parametrize(
    "category",
    [
        "performance\nmalicious_key: injected",
        "performance # comment",
        'performance"',
        "Performance",
        "perf\u202eormance",
    ],
)
def test_new_refuses_a_category_that_is_not_an_id(
    collection: Path, run_cli: RunCli, category: str
) -> None:
    code, _, err = run_cli(
        "new", "decision", "fresh-card", "--cards", str(collection), "--category", category
    )
    assert code == 2 and "is not a category id" in err
    assert "\n" not in err.rstrip("\n") and "\u202e" not in err
    assert not (collection / "decisions" / "fresh-card.yaml").exists()


def test_new_writes_only_valid_category_ids_into_the_scaffold(
    collection: Path, run_cli: RunCli
) -> None:
    categories = collection / "categories.yaml"
    categories.write_text(
        categories.read_text()
        + '- id: "x\\nevil: injected"\n  title: Bad\n  description: A bad id.\n'
    )
    code, _, err = run_cli("new", "decision", "fresh-card", "--cards", str(collection))
    assert code == 0, err
    text = (collection / "decisions" / "fresh-card.yaml").read_text()
    assert "evil" not in text and "performance" in text


def test_new_over_a_dangling_symlink_is_a_message(collection: Path, run_cli: RunCli) -> None:
    link = collection / "failure-modes" / "fresh-mode.yaml"
    link.symlink_to(collection.parent / "elsewhere.yaml")
    code, _, err = run_cli("new", "failure-mode", "fresh-mode", "--cards", str(collection))
    assert code == 2 and "already exists" in err
    assert not (collection.parent / "elsewhere.yaml").exists()
