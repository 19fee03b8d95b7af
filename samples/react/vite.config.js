// The portal's script and proxy are the same for every visitor, so they are set at build time
// (VITE_* variables, which Vite puts into the bundle). The signed-in user's email and hash are
// not: the site's server makes them per visitor, with a secret the browser never sees. Here
// Vite's own dev and preview servers play that server, at /api/portal-identity.
import { createHmac } from "node:crypto";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react(), invoicePortal()],
});

function invoicePortal() {
  let env = {};
  return {
    name: "invoice-portal-sample",
    configResolved(config) {
      env = config.env;
    },
    // The portal's <script>, as the build printed it: async, with its integrity when given.
    transformIndexHtml() {
      for (const name of ["VITE_PORTAL_SCRIPT", "VITE_PORTAL_EDGE"]) {
        if (!env[name]) throw new Error(`${name} is not set: see README.md`);
      }
      const attrs = { src: env.VITE_PORTAL_SCRIPT, crossorigin: "anonymous", async: true };
      if (env.VITE_PORTAL_INTEGRITY) attrs.integrity = env.VITE_PORTAL_INTEGRITY;
      return [{ tag: "script", attrs, injectTo: "head" }];
    },
    configureServer(server) {
      server.middlewares.use("/api/portal-identity", identity);
    },
    configurePreviewServer(server) {
      server.middlewares.use("/api/portal-identity", identity);
    },
  };
}

// Your backend's part: who is signed in (SAMPLE_EMAIL stands in for your session), and an
// expiring hash for them: hex HMAC-SHA256 of "email:expires", keyed with the first of the
// proxy's PORTAL_HASH_SECRETS. The page asks again when the portal says `hash_expired`.
const LIFETIME_SECONDS = 15 * 60;

function identity(request, response) {
  const secret = (process.env.PORTAL_HASH_SECRETS || "").split(",")[0].trim();
  const email = process.env.SAMPLE_EMAIL || "jane@example.com";
  response.setHeader("Content-Type", "application/json");
  response.setHeader("Cache-Control", "no-store");
  if (!secret) {
    response.statusCode = 500;
    response.end(JSON.stringify({ error: "PORTAL_HASH_SECRETS is not set on the server" }));
    return;
  }
  const expires = Math.floor(Date.now() / 1000) + LIFETIME_SECONDS;
  const hash = createHmac("sha256", secret).update(`${email}:${expires}`).digest("hex");
  response.end(JSON.stringify({ email, hash, expires }));
}
