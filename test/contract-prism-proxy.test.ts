import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockServer, type RunningMock } from "../mock/server.js";
import { runContractSuite } from "./contract/run-suite.js";
import { startPrismProxy, type RunningPrism } from "./support/prism.js";

// Prism's validation proxy checks every answer of the mock against openapi.yaml on its own.
let mock: RunningMock;
let prism: RunningPrism;
beforeAll(async () => {
  mock = await startMockServer({ port: 0 });
  prism = await startPrismProxy(mock.url);
}, 60_000);
afterAll(async () => {
  await prism?.stop();
  await mock?.close();
});

runContractSuite(
  "Prism's validation proxy finds no response violation in the mock's answers",
  () => ({ baseUrl: prism.url, fetch: (request) => fetch(request) }),
  { viaProxy: true },
);

describe("Prism's verdict on the stateful answers: a spent quota, an in-flight refusal, a fault", () => {
  let limited: RunningMock;
  let proxy: RunningPrism;
  beforeAll(async () => {
    limited = await startMockServer({ port: 0, quota: 2, parallelLimit: 1, latency: { minMs: 500, maxMs: 500 } });
    proxy = await startPrismProxy(limited.url);
  }, 60_000);
  afterAll(async () => {
    await proxy?.stop();
    await limited?.close();
  });

  const send = (businessId: number, id: number) =>
    fetch(`${proxy.url}/v2/businesses/${businessId}/chats/new`, {
      method: "POST",
      headers: { "Api-Key": "demo-all-methods", "Content-Type": "application/json" },
      body: JSON.stringify({ context: { type: "ORDER", id } }),
    });
  const responseViolations = (res: Response) =>
    (JSON.parse(res.headers.get("sl-violations") ?? "[]") as Array<{ location: string[] }>).filter((v) => v.location[0] === "response");

  it("finds nothing wrong with 420 (in flight), 420 (quota spent) and an injected 500", async () => {
    const [first, second] = await Promise.all([send(1001, 11001), send(1001, 11002)]);
    const statuses = [first.status, second.status].sort();
    expect(statuses).toEqual([200, 420]);
    const spent = await send(1001, 11003);
    expect(spent.status).toBe(420);

    const fault = await fetch(`${limited.url}/__mock/faults`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ status: 500, match: { businessId: 1003 } }),
    });
    expect(fault.status).toBe(201);
    const faulted = await send(1003, 31001);
    expect(faulted.status).toBe(500);

    for (const res of [first, second, spent, faulted]) expect(responseViolations(res)).toEqual([]);
  });
});

describe("the oracle can fail: Prism flags an upstream that breaks the contract", () => {
  let upstream: Server;
  let proxy: RunningPrism;
  beforeAll(async () => {
    // A stand-in service with the vendor docs' mistakes: "OK" on an error, no quota headers on 200.
    upstream = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        const wrongError = req.headers["api-key"] === "wrong-error";
        res.writeHead(wrongError ? 400 : 200, { "Content-Type": "application/json" });
        res.end(JSON.stringify(wrongError ? { status: "OK", errors: [{ code: "example" }] } : { status: "OK", result: { chatId: 0 } }));
      });
    });
    upstream.listen(0, "127.0.0.1");
    await once(upstream, "listening");
    proxy = await startPrismProxy(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
  }, 60_000);
  afterAll(async () => {
    await proxy?.stop();
    upstream?.close();
  });

  it.each([
    ["an error body with status OK", "wrong-error"],
    ["a 200 with chatId 0 and no quota headers", "wrong-success"],
  ])("%s", async (_name, key) => {
    const res = await fetch(`${proxy.url}/v2/businesses/1001/chats/new`, {
      method: "POST",
      headers: { "Api-Key": key, "Content-Type": "application/json" },
      body: JSON.stringify({ context: { type: "ORDER", id: 11001 } }),
    });
    await res.arrayBuffer();
    const violations = JSON.parse(res.headers.get("sl-violations") ?? "[]") as Array<{ location: string[] }>;
    expect(violations.filter((v) => v.location[0] === "response").length).toBeGreaterThan(0);
  });
});
