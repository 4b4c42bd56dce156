"""The import direction: the product never imports the benchmarks (bench/ measures the product, not the reverse)."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ["app.py", "config.py", "wiring.py", "agent", "evaluation", "importer", "judging", "quant", "repo_store", "serve",
           "ui"]


def product_files() -> list[Path]:
    files = []
    for name in PRODUCT:
        path = ROOT / name
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return files


def imported_modules(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def test_no_product_module_imports_bench():
    offenders = [f"{path.relative_to(ROOT)}:{line} imports {module}" for path in product_files()
                 for line, module in imported_modules(path) if module == "bench" or module.startswith("bench.")]
    assert offenders == []


def test_the_walk_sees_imports_inside_functions(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from bench.report import run_all\n    import bench.plans\n")
    assert imported_modules(sample) == [(2, "bench.report"), (3, "bench.plans")]
    assert len(product_files()) > 40  # every package listed is found
