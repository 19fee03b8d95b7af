"""The embed's JavaScript logic, tested by Node's own test runner (tests/unit/js/*.test.mjs)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_embed_javascript_unit_tests_pass() -> None:
    node = shutil.which("node")
    assert node, "node (20 or later) runs the embed's unit tests"
    done = subprocess.run(  # noqa: S603 (a fixed program and arguments)
        [node, "--test", "--test-reporter=spec", "tests/unit/js/"],
        cwd=ROOT,
        env={**os.environ, "TZ": "UTC", "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = done.stdout + done.stderr
    counts = dict(re.findall(r"^\S* ?(tests|fail) (\d+)$", done.stdout, re.MULTILINE))
    assert done.returncode == 0 and counts.get("fail") == "0", output
    assert int(counts.get("tests", 0)) >= 50, output  # every test file was found and ran
