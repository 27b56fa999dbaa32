"""What schemathesis found, read from its structured report (`st --report ndjson`): per check,
how many exchanges it judged and how many of those failed, with a few failures each to
reproduce. Answers the egress gate made itself are left out: they say nothing about the server."""

from __future__ import annotations

import base64
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import gate, spec
from ..spec import JSON
from . import checklist

REPRODUCTIONS_PER_CHECK = 3


@dataclass
class Tally:
    judged: int = 0
    failed: int = 0

    @property
    def passed(self) -> int:
        return self.judged - self.failed


@dataclass(frozen=True)
class Sent:
    """A request as schemathesis sent it (the key already filtered out by schemathesis)."""

    method: str
    uri: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass(frozen=True)
class Failure:
    check: str
    title: str
    message: str
    status: int | None
    request: Sent | None


@dataclass
class Results:
    tallies: dict[str, Tally] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    exchanges: int = 0  # answered by the server
    answered_by_gate: int = 0
    network_errors: Counter[str] = field(default_factory=Counter)
    positive_statuses: Counter[int] = field(default_factory=Counter)
    engine_errors: list[str] = field(default_factory=list)
    finished: bool = False
    pushed: list[JSON] = field(default_factory=list)  # invoices of the accepted pushes, for the lifecycle
    webhook_events: int = 0  # what the run's own emulator delivered to the run's sink
    lifecycle_reads: int = 0  # the lifecycle probe's status reads (its judgements join `tallies`)

    def tally(self, name: str) -> Tally:
        return self.tallies.setdefault(name, Tally())


def read(path: Path, check_names: list[str]) -> Results:
    """The run's results for the checks it asked for. A missing or cut-short report reads as
    what it holds (`finished` says whether schemathesis got to the end)."""
    results = Results(tallies={name: Tally() for name in check_names})
    if not path.exists():
        return results
    seen: set[str] = set()
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue  # a line cut short by an interrupted run
        (kind, data), *_ = event.items()
        if kind == "ScenarioFinished":
            _scenario(results, data["recorder"], seen)
        elif kind == "NonFatalError":
            value = data.get("value", {})
            results.network_errors[_short(f"{value.get('type')}: {value.get('message')}")] += 1
        elif kind == "FatalError":
            results.engine_errors.append(_short(str(data.get("exception") or data)))
        elif kind == "EngineFinished":
            results.finished = True
    return results


def _scenario(results: Results, recorder: JSON, seen: set[str]) -> None:
    built_ins = {check.name: check for check in checklist.BUILT_INS}
    for case_id, recorded in recorder.get("cases", {}).items():
        interaction = recorder.get("interactions", {}).get(case_id)
        if case_id in seen or not interaction:
            continue
        seen.add(case_id)
        exchange, sent = _exchange(case_id, recorded["value"], interaction)
        if exchange.status is None:
            continue  # a network error: NonFatalError counts it
        if gate.HEADER.lower() in exchange.headers:
            results.answered_by_gate += 1
            continue
        results.exchanges += 1
        if exchange.mode == "positive":
            results.positive_statuses[exchange.status] += 1
        if (invoice := _pushed_invoice(recorded["value"], interaction)) is not None:
            results.pushed.append(invoice)
        for check in recorder.get("checks", {}).get(case_id, []):
            name, failed = check["name"], check["status"] == "failure"
            if name not in results.tallies:
                continue  # not asked for (e.g. max_response_time, on by default)
            builtin = built_ins.get(name)
            if not failed and builtin is not None and not builtin.applies(exchange):
                continue  # recorded as passed, but it judged nothing here
            tally = results.tally(name)
            tally.judged += 1
            if failed:
                tally.failed += 1
                _keep_failure(results, name, check, exchange, sent)


def _exchange(case_id: str, case: JSON, interaction: JSON) -> tuple[checklist.Exchange, Sent]:
    meta = case.get("meta") or {}
    data = (meta.get("phase") or {}).get("data") or {}
    response = interaction.get("response") or None
    request = interaction.get("request") or {}
    exchange = checklist.Exchange(
        case_id=case_id,
        method=str(case.get("method", "")).upper(),
        mode=(meta.get("generation") or {}).get("mode"),
        scenario=data.get("scenario"),
        parameter_location=data.get("parameter_location"),
        status=response.get("status_code") if response else None,
        headers=frozenset(name.lower() for name in (response or {}).get("headers", {})),
    )
    sent = Sent(
        method=str(request.get("method", "")),
        uri=str(request.get("uri", "")),
        headers=tuple((name, values[0]) for name, values in request.get("headers", {}).items() if values),
        body=_decoded(request.get("body")),
    )
    return exchange, sent


def _pushed_invoice(case: JSON, interaction: JSON) -> JSON | None:
    """The invoice of an accepted push (a 200 to a schema-valid push body), else None."""
    response = interaction.get("response") or {}
    body = case.get("body")
    if case.get("path") != spec.stk_push_path() or response.get("status_code") != 200:
        return None
    if not isinstance(body, dict) or not spec.request_body_validator().is_valid(body):
        return None
    try:
        invoice = json.loads(_decoded(response.get("content"))).get("invoice")
    except (ValueError, AttributeError):
        return None
    return invoice if isinstance(invoice, dict) and "invoice_id" in invoice else None


def _decoded(body: Any) -> bytes:
    if isinstance(body, dict) and "$base64" in body:
        return base64.b64decode(body["$base64"])
    if isinstance(body, dict) and "string" in body:
        return str(body["string"]).encode()
    return b""


def _keep_failure(results: Results, name: str, check: JSON, exchange: checklist.Exchange, sent: Sent) -> None:
    failure = (check.get("failure_info") or {}).get("failure") or {}
    title = str(failure.get("title") or name)
    kept = [kept for kept in results.failures if kept.check == name]
    if len(kept) >= REPRODUCTIONS_PER_CHECK or any(known.title == title for known in kept):
        return
    message = str(failure.get("message") or "")
    results.failures.append(Failure(name, title, message, exchange.status, sent))


def _short(text: str, limit: int = 240) -> str:
    return text if len(text) <= limit else text[:limit] + "..."
