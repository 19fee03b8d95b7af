"""Chromium on the sample page: navigation to invoices painted, requests, the longest chain;
then what a click costs after it (bench/clicks.py): the 1st and the 50th "Load more", the heap,
and an invoice from three years ago reached by jumping against paging."""

from __future__ import annotations

import importlib.util
import statistics
from pathlib import Path
from typing import Any

from bench import clicks, personas
from bench.processes import ROOT, Missing, require

RUNS = 5
PAGES = ("plain.html", "index.html")

# Everything is read from the page's own Performance timeline: marks from the embed, the
# navigation entry and one resource entry per request (cross-origin ones included).
TIMELINE = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const mark = (name) => (performance.getEntriesByName(name)[0] || {}).startTime ?? null;
  const requests = [nav, ...performance.getEntriesByType("resource")].map((e) => ({
    name: e.name, start: e.startTime, end: e.responseEnd,
    initiator: e.initiatorType || "navigation",
  }));
  return {
    painted: mark("invoice-portal:painted"), start: mark("invoice-portal:start"),
    dom_content_loaded: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, requests,
  };
}"""


def longest_chain(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The longest run of requests where each starts only after the one before it ended."""
    ordered = sorted(requests, key=lambda r: (r["start"], r["end"]))
    best: list[list[dict[str, Any]]] = []
    for i, request in enumerate(ordered):
        before = [best[j] for j in range(i) if ordered[j]["end"] <= request["start"]]
        best.append([*max(before, key=len, default=[]), request])
    return max(best, key=len, default=[])


def measure() -> dict[str, Any]:
    if importlib.util.find_spec("tools.stack") is None:
        raise Missing("tools/stack.py is not in the tree yet")
    require("sandbox/__main__.py", "edge/app.py", "edge/cli.py", "dist/cdn/invoice-portal.js")
    from tools import chromium

    if not Path(chromium.EXECUTABLE).exists():
        raise Missing(f"{chromium.EXECUTABLE} is not installed (Debian package chromium)")
    page_name = next((p for p in PAGES if (ROOT / "tests" / "e2e" / "pages" / p).exists()), None)
    if page_name is None:
        raise Missing("no sample page in tests/e2e/pages (plain.html or index.html)")
    from playwright.sync_api import sync_playwright

    from tools.stack import Stack

    # A script clicks "Load more" hundreds of times, up to 20 a second: more than the default
    # limits allow a person (per customer, and Stripe calls per second), which this does not
    # measure.
    generous = {"PORTAL_LIMIT_PER_TOKEN": "100000/minute", "PORTAL_STRIPE_CALLS_PER_SECOND": "1000"}
    with Stack(proxy_env=generous) as stack, sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            found = {}
            small, big = personas.small(stack.sandbox_url), personas.big(stack.sandbox_url)
            for email in (small, big):
                url = stack.page_url(page_name, email=email)
                cold = _load(browser, url, stack)
                warm = [_load(browser, url, stack) for _ in range(RUNS)]
                found[email] = _summary(cold, warm)
                found[email]["invoices"] = personas.invoice_count(stack.sandbox_url, email)
            everything = stack.page_url(page_name, email=big, show_all_invoices=True)
            load_more = clicks.load_more(browser, everything)
            reach = clicks.three_years_back(browser, everything, stack.edge_url)
            version = browser.version
        finally:
            browser.close()
    small_ms, big_ms = found[small]["painted_ms"], found[big]["painted_ms"]
    return {
        "page": page_name,
        "runs": RUNS,
        "chromium": version,
        "small": small,
        "big": big,
        "personas": found,
        "ratio": big_ms / small_ms if small_ms else None,
        "load_more": {**load_more, **clicks.summary(load_more["times_ms"])},
        "reach": reach,
    }


def _load(browser: Any, url: str, stack: Any) -> dict[str, Any]:
    """One first visit: a fresh browser context, so no HTTP cache and no service state."""
    context = browser.new_context()
    try:
        page = context.new_page()
        seen: list[str] = []
        page.on("request", lambda request: seen.append(request.url))
        stack.sandbox.reset_calls()
        page.goto(url, wait_until="load")
        page.wait_for_function(
            "() => performance.getEntriesByName('invoice-portal:painted').length > 0",
            timeout=30_000,
        )
        timeline: dict[str, Any] = page.evaluate(TIMELINE)
        timeline["stripe_calls"] = stack.sandbox.calls()["total"]
        # The favicon is the browser's own request, not the page's nor the portal's.
        timeline["requests_seen"] = len([url for url in seen if not _is_favicon(url)])
        timeline["requests"] = [
            r
            for r in timeline["requests"]
            if r["start"] <= timeline["painted"] and not _is_favicon(r["name"])
        ]
        return timeline
    finally:
        context.close()


def _summary(cold: dict[str, Any], warm: list[dict[str, Any]]) -> dict[str, Any]:
    chain = longest_chain(warm[0]["requests"])
    return {
        "painted_ms": statistics.median(run["painted"] for run in warm),
        "painted_runs_ms": [round(run["painted"], 1) for run in warm],
        "painted_cold_proxy_ms": cold["painted"],
        "load_event_ms": statistics.median(run["load"] for run in warm),
        "dom_content_loaded_ms": statistics.median(run["dom_content_loaded"] for run in warm),
        "script_start_ms": statistics.median(run["start"] or 0 for run in warm),
        "requests": len(warm[0]["requests"]),
        "requests_seen_by_playwright": warm[0]["requests_seen"],
        "chain": len(chain),
        "chain_urls": [_short(r["name"]) for r in chain],
        "stripe_calls": statistics.median(run["stripe_calls"] for run in warm),
        "stripe_calls_cold": cold["stripe_calls"],
    }


def _is_favicon(url: str) -> bool:
    return url.split("?")[0].endswith("/favicon.ico")


def _short(url: str) -> str:
    path = url.split("://", 1)[-1].split("/", 1)[-1]
    return "/" + path.split("?")[0]


def shortfalls(result: dict[str, Any]) -> list[str]:
    found = []
    ratio = result["ratio"]
    if ratio is not None and ratio > 1.5:
        found.append(
            f"browser: {result['big']} paints in {ratio:.2f}x the time of {result['small']} "
            "(expected about 1: cost should grow with the page, not the history)"
        )
    more = result.get("load_more")
    if more and more["ratio"] is not None and more["ratio"] > clicks.RATIO_GOAL:
        found.append(
            f'browser: the {more["pages"]}th page\'s "Load more" took {more["last_ms"]:.0f} ms, '
            f"{more['ratio']:.2f}x the 1st ({more['first_ms']:.0f} ms; goal <= "
            f"{clicks.RATIO_GOAL}x)"
        )
    reach = result.get("reach")
    if reach and reach["jump"]["requests"] > 1:
        found.append(f"browser: jumping to a month took {reach['jump']['requests']} requests")
    return found


def markdown(result: dict[str, Any]) -> list[str]:
    lines = [
        f"Page `tests/e2e/pages/{result['page']}` through `tools.stack.Stack` (sandbox, proxy, "
        f"CDN, host site on separate origins), {result['chromium']} headless. Each visit is a "
        f"fresh browser context (no HTTP cache); median of {result['runs']} visits after one "
        "first visit on a cold proxy (shown apart). Baselines: the host page's own "
        "DOMContentLoaded (the async embed script does not hold it up) and the "
        "`invoice-portal:start` mark (the embed's script running). Requests: those the page "
        "started before invoices were painted (Resource Timing; the browser's favicon fetch "
        "left out).",
        "",
        "| persona (invoices) | painted ms (median) | runs ms | first visit, cold proxy ms "
        "| page DOMContentLoaded ms | embed start ms | requests | longest sequential chain "
        "| Stripe calls per visit (cold proxy) |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for email, row in result["personas"].items():
        runs = ", ".join(f"{v:.0f}" for v in row["painted_runs_ms"])
        lines.append(
            f"| {email} ({row['invoices']}) | {row['painted_ms']:.0f} | {runs} "
            f"| {row['painted_cold_proxy_ms']:.0f} "
            f"| {row['dom_content_loaded_ms']:.0f} | {row['script_start_ms']:.0f} "
            f"| {row['requests']} | {row['chain']} "
            f"| {row['stripe_calls']:.0f} ({row['stripe_calls_cold']}) |"
        )
    ratio = result["ratio"]
    lines += [
        "",
        f"{result['big']} / {result['small']} painted ratio: **{ratio:.2f}** (expected about 1)."
        if ratio
        else "ratio: n/a",
        "",
    ]
    for email, row in result["personas"].items():
        lines.append(
            f"Longest chain for {email}: " + " -> ".join(f"`{u}`" for u in row["chain_urls"])
        )
        lines.append("")
    return lines + clicks.markdown(result)


def headline(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    rows = []
    for email, row in result["personas"].items():
        rows.append(
            (
                f"navigation to invoices painted, {email} ({row['invoices']} invoices)",
                f"{row['painted_ms']:.0f} ms, {row['requests']} requests, chain {row['chain']}",
                f"page DOMContentLoaded {row['dom_content_loaded_ms']:.0f} ms",
                "-",
            )
        )
    ratio = result["ratio"]
    rows.append(
        (
            f"painted time {result['big']} / {result['small']}",
            f"{ratio:.2f}" if ratio else "n/a",
            result["small"],
            "about 1",
        )
    )
    more, reach = result.get("load_more"), result.get("reach")
    if more:
        a, b = more["after_1"], more["after_50"]
        rows.append(
            (
                f'"Load more", {more["pages"]}th page / 1st, {result["big"]}',
                f"{more['last_ms']:.0f} / {more['first_ms']:.0f} ms = {more['ratio']:.2f}x",
                f"JS heap {a['heap_bytes'] / 1e6:.1f} MB after 1 page, "
                f"{b['heap_bytes'] / 1e6:.1f} MB after {more['pages']}",
                f"<= {clicks.RATIO_GOAL}x",
            )
        )
    if reach:
        rows.append(
            (
                f"an invoice from 3 years ago ({reach['target']}), jump",
                f"{reach['jump']['ms']:.0f} ms, {reach['jump']['requests']} request",
                f"paging: {reach['paging']['ms'] / 1000:.1f} s, {reach['paging']['clicks']} "
                f"clicks, {reach['paging']['requests']} requests",
                "1 request",
            )
        )
    return rows
