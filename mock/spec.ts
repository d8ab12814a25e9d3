/**
 * The contract, read once at start from openapi.yaml: the createChat operation, its declared
 * responses with their named examples and headers, and the `x-` extensions the mock obeys.
 * Everything the mock knows about the API's shapes comes from here, never from a hand copy.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

/** A JSON Schema object as it stands in openapi.yaml. */
export type SchemaObject = Record<string, unknown>;

export interface DeclaredHeader {
  name: string;
  required: boolean;
  schema: SchemaObject;
  example?: unknown;
}

export interface DeclaredResponse {
  status: number;
  description: string;
  bodySchema: SchemaObject;
  /** Named examples, in the order the contract lists them. */
  examples: Map<string, unknown>;
  headers: DeclaredHeader[];
}

export interface Contract {
  /** The OpenAPI path template, e.g. `/v2/businesses/{businessId}/chats/new`. */
  pathTemplate: string;
  method: "post";
  operationId: string;
  /** `components.schemas`, for compiling validators that resolve `$ref`s. */
  schemas: Record<string, SchemaObject>;
  requestBodySchema: SchemaObject;
  businessIdSchema: SchemaObject;
  /** Declared statuses, ascending. */
  statuses: number[];
  responses: Map<number, DeclaredResponse>;
  /** `x-auth-scopes`: any one of them lets a token call the operation. */
  requiredScopes: string[];
  /** `x-rate-limit`. */
  rateLimit: { requests: number; periodMs: number; parallelRequests?: number };
}

/** Finds openapi.yaml next to the package root, from source (`mock/`) or build (`dist/mock/`). */
export function defaultSpecPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, "openapi.yaml");
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error("openapi.yaml not found above " + dirname(fileURLToPath(import.meta.url)));
}

const OPERATION_ID = "createChat";

/** A node of the parsed YAML document: read with `field`, never trusted blindly. */
type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node => typeof value === "object" && value !== null && !Array.isArray(value);
const field = (node: unknown, key: string): Node => {
  const value = isNode(node) ? node[key] : undefined;
  return isNode(value) ? value : {};
};
const entries = (node: unknown): Array<[string, Node]> =>
  Object.entries(isNode(node) ? node : {}).filter((e): e is [string, Node] => isNode(e[1]));

/** Reads and indexes the contract. Throws with a clear message when the file lacks what the mock needs. */
export function loadContract(specPath: string = defaultSpecPath()): Contract {
  const doc: unknown = parse(readFileSync(resolve(specPath), "utf8"));
  const deref = (node: Node): Node => {
    let current = node;
    for (let hops = 0; typeof current.$ref === "string"; hops++) {
      const ref: string = current.$ref;
      if (hops > 20) throw new Error(`openapi.yaml: $ref cycle at ${ref}`);
      const target = ref.replace(/^#\//, "").split("/").reduce<unknown>((acc, key) => (isNode(acc) ? acc[key] : undefined), doc);
      if (!isNode(target)) throw new Error(`openapi.yaml: unresolved $ref ${ref}`);
      current = target;
    }
    return current;
  };

  for (const [pathTemplate, item] of entries(field(doc, "paths"))) {
    const op = field(item, "post");
    if (op.operationId !== OPERATION_ID) continue;

    const params = [item.parameters, op.parameters].flatMap((list) => (Array.isArray(list) ? list.filter(isNode) : [])).map(deref);
    const businessId = params.find((p) => p.in === "path" && p.name === "businessId");
    if (!businessId) throw new Error("openapi.yaml: createChat has no businessId path parameter");

    const requestBodySchema = field(field(field(deref(field(op, "requestBody")), "content"), "application/json"), "schema");
    if (Object.keys(requestBodySchema).length === 0) throw new Error("openapi.yaml: createChat has no application/json request body");

    const responses = new Map<number, DeclaredResponse>();
    for (const [code, ref] of entries(op.responses)) {
      const response = deref(ref);
      const media = field(field(response, "content"), "application/json");
      const examples = new Map<string, unknown>();
      for (const [name, example] of entries(media.examples)) examples.set(name, deref(example).value);
      if (examples.size === 0 && media.example !== undefined) examples.set("default", media.example);
      const headers = entries(response.headers).map(([name, h]) => {
        const header = deref(h);
        return { name, required: header.required === true, schema: field(header, "schema"), example: header.example };
      });
      responses.set(Number(code), {
        status: Number(code),
        description: typeof response.description === "string" ? response.description : "",
        bodySchema: field(media, "schema"),
        examples,
        headers,
      });
    }

    const limit = field(op, "x-rate-limit");
    if (typeof limit.requests !== "number") throw new Error("openapi.yaml: createChat has no x-rate-limit.requests");
    const scopes = op["x-auth-scopes"];
    return {
      pathTemplate,
      method: "post",
      operationId: OPERATION_ID,
      schemas: Object.fromEntries(entries(field(field(doc, "components"), "schemas"))),
      requestBodySchema,
      businessIdSchema: field(businessId, "schema"),
      statuses: [...responses.keys()].sort((a, b) => a - b),
      responses,
      requiredScopes: Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === "string") : [],
      rateLimit: {
        requests: limit.requests,
        periodMs: parseIsoDuration(typeof limit.period === "string" ? limit.period : "PT1H"),
        parallelRequests: typeof limit.parallelRequests === "number" ? limit.parallelRequests : undefined,
      },
    };
  }
  throw new Error(`openapi.yaml: no POST operation with operationId ${OPERATION_ID}`);
}

/** ISO 8601 durations of the shape the contract uses (`PT1H`, `PT15M`, `PT90S`). */
function parseIsoDuration(text: string): number {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(text);
  if (!m || m[0] === "PT") throw new Error(`openapi.yaml: x-rate-limit.period ${text} is not an ISO 8601 duration like PT1H`);
  return ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000;
}
