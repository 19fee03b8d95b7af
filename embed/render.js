// Rendering is a function of state, with one exception for speed: the list is kept between
// paints. Its rows are keyed by invoice and reused while their invoice (the same object) and the
// strings are, so a new page adds only its own rows and no other change rebuilds the rest: a
// click costs the same with 10 rows or 5,000. An open invoice hides the list rather than
// dropping it (going back costs nothing, and no detached tree is kept).
import { h } from "./dom.js";
import { ordered, outstanding, purpose, unpaid } from "./owed.js";
import { badge, errorView, plain, skeleton } from "./parts.js";
import { loaded } from "./chunk.js";

export { h };

// The notice (payment results, failed actions) lives in one persistent live region, so that
// screen readers announce each change; this fills it: a text, then a link or a way to retry.
export function notice(el, n, s) {
  el.className = n ? `notice ${n.kind}` : "";
  const link = n && n.link && h("a", { href: n.link, target: "_blank", rel: "noopener", "data-k": "link" }, n.linkText);
  const retry = n && n.retry && h("button", { class: "link", part: "retry-button", "data-k": "retry", click: n.retry }, s.t("action.retry"));
  el.replaceChildren(...(n ? [n.text, (link || retry) && n.text ? " " : "", link || retry || ""] : []));
}

function switcher(state, s, act) {
  const subs = state.session.subscriptions || [];
  if (state.scope !== "subscription" || subs.length < 2) return null;
  return h(
    "label",
    { part: "switcher" },
    s.t("list.subscription"),
    h(
      "select",
      { "data-k": "sub", change: (e) => act.subscription(e.target.value) },
      subs.map((sub) =>
        h(
          "option",
          { value: sub.id, selected: sub.id === state.subscription },
          s.t("list.subscription_option", { name: sub.description || sub.id, date: s.date(sub.created) }),
        ),
      ),
    ),
  );
}

function row(inv, state, s, act) {
  const due = inv.status === "open" && inv.due_date;
  const payable = state.session.features.pay && inv.status === "open" && inv.amount_remaining > 0;
  const what = purpose(inv, state.session.subscriptions);
  return h(
    "li",
    null,
    h(
      "button",
      { class: "row", part: "row", "data-k": `row:${inv.id}`, click: () => act.open(inv) },
      h("span", { class: "what", id: `a:${inv.id}` }, what || s.t("invoice.untitled")),
      h("span", { class: "amt" }, s.amount(inv.total, inv.currency)),
      h(
        "span",
        { class: "meta" },
        [what !== inv.number && inv.number, s.date(inv.created), due && s.t("list.due", { date: s.date(inv.due_date) })]
          .filter(Boolean)
          .join(" · "),
        inv.payment_failed && h("span", { class: "late" }, ` · ${s.t("list.payment_failed")}`),
      ),
      badge(inv, s),
    ),
    payable &&
      h(
        "button",
        { class: "btn primary", part: "button row-pay-button", "data-k": `pay:${inv.id}`, "aria-describedby": `a:${inv.id}`, click: () => act.payRow(inv) },
        s.t("action.pay_row"),
      ),
  );
}

// The banner: the total outstanding, per currency.
function banner(state, s) {
  const totals = outstanding(state.owed);
  if (!totals.length) return null;
  const owed = unpaid(state.owed);
  const late = owed.filter((i) => i.past_due).length;
  return h(
    "div",
    { class: "owed", part: "owed" },
    h("h3", null, s.t("owed.title")),
    h("p", { class: "big" }, totals.map((t) => s.amount(t.amount_remaining, t.currency)).join(" + ")),
    h(
      "p",
      { class: "meta" },
      s.t("owed.count", { count: owed.length }),
      late ? h("span", { class: "late" }, ` · ${s.t("owed.past_due", { count: late })}`) : null,
    ),
  );
}

// The list section, made once per load; `update` touches only what changed.
class List {
  constructor(act) {
    this.act = act;
    this.top = h("div", { class: "slot" });
    this.ul = h("ul", { part: "list" });
    this.body = h("div", { class: "slot" });
    this.more = h("button", { class: "btn more", part: "button more-button", "data-k": "more", click: act.more });
    this.jump = h("div", { class: "slot" });
    this.tools = h("div", { class: "slot" });
    this.tail = h("div", { class: "slot" }, this.more, this.jump);
    this.section = h("section", { "aria-labelledby": "title" }, this.top, this.tools, this.body, this.tail);
    /** @type {Map<string, {inv: any, node: HTMLElement}>} */
    this.rows = new Map();
    this.strings = null;
    this.jumpKey = "";
    this.shows = [];
  }

  update(state, s) {
    const act = this.act;
    const later = loaded();
    // The top (title, switcher, plan strip, banner) is made again only when what it shows changed.
    const top = [s, state.owed, state.subscription, state.busy, later];
    if (top.some((v, i) => v !== this.shows[i])) {
      this.shows = top;
      const title = h("h2", { id: "title", part: "title" }, s.t("list.title"));
      // The plan strip's actions lead to Stripe's portal: it comes with the on-demand chunk.
      const strip = later && later.plan(state, s, act);
      this.top.replaceChildren(h("div", { class: "bar" }, title, switcher(state, s, act)), strip || "", banner(state, s) || "");
    }
    // Filters, downloads, billing details (the chunk's), and what a list filtered empty says.
    const unmatched = later && act.tools(this.tools);
    if (state.listLoading) this.section.setAttribute("aria-busy", "true");
    else this.section.removeAttribute("aria-busy");
    // After a jump the list is that month's and older, filtered it is what the filters let
    // through: what is owed is in the banner, not on top.
    const invoices = ordered(state.created || state.status ? null : state.owed, state.invoices);
    if (!state.listLoading) this.keyed(invoices, state, s);
    const body = state.listLoading ? skeleton(4) : invoices.length ? this.ul : unmatched || plain("empty", s.t("list.empty_title"), s.t("list.empty"));
    if (this.body.firstChild !== body) this.body.replaceChildren(body);
    this.more.hidden = !state.hasMore || !!state.listLoading;
    if (state.busy) this.more.setAttribute("aria-disabled", "true");
    else this.more.removeAttribute("aria-disabled");
    this.more.textContent = s.t(state.busy === "more" ? "list.loading_more" : "list.more");
    // The jump control, from the on-demand chunk: when there is more than a page, or a jump to leave.
    const key = later && (state.hasMore || state.created) ? `${s.locale}|${s.format}|${state.created && (state.created.lt || state.created.lte)}` : "";
    if (key !== this.jumpKey) this.jump.replaceChildren((this.jumpKey = key) ? later.jumper(state, s, act) : "");
  }

  // Rows in order with as few DOM changes as possible: a kept row stays where it is, a changed
  // invoice's row is replaced in place, new rows go in before the first row that follows them.
  keyed(invoices, state, s) {
    if (s !== this.strings) this.rows = new Map();
    this.strings = s;
    const next = new Map();
    /** @type {ChildNode | null} */
    let at = this.ul.firstChild;
    for (const inv of invoices) {
      const kept = this.rows.get(inv.id);
      let node = kept && kept.node;
      if (!kept || kept.inv !== inv) {
        node = row(inv, state, s, this.act);
        if (kept && kept.node === at) at.replaceWith((at = node));
      }
      next.set(inv.id, { inv, node });
      if (node === at) at = at.nextSibling;
      else this.ul.insertBefore(node, at);
    }
    while (at) {
      const gone = at;
      at = at.nextSibling;
      gone.remove();
    }
    this.rows = next;
  }
}

export class View {
  constructor(main, act) {
    this.main = main;
    this.act = act;
    this.list = null;
    this.other = h("div");
  }

  update(state, s) {
    const act = this.act;
    if (state.phase !== "ready") {
      this.list = null;
      const view =
        state.phase === "loading"
          ? h("div", { "aria-busy": "true", part: "loading" }, h("span", { class: "sr" }, s.t("loading")), skeleton(5))
          : errorView(state.error, s, act.retry);
      return this.main.replaceChildren(view);
    }
    if (!this.list) {
      this.list = new List(act);
      this.main.replaceChildren(this.other, this.list.section); // an open invoice first, the hidden list after
    }
    this.list.update(state, s);
    this.list.section.hidden = !!state.open;
    // An invoice is open only once the chunk that shows it is here (element.js, open()).
    this.other.replaceChildren(...(state.open ? [loaded().detail(state, s, act)] : []));
  }

  // The element the focus goes back to: a row's found from the row map, not by a search.
  find(key) {
    const kept = this.list && /^(row|pay):/.test(key) && this.list.rows.get(key.replace(/^\w+:/, ""));
    const found = (kept ? kept.node : this.main.parentNode).querySelector(`[data-k="${CSS.escape(key)}"]`);
    return found instanceof HTMLElement ? found : null;
  }
}
