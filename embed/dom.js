// Building nodes. Every string becomes a text node (append with a string, never innerHTML), so
// nothing from Stripe, the customer or a translation file is ever parsed as markup.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (typeof v === "function") el.addEventListener(k, v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  el.append(...children.flat(2).filter((c) => c != null && c !== false));
  return el;
}

// Only http(s) addresses from the proxy are followed or linked (never javascript:).
export function safeUrl(url) {
  try {
    const u = new URL(url);
    return /^https?:$/.test(u.protocol) ? u.href : null;
  } catch {
    return null;
  }
}

// aria-disabled rather than disabled: a disabled button drops the keyboard focus.
export const busyFlag = (busy) => (busy ? "true" : null);
