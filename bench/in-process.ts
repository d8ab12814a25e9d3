/**
 * One in-process row of `npm run bench`, in a process of its own so that no row's JIT state, heap
 * or patched globals (MSW replaces `fetch`) reach another: a warm-up, then `--runs` runs of
 * `--calls` sequential calls, each timed as a whole. Prints one JSON line (bench/in-process-protocol.ts).
 *
 * The bench runs it transpiled next to the built mock, so `../testing` and `../client` are the
 * compiled package, as a user gets it:
 * `node <build>/bench/in-process.js --row bare|mock-fetch|client|msw --calls 20000 --runs 5`.
 */
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { createChat, createMarketClient } from "../client/index.js";
import { createMockFetch, MOCK_FETCH_BASE_URL } from "../testing/index.js";
import { isInProcessRow, type InProcessOutput, type InProcessRowId } from "./in-process-protocol.js";
import { API_KEY, BUSINESS_ID, CREATE_CHAT_ANSWER_TEXT, CREATE_CHAT_BODY, CREATE_CHAT_BODY_TEXT, CREATE_CHAT_PATH, CREATE_CHAT_ROUTE, REQUEST_HEADERS } from "./request.js";

const WARMUP_CALLS = 2_000;

/** One call of a row; resolves with what it answered (status and body), for the proof line. */
type Call = () => Promise<string>;

const init = (): RequestInit => ({ method: "POST", headers: REQUEST_HEADERS, body: CREATE_CHAT_BODY_TEXT });

async function answerOf(response: Response): Promise<string> {
  return `${response.status} ${await response.text()}`;
}

async function makeCall(row: InProcessRowId): Promise<{ call: Call; version?: string }> {
  switch (row) {
    case "bare": {
      // The least a Fetch-style handler costs: a Request in, a Response out, its body read.
      const handler = async (_request: Request): Promise<Response> =>
        new Response(CREATE_CHAT_ANSWER_TEXT, { status: 200, headers: { "Content-Type": "application/json" } });
      const url = `${MOCK_FETCH_BASE_URL}${CREATE_CHAT_PATH}`;
      return { call: async () => answerOf(await handler(new Request(url, init()))) };
    }
    case "mock-fetch": {
      const fetch = createMockFetch({ quota: 1_000_000_000 });
      const url = `${fetch.baseUrl}${CREATE_CHAT_PATH}`;
      return { call: async () => answerOf(await fetch(url, init())) };
    }
    case "client": {
      const fetch = createMockFetch({ quota: 1_000_000_000 });
      const client = createMarketClient({ baseUrl: fetch.baseUrl, apiKey: API_KEY, fetch });
      return {
        call: async () => {
          const result = await createChat(client, BUSINESS_ID, CREATE_CHAT_BODY);
          return result.ok ? `200 chatId ${result.chatId}` : `${result.status} ${result.errors.map((e) => e.code).join(",")}`;
        },
      };
    }
    case "msw": {
      const { http, HttpResponse } = await import("msw");
      const { setupServer } = await import("msw/node");
      const version = (createRequire(import.meta.url)("msw/package.json") as { version: string }).version;
      // Loopback and the discard port: were interception ever to miss, nothing leaves the machine.
      const base = "http://127.0.0.1:9";
      const answer: unknown = JSON.parse(CREATE_CHAT_ANSWER_TEXT);
      const server = setupServer(http.post(`${base}${CREATE_CHAT_ROUTE}`, () => HttpResponse.json(answer as Record<string, unknown>)));
      server.listen({ onUnhandledRequest: "error" });
      const url = `${base}${CREATE_CHAT_PATH}`;
      return { call: async () => answerOf(await fetch(url, init())), version };
    }
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { row: { type: "string" }, calls: { type: "string", default: "20000" }, runs: { type: "string", default: "5" } },
  });
  const row = values.row ?? "";
  if (!isInProcessRow(row)) throw new Error(`--row must be one of the rows of bench/in-process-protocol.ts, got ${JSON.stringify(row)}`);
  const calls = Number(values.calls);
  const runs = Number(values.runs);
  if (!Number.isInteger(calls) || calls < 1 || !Number.isInteger(runs) || runs < 1) throw new Error("--calls and --runs must be positive integers");

  const { call, version } = await makeCall(row);
  let answer = "";
  for (let i = 0; i < Math.min(WARMUP_CALLS, calls); i++) answer = await call();
  if (!answer.startsWith("200 ")) throw new Error(`${row} answered ${answer}`);
  const runsMicrosPerCall: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    for (let i = 0; i < calls; i++) answer = await call();
    runsMicrosPerCall.push(Math.round(((performance.now() - started) * 1000 * 10) / calls) / 10);
  }
  const output: InProcessOutput = { row, calls, runsMicrosPerCall, answer, ...(version === undefined ? {} : { version }) };
  process.stdout.write(`${JSON.stringify(output)}\n`);
  // MSW's interceptors and the mock's timers would otherwise keep the process a while.
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
