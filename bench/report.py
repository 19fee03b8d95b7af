"""bench/report.md and bench/report.json from the sections' results, and the headline of a
full run as the "Latest figures" of docs/benchmarks.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

COMMAND = "make bench   # = python build.py && python -m bench"
PAGE = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
BEGIN = "<!-- latest figures: written by python -m bench from bench/report.json -->"
END = "<!-- end of latest figures -->"


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
    """Put the latest figures into docs/benchmarks.md, between its markers; the rest of the
    page stays as written."""
    text = PAGE.read_text("utf-8")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    PAGE.write_text(text[:start] + "\n" + latest(machine, sections) + text[end:], "utf-8")
    return PAGE


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
