/** Small helpers to call createChat on an app in tests. */
import type { MockApp } from "../../mock/app.js";

export const T0 = Date.parse("2026-11-25T12:00:00.250Z");

export interface CallOptions {
  token?: string;
  headers?: Record<string, string>;
}

/** POSTs a createChat body (JSON unless a string) for a business. */
export async function createChatRequest(
  app: MockApp,
  businessId: number | string,
  body: unknown,
  options: CallOptions = {},
): Promise<Response> {
  const headers: Record<string, string> = { "Content-Type": "application/json", ...options.headers };
  if (options.token !== "") headers["Api-Key"] = options.token ?? "demo-all-methods";
  return app.request(`/v2/businesses/${businessId}/chats/new`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export const orderContext = (id: number) => ({ context: { type: "ORDER", id } });
export const returnContext = (id: number) => ({ context: { type: "RETURN", id } });

/** A sleep the test releases by hand, to hold requests in flight. */
export function createHeldSleep() {
  const pending: Array<{ ms: number; release: () => void }> = [];
  return {
    pending,
    sleep: (ms: number) => new Promise<void>((release) => pending.push({ ms, release })),
    releaseAll() {
      for (const p of pending.splice(0)) p.release();
    },
  };
}

/** Lets queued promise callbacks run (requests reach their next await). */
export const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
