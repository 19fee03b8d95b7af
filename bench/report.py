"""bench/report.md and bench/report.json from the sections' results, and the headline of a
full run as the "Latest figures" of docs/benchmarks.md and, a few rows of it, the README's
"Speed" table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

COMMAND = "make bench   # = python build.py && python -m bench"
ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "benchmarks.md"
BEGIN = "<!-- latest figures: written by python -m bench from bench/report.json -->"
END = "<!-- end of latest figures -->"
README = ROOT / "README.md"
README_BEGIN = "<!-- bench-headline: written by python -m bench from bench/report.json -->"
README_END = "<!-- /bench-headline -->"
# The headline rows the README shows, by the start of their figure: what a site owner weighs
# (what the first paint costs, how the proxy compares with bare Starlette and scales, how a
# click costs as the list grows). A section adds a row here by naming it so.
README_FIGURES = (
    "embed first paint",
    "embed JS+CSS, brotli",  # reports from before the embed had a first-paint part
    "proxy `",
    '"Load more"',
    "an invoice from 3 years ago",
)


def write(folder: Path, machine: dict[str, Any], sections: list[dict[str, Any]]) -> None:
    shortfalls = [text for s in sections for text in s.get("shortfalls", [])]
    not_measured = [
        f"{s['title']}: not measured ({s['status']}): {s['error'].splitlines()[-1]}"
        for s in sections
        if s["status"] != "ok"
    ]
    data = {
        "command": COMMAND,
        "machine": machine,
        "sections": {s["key"]: {k: v for k, v in s.items() if k != "markdown"} for s in sections},
        "short_of_goal": shortfalls + not_measured,
    }
    (folder / "report.json").write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    (folder / "report.md").write_text(markdown(machine, sections, shortfalls, not_measured))


def markdown(
    machine: dict[str, Any],
    sections: list[dict[str, Any]],
    shortfalls: list[str],
    not_measured: list[str],
) -> str:
    lines = [
        "# Invoice Portal benchmarks",
        "",
        _measured(machine),
        "",
        f"Reproduce: `{COMMAND}`. Every figure is set against a baseline measured in the same "
        "run; docs/benchmarks.md says what each one means. "
        "Nothing here fails a build: shortfalls are named at the end.",
        "",
        *_busy(machine),
        "## Headline",
        "",
        *_headline(sections),
    ]
    for section in sections:
        lines += ["", f"## {section['title']}", ""]
        if section["status"] == "ok":
            lines += section["markdown"]
        else:
            lines += [f"Not measured ({section['status']}):", "", "```", section["error"], "```"]
        lines.append(f"\n_{section['seconds']:.1f} s_")
    lines += ["", "## Short of goal", ""]
    named = shortfalls + not_measured
    lines += [f"- {text}" for text in named] if named else ["Nothing: every goal is met."]
    return "\n".join(lines) + "\n"


def latest(machine: dict[str, Any], sections: list[dict[str, Any]]) -> str:
    """The text between BEGIN and END in docs/benchmarks.md: when, where, and the headline."""
    lines = [
        "From [bench/report.md](../bench/report.md) (full tables and every round there). "
        + _measured(machine),
        "",
        *_headline(sections),
    ]
    return "\n".join(lines) + "\n"


def publish(machine: dict[str, Any], sections: list[dict[str, Any]]) -> Path:
    """Put the latest figures into docs/benchmarks.md, and the README's rows of them into its
    Speed table, each between its markers; the rest of both pages stays as written."""
    _between(PAGE, BEGIN, END, latest(machine, sections))
    _between(README, README_BEGIN, README_END, readme(machine, sections))
    return PAGE


def readme(machine: dict[str, Any], sections: list[dict[str, Any]]) -> str:
    """The README's Speed table: the headline rows of README_FIGURES, in the run's order."""
    lines = ["| figure | value | baseline | goal |", "|---|---|---|---|"]
    for section in sections:
        for figure, value, baseline, goal in section.get("headline", []):
            if section["status"] == "ok" and figure.startswith(README_FIGURES):
                lines.append(f"| {figure} | {value} | {baseline} | {goal} |")
    lines += [
        "",
        f"Measured {machine['date']} on {machine['cores']} cores ({machine['cpu']}); every "
        "figure with its baseline and what it means: [docs/benchmarks.md](docs/benchmarks.md).",
    ]
    return "\n".join(lines) + "\n"


def _between(page: Path, begin: str, end: str, text: str) -> None:
    found = page.read_text("utf-8")
    start, stop = found.index(begin) + len(begin), found.index(end)
    page.write_text(found[:start] + "\n" + text + found[stop:], "utf-8")


def sections_of(data: dict[str, Any], order: list[str]) -> list[dict[str, Any]]:
    """The sections of a report.json, in the run's order (the file has them by key)."""
    found = data["sections"]
    return [found[key] for key in order if key in found]


def _measured(machine: dict[str, Any]) -> str:
    return (
        f"Measured {machine['date']} on {machine['cpu']}, {machine['cores']} cores, "
        f"{machine['memory_gb']} GB, {machine['os']}; Python {machine['python']}, "
        f"{machine['chromium']}, Node {machine['node']}, {machine['wrk']}. "
        f"Load average when the report was written (1/5/15 min): "
        f"{' / '.join(str(x) for x in machine['load_average'])}."
    )


def _headline(sections: list[dict[str, Any]]) -> list[str]:
    lines = ["| figure | value | baseline | goal |", "|---|---|---|---|"]
    for section in sections:
        if section["status"] == "ok":
            for figure, value, baseline, goal in section.get("headline", []):
                lines.append(f"| {figure} | {value} | {baseline} | {goal} |")
        else:
            lines.append(f"| {section['title']} | not measured ({section['status']}) | | |")
    return lines


def _busy(machine: dict[str, Any]) -> list[str]:
    load, cores = machine.get("load_average") or [0.0], machine.get("cores") or 1
    if max(load) <= cores:
        return []
    return [
        f"**The machine was busy** (load average up to {max(load)} on {cores} cores): other "
        "work shared the cores, so throughput ratios and browser times scatter from round to "
        "round (every round is listed); rerun on a quiet machine before comparing runs.",
        "",
    ]
