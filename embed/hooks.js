// The host page hears every event twice: through `handleResponse` (read at each event, so one
// assigned before the element upgraded works) and as a DOM CustomEvent `invoice-portal:<event>`.
// Whatever a hook throws or rejects stays here: it never reaches the page as an uncaught error.

// How long a cancelable event waits for the host's answer before it counts as a "no": room for
// a request to the site's own server or a short confirmation, while a hook that never settles
// cannot leave the portal busy for good (the visitor can click again).
export const HOOK_TIMEOUT = 60000;

const name = (detail) => `invoice-portal:${detail.event}`;

// What handleResponse returned, as a promise: a throw and a rejection are the same answer.
function handler(el, detail) {
  try {
    return typeof el.handleResponse === "function" ? Promise.resolve(el.handleResponse(detail)) : null;
  } catch (e) {
    return Promise.reject(e);
  }
}

// An event the portal acts on regardless: a returned promise is not awaited, only kept from
// becoming an unhandled rejection.
export function emit(el, detail, log) {
  const answer = handler(el, detail);
  if (answer) answer.catch((e) => log(`handleResponse failed for ${detail.event}; it cannot cancel it:`, e));
  el.dispatchEvent(new CustomEvent(name(detail), { detail, bubbles: true, composed: true }));
}

// As emit, for an event whose default a DOM listener may stop with preventDefault()
// (upsell_clicked: the portal follows the owner's address): false when one did. Its own
// function, not a flag of emit, so that the first chunk does not carry it.
export function emitCancelable(el, detail, log) {
  const answer = handler(el, detail);
  if (answer) answer.catch((e) => log(`handleResponse failed for ${detail.event}:`, e));
  return el.dispatchEvent(new CustomEvent(name(detail), { detail, bubbles: true, composed: true, cancelable: true }));
}

// An event the host may refuse (pre_payment): resolves to null to go on, or to the refusal,
// `{by, error?, timeout?}`. handleResponse refuses by throwing or returning a promise that
// rejects; a DOM listener by preventDefault(), or later through `detail.waitUntil(promise)`,
// a service worker's ExtendableEvent.waitUntil() for the same need: preventDefault() has to be
// called during dispatch, so without it a listener that must ask its server could not say no.
export async function ask(el, detail, ms = HOOK_TIMEOUT) {
  const waits = [];
  const refuse = (by) => (error) => Promise.reject({ by, error });
  let dispatching = true;
  // Not enumerable: a host that clones the detail (postMessage, structuredClone) still can.
  Object.defineProperty(detail, "waitUntil", {
    configurable: true,
    value(promise) {
      if (!dispatching) throw new DOMException("waitUntil() must be called while the event is dispatched", "InvalidStateError");
      waits.push(Promise.resolve(promise).catch(refuse("a listener's waitUntil() promise")));
    },
  });
  const answer = handler(el, detail);
  if (answer) waits.push(answer.catch(refuse("handleResponse")));
  const go = el.dispatchEvent(new CustomEvent(name(detail), { detail, bubbles: true, composed: true, cancelable: true }));
  dispatching = false;
  if (!go) waits.push(refuse("a listener's preventDefault()")());
  let timer;
  const late = new Promise((_, no) => {
    timer = setTimeout(no, ms, { by: `no answer within ${ms / 1000} s`, timeout: true });
  });
  try {
    await Promise.race([Promise.all(waits), late]);
    return null;
  } catch (refusal) {
    return refusal;
  } finally {
    clearTimeout(timer);
  }
}
