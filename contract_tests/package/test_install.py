"""The toolkit as a user gets it: the two wheels `make dist` builds, installed into a fresh
virtual environment, used from a directory that is not this checkout. Dependencies come from the
project's own environment (a `.pth` line) rather than the registries: what is tested is what the
wheels carry (the spec, the config, the entry points), not pip's resolver."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pytest

from contract_tests.support import repo_root
from contract_tests.support.environment import environment


def _run(*command: str | Path, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = environment(without=[name for name in os.environ if name.startswith("PYTHON")])
    return subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The venv's bin/ directory, with both wheels installed and nothing from the checkout."""
    root = tmp_path_factory.mktemp("install")
    wheels, venv = root / "dist", root / "venv"
    built = _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                 "-w", wheels, repo_root(), repo_root() / "generated_client", cwd=root)  # fmt: skip
    assert built.returncode == 0, built.stderr
    assert _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=root).returncode == 0
    site = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    # Appended after the venv's own site-packages: the wheels' copies win over the editable ones.
    (site / "zz_toolkit_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    done = _run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--quiet",
                "--no-deps", "--no-index", *sorted(wheels.glob("*.whl")), cwd=root)  # fmt: skip
    assert done.returncode == 0, done.stderr
    yield venv / "bin"


def test_the_installed_package_is_the_wheels_not_the_checkout(installed: Path, tmp_path: Path) -> None:
    where = "import kulmipay_toolkit as t, kulmipay_client as c; from kulmipay_toolkit import spec; "
    found = _run(
        installed / "python", "-c", where + "print(t.__file__, c.__file__, spec.spec_path())", cwd=tmp_path
    )
    paths = found.stdout.split()
    assert found.returncode == 0 and len(paths) == 3, found.stderr
    venv = str(installed.parent)
    assert all(path.startswith(venv) for path in paths), paths  # the spec travels in the wheel


def test_conformance_against_its_own_emulator_from_elsewhere(installed: Path, tmp_path: Path) -> None:
    budget = ("--phases", "examples,coverage", "--max-examples", "2", "--seed", "5")
    done = _run(
        installed / "kulmipay-toolkit",
        "conformance",
        *budget,
        "--report-dir",
        tmp_path / "reports",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "CONFORMANT" in done.stdout and (tmp_path / "reports" / "junit.xml").exists()


def test_the_other_commands_start_from_elsewhere(installed: Path, tmp_path: Path) -> None:
    for command in ("sandbox", "webhook-check"):
        done = _run(installed / "kulmipay-toolkit", command, "--help", cwd=tmp_path)
        assert done.returncode == 0 and "usage:" in done.stdout, done.stderr


def test_a_users_project_passes_with_the_installed_fixture(installed: Path, tmp_path: Path) -> None:
    project = shutil.copytree(repo_root() / "examples" / "user_project", tmp_path / "shop")
    done = _run(installed / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", project, cwd=project)
    assert done.returncode == 0 and "3 passed" in done.stdout, done.stdout[-3000:] + done.stderr[-2000:]
