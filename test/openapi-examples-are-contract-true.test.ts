import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMockApp } from "../mock/app.js";
import { defaultSpecPath, loadContract, type SchemaObject } from "../mock/contract/load-contract.js";
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

// Every named response example, as `Prefer: code=NNN, example=NAME` asks for it.
const namedResponses = contract.statuses.flatMap((status) => {
  const response = contract.responses.get(status);
  return [...(response?.examples ?? [])].map(([name, value]) => ({ status, name, value, headers: response?.headers ?? [] }));
});
const requestExamples = examples.filter((e) => e.pointer.startsWith("/components/requestBodies/") && e.pointer.includes("/examples/"));

describe.each([
  ["Prism's static mock of openapi.yaml", "prism"],
  ["the mock", "mock"],
] as const)("%s serves the document's examples unchanged", (_title, kind) => {
  let prism: RunningPrism | undefined;
  let send: (init: { prefer?: string; body: unknown }) => Promise<Response>;
  beforeAll(async () => {
    const headers = { "Content-Type": "application/json", "Api-Key": "demo-all-methods" };
    const path = `/v2/businesses/${String(loadContract().schemas.BusinessId?.example ?? 1001)}/chats/new`;
    const app = createMockApp();
    if (kind === "prism") prism = await startPrismMock();
    send = async ({ prefer, body }) => {
      const init = { method: "POST", headers: prefer ? { ...headers, Prefer: prefer } : headers, body: JSON.stringify(body) };
      return prism ? fetch(`${prism.url}${path}`, init) : app.request(path, init);
    };
  });
  afterAll(async () => {
    await prism?.stop();
  });

  it.each(namedResponses.map((r) => [r.status, r.name, r] as const))("%i %s", async (status, name, example) => {
    const res = await send({ prefer: `code=${status}, example=${name}`, body: { context: { type: "ORDER", id: 11001 } } });
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

  it.each(requestExamples.map((e) => [e.pointer.split("/").at(-2), e] as const))("accepts the request example %s", async (_name, example) => {
    const res = await send({ body: example.value });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(readViolations(res.headers)).toEqual([]);
  });
});
