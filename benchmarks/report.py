"""reports/bench/summary.json and summary.md: the numbers, the machine they were measured on, and
the goals met or missed (with why, for a miss). summary.md is written to be quoted in the README."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

CLIENT_ROWS = (
    ("generated", "generated client, sync (one AuthenticatedClient)"),
    ("generated_async", "generated client, async ({concurrency} in flight)"),
    ("official_sdk", "official SDK `kulmipay` {sdk} (requests, no session)"),
    ("raw_httpx", "raw httpx (one Client, `json.loads`)"),
)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return None


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def machine() -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "date": now.date().isoformat(),
        "time_utc": now.isoformat(timespec="seconds"),
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gib": _memory_gib(),
        "python": platform.python_version(),
        "kernel": f"{platform.system()} {platform.release()}",
        "versions": {
            name: _version(name) for name in ("kulmipay", "httpx", "requests", "uvicorn", "h11", "starlette")
        },
    }


def write(summary: dict[str, Any], out: Path) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    as_json, as_markdown = out / "summary.json", out / "summary.md"
    as_json.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    as_markdown.write_text(markdown(summary), encoding="utf-8")
    return as_json, as_markdown


def _number(value: Any, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _machine_section(summary: dict[str, Any]) -> list[str]:
    found = summary["machine"]
    prism = summary["prism"]
    prism_cell = (
        f"{prism.get('version')} on node {prism.get('node')}" if prism.get("version") else prism["status"]
    )
    rows = [
        ["Date", f"{found['time_utc']}"],
        ["CPUs (nproc)", str(found["nproc"])],
        ["CPU model (/proc/cpuinfo)", found["cpu_model"]],
        ["Memory", f"{found['memory_gib']} GiB"],
        ["Python", found["python"]],
        ["Kernel", found["kernel"]],
        ["Load generator", summary["load"]["tool"]],
        ["Stoplight Prism", prism_cell],
        ["Run", "`--smoke` (tiny: not a measurement)" if summary["plan"]["smoke"] else "full (`make bench`)"],
        ["Took", f"{summary['elapsed_s']:.0f} s"],
    ]
    return ["## Machine", "", *_table(["Machine", "This run"], rows)]


def _client_section(summary: dict[str, Any]) -> list[str]:
    client = summary["client"]
    http, https = client["http"], client["https"]
    sdk = summary["machine"]["versions"].get("kulmipay")
    rows = []
    for key, label in CLIENT_ROWS:
        cells = [label.format(concurrency=http["async_concurrency"], sdk=sdk)]
        for protocol in (http, https):
            cells += [
                _number(protocol[f"{key}_calls_per_s"]),
                _number(protocol[f"{key}_median_ms"], 2),
                _number(protocol[f"{key}_p99_ms"], 2),
                _number(protocol[f"{key}_client_cpu_us_per_call"], 0),
            ]
        rows.append(cells)
    header = ["Client"] + [
        f"{p} {m}"
        for p in ("HTTP", "HTTPS")
        for m in ("calls/s", "median ms", "p99 ms", "client CPU µs/call")
    ]
    ratios = [
        f"- {protocol.upper()}: generated = {ratios['generated_vs_official_sdk']:.2f}x official SDK, "
        f"{ratios['generated_vs_raw_httpx']:.2f}x raw httpx; generated async = "
        f"{ratios['generated_async_vs_official_sdk']:.2f}x official SDK"
        for protocol, ratios in (("http", http["ratios"]), ("https", https["ratios"]))
    ]
    return [
        "## Client: STK pushes against the emulator (its own process, loopback)",
        "",
        f"{http['calls_per_client']} calls per client per protocol, interleaved in {http['rounds']} "
        "round-robin rounds; every reply checked to be a 200 STK push response.",
        "",
        *_table(header, rows),
        "",
        *ratios,
    ]


def _server_rows(label: str, entry: dict[str, Any], levels: list[str]) -> list[str]:
    cells = [label]
    for level in levels:
        cells += [
            _number(entry["rps"].get(level), 0),
            _number(entry["p50_ms"].get(level), 2),
            _number(entry["p99_ms"].get(level), 2),
        ]
    return cells


def _server_section(summary: dict[str, Any]) -> list[str]:
    load, emulator, prism = summary["load"], summary["emulator"], summary["prism"]
    levels = [str(level) for level in load["levels"]]
    rows = [_server_rows("emulator: `kulmipay-toolkit sandbox` (access log on)", emulator, levels)]
    if prism.get("rps"):
        rows.append(_server_rows("Prism `-v info` (its default)", prism, levels))
    if "quiet" in emulator:
        rows.append(_server_rows("emulator, no access log", emulator["quiet"], levels))
    if prism.get("quiet"):
        rows.append(_server_rows("Prism `-v warn`", prism["quiet"], levels))
    header = ["Server"] + [f"c={level} {m}" for level in levels for m in ("req/s", "p50 ms", "p99 ms")]
    notes = [
        f"{load['tool']}, {load['duration_s']} s per level per server after a {load['warmup_s']} s warm-up, "
        "servers' order rotated at each level; POST of the official SDK's body with the bearer key.",
        "",
    ]
    checks = [
        f"- Emulator: {emulator['non_2xx']} non-2xx and {emulator['errors']} errors under load; a "
        f"schema-invalid push is answered {emulator['rejects_invalid_with']} (every request is validated)."
    ]
    if prism.get("rps"):
        checks.append(
            f"- Prism: {prism['non_2xx']} non-2xx, {prism['errors']} errors; a schema-invalid push is "
            f"answered {prism['rejects_invalid_with']}."
        )
    else:
        checks.append(f"- Prism: {prism['status']}.")
    return ["## Emulator and Prism under the same load", "", *notes, *_table(header, rows), "", *checks]


def _memory_section(summary: dict[str, Any]) -> list[str]:
    memory = summary["emulator"].get("memory")
    if not memory:
        return []
    rows = [
        [f"{point['pushes']:,}", _number(point["rss_mib"]), _number(point["hwm_mib"])]
        for point in memory["checkpoints"]
    ]
    growth = memory["growth_after_capacity_mib"]
    closing = (
        f"Once the stores were full ({memory['store_capacity']:,} invoices and customers), the resident set "
        f"grew by {growth} MiB more over the remaining pushes."
        if growth is not None
        else "The run stayed below the stores' capacity."
    )
    return [
        "## Emulator memory over a long run",
        "",
        f"{memory['pushes']:,} pushes, each with a different phone number, against a fresh "
        "`kulmipay-toolkit sandbox`; /proc/<pid>/status read at each checkpoint.",
        "",
        *_table(["Pushes", "VmRSS MiB", "VmHWM (peak) MiB"], rows),
        "",
        closing,
    ]


def _conformance_section(summary: dict[str, Any]) -> list[str]:
    found = summary["conformance"]
    if found.get("skipped"):
        return ["## Conformance", "", "Skipped."]
    examples = found["max_examples"]
    rows = [
        [
            f"default budget (--max-examples {examples['default']})",
            _number(found["default_s"]),
            str(found["default_exit_code"]),
        ]
    ]
    if found["x10_s"] is not None:
        rows.append(
            [
                f"10x examples (--max-examples {examples['x10']})",
                _number(found["x10_s"]),
                str(found["x10_exit_code"]),
            ]
        )
    faults = [
        [
            f"`{name}`",
            _number(seconds),
            _number(found["first_failure_s"].get(name), 2),
            "yes" if found["caught_by_its_check"].get(name) else "**no**",
        ]
        for name, seconds in found["detection_s"].items()
    ]
    return [
        "## Conformance run against the emulator",
        "",
        f"`kulmipay-toolkit conformance --seed {found['seed']}`, budget: {found['budget']}; wall time of the "
        "command, emulator start-up and reports included.",
        "",
        *_table(["Run", "Wall s", "Exit code"], rows),
        "",
        "Each fault profile (`--fault NAME`): the whole run to its failing verdict, and the first failing "
        "request of the check that must catch it, both from the command's start.",
        "",
        *_table(
            ["Fault profile", "Detected in (run) s", "First failure at s", "Caught by its check"], faults
        ),
    ]


def _goals_section(summary: dict[str, Any]) -> list[str]:
    marks = {True: "met", False: "**missed**", None: "not measured"}
    rows = [[goal["goal"], marks[goal["met"]], goal["measured"]] for goal in summary["goals"]]
    lines = ["## Goals", "", *_table(["Goal", "Result", "Measured"], rows)]
    missed = [goal for goal in summary["goals"] if goal["met"] is False]
    if missed:
        lines += ["", "### Why the missed goals were missed (from the profiles)"]
        for goal in missed:
            lines += ["", f"**{goal['goal']}** — {goal['explanation'] or 'no profile was taken.'}"]
    return lines


def markdown(summary: dict[str, Any]) -> str:
    title = f"# KulmiPay toolkit benchmarks, {summary['machine']['date']}"
    sections = [
        [title],
        _machine_section(summary),
        _goals_section(summary),
        _client_section(summary),
        _server_section(summary),
        _memory_section(summary),
        _conformance_section(summary),
    ]
    return "\n\n".join("\n".join(section) for section in sections if section) + "\n"
