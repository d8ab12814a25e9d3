import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMockApp } from "../mock/app.js";
import { createMockState } from "../mock/state/memory-state.js";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { defaultSpecPath, loadContract, type Operation, type SchemaObject } from "../mock/contract/load-contract.js";
import { compileSchema } from "../mock/contract/validators.js";
import { findDocumentExamples } from "./contract/openapi-examples.js";
import { readViolations } from "./contract/prism-verdict.js";
import { startPrismMock, type RunningPrism } from "./support/prism.js";

const contract = loadContract().operation("createChat");
const examples = findDocumentExamples(defaultSpecPath());

// The mock's own compiler (mock/contract/validators.ts), so an example is judged by exactly the rules
// (int64, OpenAPI keywords, strict mode) the mock judges requests with.
const validate = (schema: SchemaObject, value: unknown) => compileSchema(loadContract(), schema)(value);

describe("every example in openapi.yaml validates against its schema", () => {
  it("finds the examples of every kind: request and response bodies, parameters, headers, schemas, properties", () => {
    const pointers = examples.map((e) => e.pointer);
    expect(pointers).toEqual(
      expect.arrayContaining([
        "/components/parameters/BusinessId/example",
        "/components/headers/RateLimitUntil/example",
        "/components/requestBodies/CreateChatRequestBody/content/application~1json/examples/legacyOrderId/value",
        "/components/responses/RateLimitExceeded/content/application~1json/examples/quotaExceeded/value",
        "/components/schemas/ErrorResponse/example",
        "/components/schemas/ChatContext/properties/id/example",
      ]),
    );
    const named = [...contract.responses.values()].reduce((n, r) => n + r.examples.size, 0);
    expect(examples.length).toBeGreaterThan(named + 3);
  });

  it.each(examples.map((e) => [e.pointer, e] as const))("%s", (_pointer, example) => {
    expect(validate(example.schema, example.value)).toEqual([]);
  });

  it("the check can fail: a value that breaks its schema is refused", () => {
    const quota = examples.find((e) => e.pointer.endsWith("/examples/quotaExceeded/value"));
    expect(validate(quota?.schema ?? {}, { status: "OK", errors: [] })).not.toEqual([]);
  });
});

// Every named response example of every operation, as `Prefer: code=NNN, example=NAME` asks for it.
const operations = loadContract().operations;
const namedResponses = operations.flatMap((op) =>
  op.statuses.flatMap((status) => {
    const response = op.responses.get(status);
    return [...(response?.examples ?? [])].map(([name, value]) => ({ op, status, name, value, headers: response?.headers ?? [] }));
  }),
);

/** Each operation's request body component, to send its named examples to the operation that takes them. */
const document = parse(readFileSync(defaultSpecPath(), "utf8")) as { paths: Record<string, Record<string, { operationId: string; requestBody?: { $ref?: string } }>> };
const operationOfBody = new Map(
  Object.values(document.paths)
    .flatMap((item) => Object.values(item))
    .filter((op) => op.requestBody?.$ref !== undefined)
    .map((op) => [op.requestBody?.$ref?.split("/").pop() as string, op.operationId]),
);
const requestExamples = examples
  .filter((e) => e.pointer.startsWith("/components/requestBodies/") && e.pointer.includes("/examples/"))
  .map((e) => ({ ...e, operationId: operationOfBody.get(e.pointer.split("/")[3] as string) as string }));

describe.each([
  ["Prism's static mock of openapi.yaml", "prism"],
  ["the mock", "mock"],
] as const)("%s serves the document's examples unchanged", (_title, kind) => {
  let prism: RunningPrism | undefined;
  let send: (operation: Operation, init: { prefer?: string; body?: unknown }) => Promise<Response>;
  beforeAll(async () => {
    const state = createMockState();
    const app = createMockApp({ state });
    const businessId = Number(loadContract().schemas.BusinessId?.example ?? 1001);
    // The mock answers only about chats and messages it has; Prism, about any.
    const { chat } = state.chats.openChat(businessId, { type: "ORDER", id: 11001 }, state.clock.now());
    const posted = state.chats.postMessage(chat.chatId, { sender: "CUSTOMER", text: "Hello" }, state.clock.now());
    if (!posted.ok) throw new Error("could not seed a message");
    const values: Record<string, number> = { businessId, chatId: chat.chatId, messageId: posted.message.messageId };
    if (kind === "prism") prism = await startPrismMock();
    send = async (operation, { prefer, body }) => {
      const path = operation.pathTemplate.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name]));
      const query = new URLSearchParams();
      for (const p of operation.parameters) if (p.in === "query" && p.required) query.set(p.name, String(values[p.name]));
      const url = `${path}${query.size > 0 ? `?${query}` : ""}`;
      const headers: Record<string, string> = { "Api-Key": "demo-all-methods", ...(prefer ? { Prefer: prefer } : {}) };
      let payload: BodyInit | undefined;
      if (operation.requestBody?.mediaTypes.includes("multipart/form-data")) {
        const form = new FormData();
        form.append("file", new Blob([String((body as { file?: string } | undefined)?.file ?? "%PDF-1.4")], { type: "application/pdf" }), "invoice.pdf");
        payload = form;
      } else if (operation.requestBody !== undefined) {
        headers["Content-Type"] = "application/json";
        payload = JSON.stringify(body ?? firstExample(operation));
      }
      const init = { method: operation.method.toUpperCase(), headers, body: payload };
      return prism ? fetch(`${prism.url}${url}`, init) : app.request(url, init);
    };
  });
  afterAll(async () => {
    await prism?.stop();
  });

  it.each(namedResponses.map((r) => [r.op.operationId, r.status, r.name, r] as const))("%s %i %s", async (_id, status, name, example) => {
    const res = await send(example.op, { prefer: `code=${status}, example=${name}` });
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual(example.value);
    for (const header of example.headers.filter((h) => h.required)) {
      // Prism serves the header examples; the mock a business's live quota headers when the request
      // has credentials and a business (as here; a spent window for a 420): test/prefer-forced-answers-look-live.test.ts.
      if (kind === "prism") expect(res.headers.get(header.name), header.name).toBe(String(header.example));
      else expect(res.headers.get(header.name), header.name).not.toBeNull();
    }
    if (kind !== "prism" && status === 420) expect(res.headers.get("X-RateLimit-Resource-Remaining")).toBe("0");
  });

  it.each(requestExamples.map((e) => [e.operationId, e.pointer.split("/").at(-2), e] as const))("%s accepts the request example %s", async (operationId, _name, example) => {
    const res = await send(loadContract().operation(operationId), { body: example.value });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(readViolations(res.headers)).toEqual([]);
  });
});

/** The first named example of an operation's JSON request body. */
function firstExample(operation: Operation): unknown {
  const example = requestExamples.find((e) => e.operationId === operation.operationId);
  if (example === undefined) throw new Error(`openapi.yaml: ${operation.operationId} has no request example`);
  return example.value;
}
