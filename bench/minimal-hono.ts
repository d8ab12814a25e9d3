/**
 * The router's own cost for `npm run bench`: the least a Hono app on @hono/node-server does for a
 * createChat answer (route, read and parse the JSON body, a fixed 200), the same work as
 * bench/bare-node-http.ts. The mock's targets are ratios to this server, since the mock serves
 * through Hono. Run as its own process: `node <build>/bench/minimal-hono.js --port <n>`.
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { parseArgs } from "node:util";
import { CREATE_CHAT_ANSWER_TEXT, CREATE_CHAT_ROUTE } from "./request.js";

const { values } = parseArgs({ options: { port: { type: "string", default: "0" } } });

const app = new Hono();
app.post(CREATE_CHAT_ROUTE, async (c) => {
  await c.req.json();
  return c.body(CREATE_CHAT_ANSWER_TEXT, 200, { "Content-Type": "application/json" });
});

const server = serve({ fetch: app.fetch, port: Number(values.port), hostname: "127.0.0.1" }, (info) => {
  process.stdout.write(`minimal Hono listening on http://127.0.0.1:${info.port}\n`);
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    // Keep-alive connections of a load generator would hold close() open.
    setTimeout(() => process.exit(0), 500).unref();
  });
}
