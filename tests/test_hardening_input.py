"""Hostile card folders: nesting that crashes parsers, dying workers, symbolic links."""

from __future__ import annotations

import faulthandler
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cards import InvalidCollection, load_catalog, reading
from generator.cards.parallel import WorkerDied, map_halves

from .conftest import VALID, make_project, mkdocs_build

# About 60 KB, far below the size limit, and deep enough to overflow the C composer's stack.
DEEP = "title: " + "[" * 30_000 + "]" * 30_000 + "\n"
DEEP_WHERE = "deep-card.yaml:1:71: nested more than 64 levels deep"


def _tradeoffs(cwd: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    # A subprocess: a crash must fail the test, not end the test run.
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


def _with_deep_card(root: Path, extra_cards: int = 0) -> Path:
    cards = root / "cards"
    shutil.copytree(VALID, cards)
    decisions = cards / "decisions"
    template = (decisions / "cache-or-recompute.yaml").read_text()
    for number in range(extra_cards):
        (decisions / f"copy-{number:03}.yaml").write_text(template)
    (decisions / "deep-card.yaml").write_text(DEEP)
    return cards


@pytest.mark.parametrize("extra_cards", [0, 200])
def test_deep_nesting_is_a_positioned_problem_in_validate(tmp_path: Path, extra_cards: int) -> None:
    _with_deep_card(tmp_path, extra_cards)
    result = _tradeoffs(tmp_path, "validate", "cards")
    assert result.returncode == 1, result.stderr
    assert f"cards/decisions/{DEEP_WHERE}" in result.stdout


@pytest.mark.slow
def test_deep_nesting_is_a_positioned_problem_in_build_and_the_plugin(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", _with_deep_card(tmp_path))
    built = _tradeoffs(project, "build", "--out", "site")
    assert built.returncode == 1 and DEEP_WHERE in built.stderr
    plugin = mkdocs_build(project, tmp_path / "site")
    assert plugin.returncode != 0 and DEEP_WHERE in plugin.stderr + plugin.stdout


def test_deep_nesting_is_a_positioned_problem_in_diff(tmp_path: Path) -> None:
    from .test_diff import git

    repo = tmp_path / "repo"
    shutil.copytree(VALID, repo / "cards")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "Cards")
    (repo / "cards" / "decisions" / "deep-card.yaml").write_text(DEEP)
    result = _tradeoffs(repo, "diff", "main", "--format", "markdown")
    assert result.returncode == 1, result.stderr
    assert "nested more than 64 levels deep" in result.stdout
    assert "1:71" in result.stdout


def _die_on(item: str) -> str:
    if item == "boom":
        os.kill(os.getpid(), signal.SIGKILL)
    return item.upper()


def test_a_dying_worker_is_reported_and_the_rest_computed() -> None:
    items = ["a", "b", "c", "d", "boom", "e", "f"]  # "boom" falls in the child's half
    results = map_halves(_die_on, items, parallel=True, on_death=lambda i, why: f"{i}: {why}")
    assert results == ["A", "B", "C", "D", "boom: killed by SIGKILL", "E", "F"]
    with pytest.raises(WorkerDied, match=r"killed by SIGKILL.*'boom'"):
        map_halves(_die_on, items, parallel=True)


def _fail_on(item: int) -> int:
    if item == 290:
        raise ValueError(f"no square for {item}")
    return item * item


def test_the_childs_half_comes_back_whole_batch_after_batch() -> None:
    items = list(range(300))  # the child's half (150 to 299) is pickled in three batches
    assert map_halves(_fail_on, items[:290], parallel=True) == [i * i for i in items[:290]]
    with pytest.raises(ValueError, match="no square for 290"):  # raised as in the parent
        map_halves(_fail_on, items, parallel=True)
    died = [f"item {i}" if i != 280 else "boom" for i in items]  # after two batches
    results = map_halves(_die_on, died, parallel=True, on_death=lambda i, why: f"{i}: {why}")
    assert results == [i.upper() if i != "boom" else "boom: killed by SIGKILL" for i in died]


def test_a_dying_reader_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cards = _with_deep_card(tmp_path, extra_cards=200)
    (cards / "decisions" / "deep-card.yaml").unlink()
    parent = os.getpid()
    read = reading.read_document

    def crash_in_the_child(path: Path) -> tuple[object, ...]:
        if path.name == "copy-150.yaml" and os.getpid() != parent:
            faulthandler.disable()  # the crash is expected: no stack dump from the child
            os.kill(os.getpid(), signal.SIGSEGV)
        return read(path)

    monkeypatch.setattr(reading, "read_document", crash_in_the_child)
    monkeypatch.setattr(reading, "can_fork", lambda count: True)
    with pytest.raises(InvalidCollection) as caught:
        load_catalog(cards)
    messages = [f"{p.file}: {p.message}" for p in caught.value.problems]
    assert any(
        m.endswith(
            "copy-150.yaml: cannot read file: the process reading it stopped (killed by "
            "SIGSEGV); nothing was read from it"
        )
        for m in messages
    ), messages
    assert len(messages) == 1  # every other file was read


# --------------------------------------------------------------------------- symbolic links


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def test_symlinked_cards_and_folders_are_problems_never_read(
    tmp_path: Path, collection: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.yaml"
    secret.write_text((collection / "decisions" / "cache-or-recompute.yaml").read_text())
    (collection / "decisions" / "linked-card.yaml").symlink_to(secret)
    (collection / "decisions" / "zero-card.yaml").symlink_to("/dev/zero")
    failure_modes = collection / "failure-modes"
    shutil.move(failure_modes, outside / "failure-modes")
    failure_modes.symlink_to(outside / "failure-modes")
    # A subprocess with a memory limit: reading /dev/zero must fail the test, not the machine.
    result = subprocess.run(
        [sys.executable, "-m", "generator", "validate", str(collection)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limit_memory,
    )
    assert result.returncode == 1, result.stderr
    out = result.stdout
    lines = out.splitlines()
    for name, target in [
        ("decisions/linked-card.yaml", secret),
        ("decisions/zero-card.yaml", "/dev/zero"),
        ("failure-modes", outside / "failure-modes"),
    ]:
        expected = f"{collection}/{name}:1:1: symbolic link to {target} is not followed"
        assert any(line.startswith(expected) for line in lines), (expected, out)
    assert len(lines) == 5  # the three links, the reference to a failure mode now unread, the count


_NESTED = st.recursive(
    st.text("ab -:?", max_size=3),
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3),
        st.dictionaries(st.text("ab", min_size=1, max_size=2), inner, min_size=1, max_size=3),
    ),
    max_leaves=40,
)


def _depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max(map(_depth, value))
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()))
    return 0


@settings(max_examples=300, deadline=None, derandomize=True)
@given(value=_NESTED, flow=st.sampled_from([None, True, False]), indent=st.integers(2, 5))
def test_the_nesting_bound_never_underestimates(
    value: object, flow: bool | None, indent: int
) -> None:
    from generator.cards.loader import _could_nest_deeper_than

    text = yaml.safe_dump({"k": value}, default_flow_style=flow, indent=indent, width=10_000)
    depth = _depth({"k": value})
    assert _could_nest_deeper_than(text, depth - 1), text
