"""The package's import structure: no cycle between its modules, no import made inside a function
(except of the optional dependencies that may be absent), and every module imports on its own.

The modules are found by walking the package's own folder, so a module added, moved or removed is
covered without touching this file.
"""

from __future__ import annotations

import ast
import itertools
import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

import sim

PACKAGE_DIR = Path(sim.__file__).resolve().parent
SOURCE_ROOT = PACKAGE_DIR.parent
PACKAGE = PACKAGE_DIR.name
# Imported inside functions on purpose: not installed everywhere (GPU, app, cluster, browser test).
OPTIONAL = ("cupy", "cupyx", "solara", "ray", "playwright")
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def module_name(path: Path) -> str:
    """`sim/viz/app.py` -> `sim.viz.app`; a package's `__init__.py` -> the package."""
    parts = path.relative_to(SOURCE_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_modules() -> dict[str, Path]:
    """Every module of the package, by dotted name."""
    found = {module_name(p): p for p in sorted(PACKAGE_DIR.rglob("*.py"))}
    assert PACKAGE in found and len(found) > 1, f"no modules found under {PACKAGE_DIR}"
    return found


def is_type_checking(node: ast.AST) -> bool:
    """`if TYPE_CHECKING:` (or `typing.TYPE_CHECKING`): its body never runs."""
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_with_scope(tree: ast.Module):
    """(import node, True when it sits inside a function at any depth) for every import that runs
    (the body of `if TYPE_CHECKING:` never does; its `else:` does)."""
    stack = [(node, False) for node in tree.body]
    while stack:
        node, in_function = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, in_function
            continue
        children = node.orelse if is_type_checking(node) else ast.iter_child_nodes(node)
        inside = in_function or isinstance(node, FUNCTIONS)
        stack.extend((child, inside) for child in children)


def imported_module(node: ast.ImportFrom, module: str, path: Path) -> str:
    """The absolute module a `from ... import` reads from (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
    return f"{base}.{node.module}" if node.module else base


def known(name: str, modules: dict[str, Path]) -> str:
    """`name` itself when it is a module of the package, else its longest prefix that is."""
    while name not in modules and "." in name:
        name = name.rpartition(".")[0]
    return name


def import_graph() -> nx.DiGraph:
    """Module -> module it imports when it is imported (module level and class bodies)."""
    modules = package_modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node, in_function in imports_with_scope(tree):
            if in_function:
                continue
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                source = imported_module(node, module, path)
                # `from sim.pkg import mod` reads the submodule sim.pkg.mod when there is one
                targets = [
                    f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source
                    for alias in node.names
                ]
            for target in targets:
                if target == PACKAGE or target.startswith(f"{PACKAGE}."):
                    graph.add_edge(module, known(target, modules))
    return graph


def test_import_graph_has_no_cycle():
    graph = import_graph()
    assert graph.number_of_edges() > 0, "no imports between the package's modules were found"
    if not nx.is_directed_acyclic_graph(graph):
        cycles = sorted(itertools.islice(nx.simple_cycles(graph), 20), key=len)[:5]
        shown = "\n".join(" -> ".join([*c, c[0]]) for c in cycles)
        pytest.fail(f"the modules of {PACKAGE} import each other in a circle:\n{shown}")


def test_no_imports_inside_functions():
    offenders = []
    for module, path in package_modules().items():
        source = path.read_text(encoding="utf-8")
        for node, in_function in imports_with_scope(ast.parse(source, filename=str(path))):
            if not in_function:
                continue
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                names = [imported_module(node, module, path)]
            if not all(name.split(".")[0] in OPTIONAL for name in names):
                line = ast.get_source_segment(source, node).splitlines()[0]
                offenders.append((str(path.relative_to(SOURCE_ROOT)), node.lineno, line))
    assert not offenders, (
        "imports inside functions (import at the top of the module; only "
        f"{', '.join(OPTIONAL)} may be imported where they are used):\n"
        + "\n".join(f"{where}:{lineno}: {line}" for where, lineno, line in sorted(offenders))
    )


IMPORT_EACH = """
import importlib, json, sys, traceback
sys.path.insert(0, sys.argv[1])
package, names, failures = sys.argv[2], json.loads(sys.argv[3]), {}
for name in names:
    for key in [k for k in sys.modules if k == package or k.startswith(package + ".")]:
        del sys.modules[key]
    try:
        importlib.import_module(name)
    except BaseException as exc:  # SystemExit included: importing must never exit
        missing = getattr(exc, "name", None) if isinstance(exc, ModuleNotFoundError) else None
        failures[name] = {"missing": missing, "error": traceback.format_exc(limit=-3)}
with open(sys.argv[4], "w", encoding="utf-8") as out:
    json.dump(failures, out)
"""


def test_every_module_imports_on_its_own(tmp_path):
    """Each module imported first, in a fresh copy of the package: an order that only works when
    some other module was imported before fails here. One process for all (fast). A package's
    `__main__` runs the program when imported (`python -m`), so it is left out."""
    names = sorted(name for name in package_modules() if not name.endswith(".__main__"))
    result_file = tmp_path / "failures.json"
    proc = subprocess.run(
        [sys.executable, "-c", IMPORT_EACH, str(SOURCE_ROOT), PACKAGE, json.dumps(names), str(result_file)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert proc.returncode == 0 and result_file.is_file(), proc.stderr[-4000:]
    failures = json.loads(result_file.read_text(encoding="utf-8"))
    absent = {
        name: f["missing"] for name, f in failures.items()
        if f["missing"] and f["missing"].split(".")[0] in OPTIONAL
    }
    broken = {name: f["error"] for name, f in failures.items() if name not in absent}
    assert not broken, "modules that fail to import on their own:\n" + "\n".join(
        f"--- {name}\n{error}" for name, error in broken.items()
    )
    if absent:
        pytest.skip(
            "not imported, an optional dependency is not installed: "
            + ", ".join(f"{name} (needs {missing})" for name, missing in absent.items())
        )
