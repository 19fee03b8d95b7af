// The on-demand chunk (embed/later.js): what first paint does not need, loaded right after it
// (or at the first click that needs it) as a classic <script> from beside this one, with the
// integrity build.py computed, so a CDN cannot swap it any more than it can this script.
/* global LATER */
import { ProxyError } from "./client.js";

// A classic script (async or not) has document.currentScript while its top level runs; a module
// script or a copy inlined by a bundler has not, and is found by its address if it can be.
const script = /** @type {HTMLScriptElement | null} */ (
  document.currentScript || document.querySelector('script[src*="invoice-portal"]')
);
export const BASE = new URL(".", (script && script.src) || location.href);

/** @type {Promise<any> | null} */
let loading = null;
let api = null;
/** @type {((api: any) => void)[]} */
const arrivals = [];

// `fn(api)` when the chunk has run, awaited before anything uses it (its English joins the
// first's); fn must not reject.
export const whenLoaded = (fn) => arrivals.push(fn);

// What the chunk gave, once it has run; null before.
export const loaded = () => api;

// Resolves to the chunk's functions; a failure (404, offline, integrity mismatch) rejects with
// chunk_unavailable and is forgotten, so the next call tries again.
export function later() {
  if (!loading) {
    const tag = document.createElement("script");
    tag.src = new URL(LATER.file, BASE).href;
    // Subresource integrity on a cross-origin script needs a CORS fetch: the CDN's
    // Access-Control-Allow-Origin, as for the first chunk.
    tag.integrity = LATER.integrity;
    tag.crossOrigin = "anonymous";
    // A page whose CSP allows scripts by nonce allowed ours by it: the chunk carries the same.
    if (script && script.nonce) tag.nonce = script.nonce;
    loading = new Promise((resolve, reject) => {
      tag.onload = () => {
        const got = /** @type {any} */ (tag).invoicePortal;
        if (!got) return tag.onerror(null);
        // What arrives with the chunk (each locale's second file) is there before it is used.
        Promise.all(arrivals.map((fn) => fn(got))).then(() => resolve((api = got)));
      };
      tag.onerror = () => {
        tag.remove();
        loading = null;
        reject(new ProxyError("chunk_unavailable", `${tag.src} did not load`));
      };
    });
    document.head.append(tag);
  }
  return loading;
}
