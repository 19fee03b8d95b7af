"""Build the static CDN package of the <invoice-portal> embed into dist/cdn/.

Recipe: validate the translations, split each locale in two files (first paint's strings, the
rest) named in one index (tools/locales.py), bundle and minify the embed with esbuild in two
chunks (what the list's first paint needs, and the rest, loaded on demand with its integrity;
the index's name and integrity and English baked in), hash, compress, write the manifest and the
snippet, print the snippet. The same input gives the same bytes.

    python build.py [--check] [--out DIR] [--translations DIR] [--base-url URL] [--edge URL]
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
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

try:
    import brotli
except ImportError:  # main() says how to install it, in one line
    brotli = None

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # `python /elsewhere/build.py` still finds tools/
    sys.path.insert(0, str(ROOT))

from tools import locales  # noqa: E402
from tools.translation_rules import SOURCE, TranslationError, load_translations  # noqa: E402

ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
ENTRY = "embed/index.js"
LATER_ENTRY = "embed/later.js"  # the on-demand chunk: an invoice's view, paying, the PDF
FIRST_PAINT_BUDGET = 10 * 1024  # brotli bytes of invoice-portal.js: all first paint waits for
JS_BUDGET = 25 * 1024  # brotli bytes of all JavaScript and CSS a customer downloads, both chunks
LOCALE_BUDGET = 2 * 1024  # brotli bytes of each translation file (a locale has two)
DEFAULT_BASE_URL = "https://cdn.example.com/invoice-portal/"
DEFAULT_EDGE = "https://billing.example.com"
# Filled in per page by the site's server (README, "The hash"); a literal stays visible.
HASH_PLACEHOLDER = "{{ HMAC-SHA256 of the email, made by your server: see the README }}"
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


def check_tools() -> None:
    """The build's own tools, each missing one named with its fix."""
    if brotli is None:
        raise BuildError(
            "the brotli module is missing: pip install brotli==1.2.1, "
            "or pip install '.[build]' in this repository"
        )
    if shutil.which("node") is None:
        raise BuildError("node is missing: install Node.js 18 or later (apt-get install nodejs)")
    if not ESBUILD.is_file():
        raise BuildError(f"{shown(ESBUILD)} is missing: run npm ci in {ROOT}")


def check_url(option: str, value: str, example: str) -> str:
    """An absolute http(s) address, or a BuildError naming the option."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        parts = urlsplit("")
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or "@" in parts.netloc
        or parts.query
        or parts.fragment
        or value != value.strip()
    ):
        raise BuildError(
            f"{option} {value!r} is not an absolute http(s) address: write it with its scheme "
            f"and host, e.g. {option} {example}"
        )
    return value


def shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def compact(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def short_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:8]


def integrity(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def bundle(entry: str, defines: dict[str, object]) -> bytes:
    command = [str(ESBUILD), entry, *ESBUILD_FLAGS, "--log-level=warning"]
    command += [f"--define:{name}=" + compact(value).decode() for name, value in defines.items()]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, check=False)  # noqa: S603
    if done.returncode:
        raise BuildError(f"{entry}: esbuild failed\n{done.stderr.decode()}")
    return done.stdout


def modules_of(entry: str) -> list[Path]:
    """The modules esbuild bundles from `entry`, from its metafile."""
    with tempfile.TemporaryDirectory() as tmp:
        meta = Path(tmp) / "meta.json"
        command = [str(ESBUILD), entry, "--bundle", f"--metafile={meta}", f"--outdir={tmp}"]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, check=False)  # noqa: S603
        if done.returncode:
            raise BuildError(f"{entry}: esbuild failed\n{done.stderr.decode()}")
        inputs = json.loads(meta.read_text())["inputs"]
    return sorted(ROOT / name for name in inputs)


def first_paint_keys(english: dict[str, object]) -> set[str]:
    """The English strings the first chunk's modules name: quoted whole ("list.title"), or by a
    prefix they complete (`status.${status}`). The others travel with the on-demand chunk."""
    text = "\n".join(path.read_text("utf-8") for path in modules_of(ENTRY))
    prefixes = tuple(re.findall(r"`([\w]+\.)\$\{", text))
    return {key for key in english if f'"{key}"' in text or key.startswith(prefixes)}


def snippet(base_url: str, edge: str, script_integrity: str) -> bytes:
    src = html.escape(base_url.rstrip("/") + "/invoice-portal.js")
    return (
        f'<script src="{src}"\n'
        f'        integrity="{script_integrity}" crossorigin="anonymous" async></script>\n'
        f'<invoice-portal edge="{html.escape(edge)}"\n'
        '                email="jane@example.com"\n'
        f'                hash="{html.escape(HASH_PLACEHOLDER)}"></invoice-portal>\n'
    ).encode()


def package(
    translations: Path, base_url: str, edge: str = DEFAULT_EDGE
) -> tuple[dict[str, bytes], dict[str, str]]:
    """All files of dist/cdn except the manifest, and the translation source of each locale file."""
    strings = load_translations(translations)
    english = strings[SOURCE]
    first = first_paint_keys(english)
    files, owners, index = locales.locale_files(
        strings,
        SOURCE,
        first,
        compact,
        lambda stem, body: f"{stem}.{short_hash(body)}.json",
        lambda body: "sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode(),
    )
    sources = {name: shown(translations / f"{locale}.json") for name, locale in owners.items()}
    index_name = f"i18n/index.{short_hash(index)}.json"
    files[index_name] = index
    # The on-demand chunk first: its name and integrity are baked into the first one.
    later = bundle(LATER_ENTRY, {"EN_LATER": {k: v for k, v in english.items() if k not in first}})
    later_name = f"invoice-portal.later.{short_hash(later)}.js"
    files[later_name] = later
    defines = {
        "EN_STRINGS": {k: v for k, v in english.items() if k in first},
        "LOCALE_INDEX": {"file": index_name, "integrity": integrity(index)},
        "LATER": {"file": later_name, "integrity": integrity(later)},
    }
    script = bundle(ENTRY, defines)
    files["invoice-portal.js"] = script
    files[f"invoice-portal.{short_hash(script)}.js"] = script
    files["snippet.html"] = snippet(base_url, edge, integrity(script))
    return files, sources


def br(data: bytes) -> bytes:
    return bytes(brotli.compress(data, quality=11))


def gz(data: bytes) -> bytes:
    # mtime=0 and no file name: the same bytes on every build.
    return gzip.compress(data, compresslevel=9, mtime=0)


def later_name(files: dict[str, bytes]) -> str:
    return next(name for name in files if name.startswith("invoice-portal.later."))


def check_budgets(files: dict[str, bytes], sources: dict[str, str], out: Path) -> None:
    script = len(br(files["invoice-portal.js"]))
    if script > FIRST_PAINT_BUDGET:
        raise BuildError(
            f"{shown(out / 'invoice-portal.js')}: {script} bytes brotli, over the budget of "
            f"{FIRST_PAINT_BUDGET} bytes for first paint"
        )
    later = later_name(files)
    total = script + len(br(files[later]))
    if total > JS_BUDGET:
        raise BuildError(
            f"{shown(out / later)}: {total} bytes brotli with invoice-portal.js, over the budget "
            f"of {JS_BUDGET} bytes for all JavaScript and CSS"
        )
    for name, source in sources.items():
        size = len(br(files[name]))
        if size > LOCALE_BUDGET:
            raise BuildError(
                f"{source} ({name}): {size} bytes brotli, over the budget of {LOCALE_BUDGET} "
                "bytes for a translation file"
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
    later = len(br(files[later_name(files)]))
    rows.append(
        f"First paint (invoice-portal.js): {script:,} of {FIRST_PAINT_BUDGET:,} bytes brotli"
    )
    rows.append(f"On demand ({later_name(files)}): {later:,} bytes brotli")
    rows.append(f"JavaScript and CSS: {script + later:,} of {JS_BUDGET:,} bytes brotli")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="validate and measure, write nothing")
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "cdn")
    parser.add_argument("--translations", type=Path, default=ROOT / "translations")
    parser.add_argument(
        "--base-url",
        default=DEFAULT_BASE_URL,
        help="the http(s) address dist/cdn will be served from (default: %(default)s)",
    )
    parser.add_argument(
        "--edge",
        default=DEFAULT_EDGE,
        help="the http(s) address of your edge proxy, for the snippet (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    try:
        check_url("--base-url", args.base_url, DEFAULT_BASE_URL)
        check_url("--edge", args.edge, DEFAULT_EDGE)
        check_tools()
        files, sources = package(args.translations, args.base_url, args.edge)
        check_budgets(files, sources, args.out)
        if not args.check:
            files["manifest.json"] = manifest(files)
            write(args.out, files)
    except (BuildError, TranslationError) as e:
        print(f"build.py: {e}", file=sys.stderr)
        return 1
    print(size_table(files))
    if not args.check:
        print(f"wrote {shown(args.out)}")
    where = "" if args.check else f" (also in {shown(args.out / 'snippet.html')})"
    print(
        f"\nThe snippet{where}: paste it where the portal goes; your server fills in email "
        "and hash for the signed-in customer (README, The hash).\n"
    )
    print(files["snippet.html"].decode(), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
