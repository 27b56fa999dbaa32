"""`emulator/pipeline.py`: the order of a request's steps (authentication before anything is read)
and the `Settings` an emulator is made from: a webhook URL on loopback, or on a host named
explicitly, and never without its challenge."""

from __future__ import annotations

import httpx
import pytest

from contract_tests.support import push_url
from contract_tests.support.webhooks import CHALLENGE
from kulmipay_toolkit.emulator import Settings


def test_auth_comes_before_validation(http: httpx.Client) -> None:
    """A keyless request told what is wrong with its body (415) instead of 401."""
    response = http.post(push_url(), content=b"not json", headers={"Content-Type": "text/plain"})
    assert response.status_code == 401


def test_a_non_loopback_webhook_host_is_refused_unless_allowed() -> None:
    """Settings refuse a webhook URL on a host that is not loopback, naming the option that allows
    it; naming the host in webhook_allowed_hosts allows it."""
    with pytest.raises(ValueError, match="--webhook-allow-host") as refused:
        Settings(webhook_url="http://example.com/x", webhook_challenge=CHALLENGE)
    assert "example.com" in str(refused.value)
    assert CHALLENGE not in str(refused.value)
    allowed = Settings(
        webhook_url="http://example.com/x",
        webhook_challenge=CHALLENGE,
        webhook_allowed_hosts=("example.com",),
    )
    assert allowed.webhook_url == "http://example.com/x"
    assert CHALLENGE not in repr(allowed)


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/x", "http://example.com/x"])
def test_a_webhook_without_its_challenge_is_refused(url: str) -> None:
    """A webhook URL without a challenge is refused: every event must carry one."""
    with pytest.raises(ValueError, match="challenge"):
        Settings(webhook_url=url, webhook_allowed_hosts=("example.com",))
