"""After schemathesis: the lifecycle, read over time. Schemathesis reads a status right after
its push (the stateful phase follows the spec's link), when the invoice is still PENDING; what
integrations break on comes later. This probe reads invoices until they settle and judges every
read with the same functions as the lifecycle checks (`status_checks.py`):

- against this toolkit's emulator with a manual clock (the run's own, or a proven one started
  with `--clock manual`): one push per outcome phone number (`rules.OUTCOMES`) and one that pays,
  then the clock is moved through every step of their timelines, reading each time;
- against a trusted emulator on real time: one push that pays, read until it settles;
- against anything else: no new push at all; the run's own accepted pushes are read until they
  settle or the prompt has expired (plus a margin), at a slow pace, through the egress gate."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import httpx

from .. import rules, spec, status_checks
from ..spec import JSON
from .results import Tally

REMOTE_POLL_EVERY = 5.0
REMOTE_MARGIN = 15.0
REAL_CLOCK_POLL_EVERY = 0.5
JUDGED = ("status_agrees_with_push", "transitions_are_legal", "state_fields_match_state")


@dataclass
class LifecycleResult:
    tallies: dict[str, Tally] = field(default_factory=lambda: {name: Tally() for name in JUDGED})
    failures: list[str] = field(default_factory=list)
    reads: int = 0
    invoices: int = 0
    final: int = 0  # invoices seen reaching a final state


@dataclass
class _Watched:
    pushed: JSON  # the push's invoice
    last: str | None = None


class _Reader:
    def __init__(self, client: httpx.Client, result: LifecycleResult) -> None:
        self.client, self.result = client, result

    def judge(self, watched: _Watched) -> None:
        invoice_id = str(watched.pushed["invoice_id"])
        reply = self.client.post(spec.status_path().lstrip("/"), json={"invoice_id": invoice_id})
        self.result.reads += 1
        try:
            invoice = reply.json().get("invoice") if reply.status_code == 200 else None
        except ValueError:
            invoice = None
        if not isinstance(invoice, dict) or not isinstance(invoice.get("state"), str):
            return  # not judgeable: the schema checks and the run's own rows say why
        problems = status_checks.agreement_problems(watched.pushed, invoice)
        self._count("status_agrees_with_push", problems, invoice_id)
        self._count("state_fields_match_state", status_checks.state_field_problems(invoice), invoice_id)
        if watched.last is not None:
            problem = status_checks.transition_problem(watched.last, invoice["state"])
            self._count("transitions_are_legal", [problem] if problem else [], invoice_id)
        watched.last = invoice["state"]

    def _count(self, name: str, problems: list[str], invoice_id: str) -> None:
        tally = self.result.tallies[name]
        tally.judged += 1
        if problems:
            tally.failed += 1
            if sum(1 for line in self.result.failures if line.startswith(name)) < 3:
                self.result.failures.append(f"{name}: invoice {invoice_id}: {'; '.join(problems)}")


def _client(
    base_url: str, token: str, verify: str | bool, through_gate: bool, timeout: float
) -> httpx.Client:
    return httpx.Client(
        base_url=base_url.rstrip("/") + "/",
        headers={"Authorization": f"Bearer {token}"},
        verify=verify,
        timeout=timeout,
        trust_env=not through_gate,
    )


def drive(base_url: str, token: str, *, control: str, verify: str | bool, timeout: float) -> LifecycleResult:
    """The emulator's manual clock, moved through every outcome's timeline."""
    result = LifecycleResult()
    template = spec.request_examples()[0]
    phones = [template["phone_number"], *rules.OUTCOMES]
    with _client(base_url, token, verify, False, timeout) as client:
        watched = [w for phone in phones if (w := _push(client, {**template, "phone_number": phone}))]
        reader = _Reader(client, result)
        result.invoices = len(watched)
        moments = sorted(
            {after for outcome in [rules.PAYS, *rules.OUTCOMES.values()] for after, _ in outcome.steps}
        )
        now = 0.0
        for target in [0.0, *(after + 0.5 for after in moments)]:
            client.post(f"{control}/_emulator/clock/advance", json={"seconds": target - now})
            now = target
            for item in watched:
                reader.judge(item)
        result.final = sum(1 for item in watched if item.last in spec.state_machine().terminal)
    return result


def wait(
    base_url: str,
    token: str,
    *,
    verify: str | bool,
    timeout: float,
    invoices: list[JSON] | None = None,
    through_gate: bool = False,
    limit: float | None = None,
) -> LifecycleResult:
    """Real time: the given invoices (the run's own pushes), or one new push that pays (a
    trusted emulator), read until they settle or time is up."""
    result = LifecycleResult()
    remote = invoices is not None
    every = REMOTE_POLL_EVERY if remote else REAL_CLOCK_POLL_EVERY
    if limit is None:
        limit = (
            spec.state_machine().prompt_expires_after + REMOTE_MARGIN if remote else rules.SETTLED_AFTER + 3
        )
    with _client(base_url, token, verify, through_gate, timeout) as client:
        if invoices is None:
            pushed = _push(client, spec.request_examples()[0])
            watched = [pushed] if pushed else []
        else:
            watched = [_Watched(invoice) for invoice in invoices]
        reader = _Reader(client, result)
        result.invoices = len(watched)
        deadline = time.monotonic() + limit
        while watched:  # every invoice is read at least once
            for item in watched:
                reader.judge(item)
            settled = all(item.last in spec.state_machine().terminal for item in watched)
            if settled or time.monotonic() + every > deadline:
                break
            time.sleep(every)
        result.final = sum(1 for item in watched if item.last in spec.state_machine().terminal)
    return result


def _push(client: httpx.Client, body: JSON) -> _Watched | None:
    reply = client.post(spec.stk_push_path().lstrip("/"), json=body)
    try:
        invoice = reply.json().get("invoice") if reply.status_code == 200 else None
    except ValueError:
        return None
    return _Watched(invoice) if isinstance(invoice, dict) and "invoice_id" in invoice else None
