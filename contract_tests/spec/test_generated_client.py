"""The generated client: importable, and its request model serialises as the spec says."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from kulmipay_client import AuthenticatedClient
from kulmipay_client.api.payment import start_mpesa_stk_push
from kulmipay_client.models import StkPushRequest
from kulmipay_client.types import UNSET

from kulmipay_toolkit import spec

ROOT = Path(__file__).resolve().parents[2]
CHECK = ROOT / "scripts" / "client_check.sh"


def test_request_model_serialises_set_fields_only() -> None:
    body = StkPushRequest(amount="10", phone_number="254712345678", api_ref=None)
    assert body.wallet_id is UNSET
    assert body.to_dict() == {"amount": "10", "phone_number": "254712345678", "api_ref": None}
    assert (
        spec.request_errors(
            b'{"amount": "10", "phone_number": "254712345678", "api_ref": null}',
            headers={"Authorization": "Bearer ISSecretKey_test_x"},
        )
        == []
    )


def test_endpoint_module_targets_the_spec_path() -> None:
    kwargs = start_mpesa_stk_push._get_kwargs(body=StkPushRequest(amount="1", phone_number="2547"))
    assert (kwargs["method"], kwargs["url"]) == ("post", spec.stk_push_path())
    client = AuthenticatedClient(base_url="http://127.0.0.1:1/api/v1", token="ISSecretKey_test_x")
    assert client.prefix == "Bearer"


def _check(committed: Path) -> subprocess.CompletedProcess[str]:
    # The generator and its ruff post-hook are the venv's pinned ones, however pytest was started.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return subprocess.run(
        [str(CHECK), str(committed)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PATH": path},
    )


@pytest.fixture(scope="module")
def committed_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("client") / "generated_client"
    shutil.copytree(ROOT / "generated_client", copy, ignore=shutil.ignore_patterns("*.egg-info"))
    return copy


def test_client_check_fails_after_a_hand_edit(committed_copy: Path) -> None:
    target = committed_copy / "kulmipay_client" / "models" / "invoice.py"
    original = target.read_text()
    target.write_text(original.replace("retry_count", "retries", 1))
    try:
        result = _check(committed_copy)
    finally:
        target.write_text(original)
    assert result.returncode == 1
    assert "retries" in result.stdout and "make client" in result.stderr


def test_client_check_fails_after_a_spec_edit_without_regeneration(
    committed_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edited = tmp_path / "spec"
    shutil.copytree(ROOT / "spec", edited)
    text = (edited / "openapi.yaml").read_text()
    (edited / "openapi.yaml").write_text(text.replace("clearing_status:", "settlement_status:"))
    monkeypatch.setenv("KULMIPAY_SPEC_DIR", str(edited))
    result = _check(committed_copy)
    assert result.returncode == 1
    assert "settlement_status" in result.stdout


def test_client_check_passes_on_the_committed_tree(committed_copy: Path) -> None:
    result = _check(committed_copy)
    assert result.returncode == 0, result.stdout + result.stderr
