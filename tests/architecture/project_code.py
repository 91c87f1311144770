"""The project's own modules, parsed: what the architecture tests walk."""

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = (
    "appeals",
    "bench",
    "casework",
    "demo",
    "notifications",
    "portal",
    "reception",
    "reporting",
    "retention",
    "search",
)


@dataclass
class Module:
    name: str
    path: Path
    tree: ast.Module

    @property
    def is_package(self):
        return self.path.name == "__init__.py"


def project_modules():
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).with_suffix("")
            if "migrations" in relative.parts:
                continue
            parts = list(relative.parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = Module(".".join(parts), path, ast.parse(path.read_text(), str(path)))
    return modules


def imported_names(module, node, known):
    """The project modules an import statement loads: `from package import module` is the module
    (not the package around it); `from module import name` is the module."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = module.name.split(".")
        if not module.is_package:
            base = base[:-1]
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module
    return [f"{prefix}.{alias.name}" if f"{prefix}.{alias.name}" in known else prefix for alias in node.names]


def imports(module, known):
    """(node, the project modules it loads) for every import statement, at the top or in a function."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, [name for name in imported_names(module, node, known) if name in known]


def import_graph(modules):
    """module -> the project modules it imports, at the top or inside a function alike."""
    graph = {name: set() for name in modules}
    for module in modules.values():
        for _node, targets in imports(module, modules):
            graph[module.name].update(target for target in targets if target != module.name)
    return graph
