"""The local CA in a `--tls-dir` is made once and then reused: a second sandbox on the same
directory must not replace the CA that clients of the first one already trust."""

from __future__ import annotations

import ssl
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from contract_tests.support import AUTH, VALID_PUSH, push_url
from kulmipay_toolkit.emulator import RunningEmulator
from kulmipay_toolkit.emulator.server import Certificates, make_certificates


def contents(found: Certificates) -> tuple[bytes, bytes, bytes]:
    return found.ca_file.read_bytes(), found.cert_file.read_bytes(), found.key_file.read_bytes()


def push_trusting(ca: bytes, running: RunningEmulator) -> int:
    trusting = ssl.create_default_context(cadata=ca.decode())
    with httpx.Client(base_url=running.base_url, verify=trusting) as client:
        return client.post(push_url(), json=VALID_PUSH, headers=AUTH).status_code


def test_a_second_call_on_the_same_directory_reuses_the_ca(tmp_path: Path) -> None:
    first = make_certificates(tmp_path)
    before = contents(first)
    second = make_certificates(tmp_path)
    assert second == first
    assert contents(second) == before


def test_a_client_trusting_the_first_ca_talks_to_a_server_started_second(tmp_path: Path) -> None:
    trusted_ca = make_certificates(tmp_path).ca_file.read_bytes()  # what a client of the first copied
    with RunningEmulator(tls_directory=tmp_path) as running:  # makes its certificates a second time
        assert push_trusting(trusted_ca, running) == 200


def remove_key(found: Certificates) -> None:
    found.key_file.unlink()


def garble_ca(found: Certificates) -> None:
    found.ca_file.write_text("not a certificate")


def truncate_cert(found: Certificates) -> None:
    found.cert_file.write_bytes(found.cert_file.read_bytes()[:200])


def swap_key(found: Certificates) -> None:
    """Every file still loads on its own, but the key is not the certificate's."""
    found.key_file.write_bytes(make_certificates(found.ca_file.parent / "other").key_file.read_bytes())


@pytest.mark.parametrize("damage", [remove_key, garble_ca, truncate_cert, swap_key])
def test_a_broken_set_is_made_again_and_works(tmp_path: Path, damage: Callable[[Certificates], None]) -> None:
    damage(make_certificates(tmp_path))
    remade = make_certificates(tmp_path)
    with RunningEmulator(tls_directory=tmp_path) as running:
        assert push_trusting(remade.ca_file.read_bytes(), running) == 200


def test_a_ca_that_did_not_issue_the_server_certificate_is_replaced(tmp_path: Path) -> None:
    found = make_certificates(tmp_path)
    found.ca_file.write_bytes(make_certificates(tmp_path / "other").ca_file.read_bytes())
    remade = make_certificates(tmp_path)
    with RunningEmulator(tls_directory=tmp_path) as running:
        assert push_trusting(remade.ca_file.read_bytes(), running) == 200
