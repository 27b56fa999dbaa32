"""The base install stays light: the strict reply parser and the webhook receiver helper work with
none of the emulator's or the conformance run's dependencies, and a command whose extra is
missing says which one to install, in one line."""

from __future__ import annotations

import subprocess
import sys
import textwrap

# Run in a fresh interpreter where the extras' packages cannot be imported at all.
BLOCK = textwrap.dedent(
    """
    import sys
    HEAVY = {"starlette", "uvicorn", "trustme", "schemathesis", "hypothesis", "kulmipay_toolkit.emulator"}

    class Blocked:
        def find_spec(self, name, path=None, target=None):
            if name in HEAVY or name.split(".")[0] in HEAVY:
                raise ImportError(f"blocked: {name}", name=name)
            return None

    sys.meta_path.insert(0, Blocked())
    """
)


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", BLOCK + code], capture_output=True, text=True, timeout=60)


def test_strict_parsing_and_the_receiver_helper_need_no_extra() -> None:
    done = _python(
        textwrap.dedent(
            """
            import json, httpx
            from kulmipay_toolkit import spec
            from kulmipay_toolkit.strict import strict_parse
            from kulmipay_toolkit.webhooks import events
            from kulmipay_toolkit.webhooks.receiver import ForgedEvent, verify_event
            example = spec.resolve({"$ref": "#/components/examples/PendingPush"})["value"]
            parsed = strict_parse(httpx.Response(200, json=example))
            assert parsed.invoice.invoice_id == example["invoice"]["invoice_id"]
            event = events.examples()[0]
            verified = verify_event(json.dumps(event).encode(), challenge=event["challenge"])
            assert verified.state == event["state"]
            try:
                verify_event(json.dumps(event).encode(), challenge="another")
            except ForgedEvent:
                print("light and working")
            """
        )
    )
    assert done.returncode == 0 and "light and working" in done.stdout, done.stderr


def test_a_command_without_its_extra_names_the_extra() -> None:
    done = _python("from kulmipay_toolkit import cli; sys.exit(cli.main(['sandbox', '--port', '9']))")
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install 'kulmipay-toolkit[emulator]'" in lines[0], done.stderr
