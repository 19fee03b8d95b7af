"""200 visitors at once for 30 s: the proxy answers every request and its memory stays flat.

The proxy runs as a site owner runs it (`invoice-portal serve`, its own process) against the
sandbox adding 50 ms to every Stripe call; bench/load.py is the load generator, and
`python -m bench --only load` reports the same load.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# `bench` is run as `python -m bench` from the checkout, not installed: plain `pytest` needs this.
ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from bench import load  # noqa: E402
from sandbox.testing import SandboxServer  # noqa: E402


def test_200_clients_for_30_seconds_get_only_2xx_and_the_proxy_memory_stays_flat(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with SandboxServer() as sandbox:
        sandbox.latency(load.STRIPE_LATENCY_MS)
        personas = load.visitors(list(sandbox.seed()["customers"]))
        with load.portal(sandbox.url) as proxy:
            assert proxy.process is not None
            result = load.run(proxy.url, personas, proxy.process.pid, load.CLIENTS, load.SECONDS)
            log = proxy.log_tail()
    summary = load.describe(result)
    with capsys.disabled():
        print("\n" + summary)

    assert result["clients"] >= 200 and result["seconds"] >= 30
    for name in load.ENDPOINTS:
        assert result["endpoints"][name]["requests"] > 0, f"no {name} request:\n{summary}"
    assert result["errors"] == 0, (
        f"{result['errors_by_kind']}\n{summary}\nfirst errors:\n"
        + "\n".join(result["error_samples"])
        + f"\nproxy log:\n{log}"
    )
    growth = load.rss_growth_kb(result)
    assert growth <= load.RSS_MARGIN_KB, (
        f"proxy RSS grew by {growth} kB after warm-up (at most {load.RSS_MARGIN_KB}):\n"
        f"{summary}\nsamples (s, kB): {result['rss_samples']}"
    )


def test_memory_still_climbing_after_warm_up_is_not_flat() -> None:
    run = load.Load(deadline=0.0)
    climbing = [(t / 2, 50_000 + t * 1_000) for t in range(61)]  # +1 MB every half second
    result = load.summarise(run, 30.0, 50_000, climbing, 200, 30.0, [])
    assert load.rss_growth_kb(result) == 40_000
    assert any("RSS grew" in text for text in load.shortfalls(result))
