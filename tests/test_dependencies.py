"""No dead dependency: what pyproject declares is used, and what the code imports is declared."""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
import tomllib
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# Distribution name -> the module it is imported as, where they differ.
MODULE = {"pytest-textual-snapshot": "syrupy", "pytest-asyncio": "pytest_asyncio"}
# Declared but never imported by our code, each for a reason checked below.
TOOLS = {"mypy", "ruff", "import-linter"}  # run by .ci/run
PLUGINS = {"pytest-textual-snapshot", "pytest-asyncio"}  # pytest loads them (snap_compare, asyncio)


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[ ;]", r, maxsplit=1)[0].strip().lower() for r in requirements}


@cache
def _imports(*folders: str) -> frozenset[str]:
    found: set[str] = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found.update(a.name.split(".")[0] for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    found.add(node.module.split(".")[0])
    local = {p.stem for p in (ROOT / "tests").rglob("*.py")} | {
        p.stem for p in (ROOT / "benchmarks").rglob("*.py")
    }
    local |= {"invoicetui", "tests", "snapshots"}
    return frozenset(m for m in found if m not in sys.stdlib_module_names and m not in local)


RUNTIME = _names(PROJECT["dependencies"])
TEST = _names(PROJECT["optional-dependencies"]["test"])


def test_every_import_of_the_package_is_a_runtime_dependency() -> None:
    assert _imports("invoicetui") <= {MODULE.get(n, n) for n in RUNTIME}


def test_every_runtime_dependency_is_imported() -> None:
    unused = {n for n in RUNTIME if MODULE.get(n, n) not in _imports("invoicetui")}
    # sniffio: httpcore imports it on each request (a lookup that scans sys.path if absent).
    assert unused == {"sniffio"}
    spec = importlib.util.find_spec("httpcore")  # httpx's own dependency, not ours to import
    assert spec is not None and spec.origin is not None
    source = "".join(p.read_text() for p in Path(spec.origin).parent.rglob("*.py"))
    assert "import sniffio" in source


def test_tests_and_benchmarks_import_only_what_is_declared() -> None:
    declared = {MODULE.get(n, n).replace("-", "_") for n in RUNTIME | TEST}
    assert _imports("tests", "benchmarks") <= declared | {"syrupy"}


def test_every_test_dependency_is_used() -> None:
    used = _imports("tests", "benchmarks")
    ci = (ROOT / ".ci" / "run").read_text()
    for name in TEST:
        if name in TOOLS:
            assert name.replace("import-linter", "lint-imports") in ci, name
        elif name in PLUGINS:
            continue
        else:
            assert MODULE.get(name, name).replace("-", "_") in used, name
