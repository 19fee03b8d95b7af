import { useCallback, useEffect, useState } from "react";

const EDGE = import.meta.env.VITE_PORTAL_EDGE;
const LOCALES = ["auto", "en-US", "de-DE", "fr-FR"];

// The signed-in user's email and an expiring hash, made by the site's server: never in the browser.
async function fetchIdentity(signal) {
  const answer = await fetch("/api/portal-identity", { signal });
  if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
  return answer.json();
}

export function App() {
  const [identity, setIdentity] = useState(null);
  const [problem, setProblem] = useState(null);
  const [locale, setLocale] = useState("auto");
  const [status, setStatus] = useState("Loading your invoices…");
  const [heard, setHeard] = useState([]);

  const renew = useCallback((signal) => {
    fetchIdentity(signal).then(setIdentity, (error) => {
      if (!signal?.aborted) setProblem(`No identity from the server: ${error.message}`);
    });
  }, []);

  useEffect(() => {
    const ctl = new AbortController();
    renew(ctl.signal);
    return () => ctl.abort();
  }, [renew]);

  // React sets a prop as a property only when the element already has it; `handleResponse` is a
  // plain field the portal reads at each event (and the element may not be upgraded yet), so it
  // and the DOM listeners are put on the element here. A ref callback runs before the portal's
  // first event, which it dispatches in a microtask after being connected.
  const portal = useCallback(
    (element) => {
      element.handleResponse = ({ event }) => setHeard((events) => [...events, event]);
      const listeners = {
        "invoice-portal:post_load": ({ detail }) =>
          setStatus(
            detail.response.no_user
              ? "No invoices yet for this account."
              : `Portal loaded: ${detail.response.invoices.length} invoices`,
          ),
        "invoice-portal:payment_succeeded": ({ detail }) =>
          setStatus(`Payment received for ${detail.response.invoice.number}, thank you.`),
        // A fresh hash and expires from the server: new attributes, and the portal carries on.
        "invoice-portal:hash_expired": () => renew(),
        "invoice-portal:error": ({ detail }) => setStatus(`Portal error: ${detail.response?.code ?? "unknown"}`),
      };
      for (const [name, listener] of Object.entries(listeners)) element.addEventListener(name, listener);
      return () => {
        for (const [name, listener] of Object.entries(listeners)) element.removeEventListener(name, listener);
        element.handleResponse = null;
      };
    },
    [renew],
  );

  return (
    <main>
      <h1>Billing</h1>
      <label>
        Language{" "}
        <select value={locale} onChange={(event) => setLocale(event.target.value)}>
          {LOCALES.map((tag) => (
            <option key={tag}>{tag}</option>
          ))}
        </select>
      </label>
      <p role="status" id="portal-status">
        {problem ?? status}
      </p>
      {identity && (
        <invoice-portal
          ref={portal}
          edge={EDGE}
          email={identity.email}
          hash={identity.hash}
          expires={identity.expires}
          locale={locale}
        />
      )}
      <p id="portal-events">handleResponse saw: {heard.join(", ") || "nothing yet"}</p>
    </main>
  );
}
