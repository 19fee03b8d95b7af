"""The proxy on one worker against two: `invoice-portal serve --workers N`, the list under the
same wrk load, taking turns."""

from __future__ import annotations

import os
import statistics
from collections.abc import Callable
from typing import Any

from bench import processes
from bench.wrk import DURATION, median, run_wrk

# Enough connections and wrk threads to keep two workers busy.
WORKERS_WRK = ["wrk", "-t2", "-c32", "--latency"]
WORKER_ROUNDS = 3


def measure(sandbox: str, token_for: Callable[[str], str], cache_seconds: int) -> dict[str, Any]:
    """The list on `invoice-portal serve` with one worker and with two, under the same load
    (WORKERS_WRK), WORKER_ROUNDS rounds taking turns; `token_for(url)` opens a session on a
    server and warms its cache first."""
    cache = {"PORTAL_CACHE_SECONDS": str(cache_seconds)}
    with (
        processes.serve_workers(sandbox, 1, **cache) as one,
        processes.serve_workers(sandbox, 2, **cache) as two,
    ):
        servers = {1: one, 2: two}
        tokens = {count: token_for(server.url) for count, server in servers.items()}
        runs: dict[int, list[dict[str, Any]]] = {1: [], 2: []}
        for count, server in servers.items():
            run_wrk(f"{server.url}/v1/invoices", "GET", "", tokens[count], "2s", wrk=WORKERS_WRK)
        for _ in range(WORKER_ROUNDS):
            for count, server in servers.items():
                assert server.process is not None
                before = processes.group_cpu_seconds(server.process.pid)
                stats = run_wrk(
                    f"{server.url}/v1/invoices", "GET", "", tokens[count], DURATION, wrk=WORKERS_WRK
                )
                used = processes.group_cpu_seconds(server.process.pid) - before
                stats["server_cpu_share"] = (
                    used / (stats["duration_us"] / 1e6) / (os.cpu_count() or 1)
                )
                runs[count].append(stats)
    sides = {str(count): median(runs[count]) for count in runs}
    for count in runs:
        shares = [run["server_cpu_share"] for run in runs[count]]
        sides[str(count)]["server_cpu_share"] = statistics.median(shares)
    ratios = [
        b["rps"] / a["rps"] if a["rps"] else 0.0 for a, b in zip(runs[1], runs[2], strict=True)
    ]
    return {
        "endpoint": "GET /v1/invoices",
        "load": " ".join([*WORKERS_WRK, f"-d{DURATION}"]),
        "cores": os.cpu_count(),
        "sides": sides,
        "ratio": statistics.median(ratios),
        "round_ratios": ratios,
    }


def markdown(workers: dict[str, Any] | None) -> list[str]:
    if not workers:
        return []
    lines = [
        "",
        f"One worker against two: `invoice-portal serve --workers N` (uvicorn's own "
        f"processes, {workers['cores']} cores here), `{workers['endpoint']}` under "
        f"`{workers['load']}`, {WORKER_ROUNDS} rounds taking turns; medians. wrk runs on the "
        "same cores: its share of the machine is beside the servers' own.",
        "",
        "| workers | req/s | p50 ms | p99 ms | server CPU, share of the machine "
        "| wrk CPU, share of the machine |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for count, side in workers["sides"].items():
        lines.append(
            f"| {count} | {side['rps']:.0f} | {side['p50_ms']:.2f} | {side['p99_ms']:.2f} | "
            f"{percent(side.get('server_cpu_share'))} | {percent(side.get('wrk_cpu_share'))} |"
        )
    lines += [
        "",
        f"Two workers / one: **{workers['ratio']:.2f}x** (rounds: "
        + ", ".join(f"{r:.2f}" for r in workers["round_ratios"])
        + ").",
    ]
    return lines


def percent(share: float | None) -> str:
    return "n/a" if share is None else f"{share * 100:.0f}%"
