"""The customer's billing details: the name, address and tax IDs Stripe copies onto each invoice
when it finalizes it. Read and changed for the token's first customer, when the owner allows it.

Everything asked is checked here, as Stripe would check it, before the first Stripe call; a tax
ID value Stripe still refuses for its type comes back as 400 `tax_id_invalid` naming its place
in the list, and the tax IDs this change had created are taken back.
"""

from __future__ import annotations

import re
from typing import Any

from edge import customers
from edge.detail_schemas import ADDRESS_FIELDS
from edge.details import address
from edge.errors import ApiError, invalid, not_found
from edge.gateway import Gateway

Obj = dict[str, Any]
UPDATE_FIELDS = {"name", "address", "tax_ids"}
# Stripe's limits: a customer's name, each line of an address, how many tax IDs.
NAME_LENGTH = 256
ADDRESS_LENGTH = 5000
VALUE_LENGTH = 100
MAX_TAX_IDS = 25
COUNTRY = re.compile(r"[A-Za-z]{2}")
# Every type of tax ID Stripe takes (`POST /v1/customers/{id}/tax_ids`, `type`).
TAX_ID_TYPES = tuple(
    "ad_nrt ae_trn al_tin am_tin ao_tin ar_cuit au_abn au_acn au_arn au_wpn aw_tin az_tin "
    "ba_tin bb_tin bd_bin bf_ifu bg_uic bh_vat bj_ifu bo_tin br_cnpj br_cpf bs_tin bw_vat by_tin "
    "ca_bn ca_gst_hst ca_pst_bc ca_pst_mb ca_pst_sk ca_qst cd_nif ch_uid ch_vat ci_vat cl_tin "
    "cm_niu cn_tin co_nit cr_tin cv_nif cz_dic de_stn do_rcn ec_ruc eg_tin es_cif et_tin "
    "eu_oss_vat eu_vat fo_vat fr_siren fr_siret fr_spi gb_vat ge_vat gh_tin gi_tin gn_nif hk_br "
    "hr_oib hu_tin ic_nif id_npwp il_vat in_gst is_kt is_vat it_cf jp_cn jp_rn jp_trn ke_pin "
    "kg_tin kh_tin kr_brn kz_bin la_tin li_uid li_vat lk_vat ma_vat md_cf md_vat me_pib mk_vat "
    "mr_nif mu_vat mx_rfc my_frp my_itn my_sst mz_nuit ng_tin no_vat no_voec np_pan nz_bn "
    "nz_gst om_vat pe_ruc ph_tin pl_nip pt_nif py_ruc ro_tin rs_pib ru_inn ru_kpp sa_vat sg_gst "
    "sg_uen si_tin sm_coe sn_ninea sr_fin sv_nit th_vat tj_tin tr_tin tt_bir tt_vat tw_vat "
    "tz_vat ua_vat ug_tin us_ein uy_ruc uz_tin uz_vat ve_rif vn_tin za_vat zm_tin zw_tin".split()
)


def customer_of(customer_ids: tuple[str, ...]) -> str:
    """Whose details a token reads and changes: its first customer."""
    if not customer_ids:
        raise not_found()
    return customer_ids[0]


async def read(gateway: Gateway, customer_id: str) -> Obj:
    """The details as the customer sees them: one call for the customer (cached with the
    session's), one for the tax IDs."""
    found = await customers.by_id(gateway, customer_id)
    if not found:
        raise not_found()

    async def load() -> tuple[list[Obj], list[str]]:
        listed = await gateway.list_tax_ids(customer_id)
        return [_tax_id(t) for t in listed["data"]], [customer_id]

    tax_ids = await gateway.cache.fetch(("tax_ids", customer_id), load)
    customer = found[0]
    return {
        "name": customer.get("name"),
        "email": customer.get("email"),
        "address": address({k: v or None for k, v in (customer.get("address") or {}).items()}),
        "tax_ids": list(tax_ids),
        "tax_id_types": list(TAX_ID_TYPES),
    }


def _tax_id(found: Obj) -> Obj:
    verification = found.get("verification")
    status = verification.get("status") if isinstance(verification, dict) else None
    return {
        "id": found.get("id"),
        "type": found.get("type"),
        "value": found.get("value"),
        "country": found.get("country"),
        "verification": {"status": status} if status else None,
    }


def changes(given: Obj) -> Obj:
    """What the body asks to change, checked: `name` and `address` as Stripe takes them ("" to
    remove), `tax_ids` as (type, value) pairs. Absent fields stay as they are."""
    wanted: Obj = {}
    if "name" in given:
        wanted["name"] = _text(given["name"], "name", NAME_LENGTH)
    if "address" in given:
        wanted["address"] = _address(given["address"])
    if "tax_ids" in given:
        wanted["tax_ids"] = _tax_ids(given["tax_ids"])
    return wanted


def _text(value: Any, name: str, length: int) -> str:
    if value is not None and not isinstance(value, str):
        raise invalid(name, f"{name} must be text or null")
    text = str(value or "").strip()
    if len(text) > length:
        raise invalid(name, f"{name} must be at most {length} characters")
    return text


def _address(value: Any) -> Obj | str:
    if value is None:
        return ""
    if not isinstance(value, dict):
        raise invalid("address", "address must be an object of " + ", ".join(ADDRESS_FIELDS))
    for key in value:
        if key not in ADDRESS_FIELDS:
            raise invalid(f"address.{str(key)[:40]}", f"address has no field {str(key)[:40]!r}")
    lines = {f: _text(value.get(f), f"address.{f}", ADDRESS_LENGTH) for f in ADDRESS_FIELDS}
    if lines["country"] and not COUNTRY.fullmatch(lines["country"]):
        raise invalid("address.country", "address.country must be a 2-letter ISO code, like DE")
    lines["country"] = lines["country"].upper()
    return lines if any(lines.values()) else ""


def _tax_ids(value: Any) -> list[tuple[str, str]]:
    if not isinstance(value, list):
        raise invalid("tax_ids", "tax_ids must be a list of {type, value}")
    if len(value) > MAX_TAX_IDS:
        raise invalid("tax_ids", f"a customer has at most {MAX_TAX_IDS} tax IDs")
    wanted: list[tuple[str, str]] = []
    for n, entry in enumerate(value):
        if not isinstance(entry, dict) or set(entry) - {"type", "value"}:
            raise invalid(f"tax_ids[{n}]", f"tax_ids[{n}] must be an object of type and value")
        kind = entry.get("type")
        if kind not in TAX_ID_TYPES:
            raise invalid(f"tax_ids[{n}].type", f"tax_ids[{n}].type is not a Stripe tax ID type")
        text = _text(entry.get("value"), f"tax_ids[{n}].value", VALUE_LENGTH)
        if not text:
            raise invalid(f"tax_ids[{n}].value", f"tax_ids[{n}].value is required")
        if (kind, text) not in wanted:
            wanted.append((kind, text))
    return wanted


def calls(wanted: Obj, current: list[Obj]) -> int:
    """The Stripe calls `update` makes past reading the tax IDs."""
    pairs = wanted.get("tax_ids")
    profile = int("name" in wanted or "address" in wanted)
    if pairs is None:
        return profile
    have = [(t["type"], t["value"]) for t in current]
    return profile + sum(p not in have for p in pairs) + sum(h not in pairs for h in have)


async def current(gateway: Gateway, customer_id: str) -> list[Obj]:
    """The tax IDs as Stripe has them now (not cached: a change starts from these)."""
    return [_tax_id(t) for t in (await gateway.list_tax_ids(customer_id))["data"]]


async def update(gateway: Gateway, customer_id: str, wanted: Obj, have: list[Obj]) -> None:
    """Write what `changes` found: the new tax IDs first, then the name and address (if Stripe
    refuses either, the tax IDs just made are deleted again: nothing has changed), then the
    tax IDs no longer wanted deleted. The customer's cached answers are forgotten."""
    pairs = wanted.get("tax_ids")
    known = {(t["type"], t["value"]): t["id"] for t in have}
    profile: Obj = {k: wanted[k] for k in ("name", "address") if k in wanted}
    created: list[str] = []
    try:
        try:
            for n, (kind, value) in enumerate(pairs or []):
                if (kind, value) not in known:
                    made = await gateway.create_tax_id(customer_id, kind, value, f"tax_ids[{n}]")
                    created.append(made["id"])
            if profile:
                await gateway.update_customer(customer_id, profile)
        except ApiError:
            for tax_id in created:
                await gateway.delete_tax_id(customer_id, tax_id)
            raise
        for pair, tax_id in known.items():
            if pairs is not None and pair not in pairs:
                await gateway.delete_tax_id(customer_id, tax_id)
    finally:
        gateway.cache.forget([customer_id])
