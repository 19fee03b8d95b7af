"""build.py: the static package of contract section 4, its budgets and its refusals."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import brotli
import pytest

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
EDGE_OPTION = ("--edge", "https://billing.shop.example/portal")
HASH_PLACEHOLDER = "{{ HMAC-SHA256 of the email, made by your server: see the README }}"


def run_build(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def files_of(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """Two builds of the same sources into two directories."""
    outs = [tmp_path_factory.mktemp(name) / "cdn" for name in ("first", "second")]
    for out in outs:
        done = run_build(
            "--out", out, "--base-url", "https://cdn.example.org/portal/", *EDGE_OPTION
        )
        assert done.returncode == 0, done.stderr
    return files_of(outs[0]), files_of(outs[1])


@pytest.fixture(scope="module")
def package(builds: tuple[dict[str, bytes], dict[str, bytes]]) -> dict[str, bytes]:
    return builds[0]


@pytest.fixture
def translations(tmp_path: Path) -> Path:
    """A copy of the built-in translations to break."""
    copy = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, copy)
    return copy


def test_rebuild_gives_byte_identical_files(
    builds: tuple[dict[str, bytes], dict[str, bytes]],
) -> None:
    first, second = builds
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_package_has_stable_script_and_its_content_hashed_copy(package: dict[str, bytes]) -> None:
    script = package["invoice-portal.js"]
    pinned = [name for name in package if re.fullmatch(r"invoice-portal\.[0-9a-f]{8}\.js", name)]
    assert pinned == [f"invoice-portal.{hashlib.sha256(script).hexdigest()[:8]}.js"]
    assert package[pinned[0]] == script


def later_name(package: dict[str, bytes]) -> str:
    [name] = [n for n in package if re.fullmatch(r"invoice-portal\.later\.[0-9a-f]{8}\.js", n)]
    return name


def test_on_demand_chunk_is_content_hashed_and_named_with_its_integrity_in_the_first(
    package: dict[str, bytes],
) -> None:
    name = later_name(package)
    chunk = package[name]
    assert name.split(".")[2] == hashlib.sha256(chunk).hexdigest()[:8]
    script = package["invoice-portal.js"].decode()
    assert f'"{name}"' in script and f'"{sri(chunk)}"' in script
    manifest = json.loads(package["manifest.json"])["files"]
    assert manifest[name]["immutable"] is True
    assert manifest[name]["integrity"] == sri(chunk)


def test_english_is_split_between_the_chunks_by_who_shows_it(package: dict[str, bytes]) -> None:
    english = json.loads((TRANSLATIONS / "en-US.json").read_text("utf-8"))
    first, later = package["invoice-portal.js"].decode(), package[later_name(package)].decode()
    assert english["list.more"] in first and english["list.more"] not in later
    assert english["detail.subtotal"] in later and english["detail.subtotal"] not in first
    for key in english:  # each string in exactly one of them (esbuild unquotes plain names)
        named = re.compile(rf'[{{,](?:"{re.escape(key)}"|{re.escape(key)}):')
        assert bool(named.search(first)) != bool(named.search(later)), key


def test_bundle_names_only_the_index_which_names_every_locale_s_files(
    package: dict[str, bytes],
) -> None:
    script = package["invoice-portal.js"].decode()
    [index_name] = [n for n in package if re.fullmatch(r"i18n/index\.[0-9a-f]{8}\.json", n)]
    assert f'"{index_name}"' in script and sri(package[index_name]) in script
    index = json.loads(package[index_name])
    locales = sorted(p.stem for p in TRANSLATIONS.glob("*.json") if p.stem != "en-US")
    assert sorted(index["files"]) == locales and len(locales) >= 47
    for locale in locales:
        assert locale not in script  # no per-locale data in the bundle
        name, integrity = index["files"][locale]
        assert re.fullmatch(rf"i18n/{locale}\.[0-9a-f]{{8}}\.json", name)
        first = json.loads(package[name])
        assert integrity == sha256_sri(package[name])
        assert name.split(".")[1] == hashlib.sha256(package[name]).hexdigest()[:8]
        parts = first.pop("$parts")
        together = dict(first)
        for part, (part_name, part_integrity) in zip(("invoice", "account"), parts, strict=True):
            assert re.fullmatch(rf"i18n/{locale}\.{part}\.[0-9a-f]{{8}}\.json", part_name)
            assert part_integrity == sha256_sri(package[part_name])
            together |= json.loads(package[part_name])
        expected = json.loads((TRANSLATIONS / f"{locale}.json").read_text("utf-8"))
        assert together == expected  # every string, in exactly one of the three
        assert "list.title" in first and "detail.subtotal" not in first
        assert index["match"][locale.lower()] == locale


def sha256_sri(body: bytes) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def test_the_index_maps_what_browsers_send_to_the_closest_locale(
    package: dict[str, bytes],
) -> None:
    [index_name] = [n for n in package if re.fullmatch(r"i18n/index\.[0-9a-f]{8}\.json", n)]
    match = json.loads(package[index_name])["match"]
    expected = {"pt": "pt-BR", "pt-*": "pt-PT", "es-mx": "es-419", "en": "en-US", "en-*": "en-GB"}
    expected |= {"no": "nb-NO", "zh-hant": "zh-TW", "zh-mo": "zh-HK", "ar": "ar-SA", "he": "he-IL"}
    assert {tag: match.get(tag) for tag in expected} == expected


def test_english_is_inside_the_bundle_so_no_file_is_needed_for_it(
    package: dict[str, bytes],
) -> None:
    script = package["invoice-portal.js"].decode()
    english = json.loads((TRANSLATIONS / "en-US.json").read_text("utf-8"))
    assert english["error.translations"] in script
    assert not re.search(r"i18n/en-US\.[0-9a-f]{8}\.json", script)


def test_bundle_has_no_eval_or_html_parsing(package: dict[str, bytes]) -> None:
    script = package["invoice-portal.js"].decode() + package[later_name(package)].decode()
    for forbidden in ("eval(", "new Function", "innerHTML", "outerHTML", "insertAdjacentHTML"):
        assert forbidden not in script
    assert ".style." not in script and '"style"' not in script


def test_every_text_file_has_brotli_and_gzip_twins(package: dict[str, bytes]) -> None:
    originals = [n for n in package if not n.endswith((".br", ".gz"))]
    assert "manifest.json" in originals and "snippet.html" in originals
    for name in originals:
        assert brotli.decompress(package[name + ".br"]) == package[name]
        assert gzip.decompress(package[name + ".gz"]) == package[name]
        # mtime 0 and no file name: nothing in the gzip header changes between builds.
        assert package[name + ".gz"][3:8] == b"\0\0\0\0\0"


def test_manifest_lists_every_file_with_sizes_and_integrity(package: dict[str, bytes]) -> None:
    raw = package["manifest.json"]
    manifest = json.loads(raw)
    assert raw.decode() == json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    listed = manifest["files"]
    originals = {n for n in package if not n.endswith((".br", ".gz")) and n != "manifest.json"}
    assert set(listed) == originals
    for name, entry in listed.items():
        data = package[name]
        assert entry["bytes"] == len(data)
        assert entry["brotli"] == len(package[name + ".br"])
        assert entry["gzip"] == len(package[name + ".gz"])
        assert entry["integrity"] == sri(data)
    assert listed["invoice-portal.js"]["immutable"] is False
    assert all(e["immutable"] for n, e in listed.items() if n.startswith("i18n/"))


def test_snippet_has_the_script_with_its_integrity_at_the_base_url(
    package: dict[str, bytes],
) -> None:
    snippet = package["snippet.html"].decode()
    integrity = sri(package["invoice-portal.js"])
    assert '<script src="https://cdn.example.org/portal/invoice-portal.js"' in snippet
    assert f'integrity="{integrity}" crossorigin="anonymous" async></script>' in snippet
    assert "<invoice-portal edge=" in snippet and "</invoice-portal>" in snippet


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_snippet_has_the_given_edge_and_says_where_the_hash_comes_from(
    package: dict[str, bytes],
) -> None:
    tags = Tags()
    tags.feed(package["snippet.html"].decode())
    assert [tag for tag, _ in tags.tags] == ["script", "invoice-portal"]
    assert tags.tags[1][1] == {
        "edge": "https://billing.shop.example/portal",
        "email": "jane@example.com",
        "hash": HASH_PLACEHOLDER,
    }


def test_build_prints_the_ready_snippet(tmp_path: Path) -> None:
    out = tmp_path / "cdn"
    done = run_build("--out", out, "--base-url", "https://cdn.example.org/portal/", *EDGE_OPTION)
    assert done.returncode == 0, done.stderr
    snippet = (out / "snippet.html").read_text()
    assert done.stdout.endswith("\n\n" + snippet)
    assert (
        f"The snippet (also in {out / 'snippet.html'}): paste it where the portal goes; your "
        "server fills in email and hash for the signed-in customer (README, The hash)."
    ) in done.stdout


@pytest.mark.parametrize(
    ("option", "value", "example"),
    [
        ("--base-url", "cdn.example.com/x", "https://cdn.example.com/invoice-portal/"),
        ("--base-url", "ftp://cdn.example.com/x", "https://cdn.example.com/invoice-portal/"),
        ("--base-url", "https:///x", "https://cdn.example.com/invoice-portal/"),
        ("--edge", "billing.example.com", "https://billing.example.com"),
        ("--edge", "https://billing.example.com?x=1", "https://billing.example.com"),
        ("--edge", "https://billing.example.com:port", "https://billing.example.com"),
        ("--edge", "http://[x", "https://billing.example.com"),
    ],
)
def test_an_address_without_scheme_or_host_is_refused_in_one_line(
    option: str, value: str, example: str, tmp_path: Path
) -> None:
    done = run_build("--out", tmp_path / "cdn", option, value)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"build.py: {option} {value!r} is not an absolute http(s) address: write it with its "
        f"scheme and host, e.g. {option} {example}"
    ]
    assert not (tmp_path / "cdn").exists()


@pytest.fixture
def lone_build(tmp_path: Path) -> Path:
    """build.py (and the translation rules it imports) copied away from the repository: no
    node_modules beside it."""
    copy = tmp_path / "repo"
    (copy / "tools").mkdir(parents=True)
    shutil.copy(ROOT / "build.py", copy / "build.py")
    shutil.copy(ROOT / "tools" / "__init__.py", copy / "tools" / "__init__.py")
    for name in ("translation_rules.py", "locales.py"):
        shutil.copy(ROOT / "tools" / name, copy / "tools" / name)
    return copy


def test_missing_esbuild_says_run_npm_ci(lone_build: Path) -> None:
    done = run_build_at(lone_build)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"build.py: node_modules/.bin/esbuild is missing: run npm ci in {lone_build}"
    ]


def test_missing_brotli_says_how_to_install_it(lone_build: Path) -> None:
    # A module that fails to import, found first: as when brotli is not installed.
    (lone_build / "brotli.py").write_text("raise ImportError('No module named brotli')\n")
    done = run_build_at(lone_build)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "build.py: the brotli module is missing: pip install brotli==1.2.1, "
        "or pip install '.[build]' in this repository"
    ]


def test_missing_node_says_install_it(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--check", "--out", str(tmp_path / "cdn")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": str(tmp_path)},
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "build.py: node is missing: install Node.js 18 or later (apt-get install nodejs)"
    ]


def run_build_at(repository: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(repository / "build.py"), "--check"],
        cwd=repository,
        capture_output=True,
        text=True,
        check=False,
    )


def test_first_paint_within_10_kb_and_both_chunks_within_25_kb_brotli(
    package: dict[str, bytes],
) -> None:
    first = len(package["invoice-portal.js.br"])
    assert first <= 10 * 1024
    assert first + len(package[later_name(package) + ".br"]) <= 25 * 1024
    for name in package:
        if name.startswith("i18n/") and name.endswith(".json") and "index" not in name:
            assert len(package[name + ".br"]) <= 2 * 1024, name


def test_build_prints_a_size_table(tmp_path: Path) -> None:
    done = run_build("--check", "--out", tmp_path / "cdn")
    assert done.returncode == 0, done.stderr
    assert re.search(r"invoice-portal\.js\s+[\d,]+\s+[\d,]+\s+[\d,]+", done.stdout)
    assert re.search(
        r"First paint \(invoice-portal\.js\): [\d,]+ of 10,240 bytes brotli", done.stdout
    )
    assert re.search(
        r"On demand \(invoice-portal\.later\.[0-9a-f]{8}\.js\): [\d,]+ bytes brotli", done.stdout
    )
    assert re.search(r"JavaScript and CSS: [\d,]+ of 25,600 bytes brotli", done.stdout)
    assert not (tmp_path / "cdn").exists(), "--check writes nothing"


BROKEN = [
    ("de-DE.json", "{not json", r"de-DE\.json: not valid JSON"),
    ("de-DE.json", '["Rechnungen"]', r"de-DE\.json: must be a JSON object"),
    ("de-DE.json", '{"list.titel": "Rechnungen"}', r'de-DE\.json: key "list\.titel": unknown key'),
    (
        "de-DE.json",
        '{"action.pay": "Jetzt bezahlen {betrag}"}',
        r'de-DE\.json: key "action\.pay": placeholders \[\'betrag\'\] differ from English',
    ),
    (
        "de-DE.json",
        '{"action.pay": "Jetzt bezahlen"}',
        r'de-DE\.json: key "action\.pay": placeholders \[\] differ from English \[\'amount\'\]',
    ),
    (
        "ja-JP.json",
        '{"list.loaded": {"one": "{count}件", "other": "{count}件"}}',
        r"ja-JP\.json: key \"list\.loaded\": plural categories \['one'\] do not exist",
    ),
    (
        "de-DE.json",
        '{"list.loaded": {"one": "{count} Rechnung"}}',
        r'de-DE\.json: key "list\.loaded": plural forms need "other"',
    ),
    (
        "de-DE.json",
        '{"list.title": {"other": {"deep": "Rechnungen"}}}',
        r'de-DE\.json: key "list\.title": plural form "other" must be a string',
    ),
    ("de-DE.json", '{"list.title": 7}', r'key "list\.title": must be a string, or an object'),
    (
        "de-DE.json",
        '{"list.title": {"other": "Rechnungen"}}',
        r'key "list\.title": English is a plain string',
    ),
    ("de-de.json", '{"list.title": "Rechnungen"}', r"de-de\.json: file name is not a canonical"),
]


@pytest.mark.parametrize(("name", "content", "message"), BROKEN, ids=[b[2][:40] for b in BROKEN])
def test_invalid_translation_file_stops_the_build_naming_file_and_key(
    translations: Path, name: str, content: str, message: str
) -> None:
    if name == "de-de.json":
        (translations / "de-DE.json").unlink()
    (translations / name).write_text(content, "utf-8")
    done = run_build("--check", "--translations", translations)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("build.py: ")
    assert "translations/" in lines[0]
    assert re.search(message, lines[0]), lines[0]


def test_translation_over_2_kb_brotli_stops_the_build(translations: Path) -> None:
    noise = "".join(hashlib.sha256(str(i).encode()).hexdigest() for i in range(120))
    (translations / "fr-FR.json").write_text(json.dumps({"list.empty": noise}), "utf-8")
    done = run_build("--check", "--translations", translations)
    assert done.returncode == 1
    assert re.fullmatch(
        r"build\.py: \S*translations/fr-FR\.json \(i18n/fr-FR\.[0-9a-f]{8}\.json\): \d+ bytes "
        r"brotli, over the budget of 2048 bytes for a translation file\n",
        done.stderr,
    )


def noise(count: int) -> str:
    return "".join(hashlib.sha256(str(i).encode()).hexdigest() for i in range(count))


def test_first_paint_over_10_kb_brotli_stops_the_build_naming_the_file(
    translations: Path, tmp_path: Path
) -> None:
    english = json.loads((translations / "en-US.json").read_text("utf-8"))
    english["list.empty"] = noise(40)  # a string of the list: in the first chunk
    (translations / "en-US.json").write_text(json.dumps(english), "utf-8")
    done = run_build("--check", "--translations", translations, "--out", tmp_path / "cdn")
    assert done.returncode == 1
    assert re.fullmatch(
        r"build\.py: \S*cdn/invoice-portal\.js: \d+ bytes brotli, over the budget of 10240 "
        r"bytes for first paint\n",
        done.stderr,
    )


def test_both_chunks_over_25_kb_brotli_stop_the_build_naming_the_second(
    translations: Path, tmp_path: Path
) -> None:
    english = json.loads((translations / "en-US.json").read_text("utf-8"))
    english["detail.subtotal"] = noise(60)  # a string of an open invoice: in the second chunk
    (translations / "en-US.json").write_text(json.dumps(english), "utf-8")
    done = run_build("--check", "--translations", translations, "--out", tmp_path / "cdn")
    assert done.returncode == 1
    assert re.fullmatch(
        r"build\.py: \S*cdn/invoice-portal\.later\.[0-9a-f]{8}\.js: \d+ bytes brotli with "
        r"invoice-portal\.js, over the budget of 25600 bytes for all JavaScript and CSS\n",
        done.stderr,
    )


def test_build_refuses_to_replace_a_directory_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    done = run_build("--out", tmp_path)
    assert done.returncode == 1
    assert "refusing to replace it" in done.stderr
    assert (tmp_path / "precious.txt").read_text() == "keep me"
