/**
 * Several mocks on one Redis, as replicas behind a load balancer would run: each an in-process
 * startMockServer with its own connections to the store, so they share nothing but Redis.
 */
import { startMockServer, type RunningMock, type ServeOptions } from "../../mock/server.js";

export const API_KEY = "demo-all-methods";

/**
 * Starts `count` mocks on the store at `storeUrl`, one after the other (the first writes the settings).
 * A store timeout of 5 s unless told otherwise: on a loaded 2-core machine a burst of 200 requests
 * must not meet the outage answer; the outage tests set a short one.
 */
export async function startReplicas(count: number, storeUrl: string, options: ServeOptions = {}): Promise<RunningMock[]> {
  const replicas: RunningMock[] = [];
  for (let i = 0; i < count; i++) replicas.push(await startMockServer({ port: 0, storeUrl, storeTimeoutMs: 5_000, ...options }));
  return replicas;
}

export async function closeAll(replicas: readonly RunningMock[]): Promise<void> {
  await Promise.all(replicas.map((replica) => replica.close()));
}

/** One createChat call; the answer's status, rate-limit headers and body. */
export interface ChatAnswer {
  status: number;
  remaining: string | null;
  until: string | null;
  body: { status: string; result?: { chatId: number }; errors?: Array<{ code: string; message: string }> };
}

export async function createChat(
  baseUrl: string,
  context: { type: "ORDER" | "RETURN"; id: number },
  { businessId = 1001, apiKey = API_KEY }: { businessId?: number; apiKey?: string } = {},
): Promise<ChatAnswer> {
  const response = await fetch(`${baseUrl}/v2/businesses/${businessId}/chats/new`, {
    method: "POST",
    headers: { "Api-Key": apiKey, "Content-Type": "application/json" },
    body: JSON.stringify({ context }),
  });
  return {
    status: response.status,
    remaining: response.headers.get("x-ratelimit-resource-remaining"),
    until: response.headers.get("x-ratelimit-resource-until"),
    body: (await response.json()) as ChatAnswer["body"],
  };
}

/** Runs `count` calls, at most `concurrency` at once; call i gets its index. Results in index order. */
export async function inParallel<T>(count: number, concurrency: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await call(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** A control call on one replica, JSON in and out. */
export async function control<T = unknown>(baseUrl: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}/__mock${path}`, {
    method,
    // Every state-changing control call says JSON, body or not (the control API refuses it otherwise).
    ...(method === "GET" ? {} : { headers: { "Content-Type": "application/json" } }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** Counts equal values. */
export function tally<T>(values: readonly T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}
