"""Roles: cards/roles.yaml, cost bearers given as {role, note}, and every output that shows them."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from generator.cards import Catalog, InvalidCollection, load_catalog
from generator.cards.compare import compare, compare_data, read_snapshot
from generator.cards.models import CostBearer
from generator.site.listings import finder, who_pays
from generator.site.plan import SiteSettings, build_plan, data_exports

from .conftest import VALID

CACHE = "decisions/cache-or-recompute.yaml"
# The cache card's cost bearers with their roles written as plain text, as before roles existed.
AS_TEXT = {
    (
        "      - role: on-call\n"
        "        note: Whoever is paged when the cache and the database disagree.\n"
    ): "      - on-call engineers\n",
    (
        "      - role: data-team\n        note: The owners of the nightly job, when it overruns.\n"
    ): "      - data team\n",
}


@pytest.fixture
def cards(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the valid examples, with problems reported relative to its parent."""
    shutil.copytree(VALID, tmp_path / "cards")
    monkeypatch.chdir(tmp_path)
    return Path("cards")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(VALID)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _problems(cards: Path) -> list[str]:
    with pytest.raises(InvalidCollection) as caught:
        load_catalog(cards)
    return [str(p) for p in caught.value.problems]


# --------------------------------------------------------------------------- validation


def test_cost_bearers_load_as_text_or_role(catalog: Catalog) -> None:
    options = catalog.decisions["cache-or-recompute"].model.options
    assert options[0].cost_bearers == [
        CostBearer(
            role="on-call", note="Whoever is paged when the cache and the database disagree."
        )
    ]
    assert options[1].cost_bearers == ["end users", "the database"]
    assert [r.id for r in catalog.roles] == ["on-call", "data-team", "finance"]


def test_a_role_used_without_roles_yaml_is_an_error_at_the_role(cards: Path) -> None:
    (cards / "roles.yaml").unlink()
    assert _problems(cards) == [
        f"cards/{CACHE}:41:15: role 'on-call' is used but cards/roles.yaml does not exist; "
        "define the roles there (id, title, description) or write this cost bearer as plain text",
        f"cards/{CACHE}:87:15: role 'data-team' is used but cards/roles.yaml does not exist; "
        "define the roles there (id, title, description) or write this cost bearer as plain text",
    ]


def test_plain_text_bearers_need_no_roles_yaml(cards: Path) -> None:
    (cards / "roles.yaml").unlink()
    for old, new in AS_TEXT.items():
        _edit(cards / CACHE, old, new)
    catalog = load_catalog(cards)
    assert catalog.roles == []
    assert catalog.decisions["cache-or-recompute"].model.options[0].cost_bearers == [
        "on-call engineers"
    ]
    groups = who_pays(catalog)
    assert [(g.title, len(g.uses)) for g in groups] == [("Others", 8)]


def test_roles_yaml_is_checked_like_categories(cards: Path) -> None:
    (cards / "roles.yaml").write_text(
        "- id: on-call\n  title: On-call engineers\n  description: Paged.\n"
        "- id: data-team\n  title: Data team\n  descripton: Pipelines.\n"
        "- id: on-call\n  title: Again\n  description: Twice.\n",
        encoding="utf-8",
    )
    problems = _problems(cards)
    assert "cards/roles.yaml:6:3: unknown key 'descripton' (did you mean 'description'?)" in (
        problems
    )
    assert "cards/roles.yaml:7:7: role 'on-call' is defined twice (first as item 1)" in problems


def test_a_note_may_cite_a_source_of_the_card(cards: Path) -> None:
    _edit(cards / CACHE, "when the cache and the database disagree.", "when they disagree [@nope].")
    problems = _problems(cards)
    assert len(problems) == 1
    assert problems[0].startswith(f"cards/{CACHE}:42:51:")
    assert "citation '@nope' names no source" in problems[0]


# --------------------------------------------------------------------------- listings


def test_who_pays_groups_by_role_in_file_order_then_others(catalog: Catalog) -> None:
    groups = who_pays(catalog)
    # finance names no cost in the examples: no empty group
    assert [(g.anchor, g.title, len(g.uses)) for g in groups] == [
        ("role-on-call", "On-call engineers", 1),
        ("role-data-team", "Data team", 1),
        ("others", "Others", 6),
    ]
    entry, option, note = groups[1].uses[0]
    assert (entry.id, option, note) == (
        "cache-or-recompute",
        "Precompute",
        "The owners of the nightly job, when it overruns.",
    )
    assert "users during outages" in [note for _, _, note in groups[2].uses]


def test_the_finder_filters_by_role(catalog: Catalog) -> None:
    found = finder(catalog)
    assert found.payers == [
        ("on-call", "On-call engineers", 1),
        ("data-team", "Data team", 1),
        ("others", "Others", 3),
    ]
    per_card = {e.id: ids for e, ids in found.cards}
    assert per_card["cache-or-recompute"] == ("on-call", "others", "data-team")
    assert per_card["queue-or-direct-call"] == ("others",)


# --------------------------------------------------------------------------- outputs


@pytest.fixture(scope="module")
def pages(catalog: Catalog) -> dict[str, str]:
    plan = build_plan(catalog, today=dt.date(2026, 12, 1))
    return {path: page.markdown for path, page in plan.pages.items()}


def test_the_card_page_links_each_role_to_its_group(pages: dict[str, str]) -> None:
    page = pages["decisions/cache-or-recompute.md"]
    assert (
        '<li><a href="../../browse/who-pays/#role-on-call">On-call engineers</a>: '
        "Whoever is paged when the cache and the database disagree.</li>"
    ) in page
    assert "<li>the database</li>" in page


def test_the_who_pays_page_shows_roles_then_others(pages: dict[str, str]) -> None:
    page = pages["browse/who-pays.md"]
    on_call = page.index('<dt id="role-on-call">On-call engineers')
    data = page.index('<dt id="role-data-team">Data team')
    others = page.index('<dt id="others">Others <span class="tc-count">(6)</span>')
    assert on_call < data < others
    assert "Whoever is paged when it breaks." in page  # the role's description
    assert 'id="role-finance"' not in page


def test_the_finder_menu_lists_roles(pages: dict[str, str]) -> None:
    page = pages["finder.md"] if "finder.md" in pages else pages["browse/finder.md"]
    assert '<option value="on-call">On-call engineers (1)</option>' in page
    assert '<option value="others">Others (3)</option>' in page
    assert 'data-payers="on-call others data-team"' in page


def test_json_and_markdown_carry_the_role(catalog: Catalog) -> None:
    files = data_exports(catalog, SiteSettings())[0]
    api = json.loads(files["api/cards.json"])
    card = next(d for d in api["decisions"] if d["id"] == "cache-or-recompute")["card"]
    assert card["options"][2]["cost_bearers"] == [
        {"role": "data-team", "note": "The owners of the nightly job, when it overruns."}
    ]
    assert api["roles"][0] == {
        "id": "on-call",
        "title": "On-call engineers",
        "description": "Whoever is paged when it breaks.",
    }
    assert api["schema_version"] == 1  # an added key breaks no reader
    line = "• Data team: The owners of the nightly job, when it overruns."
    assert line in files["decisions/cache-or-recompute/index.md"]
    assert line in files["llms-full.txt"]


# --------------------------------------------------------------------------- diff


def test_diff_reports_a_changed_role() -> None:
    old = {
        "options": [{"key": "a", "name": "A", "cost_bearers": [{"role": "on-call", "note": "N"}]}]
    }
    new = {
        "options": [{"key": "a", "name": "A", "cost_bearers": [{"role": "data-team", "note": "N"}]}]
    }
    changes = compare_data(old, new)
    assert [(c.within, c.action, c.old, c.new) for c in changes] == [
        ((("option", "A"),), "removed", "role on-call: N", None),
        ((("option", "A"),), "added", None, "role data-team: N"),
    ]


def test_diff_reports_roles_yaml() -> None:
    role = b"- id: on-call\n  title: On-call engineers\n  description: Paged.\n"
    base = read_snapshot({"roles.yaml": role})
    head = read_snapshot({"roles.yaml": role.replace(b"Paged.", b"Woken at night.")})
    [entry] = compare(base, head).entries
    assert (entry.kind, entry.id, entry.status) == ("roles", "roles.yaml", "changed")
    [change] = entry.changes
    assert (change.within, change.field, change.old, change.new) == (
        (("role", "On-call engineers"),),
        "description",
        "Paged.",
        "Woken at night.",
    )
