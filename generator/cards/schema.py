"""The JSON Schemas of both card kinds, exported from the models (never written by hand)."""

from __future__ import annotations

import json
from pathlib import Path

from .models import DecisionCard, FailureMode, Model

SCHEMAS: dict[str, type[Model]] = {
    "decision.schema.json": DecisionCard,
    "failure-mode.schema.json": FailureMode,
}


def schema_texts() -> dict[str, str]:
    """File name -> JSON text of each schema."""
    texts = {}
    for name, model in SCHEMAS.items():
        schema = model.model_json_schema()
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


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
