"""What a one-off build keeps on disk instead of in memory comes back exactly as it was put."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from generator.cards import load_catalog
from generator.cards.parallel import each_of_halves, map_halves
from generator.engines.mkdocs.held import Held
from generator.site.plan import build_plan
from generator.site.spill import Spilled

from .conftest import REPO, VALID


def test_spilled_values_come_back_as_set_and_are_copies() -> None:
    spilled: Spilled[str, object] = Spilled({"b": [1, 2], "a": "x"})
    assert list(spilled) == ["b", "a"] and len(spilled) == 2
    value = spilled["b"]
    assert value == [1, 2]
    value.append(3)
    assert spilled["b"] == [1, 2]  # what is stored is unchanged
    spilled["b"] = "ü" * 10_000  # set again: the newer value wins
    assert spilled["b"] == "ü" * 10_000
    spilled.order_by(str)
    assert list(spilled.items()) == [("a", "x"), ("b", "ü" * 10_000)]
    assert "a" in spilled and "c" not in spilled and spilled.get("c") is None
    del spilled["a"]
    assert dict(spilled) == {"b": "ü" * 10_000}
    with pytest.raises(KeyError):
        spilled["a"]
    assert spilled.pop("b") == "ü" * 10_000 and len(spilled) == 0
    spilled.close()
    assert len(spilled) == 0


def test_spilled_reads_from_two_threads_get_their_own_values() -> None:
    spilled: Spilled[str, str] = Spilled({str(n): str(n) * (n % 97) for n in range(2000)})
    wrong: list[str] = []

    def read() -> None:
        for key in spilled:
            if spilled[key] != key * (int(key) % 97):
                wrong.append(key)

    threads = [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []


def _square(n: int) -> int:
    return n * n


def test_each_of_halves_gives_the_results_in_order_one_at_a_time() -> None:
    items = list(range(450))
    assert list(each_of_halves(_square, items, parallel=True)) == [n * n for n in items]
    assert map_halves(_square, items, parallel=True) == [n * n for n in items]
    results = each_of_halves(_square, items, parallel=True)
    assert [next(results) for _ in range(3)] == [0, 1, 4]  # before the child's half is read
    results.close()  # stopping early ends the child
    assert multiprocessing.active_children() == []


@pytest.mark.slow
@pytest.mark.parametrize("cards", [VALID, REPO / "cards"], ids=["examples", "real"])
def test_a_spilled_plan_holds_the_same_pages_and_files(cards: Path) -> None:
    catalog = load_catalog(cards)
    held: dict[str, object] = {}
    spilled: dict[str, object] = {}

    def sink(into: dict[str, object]):  # type: ignore[no-untyped-def]
        def take(path: str, text: object) -> None:
            into[path] = text if isinstance(text, str) else "".join(text)  # type: ignore[arg-type]

        return take

    plain = build_plan(catalog, keep_parts=False, sink=sink(held))
    plan = build_plan(catalog, keep_parts=False, sink=sink(spilled), spill=True)
    assert isinstance(plan.pages, Spilled) and not isinstance(plain.pages, Spilled)
    assert list(plan.pages) == list(plain.pages)  # the same order: by path
    for path, page in plain.pages.items():
        assert plan.pages[path] == page, path
    assert spilled == held and "api/cards.json" in held and "llms-full.txt" in held
    assert plan.files == plain.files


def test_held_html_is_given_back_to_its_page_only() -> None:
    held = Held({"decisions/a.md"})
    generated = SimpleNamespace(file=SimpleNamespace(src_uri="decisions/a.md"), content="")
    written = SimpleNamespace(file=SimpleNamespace(src_uri="guide.md"), content="")
    assert held.hold("<p>a</p>", generated) == ""  # the page holds nothing meanwhile
    assert held.hold("<p>guide</p>", written) == "<p>guide</p>"  # not a generated page
    context = {"page": generated}
    assert held.give_back(generated, context) is context
    assert generated.content == "<p>a</p>"
    generated.content = None
    held.give_back(generated, context)  # given back once only
    assert generated.content is None
    held.give_back(written, context)
    assert written.content == ""
