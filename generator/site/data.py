"""The cards as data: `api/cards.json`, with the JSON Schemas its entries follow beside it.

`api/cards.json` is one object:

    {"schema_version": 1,
     "decisions": [{"id", "url", "source", "card", "referenced_by", "records"}, ...],
     "failure_modes": [{"id", "url", "source", "entry", "reached_from"}, ...],
     "roles": [{"id", "title", "description"}, ...]}

`card` and `entry` hold the fields as the YAML file has them: a key left out stays out (no
defaults are filled in), every text is exactly as written, `reviewed` and change dates are
`YYYY-MM-DD` strings and `review_every_months` is a number, so each validates against
`api/decision.schema.json` or `api/failure-mode.schema.json`. `url` is the page's URL: absolute
when the site has a `site_url`, else relative to the site root. `source` is the YAML file's path
in the project. `referenced_by` lists the cards whose relations name this one
(`{"card", "relation", "note"}`), `reached_from` the options whose misuse leads to the failure mode
(`{"card", "option", "note"}`). `records` lists the site's decision records that name the card
(`{"number", "title", "status", "date", "option", "url"}`, newest first; number and date may be
null), as read from the records folder; whether one is due for a re-visit depends on the day and
is left to the pages. A cost bearer in `card` is a text or `{"role", "note"}`, where `role` is the
id of an item of `roles`: the roles of `cards/roles.yaml` in its order (empty when the collection
has none).

Entries are in id order, keys inside `card` and `entry` in alphabetical order, and nothing depends
on when the site is built: two builds of the same cards are byte-identical. `<`, U+2028 and U+2029
are written as `\\u` escapes, so the file can also be pasted into a `<script>` element.

`schema_version` is an integer, raised only for a change that can break a reader (a key removed or
renamed, a meaning changed); adding a key leaves it as it is.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from functools import lru_cache
from typing import Any

from ..cards import Catalog, Entry
from ..cards.models import DecisionCard, FailureMode
from ..cards.schema import schema_texts
from .paths import API_CARDS, API_DIR, decision_uri, failure_mode_uri, page_url, site_link

SCHEMA_VERSION = 1

# Takes each finished file, by its path in the site, in place of a dict of them all: its text,
# or pieces that make the text one after another, made as they are taken (a file of hundreds
# of megabytes is then never joined in memory).
Sink = Callable[[str, "str | Iterable[str]"], None]


def _sorted_keys(data: Any) -> Any:
    if isinstance(data, dict):
        return {key: _sorted_keys(data[key]) for key in sorted(data)}
    if isinstance(data, list):
        return [_sorted_keys(item) for item in data]
    return data


def as_written(entry: Entry[DecisionCard] | Entry[FailureMode]) -> dict[str, Any]:
    """The fields of an entry as its YAML file has them, with the typed ones as the schema wants:
    dates as `YYYY-MM-DD` and `review_every_months` as a number."""
    data: dict[str, Any] = dict(entry.doc.data)  # type: ignore[arg-type]
    model = entry.model
    data["reviewed"] = model.reviewed.isoformat()
    if "review_every_months" in data and isinstance(model, DecisionCard):
        data["review_every_months"] = model.review_every_months
    if model.changes:
        data["changes"] = [
            {**written, "date": change.date.isoformat()}
            for written, change in zip(data["changes"], model.changes, strict=True)
        ]
    written: dict[str, Any] = _sorted_keys(data)
    return written


def source_path(catalog: Catalog, entry: Entry[Any]) -> str:
    """The entry's YAML file as a path in the project (`cards/decisions/<id>.yaml`)."""
    if not os.path.isabs(entry.display):
        return entry.display.replace(os.sep, "/")
    return f"{catalog.root.name}/{entry.path.relative_to(catalog.root).as_posix()}"


def _json(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    # Only inside strings can these occur, where the escapes mean the same characters.
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def decision_object(
    catalog: Catalog, card_id: str, url: str, records: list[dict[str, Any]] | None = None
) -> str:
    """The JSON text of a decision card's object in `api/cards.json`; `records` are the
    decision records that name the card (see records.record_objects)."""
    card = catalog.decisions[card_id]
    backlinks = sorted(catalog.backlinks.get(card_id, []), key=lambda b: (b.source, b.relation))
    return _json(
        {
            "id": card_id,
            "url": url,
            "source": source_path(catalog, card),
            "card": as_written(card),
            "referenced_by": [
                {"card": b.source, "relation": b.relation, "note": b.note} for b in backlinks
            ],
            "records": records or [],
        }
    )


def failure_mode_object(catalog: Catalog, mode_id: str, url: str) -> str:
    """The JSON text of a failure mode's object in `api/cards.json`."""
    mode = catalog.failure_modes[mode_id]
    reached = sorted(catalog.reached_from.get(mode_id, []), key=lambda r: (r.card, r.option_key))
    return _json(
        {
            "id": mode_id,
            "url": url,
            "source": source_path(catalog, mode),
            "entry": as_written(mode),
            "reached_from": [
                {"card": r.card, "option": r.option_key, "note": r.note} for r in reached
            ],
        }
    )


def cards_json(catalog: Catalog, objects: Mapping[str, str]) -> str:
    """The text of `api/cards.json`, from the JSON text of each entry's object by page path."""
    # One join of every piece: the whole text (tens of megabytes at thousands of cards) is
    # copied once, not once per list and again into the file's text.
    return "".join(cards_json_pieces(catalog, objects))


def cards_json_pieces(catalog: Catalog, objects: Mapping[str, str]) -> Iterator[str]:
    """`api/cards.json` as pieces that make its text one after another, each entry's object
    taken from `objects` as it comes."""
    roles = _json([_sorted_keys(role.model_dump()) for role in catalog.roles])
    yield f'{{"schema_version":{SCHEMA_VERSION},"decisions":['
    for number, card_id in enumerate(sorted(catalog.decisions)):
        if number:
            yield ","
        yield objects[decision_uri(card_id)]
    yield '],"failure_modes":['
    for number, mode_id in enumerate(sorted(catalog.failure_modes)):
        if number:
            yield ","
        yield objects[failure_mode_uri(mode_id)]
    yield f'],"roles":{roles}}}\n'


def data_files(
    catalog: Catalog,
    *,
    site_url: str = "",
    directory_urls: bool = True,
    made: MutableMapping[str, str] | None = None,
    sink: Sink | None = None,
) -> tuple[dict[str, str], MutableMapping[str, str]]:
    """`api/cards.json` and the two JSON Schemas by their path in the site, and the JSON text of
    each entry's object by page path: `made`, the objects made already (a plan's, with the
    pages), with the others added to it. With `sink`, the files go to it (`api/cards.json` in
    pieces, each object read from `made` as its turn comes) and none is returned."""

    def url(uri: str) -> str:
        return site_link(page_url(uri, directory_urls), "", site_url)

    objects: MutableMapping[str, str] = {} if made is None else made
    for card_id in catalog.decisions:
        uri = decision_uri(card_id)
        if uri not in objects:
            objects[uri] = decision_object(catalog, card_id, url(uri))
    for mode_id in catalog.failure_modes:
        uri = failure_mode_uri(mode_id)
        if uri not in objects:
            objects[uri] = failure_mode_object(catalog, mode_id, url(uri))
    schemas = {f"{API_DIR}/{name}": text for name, text in _schemas()}
    if sink is not None:
        sink(API_CARDS, cards_json_pieces(catalog, objects))
        for path, text in schemas.items():
            sink(path, text)
        return {}, objects
    return {API_CARDS: cards_json(catalog, objects), **schemas}, objects


@lru_cache(maxsize=1)
def _schemas() -> tuple[tuple[str, str], ...]:
    return tuple(schema_texts().items())
