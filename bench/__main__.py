"""python -m bench: measure everything against same-run baselines, write bench/report.{md,json}.

Each section runs on its own: a missing piece or a crash is written into the report for that
section and the others still run. Numbers never fail the run; shortfalls are named instead.
A run of every section into bench/ also puts its headline into docs/benchmarks.md ("Latest
figures"); --publish does only that, from the report.json already written.
"""

from __future__ import annotations

import argparse
import json
import time
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

from bench import (
    browser,
    build_time,
    checks,
    load,
    machine,
    pyodide,
    report,
    stripe_calls,
    throughput,
    weight,
)
from bench.processes import Missing

SECTIONS: list[tuple[str, str, ModuleType]] = [
    ("build", "Build", build_time),
    ("weight", "Embed weight", weight),
    ("checks", "Hash and token check", checks),
    ("stripe_calls", "Stripe calls per portal load", stripe_calls),
    ("browser", "Browser: navigation to invoices painted", browser),
    ("throughput", "Proxy throughput and latency", throughput),
    ("pyodide", "The proxy as a Python Worker in Pyodide, beside CPython", pyodide),
    ("load", "Load: 200 clients for 30 s", load),
]
REPORTS = Path(__file__).parent


def run_section(key: str, title: str, module: ModuleType) -> dict[str, Any]:
    print(f"bench: {title} ...", flush=True)
    started = time.perf_counter()
    section: dict[str, Any] = {"key": key, "title": title}
    try:
        result = module.measure()
        section.update(
            status="ok",
            result=result,
            shortfalls=module.shortfalls(result),
            headline=module.headline(result),
            markdown=module.markdown(result),
        )
    except Missing as missing:
        section.update(status="missing", error=str(missing))
    except Exception:  # noqa: BLE001 - any failure is reported for this section only
        section.update(status="failed", error=traceback.format_exc(limit=6).strip())
    section["seconds"] = time.perf_counter() - started
    outcome = section["status"]
    if outcome != "ok":
        outcome += ": " + section["error"].splitlines()[-1]
    print(f"bench: {title}: {outcome} ({section['seconds']:.1f} s)", flush=True)
    return section


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--only", help="comma-separated sections: " + ", ".join(k for k, *_ in SECTIONS)
    )
    parser.add_argument("--out", type=Path, default=REPORTS, help="report folder")
    parser.add_argument(
        "--publish",
        action="store_true",
        help="measure nothing: put the headline of OUT/report.json into docs/benchmarks.md",
    )
    args = parser.parse_args(argv)
    if args.publish:
        data = json.loads((args.out / "report.json").read_text())
        page = report.publish(data["machine"], report.sections_of(data, [k for k, *_ in SECTIONS]))
        print(f"bench: latest figures of {args.out / 'report.json'} written to {page}")
        return 0
    wanted = set(args.only.split(",")) if args.only else {key for key, *_ in SECTIONS}
    sections = [run_section(*entry) for entry in SECTIONS if entry[0] in wanted]
    args.out.mkdir(parents=True, exist_ok=True)
    described = machine.describe()
    report.write(args.out, described, sections)
    # Only a full run into bench/ is the project's latest: a partial or scratch run is not.
    if args.only is None and args.out.resolve() == REPORTS.resolve():
        print(f"bench: latest figures written to {report.publish(described, sections)}")
    for section in sections:
        for text in section.get("shortfalls", []):
            print(f"short of goal: {text}")
    print(f"bench: report written to {args.out / 'report.md'} and report.json")
    ratio = None
    for section in sections:
        if section["key"] == "throughput" and section["status"] == "ok":
            ratio = throughput.list_ratio(section["result"])
    print(
        f"edge/starlette throughput ratio: {ratio:.2f}"
        if ratio is not None
        else "edge/starlette throughput ratio: n/a"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
