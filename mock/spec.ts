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

/** Reads and indexes the contract. Throws with a clear message when the file lacks what the mock needs. */
export function loadContract(specPath: string = defaultSpecPath()): Contract {
  const doc = parse(readFileSync(resolve(specPath), "utf8")) as Record<string, any>;
  const resolveRef = <T>(node: any): T => {
    let current = node;
    while (current && typeof current.$ref === "string") {
      const pointer = (current.$ref as string).replace(/^#\//, "").split("/");
      current = pointer.reduce((acc: any, key) => acc?.[key], doc);
      if (current === undefined) throw new Error(`openapi.yaml: unresolved $ref ${node.$ref}`);
    }
    return current as T;
  };

  for (const [pathTemplate, item] of Object.entries<any>(doc.paths ?? {})) {
    const op = item?.post;
    if (op?.operationId !== OPERATION_ID) continue;

    const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p) => resolveRef<any>(p));
    const businessId = params.find((p) => p.in === "path" && p.name === "businessId");
    if (!businessId) throw new Error("openapi.yaml: createChat has no businessId path parameter");

    const body = resolveRef<any>(op.requestBody);
    const requestBodySchema = body?.content?.["application/json"]?.schema;
    if (!requestBodySchema) throw new Error("openapi.yaml: createChat has no application/json request body");

    const responses = new Map<number, DeclaredResponse>();
    for (const [code, ref] of Object.entries<any>(op.responses ?? {})) {
      const response = resolveRef<any>(ref);
      const media = response.content?.["application/json"] ?? {};
      const examples = new Map<string, unknown>();
      for (const [name, ex] of Object.entries<any>(media.examples ?? {})) examples.set(name, resolveRef<any>(ex).value);
      if (examples.size === 0 && media.example !== undefined) examples.set("default", media.example);
      const headers = Object.entries<any>(response.headers ?? {}).map(([name, h]) => {
        const header = resolveRef<any>(h);
        return { name, required: header.required === true, schema: header.schema, example: header.example };
      });
      responses.set(Number(code), {
        status: Number(code),
        description: response.description ?? "",
        bodySchema: media.schema ?? {},
        examples,
        headers,
      });
    }

    const limit = op["x-rate-limit"] ?? {};
    return {
      pathTemplate,
      method: "post",
      operationId: OPERATION_ID,
      schemas: doc.components?.schemas ?? {},
      requestBodySchema,
      businessIdSchema: businessId.schema,
      statuses: [...responses.keys()].sort((a, b) => a - b),
      responses,
      requiredScopes: op["x-auth-scopes"] ?? [],
      rateLimit: {
        requests: limit.requests,
        periodMs: parseIsoDuration(limit.period ?? "PT1H"),
        parallelRequests: limit.parallelRequests,
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
