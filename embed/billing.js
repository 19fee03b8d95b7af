// The customer's billing details (part of the on-demand chunk, embed/later.js): name, address
// and tax IDs, which Stripe copies onto each invoice it finalizes. Loaded when the panel first
// opens; saved in one request with the full set of tax IDs wanted (the proxy deletes the others
// and creates the new ones). What the customer typed stays in its fields when the proxy refuses
// it, the refusal next to the field it names.
import { h } from "./dom.js";
import { failure } from "./failures.js";
import { skeleton } from "./parts.js";
import { field, mark } from "./filters.js";

// ISO 3166-1 alpha-2 (and XK, Kosovo, which Stripe takes), by first letter; named by Intl.
const COUNTRIES = ("ADEFGILMOQRSTUWXZ BABDEFGHIJLMNOQRSTVWYZ CACDFGHIKLMNORUVWXYZ DEJKMOZ ECEGHRST FIJKMOR " +
  "GABDEFGHILMNPQRSTUWY HKMNRTU IDELMNOQRST JEMOP KEGHIMNPRWYZ LABCIKRSTUVY MACDEFGHKLMNOPQRSTUVWXYZ " +
  "NACEFGILOPRUZ OM PAEFGHKLMNRSTWY QA REOSUW SABCDEGHIJKLMNORSTVXYZ TCDFGHJKLMNORTVWZ UAGMSYZ VACEGINU WFS XK YET ZAMW")
  .split(" ")
  .flatMap((group) => [...group.slice(1)].map((c) => group[0] + c));

const ADDRESS = ["line1", "line2", "city", "postal_code", "state"];
const AUTOCOMPLETE = { line1: "address-line1", line2: "address-line2", city: "address-level2", postal_code: "postal-code", state: "address-level1" };

// A country's name in the portal's language; the code itself where Intl has none.
function namer(s) {
  const names = new Intl.DisplayNames(s.format, { type: "region", fallback: "code" });
  return (code) => {
    try {
      return names.of(code) || code;
    } catch {
      return code;
    }
  };
}

// Stripe's types are <country>_<kind>: "eu_vat" reads "European Union VAT (eu_vat)".
export function taxLabel(type, name) {
  const [country, ...kind] = type.split("_");
  return `${name(country.toUpperCase())} ${kind.join(" ").toUpperCase()} (${type})`;
}

const option = (value, text, on) => h("option", { value, selected: on }, text);

export function billing(el, s) {
  const name = namer(s);
  const sorted = (list, label) => list.map((v) => [v, label(v)]).sort((a, b) => a[1].localeCompare(b[1], s.format));
  let serial = 0;
  const error = () => h("span", { class: "err", id: `b-e${serial++}`, hidden: true });
  const input = (k, extra) => h("input", { type: "text", "data-k": `b-${k}`, ...extra });

  const fields = {
    name: input("name", { autocomplete: "name" }),
    ...Object.fromEntries(ADDRESS.map((k) => [k, input(k, { autocomplete: AUTOCOMPLETE[k] })])),
    country: h("select", { "data-k": "b-country", autocomplete: "country" }, option("", s.t("billing.no_country")), sorted(COUNTRIES, name).map(([c, n]) => option(c, n))),
  };
  const errors = Object.fromEntries(Object.keys(fields).map((k) => [k, error()]));
  const labelled = (k) => field(s.t(`billing.${k}`), fields[k], errors[k]);
  /** @type {{id?: string, type: string, value: string, node: HTMLElement, input?: HTMLInputElement, kind?: HTMLSelectElement, error?: HTMLElement}[]} */
  let rows = [];
  let types = [];
  const list = h("ul", { class: "taxes" });
  const add = h("button", { type: "button", class: "btn", part: "button add-tax-id-button", "data-k": "b-add", click: () => newRow() }, s.t("billing.add_tax_id"));
  const save = h("button", { type: "submit", class: "btn primary", part: "button save-billing-button", "data-k": "b-save" }, s.t("billing.save"));
  const outcome = h("p", { role: "status", class: "outcome" });
  const form = h(
    "form",
    {
      novalidate: true, // the proxy checks, in the portal's language, next to each field
      hidden: true,
      submit: (e) => {
        e.preventDefault();
        el.guard(store());
      },
    },
    h("div", { class: "fields" }, labelled("name")),
    h("fieldset", null, h("legend", null, s.t("billing.address")), h("div", { class: "fields" }, labelled("line1"), labelled("line2"), labelled("city"), labelled("postal_code"), labelled("state"), labelled("country"))),
    h("fieldset", null, h("legend", null, s.t("billing.tax_ids")), list, add),
    h("div", { class: "actions" }, save),
  );
  const waiting = skeleton(3);
  const retry = h("button", { type: "button", class: "btn", part: "button retry-button", "data-k": "b-retry", hidden: true, click: () => load() }, s.t("action.retry"));
  const node = h(
    "section",
    { class: "panel", part: "billing-details", "aria-labelledby": "bh" },
    h("h3", { id: "bh" }, s.t("billing.toggle")),
    h("p", { class: "meta" }, s.t("billing.text")),
    waiting,
    form,
    outcome,
    retry,
  );

  const remove = (row) => {
    const at = rows.indexOf(row);
    rows.splice(at, 1);
    row.node.remove();
    const next = rows[at] || rows[at - 1];
    (next ? /** @type {HTMLElement} */ (next.node.querySelector("button")) : add).focus();
  };
  const removeButton = (row, described) =>
    h("button", { type: "button", class: "link", part: "remove-tax-id-button", "aria-describedby": described, click: () => remove(row) }, s.t("billing.remove"));

  // A saved tax ID: its type, value and verification, as text; it can only be removed.
  function savedRow(t) {
    const row = { id: t.id, type: t.type, value: t.value, node: null };
    const id = `b-t${serial++}`;
    const check = t.verification && t.verification.status;
    row.node = h(
      "li",
      null,
      h("span", { id }, h("span", { class: "meta" }, `${taxLabel(t.type, name)} `), t.value),
      check && s.has(`billing.${check}`) && h("span", { class: `badge ${check === "verified" ? "paid" : check === "pending" ? "open" : "uncollectible"}` }, s.t(`billing.${check}`)),
      removeButton(row, id),
    );
    return row;
  }

  // A new one: type and value to fill in, sent with the next save.
  function newRow() {
    const country = fields.country.value.toLowerCase();
    const guess = types.find((t) => country && t.startsWith(`${country}_`)) || (types.includes("eu_vat") ? "eu_vat" : types[0]);
    const kind = /** @type {HTMLSelectElement} */ (h("select", { "data-k": `b-type${serial}` }, sorted(types, (t) => taxLabel(t, name)).map(([t, label]) => option(t, label, t === guess))));
    const value = /** @type {HTMLInputElement} */ (input(`value${serial}`, { autocomplete: "off" }));
    const row = { type: "", value: "", node: null, kind, input: value, error: error() };
    row.node = h("li", { class: "new" }, h("div", { class: "fields" }, field(s.t("billing.tax_type"), kind), field(s.t("billing.tax_value"), value, row.error)), removeButton(row, null));
    rows.push(row);
    list.append(row.node);
    value.focus();
  }

  function fill(d) {
    fields.name.value = d.name || "";
    const address = d.address || {};
    for (const k of [...ADDRESS, "country"]) fields[k].value = address[k] || "";
    types = Array.isArray(d.tax_id_types) ? d.tax_id_types : types;
    rows = (d.tax_ids || []).map(savedRow);
    list.replaceChildren(...rows.map((r) => r.node));
    add.hidden = !types.length;
  }

  async function load() {
    retry.hidden = true;
    waiting.hidden = false;
    outcome.textContent = "";
    try {
      fill(await el.client.call("v1/billing_details"));
      form.hidden = false;
    } catch (e) {
      if (!el.client.signal.aborted) show(e, true);
    } finally {
      waiting.hidden = true;
    }
  }

  function show(e, again) {
    const { code, message } = failure(e);
    el.log(`billing details: ${code}: ${message}`);
    el.emit("error", { code, message });
    outcome.textContent = s.t(failure(e).key);
    retry.hidden = !again;
  }

  // The field a refusal's `param` names: `tax_ids[2]` (the third sent), `address.country`.
  function fieldOf(e, sent) {
    const param = String((e.body && e.body.param) || "");
    const named = /^tax_ids\[(\d+)\]/.exec(param);
    const row = named && sent[Number(named[1])];
    if (row) return row.input ? [row.input, row.error] : null;
    const key = param.replace(/^address\./, "");
    return Object.keys(errors).includes(key) ? [fields[key], errors[key]] : null;
  }

  let saving = false;
  async function store() {
    if (saving) return;
    for (const k of Object.keys(fields)) mark(fields[k], errors[k], null);
    for (const r of rows) if (r.input) mark(r.input, r.error, null);
    const sent = rows.filter((r) => r.id || r.input.value.trim());
    const address = Object.fromEntries([...ADDRESS, "country"].map((k) => [k, fields[k].value.trim()]));
    const body = {
      name: fields.name.value.trim(),
      address, // all empty: the proxy removes it
      tax_ids: sent.map((r) => (r.input ? { type: r.kind.value, value: r.input.value.trim() } : { type: r.type, value: r.value })),
    };
    saving = true;
    save.setAttribute("aria-disabled", "true");
    save.textContent = s.t("billing.saving");
    outcome.textContent = "";
    try {
      const d = await el.client.call("v1/billing_details/update", body);
      const focusSave = rows.some((r) => r.node.contains(/** @type {ShadowRoot} */ (node.getRootNode()).activeElement));
      fill(d);
      if (focusSave) save.focus(); // the row it was in is now a saved one
      outcome.textContent = s.t("billing.saved");
      el.emit("billing_details_updated", { name: d.name, address: d.address, tax_ids: d.tax_ids });
    } catch (e) {
      if (el.client.signal.aborted) return;
      const target = (e.code === "tax_id_invalid" || e.code === "invalid_request") && fieldOf(e, sent);
      if (!target) return show(e, false);
      el.emit("error", { code: e.code, message: e.message });
      mark(target[0], target[1], s.t(e.code === "tax_id_invalid" ? "billing.tax_id_invalid" : "billing.invalid"));
      target[0].focus();
    } finally {
      saving = false;
      save.removeAttribute("aria-disabled");
      save.textContent = s.t("billing.save");
    }
  }

  let loaded = false;
  return {
    node,
    label: () => s.t("billing.toggle"),
    update() {},
    opened() {
      if (!loaded) (loaded = true), load();
    },
  };
}
