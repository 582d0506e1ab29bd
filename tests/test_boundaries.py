"""The boundaries between apps, held by reading every module's imports with ``ast``.

Three rules (docs/CONTRIBUTING.md, "Read surfaces"), each checked over all imports of a
module, those inside functions included:

- **surface**: an app imports from another app only its read surface (``metrics``), its
  ``models`` (keys and enums) and the shared foundations below; project-level composition
  roots and the demo app are allowed what the allowlist says, with the reason.
- **cycle**: no import cycle between modules. A function-local import is an edge like any
  other: hiding a cycle inside a function does not remove it.
- **api-import**: an app's ``api`` module is an entry point: only the project's API mounts
  it. What a view shares with the API (a payload, a request helper) lives in selectors or
  core, so pages never depend on the API module.
- **import-guard**: no module catches ImportError or ModuleNotFoundError (nor wraps an
  import in a broad ``except``): no app is optional, a missing function is an error.

Like ``tests/analytics/test_no_django.py`` beside it, this needs no database.
"""

import ast
import pathlib
from dataclasses import dataclass

import precinct

SRC = pathlib.Path(precinct.__file__).parent

# Modules every app may import: the shared foundations.
FOUNDATIONS = {
    "precinct.accounts.access": "every access rule",
    "precinct.accounts.admin_site": "the admin's site and model admins, led by the access rules",
    "precinct.accounts.auth": "API authentication",
    "precinct.accounts.guards": "the one guard of staff pages",
    "precinct.accounts.models": "users, roles and scopes (keys and enums)",
    "precinct.audit.services": "the audit log of personal data",
    "precinct.territory.geo": "point in precinct, boundaries",
    "precinct.territory.geocoding": "address search (the appeal form, the 102 console)",
    "precinct.territory.hours": "posts' opening hours, written in the reader's language",
    "precinct.territory.locate": "point to precinct, inspector and post",
    "precinct.territory.mapdata": "map layers of the territory",
    "precinct.territory.network": "the road networks, loaded once per process",
    "precinct.territory.walking": "the one rule for walking minutes and its limit",
}
# Packages open to every app: the project's core helpers and the numeric core.
OPEN_PACKAGES = ("precinct.core", "precinct.analytics")
# What another app may read besides the foundations.
SURFACES = ("metrics", "models")
# Writes one app offers others, deliberately, one module each, with who calls it and why.
WRITE_SURFACES = {
    "precinct.appeals.intake": "receptions register what a resident raised as an appeal",
}

# Composition roots: modules that put the apps together, with the modules of each app they
# may import and why.
COMPOSITION_ROOTS = {
    "precinct.api": (("api",), "the one NinjaAPI mounts every app's router"),
    "precinct.urls": (("urls", "views"), "the URL tree includes every app's urls"),
    "precinct.cli": (("urls", "api"), "the command line starts the project"),
    "precinct.settings": ((), "settings read the environment only"),
    "precinct.wsgi": ((), "the WSGI entry point"),
    # The demo builds the territory and the staff accounts through their owners' writers
    # (services are the only writers); the other apps' steps are named in DEMO_STEPS.
    "precinct.demo": (("services", "demo"), "the demo writes through the owners' services"),
}


@dataclass(frozen=True)
class Finding:
    module: str
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line}: [{self.rule}] {self.message}"


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int


def modules_of(package_dir: pathlib.Path) -> dict[str, pathlib.Path]:
    """Every module under a package directory, by dotted name (packages by their name)."""
    root = package_dir.parent
    out = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _imported(module: str, path: pathlib.Path, node, known) -> list[str]:
    """The modules an import statement names (``from a import b`` is ``a.b`` if a module)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = module.split(".")
    if path.name != "__init__.py":
        base.pop()
    if node.level:
        base = base[: len(base) - node.level + 1]
        name = ".".join(base + ([node.module] if node.module else []))
    else:
        name = node.module
    return [
        f"{name}.{alias.name}" if f"{name}.{alias.name}" in known else name for alias in node.names
    ]


def import_edges(modules: dict[str, pathlib.Path]) -> list[Edge]:
    """Every import of a project module by another, function-local imports included."""
    edges = []
    for module, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for target in dict.fromkeys(_imported(module, path, node, modules)):
                    if target.split(".")[0] == "precinct" and target != module:
                        edges.append(Edge(module, target, node.lineno))
    return edges


def _app(module: str) -> str | None:
    """``precinct.<app>`` of a module inside an app package; None for top-level modules."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 else None


def _root(module: str) -> str | None:
    """The composition root a module belongs to, if any."""
    for root in COMPOSITION_ROOTS:
        if module == root or module.startswith(root + "."):
            return root
    return None


def _allowed(edge: Edge) -> bool:
    source_app, target_app = _app(edge.source), _app(edge.target)
    if target_app is not None and target_app == source_app:
        return True
    if edge.target in FOUNDATIONS or any(
        edge.target == p or edge.target.startswith(p + ".") for p in OPEN_PACKAGES
    ):
        return True
    root = _root(edge.source)
    if target_app is None:  # a top-level module or an app's package itself
        return root is not None and _root(edge.target) is not None
    if edge.target in WRITE_SURFACES:
        return True
    kind = edge.target.split(".")[2]
    if kind in SURFACES and edge.target == f"{target_app}.{kind}":
        return True
    return root is not None and kind in COMPOSITION_ROOTS[root][0]


def surface_findings(edges: list[Edge]) -> list[Finding]:
    """Imports of another app's internals (rule: surface)."""
    return [
        Finding(
            e.source,
            e.line,
            "surface",
            f"imports {e.target}: read another app only through its metrics, models or a "
            "foundation",
        )
        for e in edges
        if e.source.startswith("precinct.") and not _allowed(e)
    ]


def api_import_findings(edges: list[Edge]) -> list[Finding]:
    """Imports of an app's API module by anything but the project's API (rule: api-import)."""
    return [
        Finding(e.source, e.line, "api-import", f"imports {e.target}: share through selectors")
        for e in edges
        if e.target.endswith(".api")
        and _app(e.target) is not None
        and _root(e.source) != "precinct.api"
    ]


def cycle_findings(edges: list[Edge]) -> list[Finding]:
    """One finding per import cycle (strongly connected component), naming its edges."""
    graph: dict[str, dict[str, int]] = {}
    for e in edges:
        graph.setdefault(e.source, {}).setdefault(e.target, e.line)
    findings = []
    for component in _components(graph):
        inside = sorted(
            (a, line, b)
            for a in component
            for b, line in graph.get(a, {}).items()
            if b in component
        )
        module, line, _ = inside[0]
        path = ", ".join(f"{a}:{n} -> {b}" for a, n, b in inside)
        findings.append(Finding(module, line, "cycle", f"import cycle: {path}"))
    return findings


def _components(graph: dict[str, dict[str, int]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, {}))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, {})))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(component)
    return out


def _names(handler_type) -> set[str]:
    if handler_type is None:
        return {"<bare>"}
    items = handler_type.elts if isinstance(handler_type, ast.Tuple) else [handler_type]
    return {i.id if isinstance(i, ast.Name) else getattr(i, "attr", "") for i in items}


def import_guard_findings(modules: dict[str, pathlib.Path]) -> list[Finding]:
    """Handlers that swallow a failed import (rule: import-guard)."""
    findings = []
    for module, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Try):
                continue
            imports = any(
                isinstance(n, ast.Import | ast.ImportFrom) for s in node.body for n in ast.walk(s)
            )
            for handler in node.handlers:
                names = _names(handler.type)
                if names & {"ImportError", "ModuleNotFoundError"} or (
                    imports and names & {"Exception", "BaseException", "<bare>"}
                ):
                    caught = ", ".join(sorted(names))
                    findings.append(
                        Finding(
                            module,
                            handler.lineno,
                            "import-guard",
                            f"catches {caught} around an import: a missing module is an error",
                        )
                    )
    return findings


def check(package_dir: pathlib.Path) -> list[Finding]:
    """Every finding of the three rules for the package at ``package_dir``."""
    modules = modules_of(package_dir)
    edges = import_edges(modules)
    return (
        surface_findings(edges)
        + api_import_findings(edges)
        + cycle_findings(edges)
        + import_guard_findings(modules)
    )


def test_the_tree_keeps_its_boundaries():
    findings = check(SRC)
    assert not findings, "\n" + "\n".join(map(str, findings))


def _write(root: pathlib.Path, files: dict[str, str]) -> pathlib.Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for package in {p.parent for p in root.rglob("*.py")}:
        (package / "__init__.py").touch()
    return root / "precinct"


def test_the_checker_reports_a_phantom_import_internals_and_a_cycle(tmp_path):
    package = _write(
        tmp_path,
        {
            # main's old planning/patrol.py: a function that does not exist, swallowed.
            "precinct/planning/patrol.py": (
                "def demand():\n"
                "    try:\n"
                "        from precinct.dispatch.metrics import demand_by_zone_hour\n"
                "    except ImportError:\n"
                "        demand_by_zone_hour = None\n"
                "    return demand_by_zone_hour\n"
            ),
            "precinct/dispatch/metrics.py": "",
            # Another app's internals, read at module level and inside a function.
            "precinct/evaluation/sources.py": (
                "from precinct.planning.selectors import staffing_report\n"
                "from precinct.planning import metrics\n"
                "def coverage():\n"
                "    from precinct.planning.coverage import coverage_report\n"
            ),
            "precinct/planning/selectors.py": "",
            "precinct/planning/metrics.py": "",
            # A page that borrows from its app's API module.
            "precinct/planning/views.py": "from precinct.planning.api import job_payload\n",
            "precinct/planning/api.py": "",
            "precinct/planning/coverage.py": "",
            # A cycle broken by a function-local import is still a cycle.
            "precinct/planning/services.py": (
                "def create():\n    from precinct.planning.tasks import run\n"
            ),
            "precinct/planning/tasks.py": "from precinct.planning import services\n",
        },
    )
    found = {(f.module, f.line, f.rule) for f in check(package)}
    assert found == {
        ("precinct.planning.patrol", 4, "import-guard"),
        ("precinct.evaluation.sources", 1, "surface"),
        ("precinct.evaluation.sources", 4, "surface"),
        ("precinct.planning.services", 2, "cycle"),
        ("precinct.planning.views", 1, "api-import"),
    }
    message = next(str(f) for f in check(package) if f.rule == "cycle")
    assert "precinct.planning.services:2 -> precinct.planning.tasks" in message
    assert "precinct.planning.tasks:1 -> precinct.planning.services" in message


def test_the_checker_lets_composition_roots_mount_the_apps(tmp_path):
    package = _write(
        tmp_path,
        {
            "precinct/api.py": "from precinct.planning.api import router\n",
            "precinct/planning/api.py": "",
            "precinct/planning/views.py": "from precinct.dispatch.views import board\n",
            "precinct/dispatch/views.py": "",
        },
    )
    assert [(f.module, f.rule) for f in check(package)] == [("precinct.planning.views", "surface")]
