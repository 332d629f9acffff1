"""The write path sits below the web layer: nothing under registry/records imports the HTML views, the
request helpers or the forms (the request id it logs is read from records/context)."""

from __future__ import annotations

import ast
from pathlib import Path

import registry

RECORDS = Path(registry.__file__).parent / "records"
WEB_LAYER_PREFIX = "registry.web"


def _imported(path: Path) -> set[str]:
    package = "registry." + ".".join(path.relative_to(RECORDS.parent).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def test_the_records_layer_imports_nothing_of_the_web_layer():
    offending = {
        str(path.relative_to(RECORDS.parent)): sorted(
            n for n in _imported(path) if n == WEB_LAYER_PREFIX or n.startswith(WEB_LAYER_PREFIX + ".")
        )
        for path in sorted(RECORDS.rglob("*.py"))
    }
    assert {path: names for path, names in offending.items() if names} == {}
