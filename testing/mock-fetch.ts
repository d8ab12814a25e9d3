/**
 * `createMockFetch`: the mock as a `fetch` function, in this process and without a socket, to hand
 * to the client (`createMarketClient({ fetch })`) the way MSW users hand over their handlers.
 */
import { createMockApp, type MockApp, type MockOptions } from "../mock/app.js";
import { createMockControl, type MockControl } from "./control-client.js";
import { checkFixtures, type FixturesInput } from "./fixtures-input.js";

/** Options of {@link createMockFetch}: the mock's options, with fixtures in the `--fixtures` file's shape. */
export interface MockFetchOptions extends Omit<MockOptions, "fixtures"> {
  /** Tokens and businesses, checked like a `--fixtures` file. Default: the demo data. */
  fixtures?: FixturesInput;
}

/** A `fetch` answered by the mock in this process, with the mock's control API beside it. */
export interface MockFetch {
  (input: Request | URL | string, init?: RequestInit): Promise<Response>;
  /** A base URL to give the client; any host reaches the mock, this one only reads well in logs. */
  readonly baseUrl: string;
  /** The control API of this mock, over the same in-process fetch. */
  readonly control: MockControl;
  /** The Hono app behind it. */
  readonly app: MockApp;
}

/** Base URL a {@link MockFetch} suggests; the mock routes on the path alone, so the host is never resolved. */
export const MOCK_FETCH_BASE_URL = "http://createchat-mock.local";

/**
 * Creates an in-process mock and a `fetch` that answers from it: no port, no network, each call
 * its own mock (state is not shared between two `createMockFetch()`).
 *
 * @param options the mock's options (`quota`, `windowMs`, `parallelLimit`, `fixtures`, `clock`,
 *   `controlToken`, ...), as for `createMockApp`.
 * @throws FixturesError for bad `fixtures`, naming the field (`createMockFetch({ fixtures }): /tokens/0/businesses/0 ...`).
 * @example
 * const fetch = createMockFetch({ quota: 2 });
 * const client = createMarketClient({ baseUrl: fetch.baseUrl, apiKey: "demo-all-methods", fetch });
 * await createChat(client, 1001, { context: { type: "ORDER", id: 11001 } });
 * await fetch.control.advanceTime("1h");
 */
export function createMockFetch(options: MockFetchOptions = {}): MockFetch {
  const app = createMockApp({ ...options, fixtures: checkFixtures(options.fixtures, "createMockFetch({ fixtures })") });
  // Requests arrive without a socket, so the control API treats them as local, like loopback.
  const mockFetch = async (input: Request | URL | string, init?: RequestInit): Promise<Response> =>
    app.fetch(new Request(input, init));
  const control = createMockControl({
    baseUrl: MOCK_FETCH_BASE_URL,
    fetch: mockFetch,
    ...(options.controlToken === undefined ? {} : { controlToken: options.controlToken }),
  });
  return Object.assign(mockFetch, { baseUrl: MOCK_FETCH_BASE_URL, control, app });
}
