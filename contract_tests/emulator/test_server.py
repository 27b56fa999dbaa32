"""The emulator as a server: concurrency, HTTPS with a local CA, the official SDK as a drop-in,
the access log, the fault profiles and the README's tables of them and of the rules. (The
`kulmipay-toolkit sandbox` command behind `make sandbox` is tested in test_command.py.)"""

from __future__ import annotations

import asyncio
import logging

import httpx
import kulmipay
import pytest

from contract_tests.support import AUTH, TEST_KEY, VALID_PUSH, assert_conforms, push_url, repo_root
from kulmipay_toolkit import rules
from kulmipay_toolkit.emulator import FAULTS, RunningEmulator, Settings
from kulmipay_toolkit.emulator.faults import emulator_for


def test_32_concurrent_clients_get_only_200s_and_distinct_invoices(emulator: RunningEmulator) -> None:
    async def client_loop(number: int) -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=emulator.base_url, timeout=30) as client:
            phone = f"2547{number:08d}"
            return [
                await client.post(push_url(), json={**VALID_PUSH, "phone_number": phone}, headers=AUTH)
                for _ in range(10)
            ]

    async def main() -> list[httpx.Response]:
        results = await asyncio.gather(*(client_loop(number) for number in range(32)))
        return [response for responses in results for response in responses]

    responses = asyncio.run(main())
    assert {response.status_code for response in responses} == {200}
    # Concurrency shares nothing it should not: every push got an invoice of its own.
    invoice_ids = {response.json()["invoice"]["invoice_id"] for response in responses}
    assert len(invoice_ids) == len(responses)


def test_https_with_the_local_ca_and_connection_reuse(tls_emulator: RunningEmulator) -> None:
    assert tls_emulator.base_url.startswith("https://127.0.0.1:")
    context = tls_emulator.ssl_context()
    assert context is not None
    with httpx.Client(base_url=tls_emulator.base_url, verify=context) as client:
        for _ in range(3):
            response = client.post(push_url(), json=VALID_PUSH, headers=AUTH)
            assert response.status_code == 200
            assert_conforms(response)
    with pytest.raises(httpx.ConnectError):  # the CA is ours, not the system's
        httpx.post(f"{tls_emulator.base_url}/{push_url()}", json=VALID_PUSH, headers=AUTH)


def test_the_official_sdk_works_unchanged(emulator: RunningEmulator) -> None:
    service = kulmipay.APIService(token=TEST_KEY, base_url=emulator.base_url)
    reply = service.collect.mpesa_stk_push(phone_number="254712345678", amount=10, api_ref="sdk-1")
    assert reply["invoice"]["api_ref"] == "sdk-1"
    assert reply["invoice"]["value"] == "10.00"
    # Its own defaults: api_ref "API Request", mobile_tarrif BUSINESS-PAYS.
    reply = service.collect.mpesa_stk_push(phone_number="254712345678", amount="99.5")
    assert (reply["invoice"]["api_ref"], reply["invoice"]["net_amount"]) == ("API Request", "97.00")


def test_the_official_sdk_over_https(tls_emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    assert tls_emulator.certificates is not None
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_emulator.certificates.ca_file))
    service = kulmipay.APIService(token=TEST_KEY, base_url=tls_emulator.base_url)
    assert (
        service.collect.mpesa_stk_push(phone_number="254712345678", amount=10)["invoice"]["currency"] == "KES"
    )


def test_the_sdk_sees_refusals_as_its_typed_errors(emulator: RunningEmulator) -> None:
    service = kulmipay.APIService(token="ISSecretKey_live_notforhere", base_url=emulator.base_url)
    with pytest.raises(kulmipay.exceptions.KulmiPayUnauthorized, match="live environment"):
        service.collect.mpesa_stk_push(phone_number="254712345678", amount=10)


def test_access_log_has_one_line_per_request_and_never_the_key(caplog: pytest.LogCaptureFixture) -> None:
    # The emulator is left (stopped) first: uvicorn finishes every request, its access line
    # included, before its thread ends, so every line is in by the time the block is over.
    with (
        caplog.at_level(logging.INFO, "kulmipay_toolkit.emulator"),
        RunningEmulator(access_log=True) as running,
    ):
        httpx.post(f"{running.base_url}/{push_url()}?key={TEST_KEY}", json=VALID_PUSH, headers=AUTH)
    lines = [record.getMessage() for record in caplog.records if record.name == "kulmipay_toolkit.emulator"]
    # The logger is process-wide: another test's emulator may log beside this one, never a 200 here.
    lines = [line for line in lines if " 200 " in line]
    assert len(lines) == 1
    assert lines[0].startswith("POST /api/v1/payment/mpesa-stk-push/ 200 ")
    assert lines[0].endswith("ms")
    assert TEST_KEY not in caplog.text


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


def test_the_readme_outcome_table_is_the_rules_table() -> None:
    readme = (repo_root() / "README.md").read_text()
    for phone, outcome in rules.OUTCOMES.items():
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{phone}` |"))
        assert outcome.description in row and (outcome.failed_code or "-") in row, row
        assert all(f"{state} at {after:g} s" in row for after, state in outcome.steps), row
