"""wrk, the load generator of the throughput sections: one run, its summary as one JSON line,
and the CPU time a server process used meanwhile."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import tempfile
from pathlib import Path
from typing import Any

DURATION = "5s"
WRK = ["wrk", "-t1", "-c16", "--latency"]

# wrk calls done() once at the end; one JSON line is easier to trust than its prose output.
LUA = """
wrk.method = "{method}"
wrk.body = [==[{body}]==]
wrk.headers["Content-Type"] = "{content_type}"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {{"requests": %d, "duration_us": %d, "non_2xx": %d, "socket_errors": %d, '
    .. '"timeouts": %d, "p50_us": %d, "p99_us": %d}}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


def parse_wrk(output: str) -> dict[str, Any]:
    for line in output.splitlines():
        if line.startswith("BENCH "):
            stats: dict[str, Any] = json.loads(line[len("BENCH ") :])
            stats["rps"] = stats["requests"] / (stats["duration_us"] / 1e6)
            stats["p50_ms"] = stats.pop("p50_us") / 1000
            stats["p99_ms"] = stats.pop("p99_us") / 1000
            return stats
    raise RuntimeError("wrk printed no summary:\n" + output[-2000:])


def run_wrk(
    url: str,
    method: str,
    body: str,
    token: str | None,
    duration: str,
    content_type: str = "application/json",
    wrk: list[str] = WRK,
) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA.format(method=method, body=body, content_type=content_type))
    argv = [*wrk, f"-d{duration}", "-s", script.name]
    if token:
        argv += ["-H", f"Authorization: Bearer {token}"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        done = subprocess.run(  # noqa: S603
            [*argv, url], capture_output=True, text=True, timeout=60, check=True
        )
    finally:
        Path(script.name).unlink()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    stats = parse_wrk(done.stdout)
    # What wrk itself took of the machine: it shares the cores with the servers.
    used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    stats["wrk_cpu_share"] = used / (stats["duration_us"] / 1e6) / (os.cpu_count() or 1)
    return stats


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the process has used: unlike req/s, blind to the neighbours."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    stats = {
        key: statistics.median(run[key] for run in runs) for key in ("rps", "p50_ms", "p99_ms")
    }
    stats["non_2xx"] = sum(run["non_2xx"] for run in runs)
    stats["socket_errors"] = sum(run["socket_errors"] for run in runs)
    stats["timeouts"] = sum(run.get("timeouts", 0) for run in runs)
    stats["requests"] = sum(run["requests"] for run in runs)
    for key in ("cpu_us_per_request", "wrk_cpu_share"):
        found = [run[key] for run in runs if run.get(key)]
        stats[key] = statistics.median(found) if found else None
    return stats
