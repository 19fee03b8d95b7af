"""The benchmark harness (`python -m bench`): its arithmetic and its report, without the stack."""

from __future__ import annotations

import json
import os
import sys
import types
from pathlib import Path
from typing import Any

import pytest

# `bench` is run as `python -m bench` from the checkout, not installed: plain `pytest` needs this.
ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from bench import __main__ as bench_main  # noqa: E402
from bench import browser, machine, pyodide, report, throughput, weight, wrk  # noqa: E402
from bench.processes import Missing  # noqa: E402


def request(name: str, start: float, end: float) -> dict[str, Any]:
    return {"name": name, "start": start, "end": end}


def test_longest_chain_follows_requests_that_wait_for_the_previous_one() -> None:
    timeline = [
        request("page", 0, 10),
        request("invoice-portal.js", 12, 20),
        request("portal.abc123.js", 21, 30),
        request("translation", 31, 35),
        request("session", 31, 60),
    ]
    chain = browser.longest_chain(timeline)
    assert [r["name"] for r in chain][:3] == ["page", "invoice-portal.js", "portal.abc123.js"]
    assert len(chain) == 4


def test_requests_in_flight_together_are_not_a_chain() -> None:
    timeline = [request("page", 0, 10), request("a", 11, 30), request("b", 12, 30)]
    assert len(browser.longest_chain(timeline)) == 2


def test_wrk_summary_becomes_requests_per_second_and_milliseconds() -> None:
    output = (
        "Running 5s test\n"
        'BENCH {"requests": 10000, "duration_us": 5000000, "non_2xx": 3, '
        '"socket_errors": 0, "p50_us": 1500, "p99_us": 9000}\n'
    )
    stats = wrk.parse_wrk(output)
    assert stats["rps"] == pytest.approx(2000)
    assert (stats["p50_ms"], stats["p99_ms"], stats["non_2xx"]) == (1.5, 9.0, 3)


def test_wrk_without_a_summary_is_an_error_not_a_zero() -> None:
    with pytest.raises(RuntimeError, match="no summary"):
        wrk.parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")


def stats(rps: float, non_2xx: int = 0) -> dict[str, Any]:
    return {
        "rps": rps,
        "p50_ms": 1.0,
        "p99_ms": 2.0,
        "non_2xx": non_2xx,
        "socket_errors": 0,
        "requests": 5000,
        "timeouts": 0,
        "duration_us": 5_000_000,
    }


def throughput_result(ratio: float, non_2xx: int = 0) -> dict[str, Any]:
    row = {
        "name": "list",
        "endpoint": "GET /v1/invoices",
        "body_bytes": 4000,
        "edge": stats(1000 * ratio, non_2xx),
        "bare": stats(1000),
        "ratio": ratio,
    }
    return {
        "persona": "jane@example.com",
        "server": "uvicorn",
        "load": "wrk",
        "rows": [row],
        "warm_cache_seconds": 600,
        "stripe_calls_during_runs": 0,
        "expiry": {
            "cache_seconds": 1,
            "stats": stats(900),
            "stripe_calls": 5,
            "calls_per_expiry": 1.0,
        },
        "workers": {
            "endpoint": "GET /v1/invoices",
            "load": "wrk -t2 -c32 --latency -d5s",
            "cores": 2,
            "sides": {
                "1": {**stats(3000), "server_cpu_share": 0.5, "wrk_cpu_share": 0.2},
                "2": {**stats(4500), "server_cpu_share": 0.75, "wrk_cpu_share": 0.25},
            },
            "ratio": 1.5,
            "round_ratios": [1.4, 1.5, 1.6],
        },
    }


def test_an_endpoint_under_four_fifths_of_bare_starlette_is_named() -> None:
    assert throughput.shortfalls(throughput_result(0.82)) == []
    [named] = throughput.shortfalls(throughput_result(0.71))
    assert "0.71" in named and "list" in named and ">= 0.8" in named


def test_one_worker_against_two_is_reported_with_what_wrk_itself_took() -> None:
    result = throughput_result(0.9)
    [row] = [r for r in throughput.headline(result) if "2 workers" in r[0]]
    assert row[1].startswith("4500, **1.50x** 1 worker") and "wrk itself: 25%" in row[1]
    assert row[2] == "1 worker 3000"
    table = "\n".join(throughput.markdown(result))
    assert "| 2 | 4500 | 1.00 | 2.00 | 75% | 25% |" in table
    assert "Two workers / one: **1.50x** (rounds: 1.40, 1.50, 1.60)." in table


def test_the_simple_request_form_is_measured_for_the_list_and_the_detail() -> None:
    targets = [
        {"name": n, "label": f"GET {p}", "path": p, "method": "GET", "body": "", "token": "t"}
        for n, p in [("list", "/v1/invoices"), ("detail", "/v1/invoices/in_1")]
    ]
    simple = throughput.simple_targets(targets)
    assert [t["label"] for t in simple] == [
        "POST /v1/invoices (text/plain)",
        "POST /v1/invoices/in_1 (text/plain)",
    ]
    assert simple[0]["content_type"] == "text/plain" and simple[0]["token"] is None
    assert json.loads(simple[0]["body"]) == {"token": "t"} and simple[0]["twin"] == "list"


def test_a_cache_expiry_that_every_connection_refetches_is_named() -> None:
    result = throughput_result(0.8)
    result["expiry"]["calls_per_expiry"] = 14.2
    [named] = throughput.shortfalls(result)
    assert "14.2 Stripe calls" in named


def test_error_answers_under_load_are_named_even_when_fast() -> None:
    [named] = throughput.shortfalls(throughput_result(0.9, non_2xx=120))
    assert "120 non-2xx" in named


def test_embed_over_its_brotli_budget_is_named(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(weight, "CDN", tmp_path)
    (tmp_path / "invoice-portal.js").write_bytes(os.urandom(weight.CODE_BUDGET + 1000))
    (tmp_path / "invoice-portal.js.br").write_bytes(b"twin")
    (tmp_path / "en-US.json").write_text(json.dumps({"title": "Invoices"}))
    result = weight.measure()
    assert [f["file"] for f in result["files"]] == ["en-US.json", "invoice-portal.js"]
    assert result["code_brotli"] > weight.CODE_BUDGET
    [named] = weight.shortfalls(result)
    assert "over the" in named and str(result["code_brotli"]) in named


MACHINE = {
    "date": "2026-01-01 00:00 UTC",
    "cpu": "Test CPU",
    "cores": 2,
    "memory_gb": 4.0,
    "os": "Debian",
    "python": "3.11",
    "chromium": "Chromium 1",
    "node": "v20",
    "wrk": "wrk 4",
    "load_average": [0.5, 0.5, 0.5],
}


def fake_section(measure: Any) -> types.ModuleType:
    module = types.ModuleType("fake")
    module.measure = measure  # type: ignore[attr-defined]
    module.shortfalls = throughput.shortfalls  # type: ignore[attr-defined]
    module.headline = throughput.headline  # type: ignore[attr-defined]
    module.markdown = throughput.markdown  # type: ignore[attr-defined]
    return module


def test_a_crashing_section_is_reported_and_the_others_still_run(
    tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    def crash() -> dict[str, Any]:
        raise ConnectionError("sandbox refused the connection")

    monkeypatch.setattr(machine, "describe", lambda: MACHINE)
    monkeypatch.setattr(
        bench_main,
        "SECTIONS",
        [
            ("broken", "Broken section", fake_section(crash)),
            ("throughput", "Proxy throughput", fake_section(lambda: throughput_result(0.42))),
        ],
    )
    assert bench_main.main(["--out", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "edge/starlette throughput ratio: 0.42"
    text = (tmp_path / "report.md").read_text()
    assert "Broken section: not measured (failed): ConnectionError" in text
    assert "list endpoint (`GET /v1/invoices`) runs at 0.42 of bare Starlette" in text
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["sections"]["broken"]["status"] == "failed"
    assert data["sections"]["throughput"]["result"]["rows"][0]["ratio"] == 0.42
    assert len(data["short_of_goal"]) == 2


def test_without_a_throughput_figure_the_last_line_says_so(
    tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    monkeypatch.setattr(machine, "describe", lambda: MACHINE)
    monkeypatch.setattr(bench_main, "SECTIONS", [])
    bench_main.main(["--out", str(tmp_path)])
    assert capsys.readouterr().out.splitlines()[-1] == "edge/starlette throughput ratio: n/a"
    assert "Nothing: every goal is met." in (tmp_path / "report.md").read_text()
    assert report.COMMAND.startswith("make bench")


def test_requests_slower_than_the_load_generator_allows_are_named() -> None:
    result = throughput_result(0.8)
    result["rows"][0]["edge"]["timeouts"] = 7
    [named] = throughput.shortfalls(result)
    assert "7 of" in named and "2 s timeout" in named


def test_a_report_from_a_busy_machine_says_so() -> None:
    busy = {**MACHINE, "load_average": [9.5, 6.0, 3.0]}
    assert "machine was busy" in report.markdown(busy, [], [], [])
    assert "machine was busy" not in report.markdown(MACHINE, [], [], [])


def test_server_cpu_time_grows_with_the_work_the_process_does() -> None:
    before = wrk.cpu_seconds(os.getpid())
    sum(i * i for i in range(3_000_000))
    assert wrk.cpu_seconds(os.getpid()) - before > 0.05


PAGE = """# Benchmarks

What each figure means, written by hand.

## Latest figures

{begin}
old figures
{end}

## After

Kept as written.
"""


README = """# Invoice Portal

## Speed

Written by hand.

{begin}
old rows
{end}

## More documentation
"""


def docs_page(tmp_path: Path, monkeypatch: Any) -> Path:
    page = tmp_path / "benchmarks.md"
    page.write_text(PAGE.format(begin=report.BEGIN, end=report.END))
    monkeypatch.setattr(report, "PAGE", page)
    readme = tmp_path / "README.md"
    readme.write_text(README.format(begin=report.README_BEGIN, end=report.README_END))
    monkeypatch.setattr(report, "README", readme)
    return page


def test_a_full_run_puts_the_headline_rows_a_site_owner_weighs_into_the_readme(
    tmp_path: Path, monkeypatch: Any
) -> None:
    docs_page(tmp_path, monkeypatch)
    monkeypatch.setattr(machine, "describe", lambda: MACHINE)
    monkeypatch.setattr(bench_main, "REPORTS", tmp_path)
    monkeypatch.setattr(
        bench_main,
        "SECTIONS",
        [("throughput", "Proxy throughput", fake_section(lambda: throughput_result(0.85)))],
    )
    bench_main.main([])
    text = (tmp_path / "README.md").read_text()
    assert "old rows" not in text
    assert "| proxy `GET /v1/invoices` req/s (p50 / p99 ms) | 850 " in text
    assert "| proxy `GET /v1/invoices` on 2 workers, req/s" in text
    # Not every headline row: the cache expiry stays in docs/benchmarks.md.
    assert "cache expiry" not in text and "[docs/benchmarks.md](docs/benchmarks.md)" in text
    assert text.startswith("# Invoice Portal\n\n## Speed\n\nWritten by hand.\n\n")
    assert text.endswith(report.README_END + "\n\n## More documentation\n")


def test_the_real_readme_has_the_speed_table_markers_in_order() -> None:
    text = report.README.read_text("utf-8")
    assert text.count(report.README_BEGIN) == 1 and text.count(report.README_END) == 1
    assert text.index("## Speed") < text.index(report.README_BEGIN) < text.index(report.README_END)


def test_a_full_run_into_bench_puts_its_headline_into_the_docs_page(
    tmp_path: Path, monkeypatch: Any
) -> None:
    page = docs_page(tmp_path, monkeypatch)
    monkeypatch.setattr(machine, "describe", lambda: MACHINE)
    monkeypatch.setattr(bench_main, "REPORTS", tmp_path)
    monkeypatch.setattr(
        bench_main,
        "SECTIONS",
        [("throughput", "Proxy throughput", fake_section(lambda: throughput_result(0.42)))],
    )
    bench_main.main([])
    text = page.read_text()
    assert "old figures" not in text
    assert "Measured 2026-01-01 00:00 UTC on Test CPU" in text
    assert "| proxy `GET /v1/invoices` req/s (p50 / p99 ms) | 420 " in text
    assert text.startswith("# Benchmarks\n\nWhat each figure means, written by hand.")
    assert text.endswith(report.END + "\n\n## After\n\nKept as written.\n")


def test_a_partial_or_scratch_run_leaves_the_docs_page_alone(
    tmp_path: Path, monkeypatch: Any
) -> None:
    page = docs_page(tmp_path, monkeypatch)
    monkeypatch.setattr(machine, "describe", lambda: MACHINE)
    monkeypatch.setattr(bench_main, "REPORTS", tmp_path)
    section = ("throughput", "Proxy throughput", fake_section(lambda: throughput_result(0.42)))
    monkeypatch.setattr(bench_main, "SECTIONS", [section])
    bench_main.main(["--only", "throughput"])
    bench_main.main(["--out", str(tmp_path / "scratch")])
    assert "old figures" in page.read_text()


def test_publish_takes_the_figures_from_report_json_without_measuring(
    tmp_path: Path, monkeypatch: Any
) -> None:
    page = docs_page(tmp_path, monkeypatch)
    sections = [
        bench_main.run_section(
            "throughput", "Proxy throughput", fake_section(lambda: throughput_result(0.42))
        ),
        {"key": "load", "title": "Load", "status": "missing", "error": "wrk", "seconds": 0.0},
    ]
    report.write(tmp_path, MACHINE, sections)

    def never() -> dict[str, Any]:
        raise AssertionError("--publish measured something")

    monkeypatch.setattr(
        bench_main,
        "SECTIONS",
        [("load", "Load", fake_section(never)), ("throughput", "Proxy", fake_section(never))],
    )
    assert bench_main.main(["--out", str(tmp_path), "--publish"]) == 0
    text = page.read_text()
    # In the run's order, not report.json's alphabetical one; a missing section says so.
    assert text.index("| Load | not measured (missing) |") < text.index("req/s (p50 / p99 ms)")
    assert "[bench/report.md](../bench/report.md)" in text


def test_a_worker_cold_start_splits_into_steps_that_add_up_to_the_first_answer() -> None:
    marks = {"script": 150.0, "pyodide": 4650.0, "unpacked": 5350.0, "imported": 8500.0}
    steps = pyodide.cold_split(marks, listening=8.52, answered=9.5)
    assert steps["pyodide"] == pytest.approx(4.5) and steps["import"] == pytest.approx(3.15)
    assert steps["first_request"] == pytest.approx(0.98)
    parts = ("node", "pyodide", "wheels", "import", "listen", "first_request")
    assert sum(steps[part] for part in parts) == pytest.approx(steps["total"])


def test_the_cold_start_reported_is_the_median_one_whole_with_every_total() -> None:
    runs = [{"total": 9.6, "import": 3.1}, {"total": 11.9, "import": 4.0}, {"total": 9.0}]
    summary = pyodide.cold_summary(runs)
    assert summary["total"] == 9.6 and summary["import"] == 3.1
    assert summary["totals"] == [9.6, 11.9, 9.0]


def worker_side(ms: float, rps: float, cpu: float | None, non_2xx: int = 0) -> dict[str, Any]:
    return {**stats(rps, non_2xx), "one_by_one_ms": ms, "one_by_one_failed": 0,
            "cpu_us_per_request": cpu}  # fmt: skip


def worker_result(non_2xx: int = 0) -> dict[str, Any]:
    mine, theirs = worker_side(5.0, 300, 3000.0, non_2xx), worker_side(1.0, 3000, None)
    cold = {"node": 0.15, "pyodide": 4.5, "wheels": 0.7, "import": 3.1, "listen": 0.01}
    return {
        "persona": "jane@example.com",
        "pyodide": "314.0.8",
        "wheel_seconds": 11.0,
        "server": "uvicorn, 1 worker, uvloop, httptools",
        "load": "wrk -t1 -c16 --latency -d2s",
        "cold": {
            "pyodide": {**cold, "first_request": 1.0, "total": 9.46, "totals": [9.46]},
            "cpython": {"listening": 0.8, "first_request": 0.1, "total": 0.9, "totals": [0.9]},
        },
        "rows": [
            {
                "endpoint": "GET /v1/invoices",
                "name": "list",
                "pyodide": mine,
                "cpython": theirs,
                "ratios": pyodide.ratios(mine, theirs),
                "round_ratios": [0.1],
            }
        ],
    }


def test_worker_ratios_are_pyodide_over_cpython_and_none_without_a_cpython_figure() -> None:
    assert worker_result()["rows"][0]["ratios"] == {
        "one_by_one_ms": 5.0,
        "rps": 0.1,
        "cpu_us_per_request": None,
    }


def test_the_worker_report_sets_each_figure_beside_cpython() -> None:
    result = worker_result()
    cold, per_request = pyodide.headline(result)
    assert "9.46 s" in cold[1] and "**10.5x** CPython" in cold[1] and "0.90 s" in cold[2]
    assert "5.00 ms, 300 req/s: **5.00x** / **0.10x** CPython" == per_request[1]
    table = "\n".join(pyodide.markdown(result))
    assert "| `import edge.worker` | 3.10 |  |" in table
    assert "| first `POST /v1/session` answered" in table and "| 1.00 | 0.10 |" in table
    assert pyodide.shortfalls(result) == []


def test_error_answers_from_the_worker_under_load_are_named() -> None:
    [named] = pyodide.shortfalls(worker_result(non_2xx=40))
    assert named.startswith("pyodide: pyodide GET /v1/invoices had 40 non-2xx")


def test_without_node_the_worker_section_is_missing_not_failed(monkeypatch: Any) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(Missing, match="not installed: node, wrk"):
        pyodide.measure()


def test_the_readme_shows_first_paint_click_costs_and_the_proxy_rows_only() -> None:
    rows = [
        ("embed first paint (invoice-portal.js), brotli", "9000 B", "-", "<= 10240 B"),
        ("largest translation, brotli", "1500 B", "-", "<= 2048 B"),
        ('"Load more", 50th page / 1st, big@example.com', "40 / 35 ms = 1.14x", "-", "<= 1.5x"),
        ("an invoice from 3 years ago (2023-12), jump", "120 ms, 1 request", "-", "1 request"),
        ("navigation to invoices painted, big@example.com", "190 ms", "-", "-"),
    ]
    sections: list[dict[str, Any]] = [
        {"key": "browser", "title": "Browser", "status": "ok", "headline": rows},
        {"key": "load", "title": "Load", "status": "missing", "error": "wrk", "seconds": 0.0},
    ]
    text = report.readme(MACHINE, sections)
    shown = [line.split(" | ")[0][2:] for line in text.splitlines() if line.startswith("| ")]
    assert shown == ["figure", rows[0][0], rows[2][0], rows[3][0]]
    assert "Measured 2026-01-01 00:00 UTC on 2 cores (Test CPU)" in text


def test_two_workers_slower_than_one_are_named_with_the_share_of_the_machine_they_had() -> None:
    result = throughput_result(0.9)
    result["workers"]["ratio"] = 0.71
    [named] = throughput.shortfalls(result)
    assert "2 workers answered 0.71x" in named and "1: 50%, 2: 75%" in named
