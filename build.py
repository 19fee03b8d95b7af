"""Build the static CDN package of the <invoice-portal> embed into dist/cdn/.

Recipe: validate the translations, bundle and minify the embed with esbuild (the translation
file names and English baked in), hash, compress, write the manifest and the snippet.
The same input gives the same bytes.

    python build.py [--check] [--out DIR] [--translations DIR] [--base-url URL]
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import brotli

ROOT = Path(__file__).resolve().parent
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
ENTRY = "embed/index.js"
SOURCE = "en-US"
JS_BUDGET = 12 * 1024  # brotli bytes of all JavaScript and CSS a customer downloads
LOCALE_BUDGET = 2 * 1024  # brotli bytes of each translation file
PLACEHOLDER = re.compile(r"\{(\w+)\}")
DEFAULT_BASE_URL = "https://cdn.example.com/invoice-portal/"
ESBUILD_FLAGS = [
    "--bundle",
    "--minify",
    "--format=iife",
    "--target=es2020",
    "--charset=utf8",
    "--legal-comments=none",
]


class BuildError(Exception):
    """A problem with the input; the message names the file first."""


def shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def intl_info(tags: list[str]) -> dict[str, dict[str, object] | None]:
    """Canonical tag and plural categories of each locale, from Node's Intl (full ICU)."""
    script = (
        "const o={};for(const t of process.argv.slice(1)){try{o[t]={tag:"
        "Intl.getCanonicalLocales(t)[0],plural:new Intl.PluralRules(t)"
        ".resolvedOptions().pluralCategories}}catch{o[t]=null}}console.log(JSON.stringify(o))"
    )
    node = shutil.which("node") or "node"
    out = subprocess.run(  # noqa: S603 (a fixed program; the tags are file names, not a shell)
        [node, "-e", script, *tags], check=True, capture_output=True, text=True
    )
    result: dict[str, dict[str, object] | None] = json.loads(out.stdout)
    return result


def placeholders(value: object) -> set[str]:
    forms = value.values() if isinstance(value, dict) else [value]
    return {name for text in forms if isinstance(text, str) for name in PLACEHOLDER.findall(text)}


def check_value(key: str, value: object, categories: list[str]) -> str | None:
    if isinstance(value, str):
        return None
    if not isinstance(value, dict) or not value:
        return "must be a string, or an object of plural forms"
    for form, text in value.items():
        if not isinstance(text, str):
            return f'plural form "{form}" must be a string'
    unknown = sorted(set(value) - set(categories))
    if unknown:
        return f"plural categories {unknown} do not exist in this locale (it has {categories})"
    if "other" not in value:
        return 'plural forms need "other"'
    return None


def check_placeholders(value: object, english: object) -> str | None:
    if isinstance(value, dict) != isinstance(english, dict):
        return (
            "English has plural forms here"
            if isinstance(english, dict)
            else "English is a plain string"
        )
    expected = placeholders(english)
    # A plural form may leave out {count} ("no invoices"); "other" and plain strings may not.
    forms = value.items() if isinstance(value, dict) else [("other", value)]
    for form, text in forms:
        found = placeholders(text)
        if found - expected or (form == "other" and found != expected):
            return f"placeholders {sorted(found)} differ from English {sorted(expected)}"
    return None


def load_translations(directory: Path) -> dict[str, dict[str, object]]:
    """Every translations/<locale>.json, checked against en-US.json; raises BuildError."""
    found: dict[str, dict[str, object]] = {}
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise BuildError(f"{shown(path)}: not valid JSON ({e})") from None
        if not isinstance(data, dict):
            raise BuildError(f"{shown(path)}: must be a JSON object of keys and strings")
        found[path.stem] = data
    if SOURCE not in found:
        raise BuildError(
            f"{shown(directory / 'en-US.json')}: missing; it is the source of every key"
        )
    intl = intl_info(sorted(found))
    english = found[SOURCE]
    for locale, data in found.items():
        path = shown(directory / f"{locale}.json")
        info = intl.get(locale)
        if not info or info["tag"] != locale:
            expected = f" (canonical: {info['tag']}.json)" if info else ""
            raise BuildError(f"{path}: file name is not a canonical BCP 47 tag{expected}")
        categories = list(info["plural"])  # type: ignore[call-overload]
        for key, value in data.items():
            problem = check_value(key, value, categories)
            if problem is None and locale != SOURCE:
                if key not in english:
                    problem = "unknown key (not in en-US.json)"
                else:
                    problem = check_placeholders(value, english[key])
            if problem:
                raise BuildError(f'{path}: key "{key}": {problem}')
    return found


def compact(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def short_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:8]


def integrity(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def bundle(english: dict[str, object], locale_files: dict[str, list[str]]) -> bytes:
    command = [
        str(ESBUILD),
        ENTRY,
        *ESBUILD_FLAGS,
        "--log-level=warning",
        "--define:EN_STRINGS=" + compact(english).decode(),
        "--define:LOCALE_FILES=" + compact(locale_files).decode(),
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, check=False)  # noqa: S603
    if done.returncode:
        raise BuildError(f"{ENTRY}: esbuild failed\n{done.stderr.decode()}")
    return done.stdout


def snippet(base_url: str, script_integrity: str) -> bytes:
    src = html.escape(base_url.rstrip("/") + "/invoice-portal.js")
    return (
        f'<script src="{src}"\n'
        f'        integrity="{script_integrity}" crossorigin="anonymous" async></script>\n'
        '<invoice-portal edge="https://billing.example.com"\n'
        '                email="jane@example.com"\n'
        '                hash="HMAC-SHA256 of the email, made on your server"></invoice-portal>\n'
    ).encode()


def package(translations: Path, base_url: str) -> tuple[dict[str, bytes], dict[str, str]]:
    """All files of dist/cdn except the manifest, and the translation source of each locale file."""
    strings = load_translations(translations)
    files: dict[str, bytes] = {}
    sources: dict[str, str] = {}
    locale_files: dict[str, list[str]] = {}
    for locale, data in sorted(strings.items()):
        body = compact(data)
        name = f"i18n/{locale}.{short_hash(body)}.json"
        files[name] = body
        sources[name] = shown(translations / f"{locale}.json")
        if locale != SOURCE:  # English is in the bundle itself
            locale_files[locale] = [name, integrity(body)]
    script = bundle(strings[SOURCE], locale_files)
    files["invoice-portal.js"] = script
    files[f"invoice-portal.{short_hash(script)}.js"] = script
    files["snippet.html"] = snippet(base_url, integrity(script))
    return files, sources


def br(data: bytes) -> bytes:
    return brotli.compress(data, quality=11)


def gz(data: bytes) -> bytes:
    # mtime=0 and no file name: the same bytes on every build.
    return gzip.compress(data, compresslevel=9, mtime=0)


def check_budgets(files: dict[str, bytes], sources: dict[str, str], out: Path) -> None:
    script = len(br(files["invoice-portal.js"]))
    if script > JS_BUDGET:
        raise BuildError(
            f"{shown(out / 'invoice-portal.js')}: {script} bytes brotli, over the budget of "
            f"{JS_BUDGET} bytes for all JavaScript and CSS"
        )
    for name, source in sources.items():
        size = len(br(files[name]))
        if size > LOCALE_BUDGET:
            raise BuildError(
                f"{source}: {size} bytes brotli, over the budget of {LOCALE_BUDGET} bytes "
                "for a translation file"
            )


def manifest(files: dict[str, bytes]) -> bytes:
    entries = {
        name: {
            "bytes": len(data),
            "brotli": len(br(data)),
            "gzip": len(gz(data)),
            "integrity": integrity(data),
            "immutable": name not in ("invoice-portal.js", "snippet.html"),
        }
        for name, data in sorted(files.items())
    }
    return (
        json.dumps({"entry": "invoice-portal.js", "files": entries}, indent=2, sort_keys=True)
        + "\n"
    ).encode()


def write(out: Path, files: dict[str, bytes]) -> None:
    """Replace each file atomically and then drop stale ones: a server reading dist/cdn
    during a rebuild sees either build, never a missing file."""
    if out.exists() and any(out.iterdir()) and not (out / "manifest.json").exists():
        raise BuildError(
            f"{shown(out)}: not empty and not a previous build; refusing to replace it"
        )
    written = set()
    for name, data in files.items():
        for suffix, body in (("", data), (".br", br(data)), (".gz", gz(data))):
            path = out / (name + suffix)
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(path.name + ".partial")
            partial.write_bytes(body)
            partial.replace(path)
            written.add(path)
    for path in sorted(out.rglob("*"), reverse=True):
        if path.is_file() and path not in written:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def size_table(files: dict[str, bytes]) -> str:
    rows = [f"{'file':<40} {'bytes':>8} {'brotli':>8} {'gzip':>8}"]
    for name, data in sorted(files.items()):
        rows.append(f"{name:<40} {len(data):>8,} {len(br(data)):>8,} {len(gz(data)):>8,}")
    script = len(br(files["invoice-portal.js"]))
    rows.append(f"JavaScript and CSS: {script:,} of {JS_BUDGET:,} bytes brotli")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="validate and measure, write nothing")
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "cdn")
    parser.add_argument("--translations", type=Path, default=ROOT / "translations")
    parser.add_argument(
        "--base-url", default=DEFAULT_BASE_URL, help="where dist/cdn will be served"
    )
    args = parser.parse_args(argv)
    try:
        files, sources = package(args.translations, args.base_url)
        check_budgets(files, sources, args.out)
        if not args.check:
            files["manifest.json"] = manifest(files)
            write(args.out, files)
    except BuildError as e:
        print(f"build.py: {e}", file=sys.stderr)
        return 1
    print(size_table(files))
    if not args.check:
        print(f"wrote {shown(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
