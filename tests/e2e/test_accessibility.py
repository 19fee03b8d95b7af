"""axe-core finds no serious or critical problem in the list or the detail."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tools.stack import Stack

from .portal import OpenTab, Tab, first, open_portal, row_for

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# The portal follows its page: the dark theme is checked on a dark page.
PAGES = {"light": "plain.html", "dark": "dark-page.html"}


def serious_violations(tab: Tab) -> list[str]:
    tab.page.add_script_tag(path=str(AXE))
    results: dict[str, Any] = tab.page.evaluate(
        "() => axe.run(document, { resultTypes: ['violations'] })"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_invoice_list_has_no_serious_accessibility_violations(
    open_tab: OpenTab, stack: Stack, color_scheme: str
) -> None:
    tab = open_tab(color_scheme=color_scheme)
    open_portal(tab, stack, PAGES[color_scheme], email="jane@example.com", show_all_invoices=True)

    assert serious_violations(tab) == []


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_invoice_detail_has_no_serious_accessibility_violations(
    open_tab: OpenTab, stack: Stack, color_scheme: str
) -> None:
    tab = open_tab(color_scheme=color_scheme)
    loaded = open_portal(
        tab, stack, PAGES[color_scheme], email="hans@example.de", show_all_invoices=True
    )
    invoice = first(loaded["response"]["invoices"], status="open")
    row_for(tab.portal(), invoice).click()
    tab.wait_for_event("invoice_opened")

    assert serious_violations(tab) == []
