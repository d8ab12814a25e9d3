/**
 * The mock as MSW request handlers: `server.use(...createMswHandlers(mock))` with MSW's
 * `setupServer` (msw/node) makes code that calls the Market API, through global `fetch`, axios or
 * `node:http`, reach the mock in this process, unchanged. The mock keeps its state, quota and
 * control API; `mock.control` steers it, and so does `/__mock` under the intercepted base URL.
 *
 * MSW 2.x is an optional peer dependency: only this entry (market-createchat-mock/msw) imports it.
 */
import { http, type HttpHandler } from "msw";
import type { MockApp } from "../mock/index.js";

/** The real service's root URL: the base URL the handlers answer for unless told otherwise. */
export const MARKET_API_BASE_URL = "https://api.partner.market.yandex.ru";

/** A mock to serve through MSW: the app of `createMockApp()`, or anything with one (`createMockFetch()`, `startMock()`). */
export type MswMockSource = MockApp | { readonly app: MockApp };

/** Options of {@link createMswHandlers}. */
export interface MswHandlersOptions {
  /**
   * The base URL the code under test sends its requests to; every request under it (any method,
   * any path) is answered by the mock, the base's own path removed first. Default:
   * {@link MARKET_API_BASE_URL}.
   */
  baseUrl?: string;
}

/**
 * Creates the MSW handlers that answer every request under `baseUrl` from `mock`.
 *
 * @param mock `createMockFetch(...)`, `createMockApp(...)` or `await startMock(...)` (then the
 *   socket and MSW share one state).
 * @param options.baseUrl default {@link MARKET_API_BASE_URL}.
 * @throws TypeError for a `baseUrl` that is not an absolute http(s) URL, or one with a query or fragment.
 * @example
 * const mock = createMockFetch({ quota: 5 });
 * const server = setupServer(...createMswHandlers(mock));
 * beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
 * afterAll(() => server.close());
 */
export function createMswHandlers(mock: MswMockSource, options: MswHandlersOptions = {}): HttpHandler[] {
  const app = "app" in mock ? mock.app : mock;
  const base = parseBase(options.baseUrl ?? MARKET_API_BASE_URL);
  // The base's own path (a gateway prefix such as /market) is not part of the API's paths.
  const prefix = base.pathname.replace(/\/+$/, "");
  const root = `${base.origin}${prefix}`;
  return [
    http.all(`${root}/*`, async ({ request }) => {
      if (prefix === "") return app.fetch(request);
      const url = new URL(request.url);
      const path = url.pathname.slice(prefix.length) || "/";
      const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
      return app.fetch(new Request(new URL(`${path}${url.search}`, base.origin), { method: request.method, headers: request.headers, body, signal: request.signal }));
    }),
  ];
}

function parseBase(baseUrl: string): URL {
  const base = URL.canParse(baseUrl) ? new URL(baseUrl) : undefined;
  if (base === undefined || (base.protocol !== "http:" && base.protocol !== "https:") || base.search !== "" || base.hash !== "") {
    throw new TypeError(`createMswHandlers: baseUrl must be an absolute http(s) URL without query or fragment, got ${JSON.stringify(baseUrl)}`);
  }
  return base;
}
