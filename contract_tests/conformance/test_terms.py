"""`conformance/terms.py`: the guard's terms as the `st` process reads them from its environment.
`trusted` means no terms; `remote` needs a test phone and a whole-number budget; anything else is
refused with `MissingTerms`, which stops the hooks from loading (test_hooks.py), so `st` sends
nothing."""

from __future__ import annotations

from typing import Final

import pytest

from kulmipay_toolkit.conformance.terms import MAX_POSITIVE_ENV, MODE_ENV, PHONE_ENV, Terms, terms_from
from kulmipay_toolkit.errors import MissingTerms

TEST_PHONE: Final = "254708374149"


def remote(budget: str) -> dict[str, str]:
    return {MODE_ENV: "remote", PHONE_ENV: TEST_PHONE, MAX_POSITIVE_ENV: budget}


INCOMPLETE_TERMS = [
    pytest.param({}, id="nothing-set"),
    pytest.param({MODE_ENV: "Trusted"}, id="trusted-misspelt"),
    pytest.param({MODE_ENV: "local", PHONE_ENV: TEST_PHONE, MAX_POSITIVE_ENV: "3"}, id="unknown-mode"),
    pytest.param({PHONE_ENV: TEST_PHONE, MAX_POSITIVE_ENV: "3"}, id="terms-without-mode"),
    pytest.param({**remote("3"), PHONE_ENV: ""}, id="empty-phone"),
    pytest.param({MODE_ENV: "remote", MAX_POSITIVE_ENV: "3"}, id="no-phone"),
    pytest.param(remote("five"), id="budget-not-a-number"),
    pytest.param(remote("-1"), id="negative-budget"),
    pytest.param(remote(""), id="empty-budget"),
    pytest.param(remote("2.5"), id="fractional-budget"),
]


@pytest.mark.parametrize("environ", INCOMPLETE_TERMS)
def test_incomplete_terms_are_refused_naming_what_is_needed(environ: dict[str, str]) -> None:
    """A malformed term read as some default (no cap, any phone) instead of stopping `st` cold."""
    with pytest.raises(MissingTerms, match=f"{MODE_ENV}=trusted.*{PHONE_ENV}.*{MAX_POSITIVE_ENV}"):
        terms_from(environ)


def test_a_budget_int_cannot_read_is_missing_terms() -> None:
    """A budget that passes the digit test yet is not a number, refused with the wrong error."""
    with pytest.raises(MissingTerms):
        terms_from(remote("\u00b2"))


def test_trusted_means_no_terms() -> None:
    """The trusted emulator's run given a budget meant for a real sandbox (or refused)."""
    assert terms_from({MODE_ENV: "trusted", PHONE_ENV: TEST_PHONE, MAX_POSITIVE_ENV: "3"}) is None


def test_remote_terms_are_read_from_their_own_variables() -> None:
    """The phone or the budget read from the wrong variable, or a budget already spent."""
    terms = terms_from(remote("7"))
    assert isinstance(terms, Terms)
    assert (terms.test_phone, terms.max_positive, terms.used) == (TEST_PHONE, 7, 0)
