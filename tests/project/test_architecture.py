"""The packages and their allowed imports (docs/architecture.md), and no import cycles; no test file
imports another test file.

Every module of the seven packages is parsed (ast, not imported), every `import` and `from … import`
anywhere in it is read (function-level imports included), and each is resolved to the module of this
tree that it loads. Importing `a.b.c` also runs `a/__init__.py` and `a/b/__init__.py`, so a cycle
through a package's `__init__` counts as one.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.helpers import ROOT

PACKAGES = ("cli", "flows", "render", "schemas", "sources", "transforms", "warehouse")

# package → what it may import besides itself (a package, or one module of a package)
ALLOWED: dict[str, set[str]] = {
    "schemas": set(),
    "transforms": {"schemas"},
    "warehouse": {"transforms", "schemas"},
    "sources": {"transforms", "schemas", "warehouse.faults"},
    "render": {"transforms", "schemas", "warehouse"},
    "flows": {"transforms", "schemas", "warehouse", "sources", "render"},
    "cli": {"transforms", "schemas", "warehouse", "sources", "render", "flows"},
}

# cycles still in the tree, each with the reason it is allowed for now; the test fails when one is
# gone, so that its entry is removed too
KNOWN_CYCLES: dict[frozenset[str], str] = {}


def modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


MODULES = modules()


def resolve(name: str) -> str | None:
    """The module of this tree that importing NAME loads (a.b.func → a.b); None if not ours."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imported_names(module: str, path: Path) -> list[tuple[str, int]]:
    """Every name imported anywhere in the file, as a dotted name, with its line."""
    is_package = path.name == "__init__.py"
    out: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            out += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            out += [(f"{source}.{alias.name}", node.lineno) for alias in node.names]
    return out


def import_edges() -> dict[str, dict[str, int]]:
    """module → {module of this tree it imports: line}."""
    edges: dict[str, dict[str, int]] = {}
    for module, path in MODULES.items():
        out: dict[str, int] = {}
        for name, line in imported_names(module, path):
            target = resolve(name)
            if target and target != module:
                out.setdefault(target, line)
        edges[module] = out
    return edges


EDGES = import_edges()


def allowed(source: str, target: str) -> bool:
    src, dst = source.split(".")[0], target.split(".")[0]
    if src == dst:
        return True
    return any(target == rule or target.startswith(rule + ".") for rule in ALLOWED[src])


def test_every_package_has_rules():
    assert set(ALLOWED) == set(PACKAGES)
    assert {m.split(".")[0] for m in MODULES} == set(PACKAGES)


def test_the_reader_sees_imports():
    # the checks below are only as good as this: known imports of each kind are found
    assert "schemas.models" in EDGES["transforms.pipeline"]  # from schemas import models
    assert "transforms.status" in EDGES["transforms.pipeline"]  # from transforms.status import …
    assert "flows.ingest" in EDGES["cli.ingest"]
    assert "render.export" in EDGES["cli.common"]  # an import inside a function


def test_packages_import_only_what_they_may():
    wrong = [
        f"{MODULES[src].relative_to(ROOT)}:{line} imports {dst}"
        for src, targets in EDGES.items()
        for dst, line in targets.items()
        if not allowed(src, dst)
    ]
    assert not wrong, "imports against docs/architecture.md:\n" + "\n".join(sorted(wrong))


def test_nothing_imports_the_command_line():
    wrong = [f"{src} imports {dst}" for src, targets in EDGES.items() for dst in targets if dst.split(".")[0] == "cli"]
    assert all(w.startswith("cli") for w in wrong), wrong


def runtime_edges() -> dict[str, set[str]]:
    """EDGES plus the package __init__ modules an import runs on the way (not the importer's own)."""
    out: dict[str, set[str]] = {}
    for src, targets in EDGES.items():
        own = {".".join(src.split(".")[:i]) for i in range(1, src.count(".") + 1)}
        deps: set[str] = set()
        for dst in targets:
            parts = dst.split(".")
            deps |= {".".join(parts[:i]) for i in range(1, len(parts) + 1)} - own - {src}
        out[src] = {d for d in deps if d in MODULES}
    return out


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm (iterative): the components of more than one module, and self-loops."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph.get(node, ()):
                    found.append(component)
    return found


def test_cycle_finder_finds_cycles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}, "f": set()}
    assert sorted(sorted(c) for c in strongly_connected(graph)) == [["a", "b", "c"], ["e"]]


def test_no_import_cycles():
    cycles = [frozenset(c) for c in strongly_connected(runtime_edges())]
    new = [sorted(c) for c in cycles if c not in KNOWN_CYCLES]
    assert not new, f"import cycles: {new}"
    gone = [sorted(c) for c in KNOWN_CYCLES if c not in cycles]
    assert not gone, f"no longer a cycle, remove it from KNOWN_CYCLES: {gone}"


def test_architecture_page_states_the_rules():
    """docs/architecture.md's table of allowed imports is the one this test enforces."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)/` \| ([^|]*) \|", text, re.M)
    stated = {pkg: {m.rstrip("/") for m in re.findall(r"`([\w./]+)`", may)} for pkg, may in rows}
    assert stated == ALLOWED


# --------------------------------------------------------------------------- tests import helpers, not tests

def imports_of_test_files(module: str, path: Path) -> list[tuple[str, int]]:
    """Imports in PATH that load a test file or a conftest.py: `tests.<…>.test_x`, `tests.<…>.conftest`,
    or a bare `test_x` / `conftest` (importable when pytest puts a test's folder on sys.path). What
    tests share lives in tests/helpers/; fixtures reach a test by name."""
    wrong = []
    for name, line in imported_names(module, path):
        parts = name.split(".")
        inside = parts[1:] if parts[0] == "tests" else parts[:1]
        if any(p.startswith("test_") or p == "conftest" for p in inside):
            wrong.append((name, line))
    return wrong


def test_the_test_import_check_sees_test_imports(tmp_path: Path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from tests.unit.warehouse.test_load import x\n"
        "import tests.e2e.test_inbox\n"
        "from tests import conftest\n"
        "from tests.unit.warehouse import test_history\n"
        "def f():\n"
        "    from test_views import y\n"
        "from tests.helpers import table_checksums\n"
        "from tests.helpers.history import rows\n"
        "from scripts.compare_views import test_warehouses\n",
        encoding="utf-8",
    )
    assert imports_of_test_files("tests.probe", probe) == [
        ("tests.unit.warehouse.test_load.x", 1),
        ("tests.e2e.test_inbox", 2),
        ("tests.conftest", 3),
        ("tests.unit.warehouse.test_history", 4),
        ("test_views.y", 6),
    ]


def test_no_test_file_imports_another_test_file():
    wrong = []
    for folder in ("tests", "scripts"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if rel.parts[:2] == ("tests", "fixtures"):
                continue
            wrong += [f"{rel}:{line} imports {name}" for name, line in imports_of_test_files(".".join(rel.with_suffix("").parts), path)]
    assert not wrong, "what tests share belongs in tests/helpers/; these import a test file or a conftest:\n" + "\n".join(wrong)


def test_no_module_is_named_like_a_standard_library_module():
    """A newcomer reading `site`, `html` or `csv` should find the standard library, not ours."""
    import sys

    ours = {m.rsplit(".", 1)[-1] for m in MODULES} | set(PACKAGES)
    assert not sorted(ours & set(sys.stdlib_module_names))
