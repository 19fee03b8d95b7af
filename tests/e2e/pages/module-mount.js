// Mounts the portal from code, as a framework component would: load the CDN script,
// then hand it a settings object (snake_case, as hosted portals take it) and a callback.
const target = document.getElementById("billing");
const settings = target.dataset;

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.crossOrigin = "anonymous";
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(script);
  });
}

window.hostResponses = [];
await loadScript(`${settings.cdn}/invoice-portal.js`);
window.mountedPortal = window.InvoicePortal.mount(target, {
  edge: settings.edge,
  email: settings.email,
  hash: settings.hash,
  show_all_invoices: true,
  handleResponse: ({ event }) => window.hostResponses.push(event),
});
