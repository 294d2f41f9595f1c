"""Layout rules for the code under ``voucher/`` (tests and migrations aside).

A function longer than 60 lines says in its docstring why it is kept whole
(it contains "kept whole" or "stays whole", in any case); a module stays within 600 lines.
"""

import ast
from pathlib import Path

VOUCHER = Path(__file__).resolve().parents[2]
MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 600
REASON_WORDS = ("kept whole", "stays whole")


def _source_files() -> list[Path]:
    return sorted(
        path
        for path in VOUCHER.rglob("*.py")
        if "tests" not in path.relative_to(VOUCHER).parts
        and "migrations" not in path.relative_to(VOUCHER).parts
    )


def _has_reason(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    docstring = ast.get_docstring(node) or ""
    flat = " ".join(docstring.lower().split())
    return any(words in flat for words in REASON_WORDS)


def test_kernel_layout_long_functions_give_their_reason() -> None:
    unexplained = []
    for path in _source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES and not _has_reason(node):
                where = path.relative_to(VOUCHER.parent)
                unexplained.append(f"{where}:{node.lineno} {node.name} ({length} lines)")
    assert not unexplained, "Functions over 60 lines without a reason:\n" + "\n".join(unexplained)


def test_kernel_layout_no_module_over_600_lines() -> None:
    too_long = []
    for path in _source_files():
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > MAX_MODULE_LINES:
            too_long.append(f"{path.relative_to(VOUCHER.parent)} ({count} lines)")
    assert not too_long, "Modules over 600 lines:\n" + "\n".join(too_long)
