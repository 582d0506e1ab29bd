"""The analytics core must never import Django: it is tested and benchmarked on its own."""

import ast
import pathlib
import subprocess
import sys

import precinct.analytics

CORE = pathlib.Path(precinct.analytics.__file__).parent


def _imported_modules(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_module_of_the_core_names_django():
    offenders = [
        str(path.relative_to(CORE))
        for path in sorted(CORE.rglob("*.py"))
        if any(name.split(".")[0] == "django" for name in _imported_modules(path))
    ]
    assert offenders == []


def test_importing_every_core_module_loads_no_django():
    modules = [
        "precinct.analytics." + ".".join(p.relative_to(CORE).with_suffix("").parts)
        for p in sorted(CORE.rglob("*.py"))
        if p.name != "__init__.py"
    ]
    script = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
