"""analysis/stats/ imports numpy, scipy and pandas only (STYLE.md section 5)."""

import ast
from pathlib import Path

import analysis.stats

ALLOWED = {
    "numpy",
    "scipy",
    "pandas",
    "__future__",
    "dataclasses",
    "collections",
    "typing",
    "functools",
    "itertools",
    "math",
    "pathlib",
    "re",
}


def test_stats_package_imports_nothing_but_numpy_scipy_pandas_and_stdlib_basics():
    root = Path(analysis.stats.__file__).parent
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in ALLOWED, f"{path.name} imports {name}"
