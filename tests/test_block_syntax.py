"""Block syntax in card text: a warning at its line and column, naming the field; never an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import RunCli

CARD = "queue-or-direct-call"


@pytest.mark.parametrize(
    ("written", "what"),
    [
        ("!!! warning\n    Watch the retries.", "an admonition ('!!!')"),
        ("## Why\n\nBoth work in the demo.", "a heading ('#')"),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "a table ('|')"),
        ("```\nretry(3)\n```", "fenced code ('```')"),
        ("> Both work in the demo.", "a block quote ('>')"),
        ("Both work:\n- in the demo\n- in staging", "a list item ('- ')"),
    ],
)
def test_block_syntax_is_a_warning_at_its_line(
    run_cli: RunCli, collection: Path, written: str, what: str
) -> None:
    path = collection / "decisions" / f"{CARD}.yaml"
    block = "\n".join("    " + line if line else "" for line in written.split("\n"))
    text = path.read_text().replace(
        "  why_hard: Both work in the demo.\n", f"  why_hard: |\n{block}\n"
    )
    path.write_text(text)
    first_line = next(line for line in written.split("\n") if _starts_block(line))
    line = text.split("\n").index("    " + first_line) + 1
    code, out, _ = run_cli("validate", str(collection))
    assert code == 0, out
    assert f"{CARD}.yaml:{line}:5: warning: 'framing.why_hard' has {what}, which a card text" in out
    assert "card text takes inline Markdown only" in out
    assert out.splitlines()[-1].endswith("; 1 warning")
    code, out, _ = run_cli("validate", "--format", "github", str(collection))
    assert (
        code == 0 and f"::warning file={collection}/decisions/{CARD}.yaml,line={line},col=5" in out
    )


def _starts_block(line: str) -> bool:
    return line[:1] in "!#|`>" or line.startswith("- ")


def test_inline_markdown_and_paragraphs_give_no_warning(run_cli: RunCli, collection: Path) -> None:
    path = collection / "decisions" / f"{CARD}.yaml"
    text = path.read_text().replace(
        "  why_hard: Both work in the demo.\n",
        "  why_hard: |\n    Both *work* in the `demo` (see [#1](https://example.org/#1)).\n\n"
        "    A second paragraph, with 3 > 2 | 1 and a C# note.\n",
    )
    path.write_text(text)
    code, out, _ = run_cli("validate", str(collection))
    assert code == 0 and "warning" not in out, out


def test_the_contributor_docs_say_what_a_text_accepts() -> None:
    from generator.cards import block_syntax

    from .conftest import REPO

    kinds = {
        what.split(" (")[0].removeprefix("an ").removeprefix("a ")
        for _, what in block_syntax._BLOCKS
    }
    kinds.add("list")
    for page in (REPO / "docs" / "contribute" / "index.md", REPO / "CONTRIBUTING.md"):
        text = page.read_text(encoding="utf-8").replace("\n", " ")
        for kind in kinds:
            assert kind in text, f"{page.name} does not say a text cannot show {kind}"
        for accepted in ("*emphasis*", "`code`", "[@", "blank line"):
            assert accepted in text, f"{page.name} does not say a text takes {accepted}"
