"""The house layout: apps import each other in one direction only (ARCHITECTURE.md, "Layers").

Read from the source with ``ast``, so an import inside a function counts as much as one at the
top of a module. Tests, test helpers' own test folders and migrations are left out: they may
reach anything.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# From the ground up. An app may import the apps before it, never one after it.
LAYERS = ["core", "audit", "areas", "accounts", "registry", "cases", "fieldwork", "participation", "api", "demo"]
# Outside the layers: the project package (settings, root URLs) may import any app.
TOP = {"config"}
# Tests of the whole (cross-app tests, benchmarks) may import anything, like each app's tests/.
NOT_APPS = {"tests", "benchmarks"}


@dataclass(frozen=True)
class Import:
    source_app: str
    target_app: str
    path: str
    line: int
    in_function: str | None


def _project_packages() -> set[str]:
    return {path.name for path in ROOT.iterdir() if (path / "__init__.py").is_file() and path.name not in NOT_APPS}


def _source_files() -> Iterator[tuple[Path, Path]]:
    """(path, path relative to the root) of every module of the project's packages."""
    for package in sorted(_project_packages()):
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path, path.relative_to(ROOT)


def _is_test_or_migration(relative: Path) -> bool:
    parts = relative.parts
    return (
        "tests" in parts or "migrations" in parts or relative.name.startswith("test_") or relative.name == "conftest.py"
    )


def _imports_of(tree: ast.AST) -> Iterator[tuple[ast.AST, str | None]]:
    """Every import statement with the name of the function it sits in (None at module level)."""

    def walk(node: ast.AST, function: str | None) -> Iterator[tuple[ast.AST, str | None]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child, function
            inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            yield from walk(child, inner)

    yield from walk(tree, None)


def _imported_modules(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        return [node.module]
    return []


def project_imports() -> list[Import]:
    packages = _project_packages()
    found = []
    for path, relative in _source_files():
        source_app = relative.parts[0]
        if _is_test_or_migration(relative):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(relative))
        for node, function in _imports_of(tree):
            for module in _imported_modules(node):
                target_app = module.split(".")[0]
                if target_app in packages and target_app != source_app:
                    found.append(Import(source_app, target_app, str(relative), node.lineno, function))  # type: ignore[attr-defined]
    return found


def test_it_knows_every_app():
    assert _project_packages() == set(LAYERS) | TOP, "add the new app to LAYERS (and to ARCHITECTURE.md's layers)"


def test_it_imports_down_the_layers_only():
    upward = [
        f"{found.path}:{found.line} ({found.source_app} -> {found.target_app})"
        for found in project_imports()
        if found.source_app not in TOP and LAYERS.index(found.target_app) > LAYERS.index(found.source_app)
    ]
    assert upward == [], "imports that point up the layers:\n" + "\n".join(upward)


def test_the_app_graph_has_no_cycle():
    edges: dict[str, set[str]] = {}
    for found in project_imports():
        edges.setdefault(found.source_app, set()).add(found.target_app)
    done: set[str] = set()

    def visit(app: str, path: list[str]) -> None:
        assert app not in path, "import cycle: " + " -> ".join([*path, app])
        if app in done:
            return
        for target in sorted(edges.get(app, ())):
            visit(target, [*path, app])
        done.add(app)

    for app in sorted(edges):
        visit(app, [])


def test_core_imports_no_domain_app():
    from_core = [f"{found.path}:{found.line} -> {found.target_app}" for found in project_imports()
                 if found.source_app == "core"]
    assert from_core == []


def test_only_config_and_tests_import_the_demo():
    users = {found.source_app for found in project_imports() if found.target_app == "demo"}
    assert users <= TOP


def test_no_import_hides_inside_a_function():
    """An import of project code inside a function is how cycles hide; only ``AppConfig.ready``
    (where Django wants models imported late) may import inside a function."""
    packages = _project_packages()
    hidden = []
    for path, relative in _source_files():
        if _is_test_or_migration(relative):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node, function in _imports_of(tree):
            modules = [module for module in _imported_modules(node) if module.split(".")[0] in packages]
            if modules and function is not None and not (relative.name == "apps.py" and function == "ready"):
                hidden.append(f"{relative}:{node.lineno} in {function}(): {', '.join(modules)}")  # type: ignore[attr-defined]
    assert hidden == [], "imports inside functions:\n" + "\n".join(hidden)
