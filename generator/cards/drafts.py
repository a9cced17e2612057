"""Drafts: a decision card with `status: draft` may leave its text unwritten.

A draft is validated like any card, except that a required text left empty or missing is a to-do
rather than an error. Each such place is filled with `UNWRITTEN` in a copy of the data, so the
validated model renders everywhere (the marker shows where text is still to come); everything
else (unknown keys, types, references, citations, option keys, `undo_cost`) is checked as usual.
"""

from __future__ import annotations

import copy
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ValidationError
from pydantic.fields import FieldInfo

from .block_syntax import field_name
from .loader import Document, PathKey
from .models import DecisionCard, is_blank_checked
from .problems import Problem
from .validation import data_path, model_at

M = TypeVar("M", bound=BaseModel)

UNWRITTEN = "To be written."
DRAFT = "draft"
# Each pass fills one level of nesting (a missing section, then its texts); cards have three.
_PASSES = 6


@dataclass
class Checked(Generic[M]):
    """The outcome of validating one entry: its model, or the errors left once a draft's
    unwritten text is set aside; and the places a draft leaves unwritten."""

    model: M | None = None
    error: ValidationError | None = None
    unwritten: list[PathKey] = field(default_factory=list)


def is_draft(data: Any) -> bool:
    """Whether raw card data declares itself a draft."""
    return isinstance(data, dict) and data.get("status") == DRAFT


def check(model: type[M], data: Any) -> Checked[M]:
    """Validate `data` as `model`; a draft's unwritten text is filled with UNWRITTEN and listed."""
    try:
        return Checked(model.model_validate(data))
    except ValidationError as exc:
        if model is not DecisionCard or not is_draft(data):
            return Checked(error=exc)
        error = exc
    filled = copy.deepcopy(data)
    unwritten: list[PathKey] = []
    for _ in range(_PASSES):
        found = False
        for item in error.errors(include_url=False):
            path = data_path(filled, item["loc"])
            value = _placeholder_for(model, path, item, filled)
            if value is not None:
                _put(filled, path, value)
                unwritten.append(path)
                found = True
        if not found:
            break
        try:
            return Checked(model.model_validate(filled), unwritten=_outermost(unwritten))
        except ValidationError as exc:
            error = exc
    return Checked(error=error, unwritten=_outermost(unwritten))


def _outermost(paths: list[PathKey]) -> list[PathKey]:
    """The places as the writer sees them: a filled section's own texts are not listed again."""
    kept = [p for p in paths if not any(p[: len(q)] == q and p != q for q in paths)]
    return sorted(set(kept), key=paths.index)


def _placeholder_for(root: type[BaseModel], path: PathKey, item: Any, data: Any) -> Any | None:
    """What to put at `path` when this error only says that a text is not written yet."""
    kind, value = item["type"], item.get("input")
    named = list(path)
    list_item = bool(named) and isinstance(named[-1], int)
    while named and isinstance(named[-1], int):
        named.pop()
    if not named:
        return None
    parent = model_at(root, tuple(named[:-1]))
    info = parent.model_fields.get(str(named[-1])) if parent else None
    if info is None:
        return None
    shape = _shape(info)
    if list_item:  # one item of a list, written empty
        empty = isinstance(value, str) and not value.strip()
        return UNWRITTEN if shape == "list" and empty else None
    unwritten = kind == "missing" or (isinstance(value, str) and not value.strip())
    if kind == "too_short" and value == [] and shape == "list":
        unwritten = True
    if not unwritten:
        return None
    return placeholder(info)


def _shape(info: FieldInfo) -> str | None:
    """'text', 'list' (of texts) or 'section' (a model), for the fields a draft may leave unwritten."""
    annotation = _unwrap(info.annotation)
    if annotation is str and _blank_checked(info):
        return "text"
    if typing.get_origin(annotation) is list and _blank_checked(info):
        return "list"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "section"
    return None


def placeholder(info: FieldInfo) -> Any | None:
    """A value for a field that stands for text still to come, or None when there is none."""
    shape = _shape(info)
    if shape == "text":
        return UNWRITTEN
    if shape == "list":
        return [UNWRITTEN]
    if shape == "section":
        section = _unwrap(info.annotation)
        filled = {}
        for name, inner in section.model_fields.items():
            if not inner.is_required():
                continue
            value = placeholder(inner)
            if value is None:  # a section with a choice in it (undo_cost) is not text
                return None
            filled[name] = value
        return filled
    return None


def _unwrap(annotation: Any) -> Any:
    """The annotation without `| None` and without `Annotated[...]` around it."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        return _unwrap(args[0])
    if typing.get_origin(annotation) is typing.Annotated:
        return _unwrap(args[0])
    return annotation


def _blank_checked(info: FieldInfo) -> bool:
    return any(is_blank_checked(m) for m in info.metadata if isinstance(m, AfterValidator)) or (
        is_blank_checked(info.annotation)
    )


def _put(data: Any, path: PathKey, value: Any) -> None:
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def unwritten_todos(paths: list[PathKey], doc: Document, display: str) -> list[Problem]:
    """One to-do per place a draft leaves unwritten, where the writer will fill it in."""
    todos = []
    for path in paths:
        parent = path[:-1]
        what = field_name(path)
        if path in doc.value_positions:
            line, column = doc.position(path)
        elif parent:  # missing: the item's own mapping when it is a list item, else its key
            line, column = doc.position(parent, key=not isinstance(parent[-1], int))
        else:
            line, column = 1, 1
        todos.append(Problem(display, line, column, f"to do: '{what}' is not written yet"))
    return todos
