/**
 * Three mocks on one redis-server behave as the one real service: one quota, one sequence of chat
 * ids, each fault fired once between them, one parallel limit, one clock, one reset, one set of
 * fixtures, one set of chats with their messages, files and statuses, one quota limit set at run
 * time, one journal. Each test starts its own redis-server (persistence off) and stops it by PID.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunningMock } from "../mock/server.js";
import { startRedisServer, skipRedis, type RedisServer } from "./support/redis-server.js";
import { closeAll, control, createChat, inParallel, startReplicas, tally } from "./support/replicas.js";

describe.skipIf(skipRedis)("three replicas on one Redis", () => {
  let redis: RedisServer;
  let replicas: RunningMock[] = [];
  beforeEach(async () => {
    redis = await startRedisServer();
  });
  afterEach(async () => {
    await closeAll(replicas);
    replicas = [];
    await redis.stop();
  });
  const at = (i: number) => (replicas[i % replicas.length] as RunningMock).url;

  it("1,200 requests of one business, 64 at a time, round-robin: exactly 1,000 × 200 and 200 × 420, each Remaining once, one Until", async () => {
    replicas = await startReplicas(3, redis.url);
    const answers = await inParallel(1_200, 64, (i) => createChat(at(i), { type: "ORDER", id: 11_001 + (i % 10) }));

    expect(tally(answers.map((a) => a.status))).toEqual(new Map([[200, 1_000], [420, 200]]));
    const remainingOf200 = answers.filter((a) => a.status === 200).map((a) => Number(a.remaining));
    expect(new Set(remainingOf200).size).toBe(1_000);
    expect(Math.min(...remainingOf200)).toBe(0);
    expect(Math.max(...remainingOf200)).toBe(999);
    expect(answers.filter((a) => a.status === 420).every((a) => a.remaining === "0" && a.body.errors?.[0]?.code === "LIMIT_EXCEEDED")).toBe(true);
    expect(new Set(answers.map((a) => a.until)).size).toBe(1);
    // Every replica reads the same count.
    for (const replica of replicas) {
      const { body } = await control<{ businesses: Array<{ businessId: number; quota: { used: number } }> }>(replica.url, "GET", "/state");
      expect(body.businesses.find((b) => b.businessId === 1001)?.quota.used).toBe(1_200);
    }
  });

  it("the same context through different replicas is the same chat; 5,000 contexts at once never share an id", async () => {
    replicas = await startReplicas(3, redis.url, { quota: 1_000_000 });
    const asked = await Promise.all(replicas.map((replica) => createChat(replica.url, { type: "ORDER", id: 11_005 })));
    expect(asked.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(new Set(asked.map((a) => a.body.result?.chatId)).size).toBe(1);

    const orders = Array.from({ length: 5_000 }, (_, i) => 900_001 + i);
    const put = await control(at(0), "PUT", "/fixtures", {
      tokens: [{ token: "many", scopes: ["communication"], businesses: [7001] }],
      businesses: [{ id: 7001, model: "FBS", orders }],
    });
    expect(put.status).toBe(200);
    // Replicas 1 and 2 may serve one request on the old fixtures (see the fixtures test): warm each up.
    for (const replica of replicas) await createChat(replica.url, { type: "ORDER", id: orders[0] as number }, { businessId: 7001, apiKey: "many" });

    const answers = await inParallel(orders.length, 200, (i) => createChat(at(i), { type: "ORDER", id: orders[i] as number }, { businessId: 7001, apiKey: "many" }));
    expect(answers.filter((a) => a.status !== 200).map((a) => JSON.stringify(a.body))).toEqual([]);
    const ids = answers.map((a) => a.body.result?.chatId);
    expect(new Set(ids).size).toBe(5_000);
    // Asked again through another replica, each context is the chat it already has (every tenth, to keep the test short).
    const sample = orders.filter((_, i) => i % 10 === 0);
    const again = await inParallel(sample.length, 64, (i) => createChat(at(i * 10 + 1), { type: "ORDER", id: sample[i] as number }, { businessId: 7001, apiKey: "many" }));
    expect(again.map((a) => a.body.result?.chatId)).toEqual(ids.filter((_, i) => i % 10 === 0));
  });

  it("a fault for k requests fires exactly k times across the replicas", async () => {
    replicas = await startReplicas(3, redis.url);
    const k = 7;
    const added = await control<{ id: number }>(at(0), "POST", "/faults", { status: 500, times: k });
    expect(added.status).toBe(201);
    const answers = await inParallel(60, 16, (i) => createChat(at(i), { type: "ORDER", id: 11_001 + (i % 10) }));
    const injected = answers.filter((a) => a.status === 500);
    expect(injected).toHaveLength(k);
    expect(injected.every((a) => a.body.errors?.[0]?.message.startsWith(`Injected fault #${added.body.id}`))).toBe(true);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(60 - k);
    for (const replica of replicas) expect((await control<{ faults: unknown[] }>(replica.url, "GET", "/faults")).body.faults).toEqual([]);
  });

  it("--parallel-limit 4 with latency admits exactly 4 requests in flight across the replicas", async () => {
    replicas = await startReplicas(3, redis.url, { parallelLimit: 4, latency: { minMs: 1_500, maxMs: 1_500 } });
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => createChat(at(i), { type: "ORDER", id: 11_001 + (i % 10) })));
    expect(tally(answers.map((a) => a.status))).toEqual(new Map([[200, 4], [420, 8]]));
    expect(answers.filter((a) => a.status === 420).every((a) => a.body.errors?.[0]?.message === "Hit rate limit of 4 parallel requests for businessId 1001")).toBe(true);
    // Every slot was given back.
    const { body } = await control<{ businesses: Array<{ businessId: number; inFlight: number }> }>(at(1), "GET", "/state");
    expect(body.businesses.find((b) => b.businessId === 1001)?.inFlight).toBe(0);
  });

  it("the clock moved through one replica moves it for all; reset through one resets all", async () => {
    replicas = await startReplicas(3, redis.url);
    const before = await createChat(at(1), { type: "ORDER", id: 11_001 });
    await control(at(2), "POST", "/faults", { status: 500, match: { businessId: 1004 } });

    const moved = await control<{ clockOffsetMs: number }>(at(0), "POST", "/clock", { advanceMs: 2 * 3_600_000 });
    // The control API turns advanceMs into an instant, which the store turns back into an offset a few ms on.
    expect(moved.body.clockOffsetMs).toBeGreaterThan(2 * 3_600_000 - 1_000);
    for (const replica of replicas) {
      const { body } = await control<{ clockOffsetMs: number }>(replica.url, "GET", "/state");
      expect(body.clockOffsetMs).toBe(moved.body.clockOffsetMs);
    }
    // Two hours on, the window of the first request has ended: a new one opens on the moved clock.
    const after = await createChat(at(1), { type: "ORDER", id: 11_002 });
    expect(after.remaining).toBe("999");
    expect(Date.parse(after.until as string) - Date.parse(before.until as string)).toBeGreaterThanOrEqual(2 * 3_600_000);

    expect((await control(at(2), "POST", "/reset")).status).toBe(200);
    for (const replica of replicas) {
      const { body } = await control<{
        clockOffsetMs: number;
        faults: unknown[];
        businesses: Array<{ businessId: number; quota: { used: number }; chats: unknown[] }>;
      }>(replica.url, "GET", "/state");
      expect(body.clockOffsetMs).toBe(0);
      expect(body.faults).toEqual([]);
      expect(body.businesses.every((b) => b.quota.used === 0 && b.chats.length === 0)).toBe(true);
      expect((await control<{ total: number }>(replica.url, "GET", "/requests")).body.total).toBe(0);
    }
    // Chat ids start again too.
    expect((await createChat(at(0), { type: "ORDER", id: 11_003 })).body.result?.chatId).toBe(1);
  });

  it("fixtures replaced through one replica are in force on all within one request", async () => {
    replicas = await startReplicas(3, redis.url);
    const put = await control(at(0), "PUT", "/fixtures", {
      tokens: [{ token: "fresh", scopes: ["communication"], businesses: [7001] }],
      businesses: [{ id: 7001, model: "FBS", orders: [70_001] }],
    });
    expect(put.status).toBe(200);
    for (const replica of replicas) {
      // The first request may still meet the old fixtures on a replica that had not heard yet; the second may not.
      await createChat(replica.url, { type: "ORDER", id: 70_001 }, { businessId: 7001, apiKey: "fresh" });
      const second = await createChat(replica.url, { type: "ORDER", id: 70_001 }, { businessId: 7001, apiKey: "fresh" });
      expect(second.status, replica.url).toBe(200);
      const old = await createChat(replica.url, { type: "ORDER", id: 11_001 });
      expect(old.status, replica.url).toBe(403);
    }
  });

  it("the chat family: a message sent through one replica is in the history, the status and the file store of the others", async () => {
    replicas = await startReplicas(3, redis.url);
    const chatId = (await createChat(at(0), { type: "ORDER", id: 11_001 })).body.result?.chatId as number;
    const api = (replica: number, path: string, body?: unknown, init: RequestInit = {}) =>
      fetch(`${at(replica)}/v2/businesses/1001${path}`, {
        method: body === undefined && init.body === undefined ? "GET" : "POST",
        headers: { "Api-Key": "demo-all-methods", ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...init,
      });
    expect((await api(1, `/chats/message?chatId=${chatId}`, { message: "Hello from replica 1" })).status).toBe(200);
    // The customer answers through the control API of replica 2, with a file.
    const answered = await control<{ message: { messageId: number; files: Array<{ fileId: number; kept: boolean }> }; chat: { status: string } }>(
      at(2),
      "POST",
      `/chats/${chatId}/messages`,
      { sender: "CUSTOMER", message: "Hi!", file: { name: "photo.png", base64: Buffer.from("png bytes").toString("base64") } },
    );
    expect(answered.status).toBe(201);
    expect(answered.body.chat.status).toBe("WAITING_FOR_PARTNER");
    const form = new FormData();
    form.set("file", new Blob(["%PDF-1.4 invoice"], { type: "application/pdf" }), "invoice.pdf");
    expect((await api(0, `/chats/file/send?chatId=${chatId}`, undefined, { method: "POST", body: form })).status).toBe(200);

    // Every replica reads the same chat: its three messages in order, its status, its files.
    for (let replica = 0; replica < 3; replica++) {
      const history = (await (await api(replica, `/chats/history?chatId=${chatId}&limit=10`, {})).json()) as {
        result: { messages: Array<{ messageId: number; sender: string; message?: string; payload?: Array<{ name: string }> }> };
      };
      expect(history.result.messages.map((m) => [m.sender, m.message ?? m.payload?.[0]?.name])).toEqual([
        ["PARTNER", "Hello from replica 1"],
        ["CUSTOMER", "Hi!"],
        ["PARTNER", "invoice.pdf"],
      ]);
      const chat = (await (await api(replica, `/chat?chatId=${chatId}`)).json()) as { result: { status: string } };
      expect(chat.result.status).toBe("WAITING_FOR_CUSTOMER");
      const file = await fetch(`${at(replica)}/__mock/files/${answered.body.message.files[0]?.fileId}`);
      expect([file.status, await file.text()]).toEqual([200, "png bytes"]);
    }
    const messageId = answered.body.message.messageId;
    const one = (await (await api(0, `/chats/message?chatId=${chatId}&messageId=${messageId}`)).json()) as { result: { message: string } };
    expect(one.result.message).toBe("Hi!");
    const listed = (await (await api(1, "/chats?limit=10", { statuses: ["WAITING_FOR_CUSTOMER"] })).json()) as { result: { chats: Array<{ chatId: number }> } };
    expect(listed.result.chats.map((c) => c.chatId)).toEqual([chatId]);
    // A chat closed through one replica takes no message through another.
    expect((await control(at(0), "PATCH", `/chats/${chatId}`, { status: "FINISHED" })).status).toBe(200);
    const refused = (await (await api(2, `/chats/message?chatId=${chatId}`, { message: "late" })).json()) as { errors: Array<{ code: string }> };
    expect(refused.errors[0]?.code).toBe("CHAT_FINISHED");
  });

  it("a quota set through one replica's control API counts on all, and DELETE puts the starting one back for all", async () => {
    replicas = await startReplicas(3, redis.url);
    await createChat(at(0), { type: "ORDER", id: 11_001 });
    const set = await control<{ limit: number; windowMs: number }>(at(0), "PUT", "/quotas/createChat", { limit: 3, windowMs: 60_000 });
    expect(set.body).toMatchObject({ limit: 3, windowMs: 60_000 });
    for (const replica of replicas) {
      const { body } = await control<{ operations: Record<string, { limit: number; windowMs: number }> }>(replica.url, "GET", "/state");
      expect(body.operations.createChat).toEqual({ limit: 3, windowMs: 60_000 });
    }
    // The window started over: three requests through three replicas, then 420 through any.
    const answers = await inParallel(6, 1, (i) => createChat(at(i), { type: "ORDER", id: 11_001 + i }));
    expect(answers.map((a) => [a.status, a.remaining])).toEqual([
      [200, "2"],
      [200, "1"],
      [200, "0"],
      [420, "0"],
      [420, "0"],
      [420, "0"],
    ]);
    expect(answers[3]?.body.errors?.[0]?.message).toContain("1m");
    expect((await control(at(1), "DELETE", "/quotas/createChat")).status).toBe(200);
    const after = await createChat(at(2), { type: "ORDER", id: 11_001 });
    expect([after.status, after.remaining]).toEqual([200, "999"]);
  });

  it("one journal: the requests of every replica, in the order Redis took them, ids one counter", async () => {
    replicas = await startReplicas(3, redis.url);
    await inParallel(9, 1, (i) => createChat(at(i), { type: "ORDER", id: 11_001 + i }));
    for (const replica of replicas) {
      const { body } = await control<{ requests: Array<{ id: number; status: number; path: string }>; total: number }>(replica.url, "GET", "/requests");
      expect(body.total).toBe(9);
      expect(body.requests.map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
  });
});
