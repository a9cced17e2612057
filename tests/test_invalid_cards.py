"""Data-driven: each file under tests/cards/invalid/ yields exactly the problems in its .expected file.

Each case is dropped into a copy of the valid collection, so references resolve as they
would in a real pull request. `--update-golden` rewrites the .expected files (review the diff).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.cards import InvalidCollection, load_catalog

from .conftest import INVALID, VALID

CASES = sorted(INVALID.glob("*/*.yaml"))


def _problems_for(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    cards = tmp_path / "cards"
    shutil.copytree(VALID, cards)
    shutil.copyfile(case, cards / case.parent.name / case.name)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidCollection) as caught:
        load_catalog(Path("cards"))
    prefix = f"cards/{case.parent.name}/{case.name}:"
    lines = [str(p) for p in caught.value.problems]
    others = [line for line in lines if not line.startswith(prefix)]
    assert not others, f"problems reported in files other than the case: {others}"
    return [line[len(prefix) :] for line in lines]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.stem}" for c in CASES])
def test_invalid_case(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    got = _problems_for(case, tmp_path, monkeypatch)
    expected_file = case.with_suffix(".expected")
    if request.config.getoption("--update-golden"):
        expected_file.write_text("\n".join(got) + "\n", encoding="utf-8")
    expected = expected_file.read_text(encoding="utf-8").splitlines()
    assert got == expected


def test_every_case_has_expectations() -> None:
    missing = [c.name for c in CASES if not c.with_suffix(".expected").is_file()]
    assert not missing
    assert len(CASES) >= 40


def test_five_mistakes_give_five_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    got = _problems_for(INVALID / "decisions" / "five-mistakes.yaml", tmp_path, monkeypatch)
    assert len(got) == 5
    assert len({line.split(":")[0] for line in got}) == 5  # five different lines
