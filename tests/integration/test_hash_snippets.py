"""Every hash snippet of docs/hash-snippets.md, run in its own language against shared vectors,
and its attributes sent to the proxy. The docs show the files of samples/hashes/ byte for byte."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import runpy
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from edge.hashing import check_hash, make_hash
from edge.settings import Settings
from sandbox.testing import SandboxServer

from .conftest import Proxy, serve, settings_for

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "hashes"
DOCS = ROOT / "docs" / "hash-snippets.md"
VECTORS = json.loads((ROOT / "tests" / "hash_vectors.json").read_text(encoding="utf-8"))
SECRET, OLDER, EXPIRES = VECTORS["secret"], VECTORS["older_secret"], VECTORS["expires"]
# The first secret signs; the space checks that each snippet trims it as the proxy does.
SECRETS_ENV = f"{SECRET} ,{OLDER}"
LIFETIME = 15 * 60
EDGE = "https://billing.example.com"
# Debian's package for each command the snippets need; the Makefile installs them all.
PACKAGES = {
    "node": "nodejs",
    "ruby": "ruby",
    "php": "php-cli",
    "go": "golang-go",
    "javac": "default-jdk-headless",
    "java": "default-jdk-headless",
    "mcs": "mono-mcs",
    "mono": "mono-mcs",
}

# Each harness prints `n<TAB>key<TAB>value` lines for the n-th identifier of its arguments,
# after the vectors' expires: `static` and `expiring` hashes, and `attr:NAME` attributes.
PYTHON = """
import sys
sys.path.insert(0, "SAMPLES/python")
from portal_hash import portal_attributes, portal_hash
expires, *identifiers = sys.argv[1:]
for n, identifier in enumerate(identifiers):
    print(n, "static", portal_hash(identifier), sep="\\t")
    print(n, "expiring", portal_hash(identifier, int(expires)), sep="\\t")
    for name, value in portal_attributes(identifier).items():
        print(n, f"attr:{name}", value, sep="\\t")
"""

# The frameworks are not installed here: each stands in for the few names its snippet uses,
# and the view is called as the framework would call it.
PYTHON_FRAMEWORKS = """
import sys, types
sys.path.insert(0, "SAMPLES/python")

def module(name, **members):
    sys.modules[name] = types.ModuleType(name)
    sys.modules[name].__dict__.update(members)

class App:
    def __init__(self, *args): pass
    def get(self, path): return lambda view: view

g = types.SimpleNamespace()
for name in ("django", "django.contrib", "django.contrib.auth"):
    module(name)
module("django.contrib.auth.decorators", login_required=lambda view: view)
module("django.shortcuts", render=lambda request, template, context: context["portal"])
module("flask", Flask=App, g=g, render_template=lambda template, portal: portal)
module("fastapi", FastAPI=App, Depends=lambda dependency: dependency)

from django_view import billing as django
from flask_app import billing as flask
from fastapi_app import portal as fastapi

def user(email):
    g.user = types.SimpleNamespace(email=email)
    return g.user

views = {
    "django": lambda email: django(types.SimpleNamespace(user=user(email))),
    "flask": lambda email: user(email) and flask(),
    "fastapi": lambda email: fastapi(email=email),
}
framework, expires, *identifiers = sys.argv[1:]
for n, identifier in enumerate(identifiers):
    for name, value in views[framework](identifier).items():
        print(n, f"attr:{name}", value, sep="\\t")
"""

NODE = """
const { portalHash, portalAttributes } = require("SAMPLES/node/portal-hash.js");
const [expires, ...identifiers] = process.argv.slice(2);
identifiers.forEach((identifier, n) => {
  console.log(`${n}\\tstatic\\t${portalHash(identifier)}`);
  console.log(`${n}\\texpiring\\t${portalHash(identifier, Number(expires))}`);
  for (const [name, value] of Object.entries(portalAttributes(identifier))) {
    console.log(`${n}\\tattr:${name}\\t${value}`);
  }
});
"""

EXPRESS = """
const billing = require("SAMPLES/node/express.js");
const [expires, ...identifiers] = process.argv.slice(2);
identifiers.forEach((identifier, n) => {
  billing({ user: { email: identifier } }, {
    render(view, { portal }) {
      for (const [name, value] of Object.entries(portal)) {
        console.log(`${n}\\tattr:${name}\\t${value}`);
      }
    },
  });
});
"""

RUBY = """
require "SAMPLES/ruby/portal_hash"
expires, *identifiers = ARGV
identifiers.each_with_index do |identifier, n|
  puts [n, "static", PortalHash.sign(identifier)].join("\\t")
  puts [n, "expiring", PortalHash.sign(identifier, Integer(expires))].join("\\t")
  PortalHash.attributes(identifier).each do |name, value|
    puts [n, "attr:#{name}", value].join("\\t")
  end
end
"""

RAILS = """
require "SAMPLES/ruby/portal_hash"
require "SAMPLES/ruby/invoice_portal_helper"

class View
  include InvoicePortalHelper

  def content_tag(name, content, options)
    raise "not the element: #{name} #{content}" unless [name, content] == ["invoice-portal", ""]
    options
  end
end

expires, *identifiers = ARGV
identifiers.each_with_index do |identifier, n|
  View.new.invoice_portal_tag(identifier, edge: "EDGE").each do |name, value|
    puts [n, "attr:#{name}", value].join("\\t")
  end
end
"""

LARAVEL = """<?php
// Laravel's config(), reading what config/services.php would have read from the environment.
function config(string $key)
{
    if ($key !== 'services.invoice_portal.hash_secrets') {
        throw new Exception("unexpected config key $key");
    }
    $secrets = getenv('PORTAL_HASH_SECRETS');
    return $secrets === false ? null : $secrets;
}

require 'SAMPLES/php/InvoicePortal.php';

$expires = (int) $argv[1];
foreach (array_slice($argv, 2) as $n => $identifier) {
    echo "$n\\tstatic\\t" . \\App\\Support\\InvoicePortal::hash($identifier) . "\\n";
    echo "$n\\texpiring\\t" . \\App\\Support\\InvoicePortal::hash($identifier, $expires) . "\\n";
    foreach (\\App\\Support\\InvoicePortal::attributes($identifier) as $name => $value) {
        echo "$n\\tattr:$name\\t$value\\n";
    }
}
"""

GO = """package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"harness/portalhash"
)

func main() {
	expires, _ := strconv.ParseInt(os.Args[1], 10, 64)
	for n, identifier := range os.Args[2:] {
		fmt.Printf("%d\\tstatic\\t%s\\n", n, portalhash.Hash(identifier))
		fmt.Printf("%d\\texpiring\\t%s\\n", n, portalhash.ExpiringHash(identifier, expires))
		for name, value := range portalhash.Attributes(identifier, 15*time.Minute) {
			fmt.Printf("%d\\tattr:%s\\t%s\\n", n, name, value)
		}
	}
}
"""

JAVA = """
import java.time.Duration;
import java.util.Map;

public class Harness {
    public static void main(String[] args) {
        long expires = Long.parseLong(args[0]);
        for (int n = 0; n + 1 < args.length; n++) {
            String identifier = args[n + 1];
            System.out.println(n + "\\tstatic\\t" + PortalHash.hash(identifier));
            System.out.println(n + "\\texpiring\\t" + PortalHash.hash(identifier, expires));
            var attributes = PortalHash.attributes(identifier, Duration.ofMinutes(15));
            for (Map.Entry<String, String> a : attributes.entrySet()) {
                System.out.println(n + "\\tattr:" + a.getKey() + "\\t" + a.getValue());
            }
        }
    }
}
"""

CSHARP = """
using System;
using System.Text;

public static class Harness
{
    public static void Main(string[] args)
    {
        Console.OutputEncoding = new UTF8Encoding(false);
        var expires = long.Parse(args[0]);
        for (var n = 0; n + 1 < args.Length; n++)
        {
            var identifier = args[n + 1];
            Console.WriteLine(n + "\\tstatic\\t" + PortalHash.Hash(identifier));
            Console.WriteLine(n + "\\texpiring\\t" + PortalHash.Hash(identifier, expires));
            foreach (var a in PortalHash.Attributes(identifier, TimeSpan.FromMinutes(15)))
            {
                Console.WriteLine(n + "\\tattr:" + a.Key + "\\t" + a.Value);
            }
        }
    }
}
"""


@dataclasses.dataclass(frozen=True)
class Stack:
    """A snippet's runtime: `build` writes the harness into a directory and returns the
    command that runs it; `signs` is false for framework glue that only makes attributes."""

    tools: tuple[str, ...]
    build: Callable[[Path], list[str]]
    signs: bool = True
    edge: bool = False


def source(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text.replace("SAMPLES", str(SAMPLES)).replace("EDGE", EDGE), "utf-8")
    return path


def compile_(command: list[str], directory: Path) -> None:
    done = subprocess.run(command, cwd=directory, env=environment(), capture_output=True, text=True)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}"


def script(runtime: str, name: str, text: str) -> Callable[[Path], list[str]]:
    return lambda directory: [runtime, str(source(directory, name, text))]


def framework(name: str) -> Callable[[Path], list[str]]:
    def build(directory: Path) -> list[str]:
        return [sys.executable, str(source(directory, "harness.py", PYTHON_FRAMEWORKS)), name]

    return build


def go(directory: Path) -> list[str]:
    (directory / "go.mod").write_text("module harness\n\ngo 1.19\n")
    (directory / "portalhash").mkdir()
    shutil.copy(SAMPLES / "go" / "hash.go", directory / "portalhash" / "hash.go")
    source(directory, "main.go", GO)
    compile_(["go", "build", "-o", "harness", "."], directory)
    return [str(directory / "harness")]


def java(directory: Path) -> list[str]:
    harness = source(directory, "Harness.java", JAVA)
    compile_(
        ["javac", "-d", ".", str(SAMPLES / "java" / "PortalHash.java"), str(harness)], directory
    )
    return ["java", "-cp", str(directory), "Harness"]


def csharp(directory: Path) -> list[str]:
    harness = source(directory, "Harness.cs", CSHARP)
    sample = str(SAMPLES / "csharp" / "PortalHash.cs")
    compile_(["mcs", "-nologo", "-out:harness.exe", sample, str(harness)], directory)
    return ["mono", str(directory / "harness.exe")]


STACKS = {
    "python": Stack((), script(sys.executable, "harness.py", PYTHON)),
    "django": Stack((), framework("django"), signs=False),
    "flask": Stack((), framework("flask"), signs=False),
    "fastapi": Stack((), framework("fastapi"), signs=False),
    "node": Stack(("node",), script("node", "harness.js", NODE)),
    "express": Stack(("node",), script("node", "harness.js", EXPRESS), signs=False),
    "ruby": Stack(("ruby",), script("ruby", "harness.rb", RUBY)),
    "rails": Stack(("ruby",), script("ruby", "harness.rb", RAILS), signs=False, edge=True),
    "laravel": Stack(("php",), script("php", "harness.php", LARAVEL)),
    "go": Stack(("go",), go),
    "java": Stack(("javac", "java"), java),
    "csharp": Stack(("mcs", "mono"), csharp),
}


def environment(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    # Identifiers travel as UTF-8 in argv and stdout, as a server's own strings would.
    env.update(LC_ALL="C.UTF-8", LANG="C.UTF-8", PYTHONIOENCODING="utf-8", GOFLAGS="-mod=mod")
    # Nothing lands next to the snippets (no __pycache__), and Go never goes online.
    env.update(PYTHONDONTWRITEBYTECODE="1", GOPROXY="off", **values)
    return env


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false")


@dataclasses.dataclass
class Runner:
    root: Path
    commands: dict[str, list[str]] = dataclasses.field(default_factory=dict)

    def command(self, name: str) -> list[str]:
        """The stack's harness, built once per module; a missing runtime fails in CI."""
        if name not in self.commands:
            stack = STACKS[name]
            missing = [tool for tool in stack.tools if shutil.which(tool) is None]
            if missing:
                packages = " ".join(sorted({PACKAGES[tool] for tool in missing}))
                reason = (
                    f"{name}: {', '.join(missing)} not installed; "
                    f"`make /usr/bin/mcs` or apt-get install {packages}"
                )
                if in_ci():
                    pytest.fail(reason)
                pytest.skip(reason)
            directory = self.root / name
            directory.mkdir()
            self.commands[name] = stack.build(directory)
        return self.commands[name]

    def run(
        self, name: str, identifiers: list[str], **env: str
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.command(name), str(EXPIRES), *identifiers],
            env=environment(**env),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=60,
        )

    def results(self, name: str, identifiers: list[str]) -> list[dict[str, Any]]:
        done = self.run(name, identifiers, PORTAL_HASH_SECRETS=SECRETS_ENV)
        assert done.returncode == 0, f"the {name} snippet failed:\n{done.stderr}"
        results: list[dict[str, Any]] = [{"attributes": {}} for _ in identifiers]
        for line in done.stdout.splitlines():
            n, key, value = line.split("\t")
            if key.startswith("attr:"):
                results[int(n)]["attributes"][key.removeprefix("attr:")] = value
            else:
                results[int(n)][key] = value
        return results


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Runner:
    return Runner(tmp_path_factory.mktemp("hash-snippets"))


@pytest.fixture(scope="module")
def jane(sandbox: SandboxServer) -> str:
    customer: str = sandbox.customers("jane@example.com")[0]
    return customer


@pytest.fixture(scope="module")
def rotating_proxy(sandbox: SandboxServer) -> Iterator[Proxy]:
    """A proxy in the middle of a rotation that takes only expiring hashes."""
    settings = settings_for(sandbox.url, hash_secrets=(SECRET, OLDER), require_expiring_hash=True)
    with serve(settings) as running:
        yield running


def identifiers(jane: str) -> list[str]:
    return [v["identifier"] for v in VECTORS["vectors"]] + ["jane@example.com", jane]


def test_the_vectors_are_the_hashes_the_proxy_checks() -> None:
    for vector in VECTORS["vectors"]:
        identifier = vector["identifier"]
        assert make_hash(SECRET, identifier) == vector["static"]
        assert make_hash(SECRET, identifier, EXPIRES) == vector["expiring"]
        for given, expires in ((vector["static"], None), (vector["expiring"], EXPIRES)):
            check_hash([OLDER, SECRET], identifier, given, expires, now=EXPIRES, max_lifetime=60)
    spelled = {v["identifier"] for v in VECTORS["vectors"]}
    assert any("+" in i and i != i.lower() for i in spelled)
    assert any(not i.isascii() for i in spelled) and any(i.startswith("cus_") for i in spelled)


@pytest.mark.parametrize("name", [name for name, stack in STACKS.items() if stack.signs])
def test_each_snippet_makes_the_vector_hashes_with_the_first_secret(
    runner: Runner, jane: str, name: str
) -> None:
    results = runner.results(name, identifiers(jane))
    for vector, result in zip(VECTORS["vectors"], results, strict=False):
        shown = vector["identifier"]
        assert result["static"] == vector["static"], f"{name}: static hash of {shown!r}"
        assert result["expiring"] == vector["expiring"], f"{name}: expiring hash of {shown!r}"


@pytest.mark.parametrize("name", list(STACKS))
def test_each_snippets_attributes_open_a_session_at_the_proxy(
    runner: Runner, jane: str, rotating_proxy: Proxy, name: str
) -> None:
    wanted = identifiers(jane)
    before = time.time()
    results = runner.results(name, wanted)
    settings: Settings = rotating_proxy.settings
    with rotating_proxy.client() as client:
        for identifier, result in zip(wanted, results, strict=True):
            attributes = dict(result["attributes"])
            if STACKS[name].edge:
                assert attributes.pop("edge") == EDGE
            kind = "customer" if identifier.startswith("cus_") else "email"
            assert attributes.keys() == {kind, "hash", "expires"}, name
            assert attributes[kind] == identifier, f"{name} changed the identifier"
            expires = int(attributes["expires"])
            assert before + LIFETIME - 1 <= expires <= time.time() + LIFETIME + 1, name
            check_hash(
                settings.hash_secrets,
                identifier,
                attributes["hash"],
                expires,
                now=time.time(),
                max_lifetime=settings.max_hash_lifetime,
                require_expiring=True,
            )
            answer = client.post("/v1/session", json={**attributes, "expires": expires})
            assert answer.status_code == 200, f"{name} {identifier!r}: {answer.text}"
            if identifier in ("jane@example.com", jane):
                assert answer.json()["customer"]["email"] == "jane@example.com"


@pytest.mark.parametrize("name", list(STACKS))
def test_without_the_secret_each_snippet_refuses_to_sign(runner: Runner, name: str) -> None:
    done = runner.run(name, ["jane@example.com"])
    assert done.returncode != 0 and done.stdout == ""
    assert "PORTAL_HASH_SECRETS is not set" in done.stderr


def test_the_package_sample_makes_hashes_the_proxy_accepts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_HASH_SECRETS", SECRETS_ENV)
    sample = runpy.run_path(str(SAMPLES / "python" / "with_package.py"))
    attributes = sample["attributes"]
    assert attributes["edge"] == EDGE and attributes["email"] == "jane@example.com"
    assert int(attributes["expires"]) == pytest.approx(time.time() + LIFETIME, abs=5)
    check_hash(
        [SECRET],
        "jane@example.com",
        attributes["hash"],
        int(attributes["expires"]),
        now=time.time(),
        max_lifetime=LIFETIME,
        require_expiring=True,
    )
    tag = dict(re.findall(r'(\w+)="([^"]*)"', sample["tag"]))
    assert sample["tag"].startswith("<invoice-portal customer=")
    check_hash(
        [SECRET],
        tag["customer"],
        tag["hash"],
        int(tag["expires"]),
        now=time.time(),
        max_lifetime=LIFETIME,
    )
    assert sample["never_expires"] == make_hash(SECRET, "jane@example.com")


# The templates that write the attributes into a page stay in the docs alone.
UNCHECKED = {"html", "sh"}
BLOCK = re.compile(r"(?:<!-- (samples/hashes/\S+) -->\n)?```(\w*)\n(.*?)```", re.DOTALL)


def test_the_docs_show_every_sample_file_exactly() -> None:
    shown: list[str] = []
    for path, language, code in BLOCK.findall(DOCS.read_text(encoding="utf-8")):
        if not path:
            assert language in UNCHECKED, f"a {language!r} block names no samples/hashes/ file"
            continue
        assert code == (ROOT / path).read_text(encoding="utf-8"), f"{path} differs from the docs"
        shown.append(path)
    files = sorted(str(p.relative_to(ROOT)) for p in SAMPLES.rglob("*") if p.is_file())
    assert sorted(shown) == files
    # A ``` inside a sample would end its block early, and the rest could drift unseen.
    assert not any("```" in (ROOT / path).read_text(encoding="utf-8") for path in files)


def test_a_missing_runtime_fails_in_ci_instead_of_skipping(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(STACKS, "absent", Stack(("no-such-runtime-here",), script("x", "y", "")))
    monkeypatch.setitem(PACKAGES, "no-such-runtime-here", "nothing")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no-such-runtime-here not installed"):
        Runner(tmp_path).command("absent")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        Runner(tmp_path).command("absent")
