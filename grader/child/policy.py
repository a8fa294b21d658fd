"""What a unit file may import: numpy and the harmless parts of the standard library.

Shared by the grader's static scan (which names a breach in the report's
``flags``) and the child's import guard (which makes the import fail).
"""

import ast

ALLOWED_TOP_LEVEL = frozenset(
    {
        "numpy",
        "__future__",
        "abc",
        "bisect",
        "cmath",
        "collections",
        "copy",
        "dataclasses",
        "decimal",
        "enum",
        "fractions",
        "functools",
        "heapq",
        "itertools",
        "math",
        "numbers",
        "operator",
        "random",
        "statistics",
        "string",
        "typing",
        "warnings",
    }
)

RULE = (
    "a unit may import only numpy and the standard library's math helpers "
    "(math, functools, itertools, collections, typing, ...)"
)


def is_allowed(module: str) -> bool:
    """Whether a unit file may import the absolute module name ``module``."""
    return module.split(".")[0] in ALLOWED_TOP_LEVEL


def forbidden_imports(source: str, filename: str) -> list[str]:
    """The forbidden modules a unit's source imports, in order of appearance.

    Raises ``SyntaxError`` when the source does not parse.
    """
    found: list[str] = []
    for node in ast.walk(ast.parse(source, filename)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = ["." * node.level + (node.module or "")]
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__":
            names = ["__import__"]
        for name in names:
            if (name.startswith(".") or not is_allowed(name)) and name not in found:
                found.append(name)
    return found
