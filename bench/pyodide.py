"""The proxy as a Python Worker in Pyodide, beside the same proxy in CPython: the Worker's cold
start, and per-request time and throughput on the same requests.

The Worker is tools/worker.py's: Node serving `edge.worker.on_fetch` from the proxy's wheel in
npm `pyodide`, as the Pyodide tests run it. CPython is the proxy under uvicorn as
bench/throughput.py starts it. Both get the same settings, sandbox and requests.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from bench import personas, processes, throughput, wrk
from bench.processes import Missing
from tools import worker as workers
from tools.process import Service

COLD_STARTS = 3
ONE_BY_ONE = 100  # requests per endpoint and side, each sent when the previous one is answered
DURATION = "2s"
ROUNDS = 2
WARM_CACHE_SECONDS = 600  # as in bench/throughput.py: list and detail answer from the cache
SIDES = ("pyodide", "cpython")


def measure() -> dict[str, Any]:
    absent = [name for name in ("node", "wrk") if shutil.which(name) is None]
    if not (workers.PYODIDE / "pyodide.mjs").exists():
        absent.append("npm's pyodide (npm ci)")
    if absent:
        raise Missing("not installed: " + ", ".join(absent))
    with tempfile.TemporaryDirectory(prefix="bench-pyodide-") as scratch:
        folder = Path(scratch)
        started = time.perf_counter()
        wheels = workers.build_wheels(folder / "build")
        wheel_seconds = time.perf_counter() - started
        with processes.sandbox() as sandbox:
            email = personas.full_page(sandbox.url)
            env = processes.proxy_env(sandbox.url)
            env["PORTAL_CACHE_SECONDS"] = str(WARM_CACHE_SECONDS)
            cold = _cold_starts(wheels, env, folder, _session_request(email))
            with (
                workers.serve(wheels, env, folder / "warm") as worker,
                processes.proxy(sandbox.url, PORTAL_CACHE_SECONDS=str(WARM_CACHE_SECONDS)) as edge,
            ):
                assert edge.process is not None
                servers = {
                    "pyodide": (worker.url, worker.process.pid),
                    "cpython": (edge.url, edge.process.pid),
                }
                # Each side opens its own session and warms its own cache, on the same persona.
                targets = {
                    side: throughput.warmed_targets(url, email)[0]
                    for side, (url, _) in servers.items()
                }
                pairs = zip(targets["pyodide"], targets["cpython"], strict=True)
                rows = [_compare(servers, {"pyodide": p, "cpython": c}) for p, c in pairs]
    return {
        "persona": email,
        "pyodide": json.loads((workers.PYODIDE / "package.json").read_text())["version"],
        "wheel_seconds": wheel_seconds,
        "server": processes.server_stack(),
        "cold": cold,
        "load": " ".join([*wrk.WRK, f"-d{DURATION}"]),
        "rows": rows,
    }


def _cold_starts(
    wheels: Path, env: dict[str, str], folder: Path, session: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """COLD_STARTS of each, taking turns, so that other work on the machine hits both alike."""
    runs: dict[str, list[dict[str, float]]] = {side: [] for side in SIDES}
    for i in range(COLD_STARTS):
        runs["pyodide"].append(_cold_worker(wheels, env, folder / f"cold-{i}", session))
        runs["cpython"].append(_cold_cpython(env, folder, session))
    return {side: cold_summary(found) for side, found in runs.items()}


def _session_request(email: str) -> dict[str, Any]:
    """The embed's first request, as every cold start sends it."""
    body = json.dumps({"email": email, "hash": personas.hash_for(email)})
    return {"method": "POST", "path": "/v1/session", "body": body, "token": None}


def _cold_worker(
    wheels: Path, env: dict[str, str], folder: Path, session: dict[str, Any]
) -> dict[str, float]:
    """Node started, Pyodide loaded, the wheels unpacked, edge.worker imported, the first
    session answered (the app is built on that first request, as in a Worker's isolate)."""
    began = time.perf_counter()
    with workers.serve(wheels, env, folder) as worker:
        listening = time.perf_counter()
        _send(worker.url, session)
        answered = time.perf_counter()
        marks = httpx.get(f"{worker.url}/_front/startup", timeout=10).json()
    return cold_split(marks, listening - began, answered - began)


def cold_split(marks: dict[str, float], listening: float, answered: float) -> dict[str, float]:
    """Seconds of each step, from the front's marks (ms since Node's process started) and the
    bench's clock (s since it started Node); the steps add up to the total."""
    return {
        "node": marks["script"] / 1000,
        "pyodide": (marks["pyodide"] - marks["script"]) / 1000,
        "wheels": (marks["unpacked"] - marks["pyodide"]) / 1000,
        "import": (marks["imported"] - marks["unpacked"]) / 1000,
        "listen": listening - marks["imported"] / 1000,
        "first_request": answered - listening,
        "total": answered,
    }


def _cold_cpython(env: dict[str, str], folder: Path, session: dict[str, Any]) -> dict[str, float]:
    """The same from `python -m uvicorn edge.app:create_app` (which builds the app before it
    listens) to the first session answered."""
    port = processes.free_port()
    argv = processes.uvicorn_argv("edge.app:create_app", port)
    environ = {**os.environ, **env}
    server = Service("cold cpython", argv, port, "/healthz", folder, environ)
    began = time.perf_counter()
    server.start()
    try:
        _wait_for_port(server, began + 30)
        listening = time.perf_counter()
        _send(server.url, session)
        answered = time.perf_counter()
    finally:
        server.stop()
    return {
        "listening": listening - began,
        "first_request": answered - listening,
        "total": answered - began,
    }


def _wait_for_port(server: Service, deadline: float) -> None:
    """Until the port takes a connection: no HTTP request reaches the app before the timed one."""
    while time.perf_counter() < deadline:
        assert server.process is not None
        if server.process.poll() is not None:
            raise RuntimeError(f"the proxy exited:\n{server.log_tail()}")
        try:
            socket.create_connection(("127.0.0.1", server.port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.005)
    raise RuntimeError(f"the proxy did not listen:\n{server.log_tail()}")


def cold_summary(runs: list[dict[str, float]]) -> dict[str, Any]:
    """The start with the median total, whole (its steps add up), and every start's total."""
    ordered = sorted(runs, key=lambda run: run["total"])
    return {**ordered[len(ordered) // 2], "totals": [run["total"] for run in runs]}


def _connect(url: str) -> http.client.HTTPConnection:
    address = urlsplit(url)
    return http.client.HTTPConnection(address.hostname or "", address.port, timeout=60)


def _send(url: str, request: dict[str, Any]) -> None:
    """One request on a new connection, as a cold start's first visitor sends it."""
    connection = _connect(url)
    try:
        status = _exchange(connection, request)
    finally:
        connection.close()
    if status != 200:
        raise RuntimeError(f"{request['method']} {request['path']} answered {status}")


def _exchange(connection: http.client.HTTPConnection, request: dict[str, Any]) -> int:
    """http.client, not httpx: the client's own time per request is a fraction as large."""
    headers = {"Content-Type": "application/json", "Origin": "http://127.0.0.1"}
    if request["token"]:
        headers["Authorization"] = f"Bearer {request['token']}"
    body = request["body"] or None
    connection.request(request["method"], request["path"], body=body, headers=headers)
    answer = connection.getresponse()
    answer.read()
    return answer.status


def _compare(
    servers: dict[str, tuple[str, int]], targets: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """One endpoint on both sides: a warm-up, ONE_BY_ONE requests on one connection, then
    ROUNDS paired wrk runs (Pyodide then CPython, so a noisy neighbour hits both alike)."""
    for side in SIDES:
        url, target = servers[side][0], targets[side]
        wrk.run_wrk(url + target["path"], target["method"], target["body"], target["token"], "1s")
    alone = {side: _one_by_one(servers[side][0], targets[side]) for side in SIDES}
    runs: dict[str, list[dict[str, Any]]] = {side: [] for side in SIDES}
    for _ in range(ROUNDS):
        for side in SIDES:
            (url, pid), target = servers[side], targets[side]
            before = wrk.cpu_seconds(pid)
            stats = wrk.run_wrk(
                url + target["path"], target["method"], target["body"], target["token"], DURATION
            )
            used = wrk.cpu_seconds(pid) - before
            stats["cpu_us_per_request"] = (
                used / stats["requests"] * 1e6 if stats["requests"] else None
            )
            runs[side].append(stats)
    sides = {side: {**wrk.median(runs[side]), **alone[side]} for side in SIDES}
    pairs = zip(runs["pyodide"], runs["cpython"], strict=True)
    return {
        "endpoint": targets["pyodide"]["label"],
        "name": targets["pyodide"]["name"],
        **sides,
        "ratios": ratios(sides["pyodide"], sides["cpython"]),
        "round_ratios": [p["rps"] / c["rps"] if c["rps"] else 0.0 for p, c in pairs],
    }


def _one_by_one(url: str, target: dict[str, Any]) -> dict[str, Any]:
    connection = _connect(url)
    times, failed = [], 0
    try:
        for _ in range(ONE_BY_ONE):
            began = time.perf_counter()
            failed += _exchange(connection, target) != 200
            times.append((time.perf_counter() - began) * 1000)
    finally:
        connection.close()
    return {"one_by_one_ms": statistics.median(times), "one_by_one_failed": failed}


def ratios(pyodide: dict[str, Any], cpython: dict[str, Any]) -> dict[str, float | None]:
    """Pyodide / CPython for each figure: above 1 for times, below 1 for requests per second."""
    found: dict[str, float | None] = {}
    for key in ("one_by_one_ms", "rps", "cpu_us_per_request"):
        mine, theirs = pyodide.get(key), cpython.get(key)
        found[key] = mine / theirs if mine is not None and theirs else None
    return found


def shortfalls(result: dict[str, Any]) -> list[str]:
    """No goal for the ratios yet; an error answer is named, because a fast error is no figure."""
    found = []
    for row in result["rows"]:
        for side in SIDES:
            stats = row[side]
            errors = stats["non_2xx"] + stats["socket_errors"] + stats["timeouts"]
            errors += stats["one_by_one_failed"]
            if errors:
                found.append(
                    f"pyodide: {side} {row['endpoint']} had {errors} non-2xx answers, connection "
                    f"errors or timeouts in {stats['requests'] + ONE_BY_ONE} requests"
                )
    return found


COLD_STEPS = [
    ("node", "Node started, its modules (the front, npm `pyodide`'s) loaded"),
    ("pyodide", "`loadPyodide()`"),
    ("wheels", "the wheels unpacked into site-packages"),
    ("import", "`import edge.worker`"),
    ("listen", "the front listening, and the bench reading its line"),
    ("listening", "interpreter, imports and `create_app`, until the port listens"),
    ("first_request", "first `POST /v1/session` answered (cold cache: Stripe calls included)"),
    ("total", "**from starting the process to that answer**"),
]


def markdown(result: dict[str, Any]) -> list[str]:
    cold = result["cold"]
    lines = [
        f"npm `pyodide` {result['pyodide']} under Node, serving `edge.worker.on_fetch` through "
        "tests/pyodide/worker_front.mjs, beside the same proxy in CPython "
        f"({result['server']}, as in the throughput section); same settings, sandbox and persona "
        f"({result['persona']}). Building the wheels took {result['wheel_seconds']:.1f} s "
        "(a deploy's work, not part of a start).",
        "",
        f"Cold start, {COLD_STARTS} of each taking turns; the start with the median total, "
        "step by step (the Worker builds the app on its first request, uvicorn before it "
        "listens):",
        "",
        "| step | Pyodide s | CPython s |",
        "|---|---:|---:|",
    ]
    for key, label in COLD_STEPS:
        steps = (_seconds(cold[side].get(key)) for side in SIDES)
        lines.append(f"| {label} | {' | '.join(steps)} |")
    lines += [
        "| every start's total | "
        + " | ".join(", ".join(f"{t:.2f}" for t in cold[side]["totals"]) for side in SIDES)
        + " |",
        "",
        f"Per request, warm (list and detail from the cache, as in the throughput section): "
        f"the median of {ONE_BY_ONE} requests sent one after another on one connection "
        f"(*alone*), then `{result['load']}` in {ROUNDS} rounds, each a Pyodide run then a "
        "CPython run (medians of the rounds), and the CPU time of the serving process per "
        "request (Node with Pyodide in it; uvicorn). Ratios are Pyodide / CPython.",
        "",
        "| endpoint | alone ms Pyodide / CPython | ratio | req/s (p50 / p99 ms) Pyodide "
        "| CPython | ratio | rounds | CPU us/request Pyodide / CPython | ratio |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for row in result["rows"]:
        mine, theirs, ratio = row["pyodide"], row["cpython"], row["ratios"]
        lines.append(
            f"| `{row['endpoint']}` | {mine['one_by_one_ms']:.2f} / {theirs['one_by_one_ms']:.2f} "
            f"| {_number(ratio['one_by_one_ms'])} | {_load(mine)} | {_load(theirs)} "
            f"| {_number(ratio['rps'])} | {', '.join(f'{r:.2f}' for r in row['round_ratios'])} "
            f"| {_number(mine['cpu_us_per_request'], 0)} / "
            f"{_number(theirs['cpu_us_per_request'], 0)} | {_number(ratio['cpu_us_per_request'])} |"
        )
    return lines


def headline(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    mine, theirs = result["cold"]["pyodide"], result["cold"]["cpython"]
    rows = [
        (
            "Worker cold start in Pyodide: Node started to first session answered",
            f"{mine['total']:.2f} s (Node {mine['node']:.2f} + Pyodide {mine['pyodide']:.2f} "
            f"+ wheels {mine['wheels']:.2f} + import {mine['import']:.2f} + first request "
            f"{mine['first_request']:.2f}), **{mine['total'] / theirs['total']:.1f}x** CPython",
            f"CPython under uvicorn {theirs['total']:.2f} s",
            "-",
        )
    ]
    for row in result["rows"]:
        mine, theirs, ratio = row["pyodide"], row["cpython"], row["ratios"]
        rows.append(
            (
                f"Worker in Pyodide `{row['endpoint']}`: ms alone, req/s under 16 connections",
                f"{mine['one_by_one_ms']:.2f} ms, {mine['rps']:.0f} req/s: "
                f"**{_number(ratio['one_by_one_ms'])}x** / **{_number(ratio['rps'])}x** CPython",
                f"CPython under uvicorn {theirs['one_by_one_ms']:.2f} ms, "
                f"{theirs['rps']:.0f} req/s",
                "-",
            )
        )
    return rows


def _load(stats: dict[str, Any]) -> str:
    return f"{stats['rps']:.0f} ({stats['p50_ms']:.1f} / {stats['p99_ms']:.1f})"


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _number(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"
