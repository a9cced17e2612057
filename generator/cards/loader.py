"""Strict YAML loading: plain data where every scalar stays the text that was written.

PyYAML's C parser composes the node graph; we build the Python data ourselves so that no
implicit typing (YAML 1.1 booleans, sexagesimals, octals, dates) ever touches a value, and
so that every key and value keeps the line and column it came from.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64
# PyYAML's C composer recurses once per nesting level and overflows the C stack (a crash, no
# message) somewhere past ten thousand levels. A text whose nesting could pass this bound is
# measured on the event stream first, which the C parser produces without recursing.
_DEPTH_SCAN_FROM = 1000

Data = str | list["Data"] | dict[str, "Data"]
PathKey = tuple[str | int, ...]
Position = tuple[int, int]  # 1-based line and column

_LEADING_TAB = re.compile(r"^ *\t", re.MULTILINE)
# A tag ('!') or an anchor ('&name') can only start a token: at a line start, after white space or
# after a flow indicator. Only texts with such a candidate need the slower event scan; aliases
# need an anchor to refer to, and an alias to a missing anchor is a composer error.
_TAG_OR_ANCHOR_CHAR = re.compile(r"[!&]")
_TOKEN_BOUNDARY = frozenset(" \t\r\n[{,:?-")
_PREFIX_CHARS = str.maketrans("-?", "  ")  # what a block collection's line prefix is made of


def _maybe_tag_or_anchor(text: str) -> bool:
    """True if some '!' or '&name' in the text could start a YAML token (a cheap, safe over-estimate)."""
    if "!" not in text and "&" not in text:  # most cards: two searches in C, no Python loop
        return False
    for match in _TAG_OR_ANCHOR_CHAR.finditer(text):
        start = match.start()
        if start and text[start - 1] not in _TOKEN_BOUNDARY:
            continue
        if match.group() == "!" or text[start + 1 : start + 2].strip():
            return True
    return False


class _TextOnlyComposer(yaml.CBaseLoader):
    """The C composer; every scalar is text, so resolving implicit types is skipped."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        return "tag:yaml.org,2002:str"


class LoadError(Exception):
    """A problem in a YAML file, with the 1-based position it refers to."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class Document:
    """The plain data of one file, and where each of its parts was written.

    Positions are only needed to report a problem, so they are computed on first use by
    composing the text again; a valid file never pays for them.
    """

    def __init__(
        self,
        data: Data,
        text: str | None = None,
        value_positions: dict[PathKey, Position] | None = None,
        key_positions: dict[PathKey, Position] | None = None,
    ) -> None:
        self.data = data
        self._kept = text
        self._source: Path | None = None
        self._values = value_positions
        self._keys = key_positions

    @property
    def _text(self) -> str | None:
        if self._kept is not None or self._source is None:
            return self._kept
        try:
            return read_text(self._source)
        except (OSError, LoadError):
            return None

    def forget_text(self, source: Path) -> None:
        """Hold the text no longer: a position asked for later is found in `source`, read again
        (a build that has validated its cards needs none; a thousand files hold 17 MB)."""
        self._kept, self._source = None, source

    @property
    def value_positions(self) -> dict[PathKey, Position]:
        """(line, column) of every value, by path."""
        if self._values is None:
            self._index()
        assert self._values is not None
        return self._values

    @property
    def key_positions(self) -> dict[PathKey, Position]:
        """(line, column) of every mapping key, by path."""
        if self._keys is None:
            self._index()
        assert self._keys is not None
        return self._keys

    def _index(self) -> None:
        self._values, self._keys = {}, {}
        text = self._text
        if text is None:
            return
        loader = _TextOnlyComposer(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        if node is None:
            return
        stack: list[tuple[Node, PathKey]] = [(node, ())]
        while stack:
            current, path = stack.pop()
            self._values[path] = _mark(current)
            if isinstance(current, SequenceNode):
                stack.extend((item, (*path, i)) for i, item in enumerate(current.value))
            elif isinstance(current, MappingNode):
                for key_node, value_node in current.value:
                    child = (*path, key_node.value)
                    self._keys.setdefault(child, _mark(key_node))
                    stack.append((value_node, child))

    def position(self, path: PathKey, *, key: bool = False) -> Position:
        """Best position for `path`: the key (or value) itself, else its nearest ancestor.

        An ancestor that is a list item is placed at its value (the item's first character);
        one that is a mapping key is placed at the key, which is where a reader looks.
        """
        own = (self.key_positions if key else self.value_positions).get(path)
        if own is not None:
            return own
        if path in self.key_positions:
            return self.key_positions[path]
        path = path[:-1]
        while path:
            table = self.value_positions if isinstance(path[-1], int) else self.key_positions
            if path in table:
                return table[path]
            path = path[:-1]
        return (1, 1)

    def may_hold(self, needle: str) -> bool:
        """False when the file's text certainly does not contain `needle` (a quick first scan)."""
        text = self._text
        return text is None or needle in text

    def text_position(self, path: PathKey, needle: str, offset: int) -> Position:
        """Where the part of the text value at `path` that starts at `offset` (and reads `needle`)
        was written: found in the file after the value's start when written on one line, else
        the value's own position."""
        line, column = self.position(path)
        text = self._text
        if text is None:
            return line, column
        value = self.data
        for part in path:
            value = value[part]  # type: ignore[index]
        nth = str(value)[:offset].count(needle)
        lines = text.split("\n")
        at = sum(len(text) + 1 for text in lines[: line - 1]) + column - 1
        for _ in range(nth + 1):
            found = text.find(needle, at)
            if found < 0:
                return line, column
            at = found + 1
        start = at - 1
        found_line = text.count("\n", 0, start) + 1
        return found_line, start - (text.rfind("\n", 0, start) + 1) + 1


def read_text(path: Path) -> str:
    """Read a card file as UTF-8 text, rejecting what YAML should never see."""
    raw = path.read_bytes()
    return decode(raw)


def decode(raw: bytes) -> str:
    """Decode file bytes, reporting oversize files, NUL bytes and invalid UTF-8 with positions."""
    if len(raw) > MAX_BYTES:
        raise LoadError(f"file is {len(raw):,} bytes; the limit is {MAX_BYTES:,} bytes (1 MiB)")
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, col = _byte_position(raw, nul)
        raise LoadError("file contains a NUL byte; is it a binary file?", line, col)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _byte_position(raw, exc.start)
        raise LoadError(
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
            line,
            col,
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def _byte_position(raw: bytes, offset: int) -> Position:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return line, column


def load(text: str, *, top: type = dict) -> Document:
    """Parse one YAML document into plain data; raise LoadError for anything not allowed.

    `top` is the kind the document must be at its top level: dict (a card) or list
    (categories.yaml).
    """
    tab = _LEADING_TAB.search(text) if "\t" in text else None
    if tab:
        line = text.count("\n", 0, tab.start()) + 1
        column = tab.end() - tab.start()
        raise LoadError("tab used for indentation; indent with spaces", line, column)
    if _maybe_tag_or_anchor(text):
        _reject_tags_and_anchors(text)
    if _could_nest_deeper_than(text, _DEPTH_SCAN_FROM):
        _reject_deep_nesting(text)
    loader = _TextOnlyComposer(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        raise _from_yaml_error(exc, text) from None
    finally:
        loader.dispose()
    if node is None:
        wanted = "a mapping of keys to values" if top is dict else "a list"
        raise LoadError(f"file is empty; expected {wanted}")
    expected = MappingNode if top is dict else SequenceNode
    if not isinstance(node, expected):
        kinds = {MappingNode: "a mapping", SequenceNode: "a list", ScalarNode: "a single value"}
        line, col = _mark(node)
        wanted = "a mapping of keys to values" if top is dict else "a list"
        raise LoadError(f"top level is {kinds[type(node)]}; expected {wanted}", line, col)
    return Document(_build(node, set(), 0), text)


def load_file(path: Path, *, top: type = dict) -> Document:
    """Read and parse a file (see `load`)."""
    return load(read_text(path), top=top)


def _mark(node: Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _reject_tags_and_anchors(text: str) -> None:
    """Walk the event stream: explicit tags and anchors are only visible there."""
    try:
        for event in yaml.parse(text, Loader=yaml.CBaseLoader):
            mark = event.start_mark
            where = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
            if isinstance(event, yaml.AliasEvent):
                raise LoadError(
                    f"alias '*{event.anchor}' is not allowed; write the value out in full", *where
                )
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                raise LoadError(
                    f"anchor '&{anchor}' is not allowed; cards are plain data without anchors or aliases",
                    *where,
                )
            tag = getattr(event, "tag", None)
            if tag is not None and isinstance(
                event, (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)
            ):
                shown = tag.replace("tag:yaml.org,2002:", "!!")
                raise LoadError(
                    f"explicit tag '{shown}' is not allowed; remove it (values are always text)",
                    *where,
                )
    except yaml.YAMLError as exc:
        raise _from_yaml_error(exc, text) from None


def _could_nest_deeper_than(text: str, levels: int) -> bool:
    """A cheap upper bound on nesting. Every flow level opens with '[' or '{'. A block
    collection starts where its line's indentation and leading '- ' / '? ' indicators end, at
    a later column than the collection around it (or the same one, for a list under a key), so
    block levels number at most twice the longest such line prefix, plus one."""
    flow = text.count("[") + text.count("{")
    if flow > levels:
        return True
    # 2 * (prefix + 1) > levels - flow when the longest prefix is at least `least` long, and a
    # prefix that long is a run of that many of ' ', '-' and '?': most texts have none.
    least = (levels - flow) // 2
    if least > 0 and " " * least not in text.translate(_PREFIX_CHARS):
        return False
    prefix = max((len(line) - len(line.lstrip(" -?")) for line in text.splitlines()), default=0)
    return flow + 2 * (prefix + 1) > levels


def _reject_deep_nesting(text: str) -> None:
    """Find the first collection nested deeper than MAX_DEPTH, from the event stream."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.CBaseLoader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    where = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
                    raise LoadError(f"nested more than {MAX_DEPTH} levels deep", *where)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError as exc:
        raise _from_yaml_error(exc, text) from None


def _build(node: Node, seen: set[int], depth: int) -> Data:
    """Plain data from a composed node; the checks here are the ones a node graph can show."""
    if depth > MAX_DEPTH:
        line, col = _mark(node)
        raise LoadError(f"nested more than {MAX_DEPTH} levels deep", line, col)
    kind = node.__class__
    if kind is ScalarNode:
        return node.value
    if id(node) in seen:  # only an alias can make a collection appear twice
        line, col = _mark(node)
        raise LoadError("aliases are not allowed; write the value out in full", line, col)
    seen.add(id(node))
    if kind is SequenceNode:
        return [_build(item, seen, depth + 1) for item in node.value]
    result: dict[str, Data] = {}
    for key_node, value_node in node.value:
        if key_node.__class__ is not ScalarNode:
            line, col = _mark(key_node)
            raise LoadError("a key must be plain text, not a list or mapping", line, col)
        key = key_node.value
        if key in result:
            first = next(k for k, _ in node.value if k.value == key)
            line, col = _mark(key_node)
            raise LoadError(
                f"duplicate key '{key}' (first written on line {_mark(first)[0]})", line, col
            )
        if key == "<<" and not key_node.style:
            line, col = _mark(key_node)
            raise LoadError("merge keys ('<<') are not allowed; write the keys out", line, col)
        result[key] = _build(value_node, seen, depth + 1)
    return result


_YAML_WORDING = {
    "found character '\\t' that cannot start any token": "tab character where YAML expects content; use spaces",
    "but found another document": "file holds several YAML documents ('---'); a card is exactly one",
    "mapping values are not allowed in this context": "unexpected ': ' in unquoted text; put the text in quotes",
    "mapping values are not allowed here": "unexpected ': ' in unquoted text; put the text in quotes",
}


def _from_yaml_error(exc: yaml.YAMLError, text: str) -> LoadError:
    if isinstance(exc, yaml.reader.ReaderError):
        # Raised for characters YAML does not accept (most control characters); it carries an
        # offset into the text rather than a mark.
        offset = min(max(exc.position, 0), len(text))
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        character = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return LoadError(
            f"character U+{ord(character):04X} is not allowed in YAML; remove it", line, column
        )
    if not isinstance(exc, yaml.MarkedYAMLError):
        return LoadError(f"YAML syntax error: {exc}")
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or "").strip()
    message = _YAML_WORDING.get(problem)
    if problem == "found undefined alias" and mark is not None:
        alias = re.match(r"\*?([^\s,\[\]{}]*)", text[mark.index :])
        name = alias.group(1) if alias else ""
        message = f"alias '*{name}' is not allowed; write the value out in full"
    if message is None:
        message = f"YAML syntax error: {problem}"
        if exc.context:
            started = exc.context_mark
            at = f" that starts at {started.line + 1}:{started.column + 1}" if started else ""
            message += f" ({exc.context}{at})"
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return LoadError(message, line, col)
