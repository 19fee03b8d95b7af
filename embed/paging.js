// The list's other pages (part of the on-demand chunk, embed/later.js): "Load more", and another
// first page in place of the list: another subscription's, a month's (embed/jump.js), the
// filters' (embed/filters.js), the newest again.
import { ProxyError } from "./client.js";
import { PAGE } from "./config.js";
import { cursor } from "./listing.js";

// A jump's or the filters' bound (`created`) and status hold for its further pages too.
function query(el, extra) {
  const { scope, subscription, created, status } = el.state;
  return { limit: PAGE, scope, subscription: scope === "subscription" ? subscription : null, created, status, ...extra };
}

async function page(el, extra) {
  const got = await el.client.call("v1/invoices", query(el, extra));
  if (!Array.isArray(got.data)) throw new ProxyError("bad_response", "POST /v1/invoices: no data");
  return { page: got, ...cursor(got) };
}

export async function more(el) {
  if (el.state.busy) return;
  el.set({ busy: "more", notice: null });
  const { page: got, hasMore, cursor: next } = await page(el, { starting_after: el.state.cursor });
  const first = got.data[0];
  el.focusKey = first ? `row:${first.id}` : null;
  el.set({ invoices: [...el.state.invoices, ...got.data], hasMore, cursor: next, busy: null });
  el.announce(el.strings.t("list.loaded", { count: got.data.length }));
  el.emit("page_loaded", got, { subscription: query(el).subscription });
}

// A new first page (another subscription, a month, the newest again) in place of the list; on
// failure the list shown stays, with what it was of.
export async function replaceList(el, patch) {
  const before = { subscription: el.state.subscription, created: el.state.created, status: el.state.status };
  const mine = (el.listing = {}); // a later switch or jump wins
  el.set({ ...patch, busy: "list", listLoading: true, notice: null });
  try {
    const { page: got, hasMore, cursor: next } = await page(el);
    if (el.listing !== mine) return null;
    el.set({ invoices: got.data, hasMore, cursor: next, listLoading: false, busy: null });
    return got;
  } catch (e) {
    if (el.listing === mine) Object.assign(el.state, before, { listLoading: false, busy: null });
    throw e;
  }
}

export async function switchTo(el, id) {
  const got = await replaceList(el, { subscription: id, created: null });
  if (got) el.emit("page_loaded", got, { subscription: id });
}
