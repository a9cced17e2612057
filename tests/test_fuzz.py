"""Property tests: whatever bytes or YAML arrive, the loader and validator give clean problems.

`pytest tests/test_fuzz.py --fuzz-examples N` (or `make fuzz`) runs each property with N examples;
the default run in `make test` is short and derandomised.
"""

from __future__ import annotations

import os
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cards import InvalidCollection, load_catalog
from generator.cards.loader import LoadError, decode, load
from generator.cards.models import DecisionCard

from .conftest import REPO, VALID

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "0")) or None


def _settings(default: int) -> Any:
    return settings(
        max_examples=EXAMPLES or default,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        derandomize=EXAMPLES is None,  # the short run is the same on every machine
    )


def _clean(fn: Callable[..., Any], *args: Any) -> Any:
    """Run fn; only LoadError (a clean, positioned problem) may escape."""
    try:
        return fn(*args)
    except LoadError as exc:
        assert exc.line >= 1 and exc.column >= 1 and exc.message
        return None


@_settings(300)
@given(st.binary(max_size=2048))
def test_random_bytes(raw: bytes) -> None:
    text = _clean(decode, raw)
    if text is not None:
        _clean(load, text)


YAML_ALPHABET = st.sampled_from(
    [*list("abc:- \n\t'\"[]{}#&*!|>%@`,?~0123.\\\ufeff\u200b"), "---", "...", "!!str ", "- ", ": "]
)


@_settings(400)
@given(st.lists(YAML_ALPHABET, max_size=120).map("".join))
def test_random_yaml_like_text(text: str) -> None:
    doc = _clean(load, text)
    if doc is not None:
        _assert_plain(doc.data)


def _assert_plain(data: object) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            assert isinstance(key, str)
            _assert_plain(value)
    elif isinstance(data, list):
        for value in data:
            _assert_plain(value)
    else:
        assert isinstance(data, str)


REAL_CARDS = sorted((REPO / "cards" / "decisions").glob("*.yaml")) + sorted(
    (VALID / "decisions").glob("*.yaml")
)


def _mutate(text: str, rnd: random.Random) -> str:
    lines = text.splitlines(keepends=True)
    for _ in range(rnd.randint(1, 4)):
        if not lines:
            break
        i = rnd.randrange(len(lines))
        kind = rnd.randrange(7)
        if kind == 0:
            del lines[i]
        elif kind == 1:
            lines.insert(i, lines[rnd.randrange(len(lines))])  # duplicate a line elsewhere
        elif kind == 2:
            lines[i] = "  " + lines[i]  # indent
        elif kind == 3:
            lines[i] = lines[i].lstrip(" ")  # dedent
        elif kind == 4:
            pos = rnd.randrange(len(lines[i]) + 1)
            lines[i] = (
                lines[i][:pos]
                + rnd.choice(
                    [":", "- ", "&x ", "*x", "!!int ", "\t", "'", "[", "{", "#", "\x00", "\u00e9"]
                )
                + lines[i][pos:]
            )
        elif kind == 5:
            lines[i] = lines[i].replace(":", "", 1)
        else:
            j = rnd.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
    return "".join(lines)


@_settings(150)
@given(st.sampled_from(REAL_CARDS), st.integers(0, 2**32 - 1))
def test_mutated_real_cards_validate_or_fail_cleanly(card: Path, seed: int) -> None:
    text = _mutate(card.read_text(encoding="utf-8"), random.Random(seed))
    doc = _clean(load, text)
    if doc is None:
        return
    from pydantic import ValidationError

    from generator.cards.validation import problems_from_validation

    try:
        DecisionCard.model_validate(doc.data)
    except ValidationError as exc:
        problems = problems_from_validation(exc, doc, DecisionCard, "card.yaml")
        assert problems and all(p.line >= 1 and p.column >= 1 and p.message for p in problems)


@_settings(150)
@given(st.sampled_from(REAL_CARDS), st.integers(0, 2**32 - 1))
def test_mutated_drafts_validate_or_fail_cleanly(card: Path, seed: int) -> None:
    from generator.cards.drafts import UNWRITTEN, check, unwritten_todos
    from generator.cards.validation import problems_from_validation

    text = card.read_text(encoding="utf-8").replace("\nreviewed:", "\nstatus: draft\nreviewed:", 1)
    text = re.sub(r"(?m)^(\s*)(summary|heuristic|why_hard|wins_when): .*$", r'\1\2: ""', text)
    doc = _clean(load, _mutate(text, random.Random(seed)))
    if doc is None:
        return
    checked = check(DecisionCard, doc.data)
    todos = unwritten_todos(checked.unwritten, doc, "card.yaml")
    assert all(t.line >= 1 and t.column >= 1 and t.message for t in todos)
    if checked.error is not None:
        problems = problems_from_validation(checked.error, doc, DecisionCard, "card.yaml")
        assert problems and all(p.line >= 1 and p.column >= 1 and p.message for p in problems)
    elif checked.model is not None and checked.unwritten:
        assert UNWRITTEN in checked.model.model_dump_json()


@_settings(25)
@given(seed=st.integers(0, 2**32 - 1))
def test_mutated_collections_report_through_the_catalog(
    seed: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cards = tmp_path_factory.mktemp("fuzz") / "cards"
    shutil.copytree(VALID, cards)
    rnd = random.Random(seed)
    victim = rnd.choice(sorted(cards.rglob("*.yaml")))
    victim.write_text(_mutate(victim.read_text(), rnd), encoding="utf-8")
    try:
        load_catalog(cards)
    except InvalidCollection as exc:
        assert exc.problems
        assert all(p.line >= 1 and p.column >= 1 and p.message for p in exc.problems)
