"""What a credit note credits: its lines, their discounts and taxes, and its sums.

A line of `type=invoice_line_item` credits part or all of an invoice line (its `amount`, or
`quantity` units of it), with the same share of the line's discounts and taxes; a
`custom_line_item` credits `unit_amount` x `quantity` at its own `tax_rates`. A credit note
made with `amount` alone is one custom line of that amount, untaxed.
"""

from __future__ import annotations

from typing import Any

from sandbox import taxes
from sandbox.errors import invalid
from sandbox.fixtures import template
from sandbox.state import Sandbox


def lines(sb: Sandbox, inv: dict[str, Any], p: dict[str, Any]) -> list[dict[str, Any]]:
    given = p.get("lines") or []
    if given and p.get("amount") is not None:
        raise invalid("You may only specify one of these parameters: amount, lines.", "amount")
    if p.get("amount") is not None:
        description = p.get("memo") or "Credit"
        return [_custom(sb, description, p["amount"], 1, [], None)]
    if not given:
        raise invalid("One of `amount`, `lines` or `shipping_cost` must be provided.", "lines")
    return [_line(sb, inv, line, f"lines[{i}]") for i, line in enumerate(given)]


def _line(sb: Sandbox, inv: dict[str, Any], line: dict[str, Any], name: str) -> dict[str, Any]:
    kind = line.get("type")
    if kind is None:
        raise invalid(
            f"Missing required param: {name}[type].", f"{name}[type]", "parameter_missing"
        )
    if kind == "custom_line_item":
        if line.get("unit_amount") is None or not line.get("description"):
            missing = "unit_amount" if line.get("unit_amount") is None else "description"
            raise invalid(
                f"Missing required param: {name}[{missing}].",
                f"{name}[{missing}]",
                "parameter_missing",
            )
        quantity = line.get("quantity") or 1
        rates = taxes.rates(sb, line.get("tax_rates"), f"{name}[tax_rates]")
        amount = line["unit_amount"] * quantity
        return _custom(sb, line["description"], amount, quantity, rates, line["unit_amount"])
    id = line.get("invoice_line_item")
    source = next((x for x in sb.store.lines[inv["id"]] if x["id"] == id), None)
    if source is None:
        raise invalid(
            f"The invoice line item '{id}' is not a line of invoice {inv['id']}.",
            f"{name}[invoice_line_item]",
        )
    whole = source["amount"]
    quantity = line.get("quantity")
    if line.get("amount") is not None:
        amount = line["amount"]
    elif quantity is not None:
        amount = whole * quantity // max(source["quantity"] or 1, 1)
    else:
        amount, quantity = whole, source["quantity"]
    left = whole - credited(sb, inv, source["id"])
    if amount <= 0 or amount > left:
        raise invalid(
            f"The amount to credit for line item {source['id']} ({amount}) must be greater "
            f"than 0 and at most what is left to credit on it ({left}).",
            f"{name}[amount]",
        )
    share = amount / whole if whole else 0
    cuts = [
        {"amount": round(c["amount"] * share), "discount": c["discount"]}
        for c in source["discount_amounts"]
    ]
    rows = [
        {**t, "amount": round(t["amount"] * share),
         "taxable_amount": round(t["taxable_amount"] * share)}
        for t in source["taxes"]
    ]  # fmt: skip
    obj = _base(sb, "invoice_line_item", source["description"], amount, quantity, cuts, rows)
    obj.update(invoice_line_item=source["id"], unit_amount=None, unit_amount_decimal=None)
    return obj


def _custom(
    sb: Sandbox, description: str, amount: int, quantity: int, rates: list[str], unit: int | None
) -> dict[str, Any]:
    obj = _base(sb, "custom_line_item", description, amount, quantity, [], [])
    del obj["invoice_line_item"]  # Stripe leaves it out of custom lines
    obj["taxes"] = taxes.line_taxes(sb, rates, amount)
    unit = amount if unit is None else unit
    obj.update(unit_amount=unit, unit_amount_decimal=str(unit))
    return obj


def _base(
    sb: Sandbox,
    kind: str,
    description: str | None,
    amount: int,
    quantity: int | None,
    cuts: list[dict[str, Any]],
    rows: list[dict[str, Any]],
) -> dict[str, Any]:
    obj = template("credit_note_line_item")
    obj.update(
        id=sb.store.new_id("credit_note_line_item"),
        amount=amount,
        description=description,
        discount_amount=sum(c["amount"] for c in cuts),
        discount_amounts=cuts,
        livemode=False,
        quantity=quantity,
        type=kind,
        pretax_credit_amounts=[],
        taxes=rows,
        metadata={},
    )
    return obj


def finish(sb: Sandbox, note: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    """The credit note's sums from its lines, and each line's tax rates."""
    totals: dict[str, dict[str, Any]] = {}
    discounts: dict[str, int] = {}
    for row in rows:
        row["tax_rates"] = [
            sb.store.objects["tax_rate"][t["tax_rate_details"]["tax_rate"]] for t in row["taxes"]
        ]
        for cut in row["discount_amounts"]:
            discounts[cut["discount"]] = discounts.get(cut["discount"], 0) + cut["amount"]
        taxes.add_up(totals, row["taxes"])
    subtotal = sum(row["amount"] for row in rows)
    discount = sum(discounts.values())
    added = sum(t["amount"] for t in totals.values() if t["tax_behavior"] == "exclusive")
    included = sum(t["amount"] for t in totals.values() if t["tax_behavior"] == "inclusive")
    total = subtotal - discount + added
    note.update(
        amount=total,
        discount_amount=discount,
        discount_amounts=[{"amount": a, "discount": d} for d, a in discounts.items()],
        subtotal=subtotal,
        subtotal_excluding_tax=subtotal - included,
        total=total,
        total_excluding_tax=subtotal - discount - included,
        total_taxes=list(totals.values()),
    )


def credited(sb: Sandbox, inv: dict[str, Any], line: str | None = None) -> int:
    """What the invoice's issued credit notes credit already: in all, or of one line."""
    done = 0
    for note in sb.store.objects["credit_note"].values():
        if note["invoice"] != inv["id"] or note["status"] != "issued":
            continue
        if line is None:
            done += note["amount"]
        else:
            rows = sb.store.credit_note_lines[note["id"]]
            done += sum(r["amount"] for r in rows if r.get("invoice_line_item") == line)
    return done
