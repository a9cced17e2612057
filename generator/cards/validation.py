"""Turn pydantic's validation errors into plain-word problems at YAML positions."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from .loader import Document, PathKey
from .models import models_in
from .problems import Problem
from .wording import count


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest choice, or '' when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.7)
    return f" (did you mean '{close[0]}'?)" if close else ""


def model_at(root: type[BaseModel], path: PathKey) -> type[BaseModel] | None:
    """The model that describes the mapping found at `path` in a document of type `root`."""
    model: type[BaseModel] | None = root
    for part in path:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        models = models_in(field.annotation) + [
            m for meta in field.metadata for m in models_in(meta)
        ]
        model = models[0] if models else None
    return model


def data_path(data: Any, loc: tuple[Any, ...]) -> PathKey:
    """Keep the parts of pydantic's loc that name a real key or index (drop union tags)."""
    path: list[str | int] = []
    node: Any = data
    for index, part in enumerate(loc):
        key_found = isinstance(node, dict) and isinstance(part, str) and part in node
        index_found = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if key_found or index_found:
            node = node[part]
            path.append(part)
        elif isinstance(node, dict) and isinstance(part, str) and index == len(loc) - 1:
            path.append(part)  # a missing key: keep it so the message can name it
        # anything else is a union tag pydantic adds to the loc: it names no place in the file
    return tuple(path)


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value == "":
        return "nothing"
    return f"the text '{_short(value)}'"


def _short(value: Any, limit: int = 60) -> str:
    text = str(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


_KEY = re.compile(r"[a-z_]+")  # how every key of the format is spelt


def _at(data: Any, path: PathKey) -> Any:
    for part in path:
        data = data[part]
    return data


def _colon_hint(value: Any) -> str:
    """For a mapping YAML made of a text with ': ' in it, the hint to quote that text."""
    if not (isinstance(value, dict) and len(value) == 1):
        return ""
    ((key, rest),) = value.items()
    if not isinstance(rest, str) or _KEY.fullmatch(str(key)):  # a key as the format spells one
        return ""
    written = _short(f"{key}: {rest}", 40)
    return (
        f" (YAML reads '{written}' as a key and a value because of the ': '; "
        "put the whole text in quotes)"
    )


# What one item of a list field is called, for messages about a single item.
_ITEM_NAMES = {"tags": "tag", "supersedes": "card id", "owners": "owner"}


def _label(path: PathKey) -> str:
    named = [p for p in path if isinstance(p, str)]
    if not named:
        return "value"
    if isinstance(path[-1], int) and named[-1] in _ITEM_NAMES:
        return _ITEM_NAMES[named[-1]]
    return {"key": "option key", "failure_mode": "failure-mode id", "card": "card id"}.get(
        named[-1], named[-1]
    )


def problems_from_validation(
    error: ValidationError, doc: Document, model: type[BaseModel], file: str
) -> list[Problem]:
    """One plain-word problem per pydantic error, placed at the offending key or value."""
    problems = []
    errors = error.errors(include_url=False)
    # A misspelt key shows up twice: as unknown, and as the missing key it was meant to be.
    # Report it once, as the unknown key with its suggestion.
    suggested: set[PathKey] = set()
    # A text with ': ' in it, unquoted, is read as a one-key mapping: where such a mapping stands
    # for a mapping of the format, say so once, at its key, rather than also listing the keys
    # it lacks.
    text_as_key: set[PathKey] = set()
    for item in errors:
        if item["type"] == "extra_forbidden":
            path = data_path(doc.data, item["loc"])
            if _colon_hint(_at(doc.data, path[:-1])):
                text_as_key.add(path[:-1])
            parent_model = model_at(model, path[:-1])
            if parent_model is not None:
                close = difflib.get_close_matches(
                    str(path[-1]), list(parent_model.model_fields), 1, 0.7
                )
                suggested.update((*path[:-1], c) for c in close)
    for item in errors:
        path = data_path(doc.data, item["loc"])
        kind = item["type"]
        ctx = item.get("ctx") or {}
        value = item.get("input")
        label = _label(path)
        key_position = False
        if kind == "missing":
            if path in suggested or path[:-1] in text_as_key:
                continue
            parent = path[:-1]
            where = f" in '{_label(parent)}'" if parent else ""
            message = f"missing required key '{path[-1]}'{where}"
            if not parent:
                line, column = 1, 1
            else:  # the item's own mapping when it is a list item, else the key that opens it
                line, column = doc.position(parent, key=not isinstance(parent[-1], int))
            problems.append(Problem(file, line, column, message))
            continue
        if kind == "extra_forbidden":
            parent_model = model_at(model, path[:-1])
            choices = parent_model.model_fields if parent_model else []
            message = f"unknown key '{path[-1]}'{did_you_mean(str(path[-1]), choices)}"
            if path[:-1] in text_as_key:
                message += _colon_hint({path[-1]: value})
            key_position = True
        elif kind == "string_type":
            message = f"'{label}' should be text, found {_kind(value)}{_colon_hint(value)}"
        elif kind == "list_type":
            message = f"'{label}' should be a list of items (lines starting with '- '), found {_kind(value)}"
        elif kind in ("model_type", "dict_type", "model_attributes_type"):
            message = f"'{label}' should be a mapping of keys to values, found {_kind(value)}"
        elif kind == "too_short":
            need = ctx.get("min_length", 1)
            message = f"'{label}' needs at least {count(need, 'item')}, found {ctx.get('actual_length', 0)}"
        elif kind == "too_long":
            message = f"'{label}' has {count(int(ctx.get('actual_length', 0)), 'item')}; at most {ctx.get('max_length')} are allowed"
        elif kind == "string_too_short":
            if ctx.get("min_length", 1) <= 1 or value == "":
                message = f"'{label}' is empty"
            else:
                message = f"'{_short(value)}' is too short for '{label}': at least {count(ctx['min_length'], 'character')}"
        elif kind == "string_too_long":
            message = f"'{label}' is too long: at most {count(int(ctx.get('max_length', 0)), 'character')}"
        elif kind == "string_pattern_mismatch":
            if value == "":
                message = f"'{label}' is empty"
            elif label == "url":
                message = (
                    f"'{_short(value)}' is not a web address starting with http:// or https://"
                )
            else:
                message = (
                    f"'{_short(value)}' is not a valid {label}: use lowercase ASCII letters, digits "
                    "and single hyphens (e.g. 'event-sourcing')"
                )
        elif kind == "literal_error":
            allowed = str(ctx.get("expected", "")).replace("'", "")
            options = [o.strip() for o in allowed.replace(" or ", ",").split(",") if o.strip()]
            hint = did_you_mean(str(value), options)
            message = (
                f"'{_short(value)}' is not a valid {label}{hint}; use one of: {', '.join(options)}"
            )
        elif kind == "greater_than_equal":
            message = f"'{label}' must be at least {ctx.get('ge')}, found {value}"
        elif kind == "changes_order":
            message = str(item["msg"])
        elif kind == "source_id_repeated":
            message = str(item["msg"])
            path = (*path, int(ctx["index"]), "id")
        elif kind == "blank_text":
            message = f"'{label}' is empty or only white space"
        else:
            message = f"'{label}': {item['msg']}"
        line, column = doc.position(path, key=key_position)
        problems.append(Problem(file, line, column, message))
    return problems
