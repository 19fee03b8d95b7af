"""Stripe's tax ID types are written twice: in the proxy (edge/billing_details.py), which may
not import the sandbox, and in the sandbox (sandbox/tax_ids.py). Both are the official SDK's."""

from __future__ import annotations

import typing

from stripe.params._customer_tax_id_create_params import CustomerTaxIdCreateParams

from edge.billing_details import TAX_ID_TYPES
from sandbox.tax_ids import TYPES


def sdk_types() -> list[str]:
    kinds = typing.get_args(typing.get_type_hints(CustomerTaxIdCreateParams)["type"])
    return [value for kind in kinds for value in typing.get_args(kind)]


def test_the_proxy_and_the_sandbox_take_every_tax_id_type_stripe_takes() -> None:
    assert sorted(TAX_ID_TYPES) == sorted(sdk_types())
    assert sorted(TYPES) == sorted(sdk_types())
