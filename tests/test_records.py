"""Decision records on the site: read from their folder, linked both ways with the cards, and
marked when they are due for a re-visit."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest

from generator.cards import load_catalog
from generator.site.page import SiteSettings
from generator.site.plan import build_plan
from generator.site.records import (
    decided,
    due_reasons,
    parse_record,
    read_records,
    record_note,
    with_note,
)

from .conftest import VALID, RunCli

TODAY = dt.date(2026, 12, 3)
CARD = "cache-or-recompute"  # reviewed 2026-10-02, every 6 months
CHANGES = "changes:\n  - date: 2026-11-20\n    note: Added the *precompute* option's costs.\n"
HOSTILE = '<img src=x onerror="alert(1)"> [link](javascript:alert(2)) *emphasis*'


def _record(
    card: str = CARD, option: str = "cache", day: str = "2026-11-01", title: str = ""
) -> str:
    return (
        f"---\nstatus: accepted\ndate: {day}\ncard: {card}\noption: {option}\n---\n\n"
        f"# {title or 'Cache the price'}\n\nBody.\n"
    )


def _docs(tmp_path: Path, records: dict[str, str]) -> Path:
    docs = tmp_path / "docs"
    (docs / "adr").mkdir(parents=True)
    for name, text in records.items():
        (docs / "adr" / name).write_text(text, encoding="utf-8")
    return docs


def test_front_matter_gives_the_card_option_status_and_date() -> None:
    record = parse_record("adr/0007-cache.md", _record())
    assert (record.number, record.label, record.title) == (7, "0007", "Cache the price")
    assert (record.status, record.date) == ("accepted", dt.date(2026, 11, 1))
    assert (record.card, record.option) == (CARD, "cache")


@pytest.mark.parametrize(
    ("text", "status", "date"),
    [
        # MADR 2: status and date as list items
        (
            "# Use Postgres\n\n* Status: superseded\n* Date: 2019-03-04\n",
            "superseded",
            "2019-03-04",
        ),
        # adr-tools: a Status section and a Date line
        (
            "# 1. Record decisions\n\nDate: 2018-01-02\n\n## Status\n\nAccepted\n",
            "Accepted",
            "2018-01-02",
        ),
        # nothing to go by
        ("Just text.\n", "unknown", None),
    ],
)
def test_hand_written_records_without_a_card_are_read_too(
    text: str, status: str, date: str | None
) -> None:
    record = parse_record("adr/use-postgres.md", text)
    assert record.card is None and record.number is None
    assert record.status == status
    assert record.date == (dt.date.fromisoformat(date) if date else None)


def test_an_unreadable_front_matter_is_ignored_not_fatal() -> None:
    record = parse_record("adr/0001-x.md", "---\ncard: [unclosed\n---\n# Title\n")
    assert (record.card, record.title) == (None, "Title")


def test_read_records_skips_the_index_and_orders_by_number(tmp_path: Path) -> None:
    docs = _docs(
        tmp_path,
        {"0010-b.md": _record(), "0002-a.md": _record(), "index.md": "# Log\n", "notes.md": "x"},
    )
    paths = [r.path for r in read_records(docs, "adr")]
    assert paths == ["adr/0002-a.md", "adr/0010-b.md", "adr/notes.md"]


def test_due_when_the_card_changed_after_the_record(collection: Path) -> None:
    path = collection / "decisions" / f"{CARD}.yaml"
    path.write_text(path.read_text() + CHANGES)
    card = load_catalog(collection).decisions[CARD].model
    before = parse_record("adr/0001-a.md", _record(day="2026-11-01"))
    after = parse_record("adr/0002-a.md", _record(day="2026-11-25"))
    [reason] = due_reasons(before, card, TODAY)
    assert reason.startswith("the card changed on 2026-11-20: Added the")
    assert due_reasons(after, card, TODAY) == ()


def test_due_when_the_review_interval_passed_or_the_option_is_gone() -> None:
    card = load_catalog(VALID).decisions[CARD].model
    old = parse_record("adr/0001-a.md", _record(day="2026-06-03"))
    assert due_reasons(old, card, TODAY) == (
        "decided 2026-06-03, more than 6 months ago (the card's review interval)",
    )
    assert due_reasons(parse_record("adr/0001-a.md", _record(day="2026-06-04")), card, TODAY) == ()
    gone = parse_record("adr/0001-a.md", _record(option="memoize"))
    assert due_reasons(gone, card, TODAY) == ("the card has no option 'memoize' any more",)
    missing = parse_record("adr/0001-a.md", _record(card="no-such-card"))
    assert due_reasons(missing, None, TODAY) == ("no card 'no-such-card' in this collection",)


def test_the_record_note_links_card_and_option_and_escapes_what_it_shows() -> None:
    catalog = load_catalog(VALID)
    record = parse_record("adr/0001-a.md", _record(day="2025-01-01"))
    [item] = decided([record], catalog, TODAY)
    note = record_note(item)
    assert '<a href="../../decisions/cache-or-recompute/">' in note
    assert 'href="../../decisions/cache-or-recompute/#option-cache"' in note
    assert "Due for a re-visit" in note and "more than 6 months ago" in note
    placed = with_note("---\nstatus: x\n---\n\n# Title\n\nBody.\n", note)
    assert placed.index("# Title") < placed.index("tc-record-note") < placed.index("Body.")


def _plan(tmp_path: Path, records: dict[str, str]) -> object:
    docs = _docs(tmp_path, records)
    settings = SiteSettings(records=read_records(docs, "adr"))
    return build_plan(load_catalog(VALID), settings, today=TODAY)


def test_the_card_page_the_log_the_data_and_llms_txt_list_the_records(tmp_path: Path) -> None:
    plan = _plan(
        tmp_path,
        {
            "0001-cache.md": _record(day="2025-01-01"),
            "0002-hostile.md": _record(option="precompute", title=HOSTILE),
            "0003-by-hand.md": "# Use Postgres\n\n* Status: accepted\n* Date: 2020-02-02\n",
        },
    )
    card = plan.pages[f"decisions/{CARD}.md"].markdown  # type: ignore[attr-defined]
    decided_here = card[card.index('id="decided-here"') :]
    assert '<a href="../../adr/0001-cache/">0001: Cache the price</a>' in decided_here
    assert 'chose <a href="#option-cache">' in decided_here
    assert "Due for a re-visit" in decided_here
    assert "0003" not in decided_here  # names no card
    # an untrusted title stays text: escaped, no live markup or link
    assert "<img" not in card and "&lt;img src=x" in card
    assert "[link](javascript:alert(2)) *emphasis*</a>" in card  # shown as written
    assert 'href="javascript' not in card.lower()
    log = plan.pages["adr/index.md"].markdown  # type: ignore[attr-defined]
    rows = re.findall(r"<tr data-status=.*?</tr>", log, re.S)
    assert len(rows) == 3
    assert 'data-card="cache-or-recompute" data-due="yes"' in rows[0]
    assert '<a href="0003-by-hand/">Use Postgres</a>' in rows[2] and "2020-02-02" in rows[2]
    assert "<img" not in log and 'href="javascript' not in log.lower()
    files = plan.files  # type: ignore[attr-defined]
    [entry] = [d for d in json.loads(files["api/cards.json"])["decisions"] if d["id"] == CARD]
    assert [r["number"] for r in entry["records"]] == [2, 1]  # newest first
    assert entry["records"][1] == {
        "number": 1,
        "title": "Cache the price",
        "status": "accepted",
        "date": "2025-01-01",
        "option": "cache",
        "url": "adr/0001-cache/",
    }
    assert "- [Decision log](adr/): every decision record" in files["llms.txt"]
    notes = plan.record_notes  # type: ignore[attr-defined]
    assert set(notes) == {"adr/0001-cache.md", "adr/0002-hostile.md"}
    nav = plan.navigation(["adr/0001-cache.md", "adr/0003-by-hand.md", "about.md"])  # type: ignore[attr-defined]
    assert {"Decision log": ["adr/index.md", "adr/0001-cache.md", "adr/0003-by-hand.md"]} in nav
    assert "about.md" in nav


def test_without_records_there_is_no_log(tmp_path: Path) -> None:
    plan = build_plan(load_catalog(VALID), today=TODAY)
    assert "adr/index.md" not in plan.pages
    assert "Decision log" not in plan.files["llms.txt"]


def test_records_due_lists_the_due_and_fails_only_when_strict(
    tmp_path: Path, run_cli: RunCli
) -> None:
    kb = tmp_path / "kb"
    (kb / "cards").mkdir(parents=True)
    shutil.copytree(VALID, kb / "cards", dirs_exist_ok=True)
    (kb / "mkdocs.yml").write_text("site_name: x\nplugins:\n  - tradeoff-cards\n")
    _docs(kb, {"0001-old.md": _record(day="2000-01-01"), "0002-new.md": _record(day="2100-01-01")})
    code, out, err = run_cli("records", cwd=kb)
    assert code == 0 and out.count("docs/adr/") == 2
    code, out, err = run_cli("records", "--due", cwd=kb)
    assert code == 0
    assert out.splitlines()[0].startswith("docs/adr/0001-old.md: 0001 Cache the price (accepted")
    assert "due for a re-visit: decided 2000-01-01" in out and "0002" not in out
    assert "1 of 2 records due for a re-visit" in err
    code, _, _ = run_cli("records", "--due", "--strict", cwd=kb)
    assert code == 1
    (kb / "docs" / "adr" / "0001-old.md").unlink()
    code, out, _ = run_cli("records", "--due", "--strict", cwd=kb)
    assert code == 0 and out == ""
