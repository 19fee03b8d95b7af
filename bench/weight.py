"""Embed weight: every file of dist/cdn raw, gzip and brotli, next to empty Lit and Preact; what
first paint downloads (invoice-portal.js) and what follows on demand (invoice-portal.later.*)."""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import build
from bench.processes import ROOT, Missing

CDN = ROOT / "dist" / "cdn"
ESBUILD = build.ESBUILD
REFERENCES = {"empty Lit component": "lit-empty.js", "empty Preact component": "preact-empty.js"}
# build.py's budgets (what first paint downloads, what a page downloads for the element in all,
# and per translation), its compression and its esbuild settings, so the references are bundled
# the way the embed is.
FIRST_PAINT_BUDGET = build.FIRST_PAINT_BUDGET
CODE_BUDGET = build.JS_BUDGET
TRANSLATION_BUDGET = build.LOCALE_BUDGET
ESBUILD_FLAGS = build.ESBUILD_FLAGS


def sizes(data: bytes) -> dict[str, int]:
    return {"raw": len(data), "gzip": len(build.gz(data)), "brotli": len(build.br(data))}


def is_twin(path: Path) -> bool:
    return path.suffix in (".br", ".gz") and path.with_suffix("").exists()


def measure() -> dict[str, Any]:
    if not CDN.is_dir():
        raise Missing("dist/cdn is not built (python build.py)")
    files: list[dict[str, Any]] = []
    for path in sorted(p for p in CDN.rglob("*") if p.is_file() and not is_twin(p)):
        name, data = path.relative_to(CDN).as_posix(), path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        files.append({"file": name, "kind": _kind(name), "sha256": digest, **sizes(data)})
    # The stable invoice-portal.js and its content-hashed copy are the same bytes: a page
    # downloads one of them, so identical files count once.
    code = {f["sha256"]: f["brotli"] for f in files if f["kind"] == "code"}
    by_name = {f["file"]: f["brotli"] for f in files}
    later = [f["brotli"] for f in files if f["file"].startswith("invoice-portal.later.")]
    locales = [f for f in files if f["kind"] == "translation"]
    index = next((f["brotli"] for f in files if f["kind"] == "index"), 0)
    return {
        "locales": len({f["file"].split(".")[0] for f in locales}),
        "locale_files": len(locales),
        "index_brotli": index,
        "largest_part": {
            part: max((f for f in locales if _part(f["file"]) == part), key=lambda f: f["brotli"])
            for part in ("list", "invoice", "account")
            if any(_part(f["file"]) == part for f in locales)
        },
        "files": files,
        "code_brotli": sum(code.values()),
        "first_paint_brotli": by_name.get("invoice-portal.js", 0),
        "on_demand_brotli": sum(later),
        "first_paint_budget": FIRST_PAINT_BUDGET,
        "code_budget": CODE_BUDGET,
        "translation_budget": TRANSLATION_BUDGET,
        "references": _references(),
    }


def _kind(name: str) -> str:
    if name.endswith((".js", ".mjs", ".css")):
        return "code"
    if name.startswith("i18n/index."):
        return "index"
    if name.endswith(".json") and name != "manifest.json":
        return "translation"
    return "other"


def _part(name: str) -> str:
    """A locale file's part: "list" (first paint's), "invoice" or "account"."""
    parts = name.split(".")
    return parts[1] if len(parts) == 4 else "list"


def _references() -> list[dict[str, Any]]:
    if not ESBUILD.exists():
        return [{"name": name, "error": "node_modules/.bin/esbuild missing"} for name in REFERENCES]
    found: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as out:
        for name, entry in REFERENCES.items():
            target = Path(out) / entry
            argv = [str(ESBUILD), str(ROOT / "bench" / "reference" / entry), *ESBUILD_FLAGS]
            done = subprocess.run(  # noqa: S603
                [*argv, f"--outfile={target}", "--log-level=error"], capture_output=True, text=True
            )
            if done.returncode:
                found.append({"name": name, "error": done.stderr.strip()[-500:]})
            else:
                found.append({"name": name, **sizes(target.read_bytes())})
    return found


def shortfalls(result: dict[str, Any]) -> list[str]:
    found = []
    # One line for the code, naming each budget it misses.
    over = []
    if result["code_brotli"] > result["code_budget"]:
        over.append(
            f"JS+CSS is {result['code_brotli']} B brotli in all, over the "
            f"{result['code_budget']} B budget"
        )
    if result["first_paint_brotli"] > result["first_paint_budget"]:
        over.append(
            f"first paint (invoice-portal.js) is {result['first_paint_brotli']} B brotli, over "
            f"the {result['first_paint_budget']} B budget"
        )
    if over:
        found.append("weight: " + "; ".join(over))
    for row in result["files"]:
        if row["kind"] == "translation" and row["brotli"] > result["translation_budget"]:
            found.append(
                f"weight: translation {row['file']} is {row['brotli']} B brotli, "
                f"over the {result['translation_budget']} B budget"
            )
    return found


def markdown(result: dict[str, Any]) -> list[str]:
    code, first = result["code_brotli"], result["first_paint_brotli"]
    lines = [
        f"First paint (`invoice-portal.js`, all the list waits for): **{first} B brotli** of the "
        f"{result['first_paint_budget']} B budget ({first / result['first_paint_budget']:.0%}); "
        f"on demand (`invoice-portal.later.*.js`, loaded once the list is on screen): "
        f"{result['on_demand_brotli']} B. JS+CSS together (identical copies counted once): "
        f"**{code} B brotli** of the {result['code_budget']} B budget "
        f"({code / result['code_budget']:.0%}); each translation within "
        f"{result['translation_budget']} B brotli. gzip -9 and brotli -q 11, computed here.",
        "",
        f"Translations: {result['locales']} locales besides English (bundled) in "
        f"{result['locale_files']} files, three per locale; the index naming them, which a "
        f"visitor not reading US English fetches once: {result['index_brotli']} B brotli. The "
        "largest file of each part (the list's is fetched with the session, the others with "
        "the on-demand chunk):",
        "",
        "| part | largest file | raw B | gzip B | brotli B |",
        "|---|---|---:|---:|---:|",
    ]
    for part, row in result["largest_part"].items():
        lines.append(
            f"| {part} | `{row['file']}` | {row['raw']} | {row['gzip']} | {row['brotli']} |"
        )
    lines += [
        "",
        "| file | kind | raw B | gzip B | brotli B |",
        "|---|---|---:|---:|---:|",
    ]
    for row in result["files"]:
        if row["kind"] == "translation":
            continue
        lines.append(
            f"| `{row['file']}` | {row['kind']} | {row['raw']} | {row['gzip']} | {row['brotli']} |"
        )
    lines += [
        "",
        "Reference points, bundled and minified with the same esbuild flags "
        f"(`{' '.join(ESBUILD_FLAGS)}`), entries in `bench/reference/`:",
        "",
        "| reference | raw B | gzip B | brotli B | embed first paint / reference (brotli) |",
        "|---|---:|---:|---:|---:|",
    ]
    for ref in result["references"]:
        if "error" in ref:
            lines.append(f"| {ref['name']} | failed: {ref['error']} | | | |")
        else:
            lines.append(
                f"| {ref['name']} | {ref['raw']} | {ref['gzip']} | {ref['brotli']} | "
                f"{first / ref['brotli']:.2f} |"
            )
    return lines


def headline(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    refs = ", ".join(f"{r['name']} {r['brotli']} B" for r in result["references"] if "brotli" in r)
    largest = max((f["brotli"] for f in result["files"] if f["kind"] == "translation"), default=0)
    return [
        (
            "embed first paint (invoice-portal.js), brotli",
            f"{result['first_paint_brotli']} B",
            refs or "-",
            f"<= {result['first_paint_budget']} B",
        ),
        (
            "embed JS+CSS in all (first paint + on demand), brotli",
            f"{result['code_brotli']} B ({result['first_paint_brotli']} + "
            f"{result['on_demand_brotli']})",
            "-",
            f"<= {result['code_budget']} B",
        ),
        (
            f"translations: {result['locales'] + 1} locales; largest file, brotli",
            f"{largest} B (index of the locales: {result['index_brotli']} B, once)",
            "-",
            f"<= {result['translation_budget']} B",
        ),
    ]
