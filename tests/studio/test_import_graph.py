"""The shape of the house: no app imports another that imports it back (directly or round a loop), and the
trunk (projects, and what it stands on: core, accounts, live) imports none of the apps built on it."""

from __future__ import annotations

import ast
from pathlib import Path

STUDIO = Path(__file__).resolve().parents[2] / "studio"
TRUNK = {"core", "accounts", "live", "projects"}
BRANCHES = {"screenplay", "cast", "shots", "renders", "web", "demo"}


def imports_between_apps() -> dict[str, dict[str, list[str]]]:
    """app → {app it imports: [files that do]}, from every import statement (module level or not)."""
    graph: dict[str, dict[str, list[str]]] = {}
    for path in sorted(STUDIO.rglob("*.py")):
        parts = path.relative_to(STUDIO).parts
        if len(parts) < 2 or "migrations" in parts:
            continue
        app = parts[0]
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else (
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else [])
            for name in names:
                target = name.split(".")[1] if name.startswith("studio.") and name.count(".") >= 1 else None
                if target and target != app and (STUDIO / target).is_dir():
                    graph.setdefault(app, {}).setdefault(target, []).append(str(path.relative_to(STUDIO)))
    return graph


def loops(graph: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """The strongly connected groups of more than one app (Tarjan)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], [0]

    def visit(app: str) -> None:
        index[app] = low[app] = counter[0]
        counter[0] += 1
        stack.append(app)
        on_stack.add(app)
        for target in graph.get(app, {}):
            if target not in index:
                visit(target)
                low[app] = min(low[app], low[target])
            elif target in on_stack:
                low[app] = min(low[app], index[target])
        if low[app] == index[app]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == app:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for app in sorted(set(graph) | {t for targets in graph.values() for t in targets}):
        if app not in index:
            visit(app)
    return found


def test_no_app_imports_round_a_loop():
    assert loops(imports_between_apps()) == []


def test_the_trunk_imports_none_of_the_apps_built_on_it():
    graph = imports_between_apps()

    reaching = {(app, target): files for app, targets in graph.items() if app in TRUNK
                for target, files in targets.items() if target in BRANCHES}

    assert reaching == {}


def test_the_check_sees_a_loop_when_there_is_one():
    assert loops({"a": {"b": ["a.py"]}, "b": {"c": ["b.py"]}, "c": {"a": ["c.py"]}, "d": {"a": ["d.py"]}}) == [
        ["a", "b", "c"]]
    assert imports_between_apps()["web"]["projects"]  # the graph is read from the code
