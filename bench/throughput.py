"""Proxy throughput and latency under wrk, each edge endpoint against a bare Starlette twin,
and the proxy on one worker against two."""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
from pathlib import Path
from typing import Any

import httpx

from bench import personas, processes, workers
from bench.wrk import DURATION, WRK, cpu_seconds, median, run_wrk

ROUNDS = 5
# "List, cache warm": long enough that no entry expires during the runs (the default is 30 s);
# what an expiry costs under load is measured apart, with entries living EXPIRY_CACHE_SECONDS.
WARM_CACHE_SECONDS = 600
EXPIRY_CACHE_SECONDS = 1
GOAL_RATIO = 0.8


def measure() -> dict[str, Any]:
    if shutil.which("wrk") is None:
        raise processes.Missing("wrk is not installed (Debian package `wrk`)")
    with (
        processes.sandbox() as sandbox,
        processes.proxy(sandbox.url, PORTAL_CACHE_SECONDS=str(WARM_CACHE_SECONDS)) as edge,
    ):
        email = personas.full_page(sandbox.url)
        targets, bodies = warmed_targets(edge.url, email)
        targets += simple_targets(targets)
        bodies |= {t["name"]: bodies[t["twin"]] for t in targets if "twin" in t}
        stripe_calls = _stripe_calls(sandbox.url)
        bodies_file = Path(tempfile.mkstemp(prefix="bench-bodies-", suffix=".json")[1])
        # The bare twin answers the same bytes: the proxy's body and its headers (security
        # headers, Vary, a request id), so that the ratio measures the proxy's own work.
        headers = _answer_headers(edge.url, targets)
        bodies_file.write_text(json.dumps({"bodies": bodies, "headers": headers}))
        port = processes.free_port()
        argv = processes.uvicorn_argv("bench.bare:create_app", port)
        env = {"BENCH_BARE_BODIES": str(bodies_file)}
        try:
            with processes.serve("bare starlette", argv, env, port, "/healthz") as bare:
                rows = [_compare(edge, bare, target) for target in targets]
        finally:
            bodies_file.unlink()
        warm_calls = _stripe_calls(sandbox.url) - stripe_calls
        expiry = _expiry_under_load(sandbox.url, email)
        workers_result = workers.measure(
            sandbox.url, lambda url: warmed_targets(url, email)[0][1]["token"], WARM_CACHE_SECONDS
        )
    return {
        "warm_cache_seconds": WARM_CACHE_SECONDS,
        "stripe_calls_during_runs": warm_calls,
        "expiry": expiry,
        "workers": workers_result,
        "persona": email,
        "server": f"{processes.server_stack()}, uvicorn's access log off (both apps); "
        "the proxy still writes its own JSON log line per request, as in production",
        "load": " ".join([*WRK, f"-d{DURATION}"]),
        "rows": rows,
    }


def simple_targets(targets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The list and the detail as the embed asks for them: a CORS simple request, `POST` with
    `Content-Type: text/plain` and the token in the body (no preflight)."""
    simple = []
    for target in targets:
        if target["name"] in ("list", "detail"):
            simple.append(
                {
                    **target,
                    "name": f"{target['name']}-simple",
                    "twin": target["name"],
                    "label": f"POST {target['label'].split()[1]} (text/plain)",
                    "method": "POST",
                    "body": json.dumps({"token": target["token"]}),
                    "token": None,
                    "content_type": "text/plain",
                }
            )
    return simple


def _stripe_calls(sandbox: str) -> int:
    answer = httpx.get(f"{sandbox}/_sandbox/calls", timeout=10)
    answer.raise_for_status()
    return int(answer.json()["total"])


def _expiry_under_load(sandbox: str, email: str) -> dict[str, Any]:
    """The list under load while its cache entry expires every second: how many Stripe calls
    does one expiry cost? 1 when concurrent misses share one fetch, up to 16 when each of
    wrk's connections fetches on its own."""
    seconds = EXPIRY_CACHE_SECONDS
    with processes.proxy(sandbox, PORTAL_CACHE_SECONDS=str(seconds)) as edge:
        token = warmed_targets(edge.url, email)[0][1]["token"]
        before = _stripe_calls(sandbox)
        stats = run_wrk(f"{edge.url}/v1/invoices", "GET", "", token, DURATION)
        calls = _stripe_calls(sandbox) - before
    expiries = stats["duration_us"] / 1e6 / seconds
    return {
        "cache_seconds": seconds,
        "stats": stats,
        "stripe_calls": calls,
        "calls_per_expiry": calls / expiries if expiries else None,
    }


def warmed_targets(edge: str, email: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Open a session the way the embed does, then warm the list and detail caches."""
    payload = json.dumps({"email": email, "hash": personas.hash_for(email)})
    with httpx.Client(base_url=edge, timeout=30) as client:
        session = client.post("/v1/session", content=payload, headers=_json_headers())
        session.raise_for_status()
        token = session.json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        for _ in range(3):
            listing = client.get("/v1/invoices", headers=auth)
            listing.raise_for_status()
        invoices = listing.json()["data"]
        if not invoices:
            raise RuntimeError(f"{email} has no invoices to open in the detail benchmark")
        detail_path = f"/v1/invoices/{invoices[0]['id']}"
        for _ in range(3):
            detail = client.get(detail_path, headers=auth)
            detail.raise_for_status()
    targets = [
        {"name": "session", "label": "POST /v1/session", "path": "/v1/session", "token": None},
        {"name": "list", "label": "GET /v1/invoices", "path": "/v1/invoices", "token": token},
        {"name": "detail", "label": "GET /v1/invoices/{id}", "path": detail_path, "token": token},
    ]
    bodies = {"session": session.json(), "list": listing.json(), "detail": detail.json()}
    sizes = {"session": session, "list": listing, "detail": detail}
    for target in targets:
        target["method"], target["body"] = target["label"].split()[0], ""
        if target["method"] == "POST":
            target["body"] = payload
        target["bytes"] = len(sizes[target["name"]].content)
    return targets, bodies


def _answer_headers(edge: str, targets: list[dict[str, Any]]) -> dict[str, str]:
    """The headers the proxy adds to an answer, as wrk's requests (no Origin) get them."""
    listing = next(t for t in targets if t["name"] == "list")
    auth = {"Authorization": f"Bearer {listing['token']}"}
    answer = httpx.get(edge + listing["path"], headers=auth, timeout=30)
    answer.raise_for_status()
    own = {"content-length", "content-type", "date", "server"}
    return {name: value for name, value in answer.headers.items() if name not in own}


def _compare(
    edge: processes.Service, bare: processes.Service, target: dict[str, Any]
) -> dict[str, Any]:
    """ROUNDS paired runs, edge then bare, so a noisy neighbour hits both sides alike."""
    method, body, token = target["method"], target["body"], target["token"]
    content_type = target.get("content_type", "application/json")
    sides = [
        (edge, edge.url + target["path"], token),
        (bare, f"{bare.url}/bare/{target['name']}", None),
    ]
    for _server, url, auth in sides:
        run_wrk(url, method, body, auth, "1s", content_type)  # warm-up, not recorded
    runs: list[list[dict[str, Any]]] = [[], []]
    for _ in range(ROUNDS):
        for side, (server, url, auth) in enumerate(sides):
            assert server.process is not None
            before = cpu_seconds(server.process.pid)
            stats = run_wrk(url, method, body, auth, DURATION, content_type)
            stats["cpu_us_per_request"] = (
                (cpu_seconds(server.process.pid) - before) / stats["requests"] * 1e6
                if stats["requests"]
                else None
            )
            runs[side].append(stats)
    edge_runs, bare_runs = runs
    pairs = zip(edge_runs, bare_runs, strict=True)
    ratios = [e["rps"] / b["rps"] if b["rps"] else 0.0 for e, b in pairs]
    edge_stats, bare_stats = median(edge_runs), median(bare_runs)
    return {
        "endpoint": target["label"],
        "name": target["name"],
        "body_bytes": target["bytes"],
        "edge": edge_stats,
        "bare": bare_stats,
        "ratio": statistics.median(ratios),
        "round_ratios": ratios,
        "cpu_ratio": bare_stats["cpu_us_per_request"] / edge_stats["cpu_us_per_request"]
        if edge_stats["cpu_us_per_request"]
        else None,
    }


def _json_headers() -> dict[str, str]:
    return {"Content-Type": "application/json", "Origin": "http://127.0.0.1"}


def shortfalls(result: dict[str, Any]) -> list[str]:
    found = []
    for row in result["rows"]:
        for side in ("edge", "bare"):
            stats = row[side]
            if stats["non_2xx"] or stats["socket_errors"]:
                found.append(
                    f"throughput: {side} {row['endpoint']} had {stats['non_2xx']} non-2xx answers "
                    f"and {stats['socket_errors']} connection errors under load"
                )
            if stats.get("timeouts"):
                found.append(
                    f"throughput: {side} {row['endpoint']}: {stats['timeouts']} of "
                    f"{stats['requests']} requests took longer than wrk's 2 s timeout"
                )
        if row["ratio"] < GOAL_RATIO:
            found.append(
                f"throughput: {row['name']} endpoint (`{row['endpoint']}`) runs at "
                f"{row['ratio']:.2f} of bare Starlette (goal >= {GOAL_RATIO}; by CPU time per "
                f"request {_number(row.get('cpu_ratio'), 2)})"
            )
    scaling = result.get("workers")
    if scaling and scaling["ratio"] < 1:
        shares = ", ".join(
            f"{count}: {workers.percent(side.get('server_cpu_share'))}"
            for count, side in scaling["sides"].items()
        )
        found.append(
            f"throughput: 2 workers answered {scaling['ratio']:.2f}x the requests per second of "
            f"1 worker; the servers' share of the machine (workers {shares}) says how much of "
            "the cores other work left them"
        )
    per_expiry = result["expiry"]["calls_per_expiry"]
    if per_expiry is not None and per_expiry > 1.5:
        found.append(
            f"throughput: when a list cache entry expires under 16 concurrent connections, the "
            f"proxy makes {per_expiry:.1f} Stripe calls for it (1 if concurrent misses shared "
            "one fetch), and the requests behind them wait for Stripe"
        )
    return found


def markdown(result: dict[str, Any]) -> list[str]:
    lines = [
        f"Persona {result['persona']}; server: {result['server']}; load: `{result['load']}` "
        "in a separate process. The bare endpoint answers the same JSON body the proxy answered. "
        f"{ROUNDS} rounds, each an edge run then a bare run; medians of the rounds, and the "
        "ratio is the median of the rounds' edge/bare ratios.",
        "",
        "| endpoint | body bytes | edge req/s | edge p50 ms | edge p99 ms "
        "| bare req/s | bare p50 ms | bare p99 ms | ratio | rounds |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in result["rows"]:
        edge, bare = row["edge"], row["bare"]
        lines.append(
            f"| `{row['endpoint']}` | {row['body_bytes']} | {edge['rps']:.0f} | "
            f"{edge['p50_ms']:.2f} | {edge['p99_ms']:.2f} | {bare['rps']:.0f} | "
            f"{bare['p50_ms']:.2f} | {bare['p99_ms']:.2f} | {row['ratio']:.2f} | "
            + ", ".join(f"{r:.2f}" for r in row.get("round_ratios", []))
            + " |"
        )
    lines += [
        "",
        "CPU time of each server process per request (from /proc, median of the rounds): "
        "unlike req/s it does not depend on what else runs on the machine; bare/edge is the "
        "throughput ratio the two would reach each on a core of its own.",
        "",
        "| endpoint | edge CPU us/request | bare CPU us/request | CPU ratio (bare/edge) |",
        "|---|---:|---:|---:|",
    ]
    for row in result["rows"]:
        lines.append(
            f"| `{row['endpoint']}` | {_number(row['edge'].get('cpu_us_per_request'), 0)} "
            f"| {_number(row['bare'].get('cpu_us_per_request'), 0)} "
            f"| {_number(row.get('cpu_ratio'), 2)} |"
        )
    expiry = result["expiry"]
    stats = expiry["stats"]
    lines += [
        "",
        f"The proxy ran with PORTAL_CACHE_SECONDS={result['warm_cache_seconds']} so that the "
        "cache stays warm through the runs; the sandbox counted "
        f"**{result['stripe_calls_during_runs']} Stripe calls** during them.",
        "",
        f"Cache expiry under load, apart: a proxy with PORTAL_CACHE_SECONDS="
        f"{expiry['cache_seconds']} under the same wrk load on the list made "
        f"{expiry['stripe_calls']} Stripe calls in {stats['duration_us'] / 1e6:.1f} s: "
        f"**{_number(expiry['calls_per_expiry'])} calls per expiry** (1 when concurrent misses "
        f"share one fetch, up to 16 when each connection fetches alone); "
        f"{stats['rps']:.0f} req/s, p50 {stats['p50_ms']:.1f} ms, p99 {stats['p99_ms']:.1f} ms, "
        f"{stats['timeouts']} requests over wrk's 2 s timeout.",
    ]
    return lines + workers.markdown(result.get("workers"))


def _number(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def list_ratio(result: dict[str, Any]) -> float | None:
    for row in result["rows"]:
        if row["name"] == "list":
            return float(row["ratio"])
    return None


def headline(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    rows = []
    for row in result["rows"]:
        edge, bare = row["edge"], row["bare"]
        rows.append(
            (
                f"proxy `{row['endpoint']}` req/s (p50 / p99 ms)",
                f"{edge['rps']:.0f} ({edge['p50_ms']:.1f} / {edge['p99_ms']:.1f}), "
                f"**{row['ratio']:.2f}x** bare (CPU per request: "
                f"{_number(row.get('cpu_ratio'), 2)}x)",
                f"bare Starlette {bare['rps']:.0f} ({bare['p50_ms']:.1f} / {bare['p99_ms']:.1f})",
                f">= {GOAL_RATIO}x bare",
            )
        )
    scaling = result.get("workers")
    if scaling:
        one, two = scaling["sides"]["1"], scaling["sides"]["2"]
        rows.append(
            (
                f"proxy `{scaling['endpoint']}` on 2 workers, req/s (`{scaling['load']}`)",
                f"{two['rps']:.0f}, **{scaling['ratio']:.2f}x** 1 worker (wrk itself: "
                f"{workers.percent(two.get('wrk_cpu_share'))} of the machine)",
                f"1 worker {one['rps']:.0f}",
                "-",
            )
        )
    rows.append(
        (
            "Stripe calls per list cache expiry under 16 connections",
            _number(result["expiry"]["calls_per_expiry"]),
            "1 (concurrent misses sharing one fetch)",
            "1",
        )
    )
    return rows
