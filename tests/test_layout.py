"""The package layout shows the pipeline: each stage imports only from the stages before it."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import REPO

PACKAGE = REPO / "generator"
# The stages, in pipeline order; the package's own entry points come last.
STAGES = ["cards", "site", "engines", "checks", "cli"]


def _module(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Absolute names of the modules a file imports."""
    module = _module(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return found


def _stage(module: str) -> int:
    if module in ("generator", "generator.__version__"):
        return (
            -1
        )  # the package's __init__ declares the version and nothing else: any stage names it
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in STAGES:
        return STAGES.index(parts[1])
    return len(STAGES)  # generator/__init__.py and __main__.py


SOURCES = sorted(PACKAGE.rglob("*.py"))
GRAPH = {_module(p): {i for i in _imports(p) if i.startswith("generator")} for p in SOURCES}


def test_every_stage_has_its_package() -> None:
    assert [p.name for p in sorted(PACKAGE.iterdir()) if p.is_dir() and p.name in STAGES] == sorted(
        STAGES
    )


def test_no_stage_imports_a_later_one() -> None:
    backwards = [
        (module, target)
        for module, targets in GRAPH.items()
        for target in targets
        if _stage(target) > _stage(module)
    ]
    assert backwards == []


def test_the_package_init_declares_the_version_and_imports_nothing() -> None:
    # what lets every stage import it (see _stage)
    assert GRAPH["generator"] == set()


def test_no_import_cycles() -> None:
    modules = set(GRAPH)
    edges = {m: {t for t in GRAPH[m] if t in modules and t != m} for m in modules}
    state: dict[str, int] = {}
    cycles: list[str] = []

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for nxt in edges[module]:
            if state.get(nxt) == 1:
                cycles.append(
                    " -> ".join([*trail[trail.index(nxt) :], nxt]) if nxt in trail else nxt
                )
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[module] = 2

    for module in sorted(modules):
        if module not in state:
            visit(module, [module])
    # a package importing its own submodules is not a cycle worth reporting
    assert [
        c for c in cycles if not all(p.startswith(c.split(" -> ")[0]) for p in c.split(" -> "))
    ] == []


def test_only_the_mkdocs_adapter_imports_mkdocs() -> None:
    users = sorted(
        _module(p)
        for p in SOURCES
        if any(i.split(".")[0] in ("mkdocs", "material") for i in _imports(p))
    )
    assert users and all(u.startswith("generator.engines.mkdocs") for u in users), users


def test_the_plugin_is_wiring_only() -> None:
    plugin = PACKAGE / "engines" / "mkdocs" / "plugin.py"
    assert len(plugin.read_text(encoding="utf-8").splitlines()) < 150
