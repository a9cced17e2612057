"""The JSON Schemas of both card kinds, exported from the models (never written by hand)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .drafts import placeholder
from .models import DecisionCard, FailureMode, Model, models_in

SCHEMAS: dict[str, type[Model]] = {
    "decision.schema.json": DecisionCard,
    "failure-mode.schema.json": FailureMode,
}


def _draft_name(name: str) -> str:
    return f"Draft{name}"


def _relaxed(node: Any, unwritten: dict[str, set[str]], name: str | None = None) -> Any:
    """A copy of a schema (part) that lets a draft leave text unwritten: text may be empty,
    a list of texts may have no items, and no text a draft may leave out is required."""
    if isinstance(node, list):
        return [_relaxed(item, unwritten) for item in node]
    if not isinstance(node, dict):
        return node
    relaxed = {key: _relaxed(value, unwritten) for key, value in node.items()}
    if relaxed.get("type") == "string" and "pattern" not in relaxed and "enum" not in relaxed:
        relaxed.pop("minLength", None)
    items = relaxed.get("items")
    if relaxed.get("type") == "array" and isinstance(items, dict) and _text_items(items):
        relaxed.pop("minItems", None)
    if isinstance(relaxed.get("$ref"), str):
        relaxed["$ref"] = relaxed["$ref"].replace("#/$defs/", "#/$defs/" + _draft_name(""))
    if name is not None and "required" in relaxed:
        kept = [f for f in relaxed["required"] if f not in unwritten.get(name, set())]
        relaxed["required"] = kept
        if not kept:
            del relaxed["required"]
    return relaxed


def _text_items(items: dict[str, Any]) -> bool:
    choices = items.get("oneOf") or items.get("anyOf") or [items]
    return any(c.get("type") == "string" and "pattern" not in c for c in choices)


def _unwritable(model: type[BaseModel]) -> dict[str, set[str]]:
    """For the model and every model inside it, by name: the fields a draft may leave out."""
    found: dict[str, set[str]] = {}
    pending = [model]
    while pending:
        current = pending.pop()
        if current.__name__ in found:
            continue
        found[current.__name__] = {
            name for name, info in current.model_fields.items() if placeholder(info) is not None
        }
        for info in current.model_fields.values():
            pending.extend(models_in(info.annotation))
    return found


def with_drafts(schema: dict[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    """The schema of a card kind that has drafts: a card that says `status: draft` is held to
    the relaxed form (text may be empty or missing), any other card to the full one."""
    unwritten = _unwritable(model)
    defs = schema.pop("$defs", {})
    drafts = {_draft_name(name): _relaxed(d, unwritten, name) for name, d in defs.items()}
    root = _relaxed(schema, unwritten, model.__name__)
    strict_root = {k: v for k, v in schema.items() if k not in ("title", "description")}
    return {
        **root,
        "$defs": {**defs, **drafts, model.__name__: strict_root},
        "if": {"properties": {"status": {"const": "draft"}}, "required": ["status"]},
        "else": {"$ref": f"#/$defs/{model.__name__}"},
    }


def schema_texts() -> dict[str, str]:
    """File name -> JSON text of each schema."""
    texts = {}
    for name, model in SCHEMAS.items():
        schema = model.model_json_schema()
        if "status" in model.model_fields:
            schema = with_drafts(schema, model)
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
        texts[name] = json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    return texts


def write_schemas(out_dir: Path, *, force: bool = False) -> list[Path]:
    """Write both JSON Schemas into `out_dir`. A file that exists with other content is
    replaced only with `force` (FileExistsError otherwise, before anything is written)."""
    texts = schema_texts()
    if not force:
        different = [
            str(out_dir / name)
            for name, text in texts.items()
            if (out_dir / name).exists() and _read(out_dir / name) != text
        ]
        if different:
            raise FileExistsError(
                f"{', '.join(different)} already exist{'s' if len(different) == 1 else ''} "
                "with other content; add --force to replace (re-exporting the schemas after a "
                "change to the models is what `make schema` does)"
            )
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in texts.items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def stale_schemas(out_dir: Path) -> list[Path]:
    """The schema files in `out_dir` that are missing or differ from the models' export."""
    stale = []
    for name, text in schema_texts().items():
        path = out_dir / name
        if not path.is_file() or _read(path) != text:
            stale.append(path)
    return stale


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
