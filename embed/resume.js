// Back from Stripe's billing portal after a card update: the invoice it was for, still to pay,
// opens at its confirm step. What the page remembers across the portal (this tab only), and for
// how long.
import { unpaid } from "./owed.js";

const RESUME = "invoice-portal:resume";
const FRESH = 3600e3;

// Whether a marker waits, without the chunk that acts on it (embed/later.js).
export function waiting() {
  try {
    return !!sessionStorage.getItem(RESUME);
  } catch {
    return false;
  }
}

export function remember(marker) {
  try {
    sessionStorage.setItem(RESUME, JSON.stringify(marker));
  } catch {
    // storage refused (a sandboxed frame, a full quota): the customer finds the invoice first in the list
  }
}

export function resume(el, owed) {
  let marker;
  try {
    marker = JSON.parse(sessionStorage.getItem(RESUME) || "null");
    sessionStorage.removeItem(RESUME);
  } catch {
    return;
  }
  const fresh = marker && marker.edge === el.client.edge.href && Date.now() - marker.at < FRESH;
  const inv = fresh && unpaid(owed).find((i) => i.id === marker.invoice);
  if (inv) el.act.payRow(inv);
}
