"""Another team's site on the library, as that team would make it: from the wheel in a fresh
virtualenv, `tradeoffs init --library`, a card of its own over a library card, another that
relates to a library card, a decision recorded with a library card, then `tradeoffs build`.

The site is then loaded in Chromium: nothing is requested from another host, the console stays
clean, and axe finds no serious violation on the card with its record, the log and the record.
The browser part is skipped without Chromium or axe-core unless CI is set.
"""

from __future__ import annotations

import filecmp
import functools
import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import REPO
from .serving import CHROMIUM, Watched, in_ci, serving
from .test_adoption import build_distributions, install_fresh

pytestmark = pytest.mark.slow

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
OVERRIDDEN = "build-vs-buy"
OUR_TITLE = "Build vs buy: how we call it"
RELATED = "sync-vs-async-communication"
RECORDED, OPTION = "rag-vs-fine-tuning", "rag"
HOSTILE_TITLE = 'Tune <b onmouseover="alert(1)">it</b> & *ship*'
PAGES = {
    "card with its record": f"decisions/{RECORDED}/",
    "decision log": "adr/",
    "record": "adr/0001-answer-from-our-documents/",
}


@dataclass(frozen=True)
class TeamSite:
    kb: Path
    site: Path
    library: Path  # the installed package's library
    build_output: str
    run_tradeoffs: Any


@pytest.fixture(scope="module")
def team_site(tmp_path_factory: pytest.TempPathFactory) -> TeamSite:
    work = tmp_path_factory.mktemp("team")
    run = functools.partial(subprocess.run, capture_output=True, text=True, check=False)
    _, wheel = build_distributions(work, run)
    venv = work / "venv"
    env = install_fresh(wheel, venv, run)
    tradeoffs = functools.partial(run, env=env)
    exe = str(venv / "bin" / "tradeoffs")
    assert tradeoffs([exe, "init", "kb", "--library"], cwd=work).returncode == 0
    kb = work / "kb"
    located = tradeoffs(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import generator.cards.library as l; print(l.library_root())",
        ],
        cwd=work,
    )
    library = Path(located.stdout.strip())
    assert str(venv) in str(library)  # the wheel's copy, not the checkout
    config = kb / "mkdocs.yml"  # with a repository, pages get an edit link
    text = config.read_text().replace(
        "    - navigation.indexes\n", "    - navigation.indexes\n    - content.action.edit\n"
    )
    assert "content.action.edit" in text
    config.write_text(text + "repo_url: https://github.com/team/kb\nedit_uri: edit/main/\n")
    # a card of the team's own over the library's, with the same id
    ours = yaml.safe_load((library / "decisions" / f"{OVERRIDDEN}.yaml").read_text())
    ours["title"] = OUR_TITLE
    (kb / "cards" / "decisions" / f"{OVERRIDDEN}.yaml").write_text(
        yaml.safe_dump(ours, sort_keys=False, allow_unicode=True)
    )
    # the example card relates to a library card
    example = kb / "cards" / "decisions" / "cron-job-vs-queue-worker.yaml"
    example.write_text(
        example.read_text() + f"\nrelations:\n  adjacent:\n    - card: {RELATED}\n"
        "      note: A queue worker is asynchronous communication with yourself.\n"
    )
    recorded = tradeoffs(
        [
            exe,
            "record",
            RECORDED,
            "--chose",
            OPTION,
            "--date",
            "2025-01-10",
            "--title",
            "Answer from our documents",
        ],
        cwd=kb,
    )
    assert recorded.returncode == 0, recorded.stderr
    # a hand-written record: its title is the file's text, never markup on the card or the log
    (kb / "docs" / "adr" / "0002-by-hand.md").write_text(
        f"---\nstatus: proposed\ncard: {RECORDED}\noption: fine-tuning\n---\n\n"
        f"# {HOSTILE_TITLE}\n\nWritten by hand.\n"
    )
    built = tradeoffs([exe, "build", "--out", "site"], cwd=kb)
    assert built.returncode == 0, built.stdout + built.stderr
    return TeamSite(kb, kb / "site", library, built.stdout, lambda *a: tradeoffs([exe, *a], cwd=kb))


def _text(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text(encoding="utf-8")


def test_the_wheel_ships_the_collection_of_this_commit(team_site: TeamSite) -> None:
    shipped = sorted(p.relative_to(team_site.library) for p in team_site.library.rglob("*.*"))
    cards = sorted(
        p.relative_to(REPO / "cards") for p in (REPO / "cards").rglob("*.*") if p.is_file()
    )
    assert [p for p in shipped if p.name != "LICENSE-CARDS.md"] == cards
    _, mismatch, errors = filecmp.cmpfiles(REPO / "cards", team_site.library, cards, shallow=False)
    assert mismatch == [] and errors == []


def test_the_build_is_strict_with_no_broken_link_and_names_the_override(
    team_site: TeamSite,
) -> None:
    out = team_site.build_output
    assert re.search(r"checked [\d,]+ links in \d+ pages and \d+ data files: 0 broken", out)
    assert f"cards/decisions/{OVERRIDDEN}.yaml replaces the library's '{OVERRIDDEN}'" in out
    site = team_site.site
    # the override is the page, and the library's other cards are all there
    assert f"<h1>{OUR_TITLE}</h1>" in _text(site, f"decisions/{OVERRIDDEN}")
    assert (
        len(list((site / "decisions").glob("*/index.html")))
        == len(list((REPO / "cards" / "decisions").glob("*.yaml"))) + 1
    )
    # an edit link where the team has a file to edit, none on the library's cards
    edit = 'href="https://github.com/team/kb/edit/main/cards/decisions/'
    assert edit + f'{OVERRIDDEN}.yaml"' in _text(site, f"decisions/{OVERRIDDEN}")
    assert "github.com/team/kb/edit" not in _text(site, f"decisions/{RELATED}")
    # the own card's relation shows on the library card it names
    assert "cron-job-vs-queue-worker/" in _text(site, f"decisions/{RELATED}")
    # the content licence in the footer
    assert 'rel="license">CC BY 4.0</a>' in _text(site, "")


def test_the_record_is_on_its_card_on_the_log_and_in_the_data(team_site: TeamSite) -> None:
    site = team_site.site
    card = _text(site, f"decisions/{RECORDED}")
    start = card.index('id="decided-here"')
    decided = card[start : card.index("</div>", start)]
    assert (
        '<a href="../../adr/0001-answer-from-our-documents/">0001: Answer from our documents</a>'
        in decided
    )
    assert f'chose <a href="#option-{OPTION}">' in decided
    assert "Due for a re-visit" in decided  # decided 2025-01-10: the card changed since
    log = _text(site, "adr")
    row, by_hand = re.findall(r"<tr data-status=.*?</tr>", log, re.S)
    assert 'href="0001-answer-from-our-documents/"' in row
    assert f'href="../decisions/{RECORDED}/#option-{OPTION}"' in row and "2025-01-10" in row
    # the hand-written record's title is shown as the text it is
    for page in (decided, by_hand):
        assert "Tune &lt;b onmouseover=" in page and "<b " not in page and "*ship*" in page
    assert (
        "proposed" in by_hand
        and 'href="../decisions/rag-vs-fine-tuning/#option-fine-tuning"' in by_hand
    )
    record = _text(site, PAGES["record"].rstrip("/"))
    assert f'href="../../decisions/{RECORDED}/#option-{OPTION}"' in record
    api = json.loads((site / "api" / "cards.json").read_text())
    [entry] = [d for d in api["decisions"] if d["id"] == RECORDED]
    assert [(r["number"], r["option"], r["url"]) for r in entry["records"]] == [
        (1, OPTION, "adr/0001-answer-from-our-documents/"),
        (2, "fine-tuning", "adr/0002-by-hand/"),  # undated: after the dated ones
    ]
    assert "[Decision log](adr/)" in (site / "llms.txt").read_text()
    due = team_site.run_tradeoffs("records", "--due")
    assert due.returncode == 0 and "docs/adr/0001-answer-from-our-documents.md" in due.stdout
    assert team_site.run_tradeoffs("records", "--due", "--strict").returncode == 1


# --------------------------------------------------------------------------- in the browser


def _browser_tools_missing() -> str:
    missing = [str(p) for p in (CHROMIUM, AXE) if not p.exists()]
    return " and ".join(missing)


@pytest.fixture(scope="module")
def served(team_site: TeamSite) -> Iterator[str]:
    missing = _browser_tools_missing()
    if missing:
        if in_ci():
            pytest.fail(f"needs {missing}; CI is set", pytrace=False)
        pytest.skip(f"needs {missing}")
    with serving(team_site.site) as url:
        yield url


@pytest.mark.browser
def test_the_new_pages_stay_offline_and_pass_axe(served: str) -> None:
    from playwright.sync_api import sync_playwright

    seen = Watched(served)
    blocking: dict[str, list[str]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            for scheme in ("light", "dark"):
                context = browser.new_context(color_scheme=scheme, service_workers="block")
                page = context.new_page()
                seen.watch(page)
                for name, path in PAGES.items():
                    seen.at = name
                    response = page.goto(f"{served}/{path}", wait_until="networkidle")
                    assert response is not None and response.ok, path
                    page.add_script_tag(path=str(AXE))
                    found = page.evaluate(
                        """async () => (await axe.run(document, {resultTypes: ['violations']}))
                            .violations.filter(v => ['serious', 'critical'].includes(v.impact))
                            .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""
                    )
                    if found:
                        blocking[f"{name} ({scheme})"] = found
                # the log's filters work in place and keep the address
                seen.at = "log filters"
                page.goto(f"{served}/adr/?due=yes", wait_until="networkidle")
                assert page.locator("input[name=due]").is_checked()
                assert page.locator("[data-record-count]").inner_text() == "1 of 2 records matches"
                assert page.locator("tr[data-due=no]").is_hidden()
                page.locator("input[name=words]").fill("no such words")
                assert page.locator("[data-record-count]").inner_text().startswith("0 of 2 records")
                assert "words=no+such+words" in page.url
                context.close()
        finally:
            browser.close()
    assert seen.outside == []
    assert seen.errors == []
    assert blocking == {}
