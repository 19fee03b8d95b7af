// The Workers runtime, played by Node: Pyodide from npm, the proxy's wheel and its
// dependencies unpacked from local files, and an HTTP server in front that hands each request
// to edge.worker.on_fetch as a JavaScript Request, as Cloudflare does.
//
//   node tests/pyodide/worker_front.mjs CONFIG.json
//
// CONFIG.json: {"wheels": "<folder of .whl files>", "env": {<the Worker's vars and secrets>}}.
// Prints "listening on http://127.0.0.1:<port>" once the handler is imported and serving.
// GET /_front/fetches answers how many times Python called the runtime's fetch; a request
// with "X-Front-Bindings: none" reaches the Worker without any bindings. GET /_front/startup
// answers when each step of the start ended, in ms since Node started (the bench's cold start).
import { readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { loadPyodide } from "pyodide";

// performance.now() counts from the moment Node's process started.
const startup = { script: performance.now() };
const config = JSON.parse(readFileSync(process.argv[2], "utf8"));

// Counted before Pyodide starts: its `js.fetch` is this very function, so a Stripe call that
// took any other way (a socket) would leave the count short.
let fetches = 0;
const runtimeFetch = globalThis.fetch;
globalThis.fetch = (...args) => {
  fetches += 1;
  return runtimeFetch(...args);
};

const pyodide = await loadPyodide();
startup.pyodide = performance.now();
// Pure-Python wheels are zip files: unpacked into site-packages, with no package manager
// (the npm package ships without micropip, and with no index to download from).
for (const name of readdirSync(config.wheels).filter((n) => n.endsWith(".whl")).sort()) {
  pyodide.unpackArchive(new Uint8Array(readFileSync(join(config.wheels, name))), "wheel");
}
startup.unpacked = performance.now();
// An import error surfaces here, naming the module, before anything listens.
const onFetch = pyodide.pyimport("edge.worker").on_fetch;
startup.imported = performance.now();

// Hop-by-hop headers, and the ones fetch computes itself, do not go into a Request.
const UNSENT = new Set(["host", "connection", "keep-alive", "content-length", "transfer-encoding"]);

async function answer(incoming, outgoing) {
  if (incoming.url === "/_front/fetches" || incoming.url === "/_front/startup") {
    outgoing.writeHead(200, { "content-type": "application/json" });
    outgoing.end(JSON.stringify(incoming.url === "/_front/fetches" ? { fetches } : startup));
    return;
  }
  const chunks = [];
  for await (const chunk of incoming) chunks.push(chunk);
  const headers = new Headers();
  for (let i = 0; i < incoming.rawHeaders.length; i += 2) {
    const name = incoming.rawHeaders[i];
    if (!UNSENT.has(name.toLowerCase())) headers.append(name, incoming.rawHeaders[i + 1]);
  }
  headers.set("cf-connecting-ip", incoming.socket.remoteAddress);
  const hasBody = !["GET", "HEAD"].includes(incoming.method);
  const request = new Request(`http://${incoming.headers.host}${incoming.url}`, {
    method: incoming.method,
    headers,
    body: hasBody ? Buffer.concat(chunks) : undefined,
  });
  const env = incoming.headers["x-front-bindings"] === "none" ? {} : config.env;
  const response = await onFetch(request, env);
  const body = Buffer.from(await response.arrayBuffer());
  for (const [name, value] of response.headers) outgoing.appendHeader(name, value);
  outgoing.writeHead(response.status);
  outgoing.end(body);
}

const server = createServer((incoming, outgoing) => {
  answer(incoming, outgoing).catch((error) => {
    console.error(error);
    outgoing.writeHead(502, { "content-type": "text/plain" });
    outgoing.end(`the Worker failed: ${error}`);
  });
});
server.listen(0, "127.0.0.1", () => {
  startup.listening = performance.now();
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
