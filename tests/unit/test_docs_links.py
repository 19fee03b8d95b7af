"""The README and docs/ stay true to the repository: every relative link and #anchor leads
somewhere, nothing points outside the repository, and the README's complete translation file
is the English one."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(
    [ROOT / "README.md", ROOT / "SECURITY.md", ROOT / "samples" / "README.md"]
    + list((ROOT / "docs").glob("*.md"))
)
FENCE = re.compile(r"^\s*(```|~~~).*?^\s*\1", re.M | re.S)
CODE_SPAN = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$", re.M)


def prose(text: str) -> str:
    """The text outside fenced code blocks: a `#` or `[..](..)` in code is not markdown."""
    return FENCE.sub("", text)


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: its text, lower case, punctuation dropped."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = CODE_SPAN.sub(lambda code: code[0][1:-1].replace("<", "").replace(">", ""), text)
    text = re.sub(r"<[^>]*>", "", text)  # HTML outside code is markup, not text
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    seen: dict[str, int] = {}
    found = set()
    for _, heading in HEADING.findall(prose(page.read_text("utf-8"))):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(page: Path) -> list[str]:
    return LINK.findall(CODE_SPAN.sub("", prose(page.read_text("utf-8"))))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_and_anchor_leads_somewhere(page: Path) -> None:
    broken = []
    for target in links(page):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
            continue
        path, _, anchor = target.partition("#")
        destination = (page.parent / path).resolve() if path else page
        if not destination.is_relative_to(ROOT) or not destination.exists():
            broken.append(f"{target}: no such file in the repository")
        elif anchor and destination.suffix == ".md" and anchor not in anchors(destination):
            broken.append(f"{target}: no heading with that anchor")
    assert not broken, f"{page.relative_to(ROOT)}: " + "; ".join(broken)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_nothing_points_outside_the_repository(page: Path) -> None:
    text = page.read_text("utf-8")
    for outside in ("../shared", "/work/", "CONTRACT.md"):
        assert outside not in text, f"{page.relative_to(ROOT)} mentions {outside}"


def test_the_readme_translation_example_is_the_complete_english_file() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    start = readme.index("```json\n", readme.index("A complete file")) + len("```json\n")
    example = readme[start : readme.index("\n```", start)]
    english = json.loads((ROOT / "translations" / "en-US.json").read_text("utf-8"))
    assert json.loads(example) == english, "copy translations/en-US.json into the README"


def test_anchors_are_made_as_github_makes_them() -> None:
    assert slug("The `<invoice-portal>` embed") == "the-invoice-portal-embed"
    assert slug("`make demo`") == "make-demo"
    assert slug("Behind a reverse proxy with TLS") == "behind-a-reverse-proxy-with-tls"
    assert slug("`InvoicePortal.mount(target, options)`") == "invoiceportalmounttarget-options"
