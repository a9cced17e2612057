"""The card library as a site's base: merged under the own cards, overridden, left out in part."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from generator.cards import InvalidCollection, load_catalog
from generator.cards.library import (
    Library,
    LibrarySettingError,
    excluded_by,
    library_root,
    library_setting,
)

from .conftest import REPO, VALID, RunCli

LIBRARY = library_root()
DECISIONS = sorted(p.stem for p in (REPO / "cards" / "decisions").glob("*.yaml"))
MODES = sorted(p.stem for p in (REPO / "cards" / "failure-modes").glob("*.yaml"))


def _own(root: Path) -> Path:
    """An own card folder with no categories of its own and no entries yet."""
    for folder in ("decisions", "failure-modes"):
        (root / "cards" / folder).mkdir(parents=True)
    return root / "cards"


def _card(card_id: str) -> dict:
    return yaml.safe_load((LIBRARY / "decisions" / f"{card_id}.yaml").read_text(encoding="utf-8"))


def _write(folder: Path, card_id: str, data: dict) -> Path:
    path = folder / "decisions" / f"{card_id}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_a_checkout_reads_its_own_card_folder_as_the_library() -> None:
    assert LIBRARY == REPO / "cards"  # the wheel's copy is compared with it in test_library_site


def test_the_library_alone_is_the_whole_collection(tmp_path: Path) -> None:
    catalog = load_catalog(_own(tmp_path), library=Library(LIBRARY))
    assert sorted(catalog.decisions) == DECISIONS
    assert sorted(catalog.failure_modes) == MODES
    assert catalog.from_library == set(DECISIONS) | set(MODES)
    assert catalog.overrides == {}
    # the library's references are linked as in the repository's own collection
    assert catalog.backlinks == load_catalog(REPO / "cards").backlinks


def test_an_own_card_replaces_the_library_card_and_may_name_others(tmp_path: Path) -> None:
    cards = _own(tmp_path)
    ours = _card("build-vs-buy")
    ours["title"] = "Build vs buy, as we see it"
    _write(cards, "build-vs-buy", ours)
    relating = _card("monolith-vs-microservices")
    relating["relations"] = {
        "adjacent": [{"card": "rag-vs-fine-tuning", "note": "Both are about ownership."}]
    }
    _write(cards, "our-services", relating)
    catalog = load_catalog(cards, library=Library(LIBRARY), display_root=tmp_path)
    assert catalog.decisions["build-vs-buy"].model.title == "Build vs buy, as we see it"
    assert catalog.overrides == {"build-vs-buy": "cards/decisions/build-vs-buy.yaml"}
    assert "build-vs-buy" not in catalog.from_library
    # the library card shows the own card's relation back
    back = [b.source for b in catalog.backlinks["rag-vs-fine-tuning"]]
    assert "our-services" in back
    assert len(catalog.decisions) == len(DECISIONS) + 1


def test_a_problem_in_an_own_card_names_the_own_file(tmp_path: Path) -> None:
    cards = _own(tmp_path)
    relating = _card("monolith-vs-microservices")
    relating["relations"] = {"adjacent": [{"card": "rag-vs-fine-tunin", "note": "Typo."}]}
    _write(cards, "our-services", relating)
    with pytest.raises(InvalidCollection) as caught:
        load_catalog(cards, library=Library(LIBRARY), display_root=tmp_path)
    [problem] = caught.value.problems
    assert problem.file == "cards/decisions/our-services.yaml"
    assert "did you mean 'rag-vs-fine-tuning'" in problem.message


def test_an_own_decision_with_a_library_failure_modes_id_is_a_problem_of_the_own_file(
    tmp_path: Path,
) -> None:
    cards = _own(tmp_path)
    _write(cards, MODES[0], _card("build-vs-buy"))
    with pytest.raises(InvalidCollection) as caught:
        load_catalog(cards, library=Library(LIBRARY), display_root=tmp_path)
    messages = [(p.file, p.message) for p in caught.value.problems]
    assert any(
        file == f"cards/decisions/{MODES[0]}.yaml" and "is a failure mode in the library" in text
        for file, text in messages
    ), messages


def test_exclude_leaves_out_ids_and_categories_and_the_references_to_them(
    tmp_path: Path,
) -> None:
    full = load_catalog(REPO / "cards")
    target = "serverless-vs-containers"  # build-vs-buy relates to it
    mode = "untested-backups"  # active-active-vs-active-passive-regions misuses lead to it
    library = Library(LIBRARY, frozenset({target, mode, "frontend"}))
    catalog = load_catalog(_own(tmp_path), library=library)
    frontend = {i for i, e in full.decisions.items() if e.model.category == "frontend"}
    assert frontend and not frontend & set(catalog.decisions)
    assert "frontend" not in [c.id for c in catalog.categories]
    assert target not in catalog.decisions and mode not in catalog.failure_modes
    relations = catalog.decisions["build-vs-buy"].model.relations
    assert relations is not None
    assert target not in [r.card for r in relations.adjacent or []]
    # a misuse that linked the left-out failure mode is kept as its title, as text
    card = catalog.decisions["active-active-vs-active-passive-regions"].model
    misuse = [m for o in card.options for m in o.misuse]
    title = full.failure_modes[mode].model.title
    assert any(isinstance(m, str) and m.startswith(title) for m in misuse)
    assert mode not in catalog.reached_from


def test_an_unknown_exclusion_is_a_problem_at_its_place_in_the_config(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "plugins:\n  - tradeoff-cards:\n      library:\n        exclude: [no-such-card]\n"
    )
    with pytest.raises(InvalidCollection) as caught:
        load_catalog(
            _own(tmp_path),
            library=Library(LIBRARY, frozenset({"no-such-card"}), str(config)),
        )
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.column) == (str(config), 4, 19)
    assert "'no-such-card' is neither a card" in problem.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (False, None),
        (True, frozenset()),
        ({"exclude": ["data", "build-vs-buy"]}, frozenset({"data", "build-vs-buy"})),
        ({}, frozenset()),
    ],
)
def test_the_setting_is_true_false_or_exclusions(value: object, expected: object) -> None:
    assert excluded_by(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("yes", "expected true, false or a mapping"),
        ({"exclude": "data"}, "exclude is a list"),
        ({"include": ["data"]}, "unknown key include"),
    ],
)
def test_a_wrong_setting_says_what_is_expected(value: object, message: str) -> None:
    with pytest.raises(LibrarySettingError, match=message):
        library_setting(value)


def test_validate_and_record_use_the_library_the_site_sets(tmp_path: Path, run_cli: RunCli) -> None:
    code, _, err = run_cli("init", str(tmp_path / "kb"), "--library")
    assert code == 0, err
    kb = tmp_path / "kb"
    assert "library: true" in (kb / "mkdocs.yml").read_text()
    code, out, _ = run_cli("validate", cwd=kb)
    assert code == 0, out
    code, out, err = run_cli("record", "rag-vs-fine-tuning", "--chose", "rag", cwd=kb)
    assert code == 0, err
    [record] = (kb / "docs" / "adr").glob("0001-*.md")
    assert "\ncard: rag-vs-fine-tuning\noption: rag\n" in record.read_text()


def test_without_the_setting_a_library_card_is_unknown(tmp_path: Path, run_cli: RunCli) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(VALID, kb / "cards")
    (kb / "mkdocs.yml").write_text("site_name: x\nplugins:\n  - tradeoff-cards\n")
    code, _, err = run_cli("record", "rag-vs-fine-tuning", "--chose", "rag", cwd=kb)
    assert code == 2 and "no decision card 'rag-vs-fine-tuning'" in err


def test_the_exported_configuration_names_the_content_licence(
    tmp_path: Path, run_cli: RunCli
) -> None:
    from generator.engines.export import plain_config, plan_for
    from generator.engines.project import Project

    assert run_cli("init", str(tmp_path / "kb"), "--library")[0] == 0
    project = Project(tmp_path / "kb" / "mkdocs.yml")
    plan = plan_for(project)
    assert len(plan.catalog.decisions) == len(DECISIONS) + 1  # the library and the example
    config = plain_config(project, plan, "docs")
    assert 'rel="license">CC BY 4.0</a>' in config["copyright"]
    (tmp_path / "kb" / "mkdocs.yml").write_text("site_name: x\nplugins:\n  - tradeoff-cards\n")
    assert "copyright" not in plain_config(Project(tmp_path / "kb" / "mkdocs.yml"), plan, "docs")
