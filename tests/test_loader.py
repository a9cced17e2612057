"""The strict loader: text stays text, positions are right, and bad input fails cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cards.loader import MAX_BYTES, LoadError, decode, load, load_file

LOOKALIKES = [
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "Y",
    "NO",
    "true",
    "False",
    "1.10",
    "1:10",
    "0755",
    "0x1F",
    "1e3",
    ".nan",
    ".inf",
    "-.inf",
    "~",
    "null",
    "Null",
    "2026-01-01",
    "2026-01-01 10:00:00",
    "12",
    "-0",
    "+1",
    "=",
    "<<x",
]


@pytest.mark.parametrize("value", LOOKALIKES)
def test_yaml_11_lookalikes_stay_text(value: str) -> None:
    doc = load(f"summary: {value}\nitems:\n  - {value}\n")
    assert doc.data == {"summary": value, "items": [value]}


@pytest.mark.parametrize("value", ["no", "on", "off", "yes", "y", "n", "0755", "null"])
def test_lookalikes_as_keys_and_option_keys_stay_text(value: str) -> None:
    doc = load(f"{value}: x\noptions:\n  - key: {value}\n")
    assert doc.data == {value: "x", "options": [{"key": value}]}


def test_quoted_and_block_scalars_keep_their_text() -> None:
    text = "a: \"no\"\nb: '1.10'\nc: |\n  line one\n  line two\nd: >-\n  folded\n  text\n"
    assert load(text).data == {
        "a": "no",
        "b": "1.10",
        "c": "line one\nline two\n",
        "d": "folded text",
    }


def test_empty_value_is_empty_text() -> None:
    assert load("a:\nb: ''\n").data == {"a": "", "b": ""}


def test_positions_of_keys_and_values() -> None:
    doc = load("title: T\nframing:\n  really_about: R\noptions:\n  - key: a\n    name: A\n")
    assert doc.key_positions[("framing", "really_about")] == (3, 3)
    assert doc.value_positions[("framing", "really_about")] == (3, 17)
    assert doc.value_positions[("options", 0)] == (5, 5)
    assert doc.key_positions[("options", 0, "name")] == (6, 5)
    # a path that does not exist falls back to its nearest ancestor
    assert doc.position(("options", 0, "best_when")) == (5, 5)
    assert doc.position(("framing", "why_hard")) == (2, 1)


def test_bom_and_crlf_load_like_plain_files() -> None:
    raw = "\ufefftitle: T\r\nitems:\r\n  - no\r\n".encode("utf-8")
    doc = load(decode(raw))
    assert doc.data == {"title": "T", "items": ["no"]}
    assert doc.key_positions[("items",)] == (2, 1)


@pytest.mark.parametrize(
    ("raw", "line", "column", "fragment"),
    [
        (b"title: ok\nsummary: caf\xc3\xa9 \xff\n", 2, 15, "not valid UTF-8"),
        (b"title: a\x00b\n", 1, 9, "NUL byte"),
    ],
)
def test_bad_bytes_are_reported_with_position(
    raw: bytes, line: int, column: int, fragment: str
) -> None:
    with pytest.raises(LoadError) as caught:
        decode(raw)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert fragment in caught.value.message


def test_file_over_one_mebibyte_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"title: " + b"x" * (2 * MAX_BYTES) + b"\n")
    with pytest.raises(LoadError, match="limit is 1,048,576 bytes"):
        load_file(path)


def test_alias_bomb_is_refused_before_expansion() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(20)
    )
    with pytest.raises(LoadError) as caught:
        load(bomb)
    assert "anchor '&a'" in caught.value.message
    assert (caught.value.line, caught.value.column) == (1, 4)


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system",
        "!!python/name:os.system",
        "!!str",
        "!!int",
        "!!binary",
        "!!map",
        "!!seq",
        "!!set",
        "!!omap",
        "!custom",
        "!<tag:example.com,2026:x>",
    ],
)
def test_every_explicit_tag_is_refused(tag: str) -> None:
    value = "[a]" if tag in ("!!seq", "!!set", "!!omap") else ("{a: b}" if tag == "!!map" else "x")
    with pytest.raises(LoadError) as caught:
        load(f"title: ok\nsummary: {tag} {value}\n")
    assert "explicit tag" in caught.value.message
    assert (caught.value.line, caught.value.column) == (2, 10)


def test_non_specific_tag_is_refused() -> None:
    with pytest.raises(LoadError, match="explicit tag '!'"):
        load("title: ! x\n")


def test_deep_nesting_is_refused_cleanly() -> None:
    deep = "a: " + "[" * 1000 + "]" * 1000 + "\n"
    with pytest.raises(LoadError) as caught:
        load(deep)
    assert "nested more than" in caught.value.message


def test_long_line_loads() -> None:
    long = "x" * 100_000
    assert load(f"summary: {long}\n").data == {"summary": long}


@pytest.mark.parametrize(
    ("text", "fragment", "position"),
    [
        ("a: 1\n---\nb: 2\n", "several YAML documents", (2, 1)),
        ("- a\n- b\n", "top level is a list", (1, 1)),
        ("just text\n", "top level is a single value", (1, 1)),
        ("", "file is empty", (1, 1)),
        ("a: 1\na: 2\n", "duplicate key 'a' (first written on line 1)", (2, 1)),
        ("a:\n  b: 1\n  b: 2\n", "duplicate key 'b'", (3, 3)),
        ("a:\n\tb: 1\n", "tab used for indentation", (2, 1)),
        ("? [a, b]\n: c\n", "a key must be plain text", (1, 3)),
        ("a: *nothing\n", "alias '*nothing'", (1, 4)),
        ("<<: {a: 1}\n", "merge keys", (1, 1)),
        ('a: "unclosed\n', "YAML syntax error", (2, 1)),
    ],
)
def test_structural_problems(text: str, fragment: str, position: tuple[int, int]) -> None:
    with pytest.raises(LoadError) as caught:
        load(text)
    assert fragment in caught.value.message
    assert (caught.value.line, caught.value.column) == position


def test_categories_file_must_be_a_list() -> None:
    with pytest.raises(LoadError, match="top level is a mapping; expected a list"):
        load("id: x\n", top=list)
    assert load("- id: x\n", top=list).data == [{"id": "x"}]


def test_the_quick_prescans_answer_as_the_full_scans_do() -> None:
    """The nesting bound and the tag-or-anchor check first rule out most texts with searches in
    C; on random texts of the characters that matter they answer as the full scans do."""
    import random

    from generator.cards import loader

    def nesting_bound(text: str, levels: int) -> bool:  # the bound written out in full
        flow = text.count("[") + text.count("{")
        prefix = max((len(line) - len(line.lstrip(" -?")) for line in text.splitlines()), default=0)
        return flow > levels or flow + 2 * (prefix + 1) > levels

    def tag_or_anchor(text: str) -> bool:
        return any(
            char in "!&"
            and (not at or text[at - 1] in loader._TOKEN_BOUNDARY)
            and (char == "!" or bool(text[at + 1 : at + 2].strip()))
            for at, char in enumerate(text)
        )

    chosen = random.Random(11)
    pieces = [" ", "-", "?", "a", "\n", "\r", "\u2028", "[", "{", "- ", "!", "&", "&x", ":"]
    for _ in range(4000):
        text = "".join(chosen.choice(pieces) for _ in range(chosen.randint(0, 40)))
        for levels in (0, 1, 2, 3, 8, 15, 30):
            assert loader._could_nest_deeper_than(text, levels) == nesting_bound(text, levels)
        assert loader._maybe_tag_or_anchor(text) == tag_or_anchor(text), text


def test_a_document_that_let_its_text_go_finds_positions_in_its_file(tmp_path: Path) -> None:
    card = tmp_path / "card.yaml"
    card.write_text("title: A\noptions:\n  - name: Queue\n    fits: When spikes come.\n")
    kept = load_file(card)
    forgot = load_file(card)
    forgot.forget_text(card)
    for path in [("title",), ("options", 0, "fits"), ("options", 0, "name")]:
        assert forgot.position(path) == kept.position(path) != (1, 1)
    spikes = (("options", 0, "fits"), "spikes", 5)
    assert forgot.text_position(*spikes) == kept.text_position(*spikes) == (4, 16)
    assert forgot.may_hold("spikes") and not forgot.may_hold("storm")
