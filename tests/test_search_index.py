"""The search records: what each page gives the indexer, read from the plan."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from generator.cards import load_catalog
from generator.site import search_index
from generator.site.plan import build_plan
from generator.site.search_index import (
    ENTRY,
    FULL_LANGUAGE,
    KEYWORD_WEIGHT,
    OPTION_WEIGHT,
    PARTS,
    QUESTION_WEIGHT,
    QUICK_LANGUAGE,
    TITLE_WEIGHT,
    UNUSED,
    IndexJob,
    quick_documents,
    search_documents,
)

from .conftest import VALID

PLAN = build_plan(load_catalog(VALID))
DOCUMENTS = {d.url: d.html for d in search_documents(PLAN)}
QUICK = {d.url: d.html for d in quick_documents(PLAN)}


def _weighted(html: str, weight: int) -> list[str]:
    return re.findall(rf'data-pagefind-weight="{weight}"[^>]*>([^<]*)<', html)


def test_every_generated_page_is_a_record() -> None:
    assert len(DOCUMENTS) == len(PLAN.pages)
    assert "/decisions/cache-or-recompute/" in DOCUMENTS and "/browse/tags/" in DOCUMENTS


def test_the_fields_readers_search_by_weigh_more_than_body_text() -> None:
    card = PLAN.catalog.decisions["cache-or-recompute"].model
    html = DOCUMENTS["/decisions/cache-or-recompute/"]
    assert _weighted(html, TITLE_WEIGHT) == [card.title]
    assert _weighted(html, KEYWORD_WEIGHT) == [", ".join(card.keywords or [])]
    assert _weighted(html, QUESTION_WEIGHT)[0].startswith(card.decision[:20])
    assert _weighted(html, OPTION_WEIGHT) == [o.name for o in card.options]
    mode = DOCUMENTS["/failure-modes/stale-cache-storm/"]
    assert _weighted(mode, KEYWORD_WEIGHT) == ["thundering herd, cache stampede, dogpile"]


def test_the_quick_tier_holds_what_a_card_is_named_by_and_no_section_text() -> None:
    assert QUICK.keys() == DOCUMENTS.keys()
    card = PLAN.catalog.decisions["cache-or-recompute"].model
    url = "/decisions/cache-or-recompute/"
    quick, full = QUICK[url], DOCUMENTS[url]
    assert f'<html lang="{QUICK_LANGUAGE}">' in quick and f'<html lang="{FULL_LANGUAGE}">' in full
    for weight in (TITLE_WEIGHT, KEYWORD_WEIGHT, QUESTION_WEIGHT, OPTION_WEIGHT):
        assert _weighted(quick, weight) == _weighted(full, weight)
    # the options are headings with the full tier's anchors, and nothing under them
    assert re.findall(r'<h2 id="([^"]+)"', quick) == [f"option-{o.key}" for o in card.options]
    assert not re.search(r"</h2><p>", quick)
    assert card.options[0].strengths[0][:30] not in quick and "<p>" + card.summary[:20] in quick
    assert len(quick) < len(full) / 3
    # what a result shows is the same in both tiers
    assert re.findall(r"data-pagefind-meta.*", quick) == re.findall(r"data-pagefind-meta.*", full)


def test_sections_keep_their_anchors_and_leave_out_dates_and_boilerplate() -> None:
    html = DOCUMENTS["/decisions/cache-or-recompute/"]
    anchors = re.findall(r'<h2 id="([^"]+)"', html)
    assert "decision" in anchors and "option-cache" in anchors
    assert not {"changes", "sources", "decide", "related"} & set(anchors)
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", html)  # no review or change dates
    assert "https://" not in html
    # what a result shows travels as metadata, outside the indexed text
    assert '<span data-pagefind-meta="undo">low</span>' in html


def test_card_text_is_escaped_and_citation_markers_dropped(tmp_path: Path) -> None:
    html = DOCUMENTS["/decisions/cache-or-recompute/"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    cards = tmp_path / "cards"
    shutil.copytree(VALID, cards)
    path = cards / "decisions" / "cache-or-recompute.yaml"
    text = path.read_text()
    text = text.replace("summary: Whether", "summary: Cited [@rfc-9111] whether", 1)
    path.write_text(text)
    plan = build_plan(load_catalog(cards))
    cited = {d.url: d.html for d in search_documents(plan)}["/decisions/cache-or-recompute/"]
    assert "Cited" in cited and "[@" not in cited


def test_a_build_without_the_index_writes_none(tmp_path: Path) -> None:
    from .conftest import make_project, mkdocs_build

    project = make_project(tmp_path / "project", VALID)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    off = text.replace(
        "      cards_dir: cards\n", "      cards_dir: cards\n      search_index: false\n"
    )
    assert off != text
    config.write_text(off, encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "index.html").is_file()
    assert not (tmp_path / "site" / "pagefind").exists()
    assert "search index of" not in result.stderr


def test_the_index_is_written_into_the_site_and_put_in_place_whole(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "pagefind").mkdir(parents=True)
    (site / "pagefind" / "stale.pf_meta").write_text("from the previous build")
    job = IndexJob(PLAN, site)
    assert [p.name.startswith(".pagefind-") for p in site.iterdir() if p.name != "pagefind"] == [
        True
    ]
    job.install()
    assert sorted(p.name for p in site.iterdir()) == ["pagefind"]
    names = [p.name for p in (site / "pagefind").iterdir()]
    assert "pagefind.js" in names and "stale.pf_meta" not in names
    assert not [n for n in names if n.startswith(UNUSED)]
    # both tiers, each a language of the index, read with one search engine file
    entry = json.loads((site / "pagefind" / ENTRY).read_text(encoding="utf-8"))
    languages = entry["languages"]
    assert set(languages) == {FULL_LANGUAGE, QUICK_LANGUAGE}
    assert languages[FULL_LANGUAGE]["page_count"] == languages[QUICK_LANGUAGE]["page_count"]
    assert languages[QUICK_LANGUAGE]["wasm"] == languages[FULL_LANGUAGE]["wasm"]
    assert f"wasm.{languages[FULL_LANGUAGE]['wasm']}.pagefind" in names
    assert f"wasm.{QUICK_LANGUAGE}.pagefind" not in names
    # a small site's full tier is one part: no other folder to merge
    assert json.loads((site / "pagefind" / PARTS).read_text(encoding="utf-8")) == {"parts": []}


def test_the_full_tier_is_indexed_in_parts_each_run_holding_a_share(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large collections: one indexer run per part, so that no run holds the whole full text.
    The pages go to the parts in turn, each part as its share says (the first, with the quick
    tier, takes fewer); every page is in exactly one part, and in the quick tier once; the
    other parts keep only what a merged index reads."""
    pages = len(PLAN.pages)
    assert pages >= 9
    monkeypatch.setattr(search_index, "PART_PAGES", -(-pages // 3))
    assert search_index.part_count(pages) == 3
    runs: list[int] = []
    real = search_index._start_indexer

    def counted(source: Path, out: Path, said: Any, started: Any) -> Any:
        runs.append(len(list(source.rglob("*.html"))))
        return real(source, out, said, started)

    monkeypatch.setattr(search_index, "_start_indexer", counted)
    site = tmp_path / "site"
    index = search_index.write_search_index(PLAN, site)
    shares = search_index.part_shares(3, pages)
    assert shares[0] < shares[1] == shares[2]  # the first part also holds the quick tier
    full = [runs[0] - pages, *runs[1:]]  # the quick tier is in the first part, whole
    assert sum(full) == pages
    assert all(abs(held - share) <= 1 for held, share in zip(full, shares, strict=True))
    listed = json.loads((index / PARTS).read_text(encoding="utf-8"))
    assert listed == {"parts": ["part-1/", "part-2/"]}
    counts = []
    for folder in [index, index / "part-1", index / "part-2"]:
        entry = json.loads((folder / ENTRY).read_text(encoding="utf-8"))
        counts.append(entry["languages"][FULL_LANGUAGE]["page_count"])
    assert counts == full
    quick = json.loads((index / ENTRY).read_text(encoding="utf-8"))["languages"][QUICK_LANGUAGE]
    assert quick["page_count"] == pages
    for part in ["part-1", "part-2"]:
        kept = sorted(p.name for p in (index / part).iterdir())
        assert kept[:3] == ["fragment", "index", ENTRY] and len(kept) == 4
        assert kept[3].startswith("pagefind.en_") and kept[3].endswith(".pf_meta")


def test_shares_of_the_full_tier_add_up_and_keep_the_first_part_lighter() -> None:
    for parts, pages in ((1, 40), (2, 1126), (3, 18), (11, 11126)):
        shares = search_index.part_shares(parts, pages)
        assert len(shares) == parts and abs(sum(shares) - pages) < 1e-6
        assert shares[0] <= min(shares) and shares[0] >= pages / (2 * parts)
    # two parts of 1,000 pages: the quick tier costs the first about a seventh of its pages
    first, second = search_index.part_shares(2, 1000)
    assert first + 1000 * search_index.QUICK_COST == pytest.approx(second)


def test_parts_are_indexed_two_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On two cores the indexer runs of two parts overlap; on one core they take turns."""
    slow = tmp_path / "slow-pagefind"  # each run waits a moment before it starts indexing
    slow.write_text(f'#!/bin/sh\nsleep 0.5\nexec "{search_index._executable()}" "$@"\n')
    slow.chmod(0o755)
    monkeypatch.setattr(search_index, "_executable", lambda: str(slow))
    for cores, most in ((2, 2), (1, 1)):
        monkeypatch.setattr(search_index.os, "cpu_count", lambda cores=cores: cores)
        running: list[int] = []  # how many runs were on when each run started
        processes: list[Any] = []

        def started(
            process: Any, running: list[int] = running, seen: list[Any] = processes
        ) -> None:
            seen.append(process)
            running.append(sum(p.poll() is None for p in seen))

        out = tmp_path / f"index-{cores}"
        search_index.index_into(search_index.index_documents(PLAN), out, started, parts=3)
        assert len(running) == 3 and max(running) == most
        assert json.loads((out / PARTS).read_text())["parts"] == ["part-1/", "part-2/"]


def test_a_failed_index_leaves_nothing_in_the_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_index, "_executable", lambda: "false")
    site = tmp_path / "site"
    job = IndexJob(PLAN, site)
    with pytest.raises(RuntimeError, match="pagefind failed"):
        job.install()
    assert list(site.iterdir()) == []
    job = IndexJob(PLAN, site)
    job.discard()  # the build failed elsewhere
    assert list(site.iterdir()) == []


@pytest.mark.skipif(sys.platform != "linux", reason="a priority per thread is Linux's")
def test_indexing_runs_below_the_priority_of_the_pages() -> None:
    seen: list[int] = []

    def index() -> None:
        thread = threading.get_native_id()
        seen.append(os.getpriority(os.PRIO_PROCESS, thread))
        search_index._yield_to_the_pages()
        seen.append(os.getpriority(os.PRIO_PROCESS, thread))

    worker = threading.Thread(target=index)
    worker.start()
    worker.join()
    assert seen[1] == min(seen[0] + search_index.INDEXER_NICENESS, 19) > seen[0]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == seen[0]  # this thread's


def test_a_newer_index_of_a_site_stops_an_older_one_still_indexing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Saves in quick succession under a preview: each rebuild's index replaces the last, so an
    older indexer still running is stopped rather than left to compete for the cores."""
    slow = tmp_path / "slow-indexer"
    slow.write_text("#!/bin/sh\nexec sleep 60\n")
    slow.chmod(0o755)
    real = search_index._executable
    monkeypatch.setattr(search_index, "_executable", lambda: str(slow))
    site = tmp_path / "site"
    said: list[str] = []
    older = IndexJob(PLAN, site)
    older.finish(said.append, wait=False)
    deadline = time.monotonic() + 30
    while not older._processes and time.monotonic() < deadline:
        time.sleep(0.05)
    assert older._processes
    monkeypatch.setattr(search_index, "_executable", real)
    started = time.monotonic()
    newer = IndexJob(PLAN, site)
    older.wait()
    assert time.monotonic() - started < 20  # not the 60 s of the older indexer
    newer.finish(said.append)
    assert sorted(p.name for p in site.iterdir()) == ["pagefind"]
    assert len(said) == 1 and said[0].startswith("search index of")


def test_an_index_left_on_its_way_stops_its_indexer_when_discarded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A preview that ends while a rebuild's index is on its way runs the job's finalizer (at
    exit): the indexer is stopped, so it cannot write its folder again, and the folder goes."""
    slow = tmp_path / "slow-indexer"
    slow.write_text("#!/bin/sh\nexec sleep 60\n")
    slow.chmod(0o755)
    monkeypatch.setattr(search_index, "_executable", lambda: str(slow))
    site = tmp_path / "site"
    job = IndexJob(PLAN, site)
    job.finish(lambda said: None, wait=False)
    deadline = time.monotonic() + 30
    while not job._processes and time.monotonic() < deadline:
        time.sleep(0.05)
    (indexer,) = job._processes
    job._remove()  # what the interpreter runs at exit
    assert indexer.poll() is not None
    assert list(site.iterdir()) == []
    job.wait()


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_a_forked_indexer_writes_the_same_index_as_the_thread(tmp_path: Path) -> None:
    """A one-off build makes the documents in a forked process (no thread of its own to share
    the interpreter with); the index is the one the thread makes, byte for byte."""
    forked = IndexJob(PLAN, tmp_path / "forked", fork=True)
    assert forked._forked is not None  # this test process runs no other thread
    forked.install()
    IndexJob(PLAN, tmp_path / "thread").install()
    assert _tree(tmp_path / "forked") == _tree(tmp_path / "thread") != {}


def test_a_forked_indexer_that_fails_is_raised_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_index, "_executable", lambda: "false")
    site = tmp_path / "site"
    job = IndexJob(PLAN, site, fork=True)
    with pytest.raises(RuntimeError, match="pagefind failed"):
        job.install()
    assert list(site.iterdir()) == []


@pytest.mark.skipif(sys.platform != "linux", reason="reads the processes in /proc")
def test_a_forked_indexer_discarded_stops_with_its_indexer_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = tmp_path / "slow-indexer"
    slow.write_text("#!/bin/sh\nexec sleep 60\n")
    slow.chmod(0o755)
    monkeypatch.setattr(search_index, "_executable", lambda: str(slow))
    site = tmp_path / "site"
    job = IndexJob(PLAN, site, fork=True)
    assert job._forked is not None
    group = job._forked.process.pid
    assert group is not None
    time.sleep(1.0)  # the documents are written and the indexer run has started
    started = time.monotonic()
    job.discard()  # the build failed elsewhere
    assert time.monotonic() - started < 20  # not the 60 s of the indexer run
    assert _running_in_group(group) == []  # nothing of it is left running
    assert list(site.iterdir()) == []


def _running_in_group(group: int) -> list[str]:
    """The processes of a process group that still run (not the ended ones left to reap)."""
    running = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            running.append(stat.parent.name)
    return running


def test_the_index_starts_from_the_pages_before_the_data_files_are_made() -> None:
    seen: list[Any] = []
    plan = build_plan(load_catalog(VALID), pages_ready=seen.append)
    assert len(seen) == 1
    ready = seen[0]
    assert ready.files == {}  # the data files come after
    assert ready.pages is plan.pages and ready.catalog is plan.catalog


def test_a_plan_that_fails_after_its_pages_takes_its_index_away(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.engines.mkdocs import loading
    from generator.site import plan as plan_module

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OSError("disk full")

    monkeypatch.setattr(plan_module, "data_exports", broken)
    site = tmp_path / "site"
    site.mkdir()
    catalog = load_catalog(VALID)
    with pytest.raises(OSError, match="disk full"):
        loading.site_plan(catalog, PLAN.settings, None, False, None, site)
    assert list(site.iterdir()) == []  # the index's hidden folder went with the plan


@pytest.mark.parametrize("fork", [True, False])
def test_a_stopped_indexer_leaves_no_documents_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fork: bool
) -> None:
    """The documents' folder (in memory, /dev/shm) goes with a job stopped mid-way, also when
    the forked process that wrote it is killed."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(search_index, "_scratch", lambda: str(scratch))
    slow = tmp_path / "slow-pagefind"  # the indexer is still on its first part when stopped
    slow.write_text(f'#!/bin/sh\nsleep 30\nexec "{search_index._executable()}" "$@"\n')
    slow.chmod(0o755)
    monkeypatch.setattr(search_index, "_executable", lambda: str(slow))
    job = IndexJob(PLAN, tmp_path / "site", fork=fork)
    deadline = time.monotonic() + 20
    while not list(scratch.rglob("*.html")) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert list(scratch.rglob("*.html")), "the documents were written"
    job.discard()
    assert list(scratch.iterdir()) == []
    assert list((tmp_path / "site").iterdir()) == []


def test_a_finished_index_leaves_no_documents_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(search_index, "_scratch", lambda: str(scratch))
    for fork in (True, False):
        job = IndexJob(PLAN, tmp_path / f"site-{fork}", fork=fork)
        job.install()
        assert list(scratch.iterdir()) == []


def test_documents_of_builds_killed_outright_are_removed_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_index, "_scratch", lambda: str(tmp_path))
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()  # a process id that no longer runs
    stale = tmp_path / f"{search_index.SCRATCH_PREFIX}{ended.pid}-abc"
    live = tmp_path / f"{search_index.SCRATCH_PREFIX}{os.getpid()}-def"
    for folder in (stale, live):
        (folder / "part-0").mkdir(parents=True)
    made = search_index.scratch_folder()
    assert not stale.exists() and live.is_dir()
    assert made.name.startswith(f"{search_index.SCRATCH_PREFIX}{os.getpid()}-")


@pytest.mark.skipif(sys.platform != "linux", reason="prctl(PR_SET_PDEATHSIG) is Linux's")
def test_an_indexer_run_dies_with_the_process_that_started_it(tmp_path: Path) -> None:
    """A build killed outright takes its indexer with it: nothing goes on writing."""
    pid_file = tmp_path / "grandchild"
    script = (
        "import os, subprocess, sys, time\n"
        "from functools import partial\n"
        "from generator.site.search_index import die_with_parent\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'],"
        " preexec_fn=partial(die_with_parent, os.getpid()))\n"
        f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 20
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline
        time.sleep(0.02)
    grandchild = int(pid_file.read_text())
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 5
    while search_index._running(grandchild) and _state(grandchild) != "Z":
        assert time.monotonic() < deadline, "the run outlived its parent"
        time.sleep(0.02)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"
