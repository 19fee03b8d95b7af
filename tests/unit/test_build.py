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
from pathlib import Path

import brotli
import pytest

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"


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
        done = run_build("--out", out, "--base-url", "https://cdn.example.org/portal/")
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


def test_rebuild_gives_byte_identical_files(builds: tuple[dict[str, bytes], dict[str, bytes]]):
    first, second = builds
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_package_has_stable_script_and_its_content_hashed_copy(package: dict[str, bytes]):
    script = package["invoice-portal.js"]
    pinned = [name for name in package if re.fullmatch(r"invoice-portal\.[0-9a-f]{8}\.js", name)]
    assert pinned == [f"invoice-portal.{hashlib.sha256(script).hexdigest()[:8]}.js"]
    assert package[pinned[0]] == script


def test_bundle_names_every_hashed_translation_file_it_loads(package: dict[str, bytes]):
    script = package["invoice-portal.js"].decode()
    for locale in ("de-DE", "fr-FR", "es-ES", "ja-JP"):
        [name] = [n for n in package if re.fullmatch(rf"i18n/{locale}\.[0-9a-f]{{8}}\.json", n)]
        body = package[name]
        assert name.split(".")[1] == hashlib.sha256(body).hexdigest()[:8]
        assert f'"{name}"' in script
        assert sri(body) in script
        expected = json.loads((TRANSLATIONS / f"{locale}.json").read_text("utf-8"))
        assert json.loads(body) == expected


def test_english_is_inside_the_bundle_so_no_file_is_needed_for_it(package: dict[str, bytes]):
    script = package["invoice-portal.js"].decode()
    english = json.loads((TRANSLATIONS / "en-US.json").read_text("utf-8"))
    assert english["error.translations"] in script
    assert not re.search(r"i18n/en-US\.[0-9a-f]{8}\.json", script)


def test_bundle_has_no_eval_or_html_parsing(package: dict[str, bytes]):
    script = package["invoice-portal.js"].decode()
    for forbidden in ("eval(", "new Function", "innerHTML", "outerHTML", "insertAdjacentHTML"):
        assert forbidden not in script
    assert ".style." not in script and '"style"' not in script


def test_every_text_file_has_brotli_and_gzip_twins(package: dict[str, bytes]):
    originals = [n for n in package if not n.endswith((".br", ".gz"))]
    assert "manifest.json" in originals and "snippet.html" in originals
    for name in originals:
        assert brotli.decompress(package[name + ".br"]) == package[name]
        assert gzip.decompress(package[name + ".gz"]) == package[name]
        # mtime 0 and no file name: nothing in the gzip header changes between builds.
        assert package[name + ".gz"][3:8] == b"\0\0\0\0\0"


def test_manifest_lists_every_file_with_sizes_and_integrity(package: dict[str, bytes]):
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


def test_snippet_has_the_script_with_its_integrity_at_the_base_url(package: dict[str, bytes]):
    snippet = package["snippet.html"].decode()
    integrity = sri(package["invoice-portal.js"])
    assert '<script src="https://cdn.example.org/portal/invoice-portal.js"' in snippet
    assert f'integrity="{integrity}" crossorigin="anonymous" async></script>' in snippet
    assert "<invoice-portal edge=" in snippet and "</invoice-portal>" in snippet


def test_script_and_css_stay_within_the_12_kb_brotli_budget(package: dict[str, bytes]):
    assert len(package["invoice-portal.js.br"]) <= 12 * 1024
    for name in package:
        if name.startswith("i18n/") and name.endswith(".json"):
            assert len(package[name + ".br"]) <= 2 * 1024, name


def test_build_prints_a_size_table(tmp_path: Path):
    done = run_build("--check", "--out", tmp_path / "cdn")
    assert done.returncode == 0, done.stderr
    assert re.search(r"invoice-portal\.js\s+[\d,]+\s+[\d,]+\s+[\d,]+", done.stdout)
    assert "of 12,288 bytes brotli" in done.stdout
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
):
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


def test_translation_over_2_kb_brotli_stops_the_build(translations: Path):
    noise = "".join(hashlib.sha256(str(i).encode()).hexdigest() for i in range(80))
    (translations / "fr-FR.json").write_text(json.dumps({"list.empty": noise}), "utf-8")
    done = run_build("--check", "--translations", translations)
    assert done.returncode == 1
    assert re.fullmatch(
        r"build\.py: \S*translations/fr-FR\.json: \d+ bytes brotli, over the budget of 2048 "
        r"bytes for a translation file\n",
        done.stderr,
    )


def test_script_over_12_kb_brotli_stops_the_build_naming_the_file(translations: Path, tmp_path):
    english = json.loads((translations / "en-US.json").read_text("utf-8"))
    english["list.empty"] = "".join(hashlib.sha256(str(i).encode()).hexdigest() for i in range(400))
    (translations / "en-US.json").write_text(json.dumps(english), "utf-8")
    done = run_build("--check", "--translations", translations, "--out", tmp_path / "cdn")
    assert done.returncode == 1
    assert re.fullmatch(
        r"build\.py: \S*cdn/invoice-portal\.js: \d+ bytes brotli, over the budget of 12288 "
        r"bytes for all JavaScript and CSS\n",
        done.stderr,
    )


def test_build_refuses_to_replace_a_directory_it_did_not_write(tmp_path: Path):
    (tmp_path / "precious.txt").write_text("keep me")
    done = run_build("--out", tmp_path)
    assert done.returncode == 1
    assert "refusing to replace it" in done.stderr
    assert (tmp_path / "precious.txt").read_text() == "keep me"
