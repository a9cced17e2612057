"""Linking: references between cards, and the loops `supersedes` must not make."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cards import InvalidCollection, load_catalog


def _supersede(path: Path, *old: str) -> None:
    text = path.read_text(encoding="utf-8")
    if "supersedes:" in text:
        text = text.replace("supersedes: [old-rpc-guidance]", f"supersedes: [{', '.join(old)}]")
    elif "\nrelations:\n" in text:
        text = text.replace("\nrelations:\n", f"\nrelations:\n  supersedes: [{', '.join(old)}]\n")
    else:
        text += f"relations:\n  supersedes: [{', '.join(old)}]\n"
    path.write_text(text, encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_two_cards_superseding_each_other_are_reported_at_each_relation(
    collection: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # queue-or-direct-call already supersedes old-rpc-guidance; make the old one point back
    old = collection / "decisions" / "old-rpc-guidance.yaml"
    _supersede(old, "queue-or-direct-call")
    monkeypatch.chdir(collection.parent)
    with pytest.raises(InvalidCollection) as caught:
        load_catalog(Path("cards"))
    problems = [str(p) for p in caught.value.problems]
    new = collection / "decisions" / "queue-or-direct-call.yaml"
    assert problems == [
        f"cards/decisions/old-rpc-guidance.yaml:{_line_of(old, 'supersedes:')}:16: 'supersedes' goes "
        "round in a loop (old-rpc-guidance → queue-or-direct-call → old-rpc-guidance); a card "
        "cannot end up superseding itself",
        f"cards/decisions/queue-or-direct-call.yaml:{_line_of(new, 'supersedes:')}:16: 'supersedes' "
        "goes round in a loop (queue-or-direct-call → old-rpc-guidance → queue-or-direct-call); a "
        "card cannot end up superseding itself",
    ]


def test_a_longer_loop_names_every_card_on_it(collection: Path) -> None:
    decisions = collection / "decisions"
    _supersede(decisions / "old-rpc-guidance.yaml", "cache-or-recompute")
    _supersede(decisions / "cache-or-recompute.yaml", "queue-or-direct-call")
    with pytest.raises(InvalidCollection) as caught:
        load_catalog(collection)
    messages = [p.message for p in caught.value.problems]
    assert len(messages) == 3
    assert (
        "'supersedes' goes round in a loop (cache-or-recompute → queue-or-direct-call → "
        "old-rpc-guidance → cache-or-recompute); a card cannot end up superseding itself"
    ) in messages


def test_a_chain_without_a_loop_is_fine(collection: Path) -> None:
    _supersede(collection / "decisions" / "cache-or-recompute.yaml", "queue-or-direct-call")
    catalog = load_catalog(collection)
    assert catalog.superseded_by("queue-or-direct-call") == ["cache-or-recompute"]
    assert catalog.superseded_by("old-rpc-guidance") == ["queue-or-direct-call"]


def test_names_lists_what_a_card_refers_to() -> None:
    from .conftest import VALID

    catalog = load_catalog(VALID)
    assert catalog.names["queue-or-direct-call"] >= {"old-rpc-guidance"}
    assert "queue-or-direct-call" in catalog.names["cache-or-recompute"]
    assert "stale-cache-storm" in catalog.names["cache-or-recompute"]
