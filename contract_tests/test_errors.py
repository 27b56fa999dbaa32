"""`kulmipay_toolkit.errors`: one exception tree, drawn at its top, and no exception defined
anywhere else."""

from __future__ import annotations

import ast
import builtins
import inspect
from pathlib import Path

import pytest

import kulmipay_toolkit
from kulmipay_toolkit import errors, strict
from kulmipay_toolkit.webhooks import receiver

PACKAGE = Path(kulmipay_toolkit.__file__).parent
TREE = [
    member
    for _, member in inspect.getmembers(errors, inspect.isclass)
    if issubclass(member, BaseException) and member.__module__ == errors.__name__
]
BUILTIN_EXCEPTIONS = {
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
}


def test_every_exception_is_a_toolkit_error() -> None:
    """A class added to errors.py without the base would escape `except ToolkitError`."""
    assert len(TREE) > 1
    assert all(issubclass(member, errors.ToolkitError) for member in TREE)


@pytest.mark.parametrize("member", TREE, ids=lambda member: member.__name__)
def test_the_drawing_names_every_class_with_its_parent(member: type[BaseException]) -> None:
    """The drawing at the top is the documentation: it must not fall behind the code."""
    drawn = [line for line in (errors.__doc__ or "").splitlines() if f" {member.__name__} " in f"{line} "]
    assert drawn, f"{member.__name__} is missing from the drawing in errors.py"
    parent = next((base for base in member.__mro__[1:] if base in TREE), None)
    if parent is not None:
        lines = (errors.__doc__ or "").splitlines()
        row = lines.index(drawn[0])
        indent = drawn[0].index(member.__name__)
        above = [line for line in lines[:row] if parent.__name__ in line]
        assert above and above[-1].index(parent.__name__) < indent, (
            f"{member.__name__} is not drawn under {parent.__name__}"
        )


def test_no_other_module_defines_an_exception() -> None:
    """One tree: a second `class Oops(Exception)` elsewhere is what this issue removed."""
    tree_names = {member.__name__ for member in TREE}
    elsewhere = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "errors.py" and path.parent == PACKAGE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {base.id for base in node.bases if isinstance(base, ast.Name)}
                if bases & (BUILTIN_EXCEPTIONS | tree_names):
                    elsewhere.append(f"{path.relative_to(PACKAGE)}: {node.name}")
    assert not elsewhere


def test_the_public_names_stay_where_users_import_them() -> None:
    """Users catch these from the modules that raise them to them."""
    assert strict.ContractViolation is errors.ContractViolation
    assert receiver.WebhookRejected is errors.WebhookRejected
    assert receiver.MalformedEvent is errors.MalformedEvent
    assert receiver.ForgedEvent is errors.ForgedEvent
