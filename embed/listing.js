// The list's further pages: "Load more" and the subscription switcher.
import { ProxyError } from "./client.js";
import { PAGE } from "./config.js";

// "Load more" needs a cursor: the proxy's, or the last invoice's id (Stripe's starting_after).
export function cursor(page) {
  const last = page.data[page.data.length - 1];
  return { hasMore: !!(page.has_more && last), cursor: page.next_cursor || (last && last.id) };
}

function query(el, extra) {
  const { scope, subscription } = el.state;
  return { limit: PAGE, scope, subscription: scope === "subscription" ? subscription : null, ...extra };
}

async function page(el, extra) {
  const got = await el.client.call("GET", "v1/invoices", { query: query(el, extra) });
  if (!Array.isArray(got.data)) throw new ProxyError("bad_response", "GET /v1/invoices: no data");
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

export async function switchTo(el, id) {
  const previous = el.state.subscription;
  el.set({ subscription: id, listLoading: true, notice: null });
  try {
    const { page: got, hasMore, cursor: next } = await page(el);
    if (el.state.subscription !== id) return;
    el.set({ invoices: got.data, hasMore, cursor: next, listLoading: false });
    el.emit("page_loaded", got, { subscription: id });
  } catch (e) {
    Object.assign(el.state, { subscription: previous, listLoading: false }); // the list shown is still the old one
    throw e;
  }
}
