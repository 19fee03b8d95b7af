"""`make demo`: everything comes up, the page shows the portal, Ctrl-C stops all of it."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
OWNER_BUILD = ROOT / "dist" / "cdn"
DEMO_BUILD = ROOT / "dist" / "demo" / "cdn"


def snapshot(directory: Path) -> dict[str, int]:
    return {
        str(path.relative_to(directory)): path.stat().st_mtime_ns
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def test_demo_starts_everything_and_ctrl_c_stops_it() -> None:
    owner_build = snapshot(OWNER_BUILD)
    demo = subprocess.Popen(
        [sys.executable, "-m", "tools.demo", "--free-ports"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        printed = ""
        deadline = time.monotonic() + 60
        while "Ctrl-C" not in printed and time.monotonic() < deadline:
            line = demo.stdout.readline()  # type: ignore[union-attr]
            if not line:
                break
            printed += line
        addresses = dict(
            re.findall(r"^\s+(Open|proxy|CDN|sandbox)\s+(http://\S+?)/?\s", printed, re.M)
        )
        assert set(addresses) == {"Open", "proxy", "CDN", "sandbox"}, printed
        page = httpx.get(addresses["Open"] + "/")
        assert page.status_code == 200
        assert "<invoice-portal" in page.text and "jane@example.com" in page.text
        assert httpx.get(addresses["proxy"] + "/healthz").status_code == 200
        # The demo serves a build of its own; the owner's dist/cdn is left as it was.
        assert "(serving dist/demo/cdn)" in printed
        manifest = httpx.get(addresses["CDN"].rsplit("/", 1)[0] + "/manifest.json")
        assert manifest.content == (DEMO_BUILD / "manifest.json").read_bytes()
        assert snapshot(OWNER_BUILD) == owner_build

        demo.send_signal(signal.SIGINT)
        assert demo.wait(15) == 0
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()

    for address in addresses.values():
        try:
            httpx.get(address + "/", timeout=2)
        except httpx.ConnectError:
            continue
        raise AssertionError(f"{address} still answers after Ctrl-C")
