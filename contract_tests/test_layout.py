"""The test layout `README.md` states, held. Every toolkit module has its tests where the rule puts
them (`kulmipay_toolkit/<pkg>/<module>.py` in `contract_tests/<pkg>/test_<module>.py`), or a row
in the README's "Modules tested through others" naming test files that exist; and no test module
imports from a `conftest.py`, which holds fixtures only."""

from __future__ import annotations

import ast
import re
from pathlib import Path, PurePosixPath
from typing import Final

from contract_tests.support import repo_root

PACKAGE: Final = repo_root() / "kulmipay_toolkit"
TESTS: Final = repo_root() / "contract_tests"
SECTION: Final = "## Modules tested through others"
ROW: Final = re.compile(r"^\|\s*`(?P<module>[\w/]+\.py)`\s*\|(?P<tests>.*)\|\s*$")
TEST_FILE: Final = re.compile(r"`((?:\w+/)*test_\w+\.py)`")


def toolkit_modules() -> list[str]:
    """Every module of the package, below `kulmipay_toolkit/`, but its `__init__.py` files."""
    return sorted(
        path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py") if path.name != "__init__.py"
    )


def rule_path(module: str) -> Path:
    """Where the rule puts the tests of `module` (a path below `kulmipay_toolkit/`)."""
    path = PurePosixPath(module)
    return TESTS / path.parent / f"test_{path.name}"


def through_others() -> dict[str, list[str]]:
    """The README's rows: module -> the test files it names (below `contract_tests/`)."""
    lines = (TESTS / "README.md").read_text(encoding="utf-8").splitlines()
    assert SECTION in lines, f"contract_tests/README.md has no {SECTION!r} section"
    rows: dict[str, list[str]] = {}
    for line in lines[lines.index(SECTION) + 1 :]:
        if line.startswith("#"):
            break
        if found := ROW.match(line):
            rows[found["module"]] = TEST_FILE.findall(found["tests"])
    return rows


def test_every_module_has_its_test_file_or_a_row() -> None:
    """A module added (or a test file renamed) with nowhere saying where its tests are."""
    rows = through_others()
    untested = [
        module for module in toolkit_modules() if not rule_path(module).is_file() and module not in rows
    ]
    assert untested == [], (
        "each needs contract_tests/<pkg>/test_<module>.py, or a row in contract_tests/README.md's "
        f"{SECTION!r} naming the tests that exercise it: {untested}"
    )


def test_every_row_names_a_module_without_a_file_and_tests_that_exist() -> None:
    """A row left for a module gone, renamed or given its own file, or naming tests that are not there."""
    rows = through_others()
    assert rows, f"no rows read from {SECTION!r}"
    modules = set(toolkit_modules())
    problems = []
    for module, tests in rows.items():
        if module not in modules:
            problems.append(f"{module}: no such module")
        elif rule_path(module).is_file():
            problems.append(f"{module}: has {rule_path(module).relative_to(TESTS)}, so needs no row")
        if not tests:
            problems.append(f"{module}: names no test file")
        problems += [f"{module}: no {test}" for test in tests if not (TESTS / test).is_file()]
    assert problems == []


def _conftest_imports(path: Path) -> list[str]:
    """`file:line` of each import of a conftest module in `path`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [f"{node.module or ''}.{alias.name}" for alias in node.names] + [node.module or ""]
        else:
            continue
        if any("conftest" in name.split(".") for name in names):
            found.append(f"{path.relative_to(TESTS)}:{node.lineno}")
    return found


def test_no_test_module_imports_from_a_conftest() -> None:
    """A helper reached through a conftest (imported twice by pytest, and not where `support/` is)."""
    found = [place for path in sorted(TESTS.rglob("*.py")) for place in _conftest_imports(path)]
    assert found == [], f"import helpers from contract_tests/support/, not a conftest: {found}"
