import { connect, createServer, type Server } from "node:net";
import { request as httpRequest, Agent } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { ListenError, startMockServer, type RunningMock } from "../mock/server.js";
import { expectConformsToContract } from "./support/conformance.js";

const running: RunningMock[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((mock) => mock.close()));
});

async function start(options: Parameters<typeof startMockServer>[0] = {}): Promise<RunningMock> {
  const mock = await startMockServer(options);
  running.push(mock);
  return mock;
}

/** Resolves once a plain TCP listener could take the port (so nothing holds it any more). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe: Server = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

const createChat = (url: string) =>
  fetch(`${url}/v2/businesses/1001/chats/new`, {
    method: "POST",
    headers: { "Api-Key": "demo-all-methods", "Content-Type": "application/json" },
    body: JSON.stringify({ context: { type: "ORDER", id: 11001 } }),
    signal: AbortSignal.timeout(5_000),
  });

describe("startMockServer", () => {
  it("listens on a free port when asked for 0 and answers createChat over the socket", async () => {
    const mock = await start({ port: 0 });
    expect(mock.port).toBeGreaterThan(0);
    expect(mock.host).toBe("127.0.0.1");
    expect(mock.url).toBe(`http://127.0.0.1:${mock.port}`);

    const res = await createChat(mock.url);
    expect(res.status).toBe(200);
    expect(await expectConformsToContract(res)).toMatchObject({ status: "OK", result: { chatId: expect.any(Number) } });
    expect(res.headers.get("X-RateLimit-Resource-Limit")).toBe("1000");
    expect(res.headers.get("X-RateLimit-Resource-Remaining")).toBe("999");
  });

  it("passes the app options through (here a quota of 1)", async () => {
    const mock = await start({ port: 0, quota: 1 });
    expect((await createChat(mock.url)).status).toBe(200);
    expect((await createChat(mock.url)).status).toBe(420);
  });

  it("close() resolves promptly with a keep-alive connection open, and frees the port", async () => {
    const mock = await startMockServer({ port: 0 });
    // An explicit keep-alive agent, so a connection certainly stays open after the response.
    const agent = new Agent({ keepAlive: true });
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${mock.url}/v2/businesses/1001/chats/new`,
        { method: "POST", agent, headers: { "Api-Key": "demo-all-methods", "Content-Type": "application/json" } },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      req.end(JSON.stringify({ context: { type: "ORDER", id: 11001 } }));
    });
    expect(status).toBe(200);
    expect(agent.freeSockets[Object.keys(agent.freeSockets)[0] ?? ""]?.length).toBe(1);

    // Node's keep-alive timeout is 5 s; closing must not wait for it.
    expect(await settlesBefore(mock.close(), 4_000)).toBe(true);
    expect(await portIsFree(mock.port)).toBe(true);
    agent.destroy();
  });

  it("close() lets a request in flight finish, then resolves without waiting for keep-alive", async () => {
    const held = inLatency();
    const mock = await startMockServer({ port: 0, latency: { minMs: 300, maxMs: 300 }, sleep: held.sleep });
    const inFlight = createChat(mock.url);
    await held.entered;
    // Done when the response is, without waiting for the 5 s keep-alive timeout.
    expect(await settlesBefore(mock.close(), 4_000)).toBe(true);
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.headers.get("connection")).toBe("close");
  });

  it("close() cuts a request that outlasts the grace period", async () => {
    const held = inLatency();
    const mock = await startMockServer({ port: 0, latency: { minMs: 10_000, maxMs: 10_000 }, sleep: held.sleep });
    const inFlight = createChat(mock.url).then(
      () => "answered",
      () => "cut",
    );
    await held.entered;
    // The request would take 10 s; close() cuts it after its grace instead of waiting.
    expect(await settlesBefore(mock.close(), 8_000)).toBe(true);
    expect(await inFlight).toBe("cut");
  });

  it("close() twice returns the same settled promise", async () => {
    const mock = await startMockServer({ port: 0 });
    const first = mock.close();
    expect(mock.close()).toBe(first);
    await first;
  });

  it("rejects with a ListenError naming the address when the port is taken", async () => {
    const mock = await start({ port: 0 });
    const error = await startMockServer({ port: mock.port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ListenError);
    expect((error as ListenError).code).toBe("EADDRINUSE");
    expect((error as ListenError).message).toBe(
      `cannot listen on 127.0.0.1:${mock.port}: address already in use (EADDRINUSE)`,
    );
  });

  it("refuses a port outside 0..65535 before touching the network", async () => {
    await expect(startMockServer({ port: 70_000 })).rejects.toThrow(RangeError);
    await expect(startMockServer({ port: 1.5 })).rejects.toThrow("port must be an integer from 0 to 65535, got 1.5");
  });
});

/** A real sleep for the mock's latency that says when a request has entered it: the request is then in flight. */
function inLatency(): { sleep: (ms: number) => Promise<void>; entered: Promise<void> } {
  let enter!: () => void;
  const entered = new Promise<void>((resolve) => (enter = resolve));
  return {
    entered,
    sleep: (ms) => {
      enter();
      return new Promise((resolve) => setTimeout(resolve, ms).unref());
    },
  };
}

/** Whether `promise` settles before `ms` pass: a bound against hanging, not a speed measurement. */
function settlesBefore(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([promise.then(() => true), deadline]).finally(() => clearTimeout(timer));
}

describe("requests pipelined behind one in flight when the mock closes", () => {
  it("are neither answered nor counted: the one in flight is answered, the journal holds it alone", async () => {
    const held = inLatency();
    const mock = await startMockServer({ port: 0, latency: { minMs: 200, maxMs: 200 }, sleep: held.sleep });
    const body = JSON.stringify({ context: { type: "ORDER", id: 11001 } });
    const request = `POST /v2/businesses/1001/chats/new HTTP/1.1\r\nHost: 127.0.0.1\r\nApi-Key: demo-all-methods\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const socket = connect(mock.port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.write(request);
    await held.entered;
    const closed = mock.close();
    socket.write(request + request);
    await ended;
    await closed;
    const text = Buffer.concat(chunks).toString("latin1");
    expect(text.match(/^HTTP\/1\.1 /gm)).toHaveLength(1);
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect((await mock.app.state.journal.list()).map((entry) => entry.status)).toEqual([200]);
  });
});
