// The site's own script: it hears the portal through handleResponse and its DOM events.
const portal = document.querySelector("invoice-portal");
const status = document.getElementById("portal-status");
const events = document.getElementById("portal-events");
const heard = [];

portal.handleResponse = ({ event }) => {
  heard.push(event);
  events.textContent = `handleResponse saw: ${heard.join(", ")}`;
};

portal.addEventListener("invoice-portal:post_load", ({ detail }) => {
  status.textContent = detail.response.no_user
    ? "No invoices yet for this account."
    : `Portal loaded: ${detail.response.invoices.length} invoices`;
});
portal.addEventListener("invoice-portal:payment_succeeded", ({ detail }) => {
  status.textContent = `Payment received for ${detail.response.invoice.number}, thank you.`;
});
portal.addEventListener("invoice-portal:error", ({ detail }) => {
  status.textContent = `Portal error: ${detail.response?.code ?? "unknown"}`;
});

// The hash ran out while the page was open: a fresh one from the server, and the portal carries on.
portal.addEventListener("invoice-portal:hash_expired", async () => {
  const answer = await fetch("/portal-identity", { cache: "no-store" });
  if (!answer.ok) return;
  const { hash, expires } = await answer.json();
  portal.setAttribute("hash", hash);
  portal.setAttribute("expires", String(expires));
});
