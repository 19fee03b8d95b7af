// What the customer owes stands first: pure functions of the proxy's answers.

// The owed invoices still to pay (one paid from the portal stays in its place, marked paid).
export const unpaid = (owed) => ((owed && owed.data) || []).filter((i) => i.status === "open" && i.amount_remaining > 0);

// The total outstanding per currency; the proxy's own sums when it could not send every owed
// invoice (more than 100), else summed here so that a payment made in the portal counts at once.
export function outstanding(owed) {
  if (owed && owed.has_more) return owed.totals || [];
  const sums = {};
  for (const i of unpaid(owed)) sums[i.currency] = (sums[i.currency] || 0) + i.amount_remaining;
  return Object.entries(sums).map(([currency, amount_remaining]) => ({ currency, amount_remaining }));
}

// The list on screen: the owed invoices first, then the rest, newest first, without repeats.
export function ordered(owed, invoices) {
  const first = (owed && owed.data) || [];
  const ids = new Set(first.map((i) => i.id));
  return [...first, ...invoices.filter((i) => !ids.has(i.id))];
}

// What an invoice was for: its description, else its subscription's, else its number.
export function purpose(inv, subscriptions) {
  const sub = inv.subscription && (subscriptions || []).find((s) => s.id === inv.subscription);
  return inv.description || (sub && sub.description) || inv.number;
}

const BRANDS = { amex: "American Express", diners: "Diners Club", jcb: "JCB", unionpay: "UnionPay" };

// "Visa •••• 4242", as card statements and Stripe's own pages name a card; no-break spaces keep
// it on one line.
export function card(m) {
  if (!m) return "";
  const name = String(m.brand || m.type || "").replace(/_/g, " ");
  const brand = BRANDS[name] || name.replace(/^./, (c) => c.toUpperCase());
  return m.last4 ? `${brand}\u00a0••••\u00a0${m.last4}` : brand;
}
