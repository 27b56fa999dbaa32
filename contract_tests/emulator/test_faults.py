"""`emulator/faults.py`: the registry of fault profiles, and the README's table of them. What
each profile breaks is proved by the conformance self-test (`conformance/test_selftest.py`)."""

from __future__ import annotations

import pytest

from contract_tests.support import repo_root
from kulmipay_toolkit.emulator import FAULTS, Settings
from kulmipay_toolkit.emulator.faults import emulator_for


def test_unknown_fault_profiles_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"known profiles: .*rounds-down"):
        emulator_for(Settings(fault="nope"))


def test_there_are_at_least_twelve_documented_fault_profiles() -> None:
    assert len(FAULTS) >= 12
    assert all(fault.breaks and fault.caught_by for fault in FAULTS.values())


def test_the_readme_table_lists_every_fault_profile_as_registered() -> None:
    readme = (repo_root() / "README.md").read_text()
    table = readme[readme.index("| profile | what it breaks |") :].split("\n\n", 1)[0]
    rows = {
        cells[0].strip("` "): cells[2].strip("` ")
        for line in table.splitlines()
        if line.startswith("| `") and len(cells := line.strip("|").split(" | ")) == 3
    }
    assert rows == {name: fault.caught_by for name, fault in FAULTS.items()}
    assert f"with {len(FAULTS)} fault profiles" in readme
