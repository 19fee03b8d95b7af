"""The build: wall time of `python build.py`, and whether two builds give the same bytes."""

from __future__ import annotations

import hashlib
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.processes import PYTHON, ROOT, Missing
from build import ESBUILD, ESBUILD_FLAGS

BUILDS = 2
ENTRY = ROOT / "embed" / "index.js"


def digest(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def timed(argv: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)  # noqa: S603
    elapsed = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed


def measure() -> dict[str, Any]:
    if not (ROOT / "build.py").exists():
        raise Missing("build.py is not in the tree yet")
    seconds, digests = [], []
    # Into folders of its own (build.py --out), so nobody reading dist/cdn meanwhile is disturbed.
    with tempfile.TemporaryDirectory(prefix="bench-build-") as scratch:
        for run in range(BUILDS):
            out = Path(scratch) / f"build{run}"
            seconds.append(timed([PYTHON, "build.py", "--out", str(out)]))
            digests.append(digest(out))
    first, second = digests
    differing = sorted(k for k in first.keys() | second.keys() if first.get(k) != second.get(k))
    baselines = {"python -c pass (interpreter start)": timed([PYTHON, "-c", "pass"])}
    if ENTRY.exists() and ESBUILD.exists():
        argv = [str(ESBUILD), str(ENTRY), *ESBUILD_FLAGS, "--outfile=/dev/null"]
        baselines["esbuild alone on embed/index.js"] = timed([*argv, "--log-level=error"])
    return {
        "seconds": seconds,
        "median_s": statistics.median(seconds),
        "files": len(first),
        "identical": not differing,
        "differing": differing,
        "baselines": baselines,
    }


def shortfalls(result: dict[str, Any]) -> list[str]:
    if result["identical"]:
        return []
    return [
        f"build: two builds differ in {len(result['differing'])} files: "
        + ", ".join(result["differing"][:10])
    ]


def markdown(result: dict[str, Any]) -> list[str]:
    runs = ", ".join(f"{s:.2f}" for s in result["seconds"])
    same = "yes" if result["identical"] else "**no**: " + ", ".join(result["differing"][:10])
    lines = [
        "| figure | value |",
        "|---|---|",
        f"| `python build.py` wall time, median of {len(result['seconds'])} | "
        f"{result['median_s']:.2f} s ({runs}) |",
        f"| files per build (twins included) | {result['files']} |",
        f"| two builds byte-identical (sha256 of every file) | {same} |",
    ]
    for name, seconds in result["baselines"].items():
        lines.append(f"| baseline: {name} | {seconds:.2f} s |")
    return lines


def headline(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    baseline = ", ".join(f"{name} {s:.2f} s" for name, s in result["baselines"].items())
    return [
        ("`python build.py` wall time", f"{result['median_s']:.2f} s", baseline, "-"),
        ("two builds byte-identical", "yes" if result["identical"] else "no", "-", "yes"),
    ]
