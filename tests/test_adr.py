"""Decision records drafted from a card: MADR 4 sections, numbering, text that stays text."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from generator.cards import load_catalog
from generator.site import adr

from .conftest import REPO, TESTS, VALID, RunCli

DAY = dt.date(2026, 11, 21)
HOSTILE = TESTS / "cards" / "hostile" / "decisions" / "quotes-and-scripts.yaml"
MADR_HEADINGS = [
    "# ",
    "## Context and Problem Statement",
    "## Decision Drivers",
    "## Considered Options",
    "## Decision Outcome",
    "### Consequences",
    "### Confirmation",
    "## More Information",
]


def _headings(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("#")]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> adr.RecordParts:
    import shutil

    cards = tmp_path_factory.mktemp("hostile") / "cards"
    shutil.copytree(VALID, cards)
    shutil.copy(HOSTILE, cards / "decisions")
    entry = load_catalog(cards).decisions["quotes-and-scripts"]
    return adr.record_parts(entry.id, entry.model, "https://cards.example/")


def test_a_record_has_the_madr_sections_in_order_filled_from_the_card() -> None:
    card = load_catalog(VALID).decisions["cache-or-recompute"].model
    parts = adr.record_parts("cache-or-recompute", card, "https://cards.example/site/")
    text = adr.compose(parts, "precompute", DAY, signals=["Dashboards are read every morning."])

    assert text.startswith(
        "---\nstatus: accepted\ndate: 2026-11-21\ncard: cache-or-recompute\n"
        "option: precompute\n---\n\n"
    )
    headings = _headings(text)
    assert [h if h.startswith("##") else "# " for h in headings] == MADR_HEADINGS
    assert headings[0] == "# Cache | recompute | precompute: Precompute"
    section = dict(re.findall(r"^(#+ [^\n]+)\n\n(.*?)(?=^#|\Z)", text, re.M | re.S))
    context = section["## Context and Problem Statement"]
    assert card.decision in context and "Who owns **staleness**" in context
    drivers = section["## Decision Drivers"]
    assert "* Read to write ratio[\\[2\\]](https://www.rfc-editor.org/rfc/rfc9111).\n" in drivers
    assert drivers.endswith("* In our context: Dashboards are read every morning.\n\n")
    assert section["## Considered Options"].splitlines()[:3] == [
        "* Cache: Keep the last result with a &lt;abbr>TTL&lt;/abbr>.",
        "* Recompute",
        "* Precompute",
    ]
    assert section["## Decision Outcome"] == (
        'Chosen option: "Precompute".\n\nWhere it wins: Inputs change daily and readers are many.\n\n'
    )
    assert section["### Consequences"].splitlines() == [
        "* Good: Reads are a single lookup.",
        "* Good: Heavy work runs off-peak.",
        "* Bad: A batch job to schedule and watch.",
        "* Bad: Storage for every result.",
        "* Bad, found later: The job's runtime creeps past its window.",
        "* Bad, found later: Backfills after a logic change.",
        # what the choice avoids: the up-front costs of the options not chosen
        "* Avoided, a cost of Cache: Invalidation logic in every writer.",
        "* Avoided, a cost of Cache: A second store to run.",
        "* Avoided, a cost of Recompute: CPU on every request.",
        "* Avoided, a cost of Recompute: Latency grows with data size.",
        "",
    ]
    assert "* A profile of the slow path." in section["### Confirmation"]
    more = section["## More Information"]
    assert "Undo cost: low." in more and "* Hit rate falls under 50 %." in more
    assert (
        "[Cache | recompute | precompute](https://cards.example/site/decisions/cache-or-recompute/)"
        ", reviewed 2026-10-02." in more
    )
    assert text.endswith(")\n") and "\n\n\n" not in text


def test_a_title_and_signals_are_the_readers_text() -> None:
    card = load_catalog(VALID).decisions["cache-or-recompute"].model
    parts = adr.record_parts("cache-or-recompute", card)
    text = adr.compose(parts, "cache", DAY, title="  Cache  the <price> ", signals=["", " "])
    assert _headings(text)[0] == "# Cache the &lt;price>"
    assert "In our context" not in text  # blank signals are left out
    assert "`cache-or-recompute`" in text  # no site URL: the card is named by its id
    with pytest.raises(KeyError):
        adr.compose(parts, "memoize", DAY)


def test_every_generated_sentence_reads_as_a_sentence_for_every_card_and_option() -> None:
    """The record's own words never continue into a card's text ("Good, because ordering per
    key within a partition" does not parse): each card text follows a label and a colon, whole,
    whether it is a sentence or a phrase."""
    catalog = load_catalog(REPO / "cards")
    labels = re.compile(
        r"\* (?:Good|Bad|Bad, found later|Avoided, a cost of [^:]+|In our context|"
        r"Considered against it): \S"
    )
    checked = 0
    for card_id, entry in catalog.decisions.items():
        parts = adr.record_parts(card_id, entry.model)
        for option in entry.model.options:
            text = adr.compose(parts, option.key, DAY, signals=["A"], against=["B"])
            outcome = text.split("## Decision Outcome\n\n", 1)[1].split("\n\n")[:2]
            assert re.fullmatch(r'Chosen option: ".+"\.', outcome[0]), outcome
            assert outcome[1].startswith("Where it wins: "), outcome
            consequences = text.split("### Consequences\n\n", 1)[1].split("\n\n", 1)[0]
            for line in consequences.splitlines():
                assert labels.match(line), (card_id, option.key, line)
            checked += 1
    assert checked >= 150


def test_ticks_for_other_options_are_considered_against_the_choice(run_cli: RunCli) -> None:
    code, text, err = run_cli(
        *("record", "rag-vs-fine-tuning", "--chose", "rag", "--out", "-", "--date", "2026-11-21"),
        *("--config", str(REPO / "mkdocs.yml"), "--status", "proposed"),
        *("--signal", "Answers need a source."),
        *("--against", "The style must match our brand voice."),
    )
    assert code == 0, err
    assert text.startswith("---\nstatus: proposed\n")
    drivers = text.split("## Decision Drivers\n\n", 1)[1].split("\n## ", 1)[0]
    assert drivers.rstrip().splitlines()[-2:] == [
        "* In our context: Answers need a source.",
        "* Considered against it: The style must match our brand voice.",
    ]


def test_raw_html_in_a_card_stays_text_in_the_record(hostile: adr.RecordParts) -> None:
    text = adr.compose(
        hostile,
        "safe",
        DAY,
        title='<img src=x onerror="alert(1)">',
        signals=["</script>", "- a signal that looks like a list item"],
    )
    assert "<" not in text.replace("&lt;", "")
    # rendered by a renderer that passes raw HTML through, nothing becomes an element
    html = MarkdownIt("commonmark").render(text)
    for tag in ("<script", "<img", "<svg", "<i ", "<b>", '<a href="javascript'):
        assert tag not in html, tag
    assert "Is &lt;/template&gt;&lt;script&gt;window.__xss='decision'&lt;/script&gt; text?" in html
    assert "&lt;a href=&quot;javascript:window.__xss='href'&quot;&gt;link&lt;/a&gt;" in html
    # "# not a heading" and "- a signal ..." stay list items, not a heading or a nested list
    assert html.count("<h1>") == 1 and "<li>Bad: # not a heading</li>" in html
    assert "<li>In our context: - a signal that looks like a list item</li>" in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# heading", "\\# heading"),
        ("> quote", "\\> quote"),
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("* item", "\\* item"),
        ("***", "\\***"),
        ("1. first", "1\\. first"),
        ("2) second", "2\\) second"),
        ("```", "\\```"),
        ("[ref]: https://example.org", "\\[ref]: https://example.org"),
        ("C #", "C \\#"),
        ("&amp; and & and &#60;", "&amp;amp; and & and &amp;#60;"),
        ("*emphasis* and `<code>`", "*emphasis* and `&lt;code>`"),
        ("two\n\nlines\tand  spaces", "two lines and spaces"),
        ("[a link](https://example.org)", "[a link](https://example.org)"),
    ],
)
def test_md_text_escapes_what_would_become_markup(text: str, expected: str) -> None:
    assert adr.md_text(text) == expected


@settings(max_examples=500, deadline=None, derandomize=True)
@given(
    st.lists(
        st.sampled_from([*"ab #>+*-`~[]()_019.:&<;\t\n\ue000\ue001\\!", "](", "&amp;", " #"]),
        max_size=12,
    ).map("".join)
)
def test_a_text_left_as_it_is_is_what_escaping_it_gives(text: str) -> None:
    """md_text returns most texts untouched without escaping them: only where that is exact."""
    assert adr.md_text(text) == adr._escaped_line(text)


def test_records_are_numbered_after_the_highest_and_never_overwritten(tmp_path: Path) -> None:
    folder = tmp_path / "decisions"
    assert adr.next_number(folder) == 1
    folder.mkdir()
    for name in ("0001-first.md", "0007-seventh.md", "notes.md", "12-short.md", "0009-x.txt"):
        (folder / name).write_text("kept\n")
    assert adr.next_number(folder) == 8
    path = adr.write_record(folder, "text\n", "cache")
    assert path.name == "0008-cache.md" and path.read_text() == "text\n"
    assert adr.write_record(folder, "again\n", "cache").name == "0009-cache.md"
    assert (folder / "0008-cache.md").read_text() == "text\n"


def test_a_number_taken_meanwhile_moves_the_record_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "0003-taken.md").write_text("kept\n")
    monkeypatch.setattr(adr, "next_number", lambda folder: 3)
    (tmp_path / "0003-cache.md").write_text("someone else's\n")
    path = adr.write_record(tmp_path, "mine\n", "cache")
    assert path.name == "0004-cache.md"
    assert (tmp_path / "0003-cache.md").read_text() == "someone else's\n"


def test_slug() -> None:
    assert adr.slug("RAG vs fine-tuning: Retrieval (RAG)") == "rag-vs-fine-tuning-retrieval-rag"
    assert adr.slug("Café über <script>") == "cafe-uber-script"
    assert adr.slug("!!!") == ""


# --------------------------------------------------------------------------- the CLI


def test_record_writes_a_numbered_record_for_a_real_card(run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "docs" / "decisions"
    args = (
        "record",
        "rag-vs-fine-tuning",
        "--chose",
        "rag",
        "--config",
        str(REPO / "mkdocs.yml"),
        "--out",
        str(out),
        "--date",
        "2026-11-21",
        "--signal",
        "Answers must carry a source a user or auditor can open and check.",
    )
    code, stdout, stderr = run_cli(*args)
    assert code == 0, stderr
    path = out / "0001-rag-vs-fine-tuning-rag.md"
    assert stdout == f"wrote {path}\n"
    text = path.read_text(encoding="utf-8")
    assert [h if h.startswith("##") else "# " for h in _headings(text)] == MADR_HEADINGS
    assert "# RAG vs fine-tuning: Retrieval-augmented generation (RAG)\n" in text
    assert "date: 2026-11-21" in text
    assert "* In our context: Answers must carry a source a user or auditor can open" in text
    assert 'Chosen option: "Retrieval-augmented generation (RAG)".\n\nWhere it wins: ' in text
    assert "(https://tradeoff-cards.github.io/tradeoff-cards/decisions/rag-vs-fine-tuning/)" in text
    # a second record goes after it; --out - prints the same text as the file
    assert run_cli(*args)[0] == 0 and (out / "0002-rag-vs-fine-tuning-rag.md").is_file()
    code, printed, _ = run_cli(*args[:-8], "--date", "2026-11-21", *args[-2:], "--out", "-")
    assert code == 0 and printed == text


def test_each_signal_flag_is_one_signal_however_it_is_quoted(run_cli: RunCli) -> None:
    code, text, err = run_cli(
        *("record", "rag-vs-fine-tuning", "--chose", "rag", "--out", "-", "--date", "2026-11-21"),
        *("--config", str(REPO / "mkdocs.yml")),
        *("--signal", "Only", "one", "model", "today"),
        *("--signal", "Answers need a source."),
    )
    assert code == 0, err
    drivers = [line for line in text.splitlines() if line.startswith("* In our context: ")]
    assert drivers == [
        "* In our context: Only one model today",
        "* In our context: Answers need a source.",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("rag-vs-fine-tunin", "--chose", "rag"), "did you mean 'rag-vs-fine-tuning'?"),
        (("rag-vs-fine-tuning", "--chose", "rg"), "its options are: rag, fine-tuning"),
        (("rag-vs-fine-tuning", "--chose", "rag", "--date", "21/11/2026"), "YYYY-MM-DD"),
    ],
)
def test_record_refuses_what_it_cannot_write(
    run_cli: RunCli, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    code, stdout, stderr = run_cli(
        "record", *args, "--config", str(REPO / "mkdocs.yml"), "--out", str(tmp_path)
    )
    assert code == 2 and message in stderr and stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_a_record_links_the_sources_its_option_and_drivers_cite() -> None:
    card = load_catalog(VALID).decisions["cache-or-recompute"].model
    parts = adr.record_parts("cache-or-recompute", card)
    cache = adr.compose(parts, "cache", dt.date(2026, 11, 21))
    assert "above 90 %[\\[1\\]](https://research.google/pubs/the-tail-at-scale/).\n" in cache
    assert cache.endswith(
        "Sources cited for this option and the decision drivers:\n\n"
        "* \\[1\\] [The tail at scale](https://research.google/pubs/the-tail-at-scale/) "
        "(research.google)\n"
        "* \\[2\\] [HTTP caching (RFC 9111)](https://www.rfc-editor.org/rfc/rfc9111) "
        "(rfc-editor.org)\n"
    )
    assert "[@" not in cache
    # Recompute's own texts cite nothing: only the drivers' source is listed.
    recompute = adr.compose(parts, "recompute", dt.date(2026, 11, 21))
    assert "The tail at scale" not in recompute and "* \\[2\\] [HTTP caching" in recompute
