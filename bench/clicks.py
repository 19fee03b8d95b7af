"""What a click costs after first paint, in Chromium on the 5,000-invoice persona: "Load more"
the 1st and the 50th time, the page's JS heap and DOM after 1 and 50 pages, and reaching an
invoice from three years ago by jumping to its month against paging to it. Measured in the page
(click to rows painted: a MutationObserver on the list, then the frame that paints them)."""

from __future__ import annotations

import calendar
import statistics
import time
from typing import Any

PAGES = 50
RATIO_GOAL = 1.5  # the 50th "Load more" within 1.5x of the 1st
YEARS_BACK = 3

# Clicks "Load more" `count` times; each time from the click to the frame after the new rows
# were inserted (requestAnimationFrame, then a task: the frame has been painted by then).
LOAD_MORE = """async (count) => {
  const root = document.querySelector("invoice-portal").shadowRoot;
  const list = root.querySelector("ul[part=list]");
  // What the portal says (its notice) when a click brought no rows, for the error.
  const said = () => root.querySelector("[part=notice]").textContent || "nothing";
  const times = [];
  for (let i = 0; i < count; i++) {
    const before = list.children.length;
    const start = performance.now();
    await new Promise((resolve, reject) => {
      const seen = new MutationObserver(() => {
        if (list.children.length > before) { seen.disconnect(); resolve(); }
      });
      seen.observe(list, { childList: true });
      setTimeout(() => reject(new Error(`no rows after click ${i + 1}: ${said()}`)), 30000);
      root.querySelector("[part~=more-button]").click();
    });
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
    times.push(performance.now() - start);
  }
  return times;
}"""

# Pages with "Load more" until the row of `id` is in the list: clicks and time.
PAGE_TO = """async (id) => {
  const root = document.querySelector("invoice-portal").shadowRoot;
  const list = root.querySelector("ul[part=list]");
  // What the portal says (its notice) when a click brought no rows, for the error.
  const said = () => root.querySelector("[part=notice]").textContent || "nothing";
  const start = performance.now();
  let clicks = 0;
  while (!root.querySelector(`[data-k="row:${id}"]`)) {
    const before = list.children.length;
    await new Promise((resolve, reject) => {
      const seen = new MutationObserver(() => {
        if (list.children.length > before) { seen.disconnect(); resolve(); }
      });
      seen.observe(list, { childList: true });
      const late = () => reject(new Error(`no rows after click ${clicks + 1}: ${said()}`));
      setTimeout(late, 30000);
      root.querySelector("[part~=more-button]").click();
    });
    clicks += 1;
  }
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
  return { clicks, ms: performance.now() - start };
}"""

# Picks a month and a year in the jump control and presses "Show"; resolves once the row of the
# newest invoice of that month is painted, with its id.
JUMP = """async ([year, month]) => {
  const root = document.querySelector("invoice-portal").shadowRoot;
  const start = performance.now();
  root.querySelector("[data-k=jump-month]").value = String(month);
  root.querySelector("[data-k=jump-year]").value = String(year);
  const jumped = new Promise((resolve) =>
    document.querySelector("invoice-portal").addEventListener("invoice-portal:list_jumped",
      (e) => resolve(e.detail.response.data[0].id), { once: true }));
  root.querySelector("[data-k=jump]").click();
  const id = await jumped;
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
  if (!root.querySelector(`[data-k="row:${id}"]`)) throw new Error("the row is not shown");
  return { id, ms: performance.now() - start };
}"""


def _open(browser: Any, url: str) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.wait_for_function(
        "() => performance.getEntriesByName('invoice-portal:painted').length > 0", timeout=30_000
    )
    # The jump control (and all that follows first paint) is drawn once the second script is here.
    page.wait_for_selector("invoice-portal >> [part=jump]", timeout=30_000)
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url))
    return context, page, sent


def _memory(context: Any, page: Any) -> dict[str, Any]:
    cdp = context.new_cdp_session(page)
    cdp.send("HeapProfiler.collectGarbage")
    heap = cdp.send("Runtime.getHeapUsage")
    dom = cdp.send("Memory.getDOMCounters")
    rows = page.evaluate(
        "document.querySelector('invoice-portal').shadowRoot.querySelectorAll('li').length"
    )
    return {"heap_bytes": heap["usedSize"], "dom_nodes": dom["nodes"], "rows": rows}


def load_more(browser: Any, url: str) -> dict[str, Any]:
    """Clicks 1 to 49 (pages 2 to 50), with the heap after 1 and after 50 pages."""
    context, page, _ = _open(browser, url)
    try:
        first_page = _memory(context, page)
        times: list[float] = page.evaluate(LOAD_MORE, PAGES - 1)
        fifty = _memory(context, page)
    finally:
        context.close()
    return {"times_ms": [round(t, 1) for t in times], "after_1": first_page, "after_50": fifty}


def three_years_back(browser: Any, url: str, edge: str) -> dict[str, Any]:
    """The newest invoice of the month three years ago: by the jump control, then by paging."""
    now = time.localtime()
    year, month = now.tm_year - YEARS_BACK, now.tm_mon - 1  # the control's months are 0-11
    context, page, sent = _open(browser, url)
    try:
        jumped = page.evaluate(JUMP, [year, month])
        jump_requests = len([u for u in sent if u.startswith(edge)])
    finally:
        context.close()
    context, page, sent = _open(browser, url)
    try:
        paged = page.evaluate(PAGE_TO, jumped["id"])
        page_requests = len([u for u in sent if u.startswith(edge)])
    finally:
        context.close()
    return {
        "target": f"{calendar.month_name[month + 1]} {year}",
        "jump": {"ms": jumped["ms"], "clicks": 1, "requests": jump_requests},
        "paging": {"ms": paged["ms"], "clicks": paged["clicks"], "requests": page_requests},
    }


def summary(times: list[float]) -> dict[str, Any]:
    """The 1st and the 50th click (pages 2 and 50), and the same as medians of three clicks
    around each, which a single slow round trip to the local proxy moves less."""
    first, last = times[0], times[-1]
    early, late = statistics.median(times[:3]), statistics.median(times[-3:])
    return {
        "first_ms": first,
        "last_ms": last,
        "ratio": last / first if first else None,
        "median_ratio": late / early if early else None,
        "pages": len(times) + 1,
    }


def markdown(result: dict[str, Any]) -> list[str]:
    more, reach = result.get("load_more"), result.get("reach")
    if not more or not reach:
        return []
    a, b = more["after_1"], more["after_50"]
    per_row = (b["heap_bytes"] - a["heap_bytes"]) / max(1, b["rows"] - a["rows"])
    times = ", ".join(f"{t:.0f}" for t in more["times_ms"])
    return [
        f"**What a click costs**, {result['big']} with `show-all-invoices`, a fresh context, "
        "measured in the page: from the click to the frame after the new rows are in the "
        "list (a MutationObserver, then `requestAnimationFrame`). Heap: CDP "
        "`Runtime.getHeapUsage` after a forced garbage collection; DOM: `Memory.getDOMCounters`.",
        "",
        "| figure | value |",
        "|---|---:|",
        f'| 1st "Load more" (page 2) | {more["first_ms"]:.0f} ms |',
        f'| {more["pages"]}th page\'s "Load more" | {more["last_ms"]:.0f} ms |',
        f"| ratio 50th / 1st (goal <= {RATIO_GOAL}) | **{more['ratio']:.2f}** |",
        f"| ratio, medians of 3 clicks at each end | {more['median_ratio']:.2f} |",
        f"| JS heap after 1 page ({a['rows']} rows) | {a['heap_bytes'] / 1e6:.2f} MB |",
        f"| JS heap after {more['pages']} pages ({b['rows']} rows) | "
        f"{b['heap_bytes'] / 1e6:.2f} MB ({per_row / 1e3:.1f} KB per row) |",
        f"| DOM nodes after 1 / {more['pages']} pages | {a['dom_nodes']} / {b['dom_nodes']} |",
        "",
        f"Every click, ms: {times}.",
        "",
        f"**Reaching an invoice from three years ago** (the newest of {reach['target']}), "
        "each way in a fresh context of the same run, from the first page on screen:",
        "",
        "| way | time | clicks | requests to the proxy |",
        "|---|---:|---:|---:|",
        f'| jump: month and year, then "Show" | {reach["jump"]["ms"]:.0f} ms | 1 (after two '
        f"selects) | {reach['jump']['requests']} |",
        f'| "Load more" until it is there | {reach["paging"]["ms"] / 1000:.1f} s | '
        f"{reach['paging']['clicks']} | {reach['paging']['requests']} |",
        "",
    ]
