"""A customer's tax IDs (`txi_...`): their types, the formats Stripe checks, test verification.

Stripe refuses a value that does not have its type's format with a 400 `tax_id_invalid`
("Invalid value for eu_vat."), and a type it does not know naming `type`. EU, UK VAT numbers and
Australian ABNs are verified against the government databases; in test mode the magic values
decide the outcome: digits all `0` verified, all `1` unverified, anything else stays pending.
Other types have no verification (`null`).
"""

from __future__ import annotations

import re
from typing import Any

from sandbox.errors import StripeError, missing
from sandbox.fixtures import deleted, template
from sandbox.params import EXPAND, LIST, check
from sandbox.state import Sandbox

TYPES = (
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
    "tz_vat ua_vat ug_tin us_ein uy_ruc uz_tin uz_vat ve_rif vn_tin za_vat zm_tin zw_tin"
).split()
# The EU VAT number of each member state (Greece is EL; XI is Northern Ireland).
EU_VAT = {
    "AT": r"U\d{8}", "BE": r"[01]\d{9}", "BG": r"\d{9,10}", "CY": r"\d{8}[A-Z]",
    "CZ": r"\d{8,10}", "DE": r"\d{9}", "DK": r"\d{8}", "EE": r"\d{9}", "EL": r"\d{9}",
    "ES": r"[A-Z0-9]\d{7}[A-Z0-9]", "FI": r"\d{8}", "FR": r"[A-HJ-NP-Z0-9]{2}\d{9}",
    "HR": r"\d{11}", "HU": r"\d{8}", "IE": r"\d{7}[A-W][A-IW]?|\d[A-Z+*]\d{5}[A-W]",
    "IT": r"\d{11}", "LT": r"\d{9}|\d{12}", "LU": r"\d{8}", "LV": r"\d{11}", "MT": r"\d{8}",
    "NL": r"\d{9}B\d{2}", "PL": r"\d{10}", "PT": r"\d{9}", "RO": r"\d{2,10}", "SE": r"\d{12}",
    "SI": r"\d{8}", "SK": r"\d{10}", "XI": r"\d{9}|\d{12}|GD\d{3}|HA\d{3}",
}  # fmt: skip
FORMATS = {
    "ae_trn": r"\d{15}",
    "au_abn": r"\d{11}",
    "au_arn": r"\d{12}",
    "br_cnpj": r"\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}",
    "br_cpf": r"\d{3}\.\d{3}\.\d{3}-\d{2}",
    "ca_bn": r"\d{9}",
    "ca_gst_hst": r"\d{9}RT\d{4}",
    "ca_qst": r"\d{10}TQ\d{4}",
    "ch_uid": r"CHE-\d{3}\.\d{3}\.\d{3}( HR)?",
    "ch_vat": r"CHE-\d{3}\.\d{3}\.\d{3} (MWST|TVA|IVA)",
    "es_cif": r"[A-Z]\d{8}",
    "eu_oss_vat": r"EU\d{9}",
    "gb_vat": r"GB(\d{9}|\d{12}|GD\d{3}|HA\d{3})",
    "hk_br": r"\d{8}",
    "il_vat": r"\d{9}",
    "in_gst": r"\d{2}[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[0-9A-Z]",
    "is_vat": r"\d{5,6}",
    "jp_cn": r"\d{13}",
    "jp_rn": r"\d{5}",
    "jp_trn": r"T\d{13}",
    "kr_brn": r"\d{3}-\d{2}-\d{5}",
    "li_uid": r"CHE\d{9}",
    "mx_rfc": r"[A-Z&Ñ]{3,4}\d{6}[A-Z0-9]{3}",
    "no_vat": r"\d{9}MVA",
    "nz_gst": r"\d{8,9}",
    "ru_inn": r"\d{10}|\d{12}",
    "ru_kpp": r"\d{9}",
    "sa_vat": r"\d{15}",
    "sg_gst": r"M\d{8}[A-Z]",
    "sg_uen": r"\d{9}[A-Z]|\d{10}[A-Z]",
    "th_vat": r"\d{13}",
    "tr_tin": r"\d{10}",
    "tw_vat": r"\d{8}",
    "us_ein": r"\d{2}-\d{7}",
    "za_vat": r"4\d{9}",
}
VERIFIED_TYPES = {"eu_vat", "gb_vat", "au_abn"}
_PATTERNS = {kind: re.compile(pattern) for kind, pattern in FORMATS.items()}
_EU = {country: re.compile(pattern) for country, pattern in EU_VAT.items()}
COUNTRIES = {"EL": "GR", "XI": "GB"}


def valid(kind: str, value: str) -> bool:
    if kind == "eu_vat":
        pattern = _EU.get(value[:2])
        return bool(pattern and pattern.fullmatch(value[2:]))
    pattern = _PATTERNS.get(kind)
    return bool(value.strip()) and (pattern is None or bool(pattern.fullmatch(value)))


def validate(kind: str, value: str, param: str) -> None:
    if not valid(kind, value):
        raise StripeError(400, f"Invalid value for {kind}.", param=param, code="tax_id_invalid")


def country_of(kind: str, value: str) -> str | None:
    if kind == "eu_vat":
        return COUNTRIES.get(value[:2], value[:2])
    if kind == "eu_oss_vat":
        return None
    return kind.split("_", 1)[0].upper()


def verification(kind: str, value: str) -> dict[str, Any] | None:
    if kind not in VERIFIED_TYPES:
        return None
    digits = re.sub(r"\D", "", value)
    status = (
        "verified" if digits and set(digits) == {"0"}
        else "unverified" if digits and set(digits) == {"1"}
        else "pending"
    )  # fmt: skip
    return {"status": status, "verified_address": None, "verified_name": None}


def create_tax_id(sb: Sandbox, customer: str, kind: str, value: str) -> dict[str, Any]:
    """A validated tax ID of a customer (`validate` first)."""
    store = sb.store
    obj = template("tax_id")
    obj.update(
        id=store.new_id("tax_id"),
        country=country_of(kind, value),
        created=store.now(),
        customer=customer,
        livemode=False,
        owner={"customer": customer, "type": "customer", "customer_account": None},
        type=kind,
        value=value,
        verification=verification(kind, value),
        customer_account=None,
    )
    return store.add("tax_id", obj)


def of(sb: Sandbox, customer: str) -> list[dict[str, Any]]:
    """A customer's tax IDs, oldest first, as an invoice lists them."""
    return [t for t in sb.store.objects["tax_id"].values() if t["customer"] == customer]


def _customer(sb: Sandbox, id: str) -> dict[str, Any]:
    obj = sb.store.get("customer", id)
    if id in sb.store.deleted:
        raise missing("customer", id)
    return obj


def _own(sb: Sandbox, customer: str, id: str) -> dict[str, Any]:
    obj = sb.store.objects["tax_id"].get(id)
    if obj is None or obj["customer"] != customer:
        raise missing("tax_id", id)
    return obj


def create(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, {**EXPAND, "type": tuple(TYPES), "value": "str"}, required=("type", "value"))
    customer = _customer(sb, ids["id"])
    validate(p["type"], p["value"], "value")
    obj = create_tax_id(sb, customer["id"], p["type"], p["value"])
    sb.emit("customer.tax_id.created", obj)
    return sb.store.render(obj, p.get("expand", ()))


def retrieve(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, EXPAND)
    customer = _customer(sb, ids["id"])
    return sb.store.render(_own(sb, customer["id"], ids["tax_id"]), p.get("expand", ()))


def delete(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    check(raw, {})
    customer = _customer(sb, ids["id"])
    obj = _own(sb, customer["id"], ids["tax_id"])
    sb.store.remove("tax_id", obj["id"])
    sb.emit("customer.tax_id.deleted", obj)
    return deleted("tax_id", obj["id"])


def listing(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, LIST)
    customer = _customer(sb, ids["id"])
    rows = [t for t in sb.store.ordered("tax_id") if t["customer"] == customer["id"]]
    page = sb.store.page("tax_id", rows, p, f"/v1/customers/{customer['id']}/tax_ids")
    return sb.store.render(page, p.get("expand", ()))


ROUTES = [
    ("POST", "/v1/customers/{id}/tax_ids", create),
    ("GET", "/v1/customers/{id}/tax_ids", listing),
    ("GET", "/v1/customers/{id}/tax_ids/{tax_id}", retrieve),
    ("DELETE", "/v1/customers/{id}/tax_ids/{tax_id}", delete),
]
