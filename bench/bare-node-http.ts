/**
 * The platform's ceiling for `npm run bench`: a bare `node:http` server that does the least a
 * createChat answer needs (read the body, parse the JSON) and answers a fixed 200. No routing,
 * no validation, no state. Run as its own process: `node <build>/bench/bare-node-http.js --port <n>`.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { CREATE_CHAT_ANSWER_TEXT as ANSWER } from "./request.js";

const { values } = parseArgs({ options: { port: { type: "string", default: "0" } } });

const ANSWER_LENGTH = String(Buffer.byteLength(ANSWER));

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    try {
      JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      response.writeHead(400, { "Content-Type": "application/json" }).end('{"status":"ERROR"}');
      return;
    }
    response.writeHead(200, { "Content-Type": "application/json", "Content-Length": ANSWER_LENGTH }).end(ANSWER);
  });
});

server.listen(Number(values.port), "127.0.0.1", () => {
  process.stdout.write(`bare node:http listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
