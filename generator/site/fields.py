"""The field reference page's content: every key of the card format, read from the models."""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ..cards.models import Category, DecisionCard, FailureMode, Role, models_in

_ID_KEYS = ("key", "id", "category", "card", "failure_mode", "role", "tags", "supersedes")


@dataclass(frozen=True)
class FieldDoc:
    """One key of the card format, for the generated field reference."""

    path: str
    kind: str
    required: bool
    description: str


def _kind(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin is typing.Annotated:
        return _kind(args[0])
    if origin is typing.Literal:
        return "one of: " + ", ".join(f"`{a}`" for a in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        return " or ".join(dict.fromkeys(_kind(a) for a in args))
    if origin is list:
        inner = _kind(args[0])
        return f"list of {inner}" if not inner.startswith("list") else inner
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "mapping"
    if annotation is dt.date:
        return "date (YYYY-MM-DD)"
    if annotation is int:
        return "whole number"
    return "text"


def _fields(model: type[BaseModel], prefix: str = "") -> list[FieldDoc]:
    docs: list[FieldDoc] = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        kind = _kind(field.annotation)
        if name in _ID_KEYS:
            kind = kind.replace("text", "id (lowercase letters, digits, hyphens)")
        sections = models_in(field.annotation)
        # A section without a description of its own is described by its own model's docstring,
        # never by the docstring of the model it sits in.
        described_by = sections[0] if sections else None
        description = field.description or _doc(described_by)
        docs.append(FieldDoc(path, kind, field.is_required(), description))
        for sub in sections:
            item = "[]" if "list" in kind else ""
            docs.extend(_fields(sub, f"{path}{item}."))
    return docs


def _doc(model: type[BaseModel] | None) -> str:
    """The first paragraph of a model's docstring, as one line."""
    text = (model.__doc__ or "") if model is not None else ""
    return " ".join(text.strip().split("\n\n")[0].split())


def field_reference() -> dict[str, list[FieldDoc]]:
    """Every key of both card kinds, of categories.yaml and of roles.yaml, from the models
    themselves."""
    return {
        "Decision card (cards/decisions/<id>.yaml)": _fields(DecisionCard),
        "Failure mode (cards/failure-modes/<id>.yaml)": _fields(FailureMode),
        "Category (an item of cards/categories.yaml)": _fields(Category),
        "Role (an item of cards/roles.yaml)": _fields(Role),
    }
