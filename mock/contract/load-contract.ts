/**
 * The contract, read once at start from openapi.yaml into a table of operations: for each, its
 * method and path template, parameters, request body, declared responses (named examples and
 * headers), `x-auth-scopes` and `x-rate-limit`. Everything the mock knows about the API's shapes
 * and rules comes from here, never from a hand copy.
 */
import { resolve } from "node:path";
import { packageFilePath } from "../package-files.js";
import { readContractDocument } from "./contract-document.js";

/** A JSON Schema object as it stands in openapi.yaml. */
export type SchemaObject = Record<string, unknown>;

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";
const HTTP_METHODS: readonly HttpMethod[] = ["get", "post", "put", "patch", "delete"];

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

export interface DeclaredParameter {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  schema: SchemaObject;
}

export interface DeclaredRequestBody {
  required: boolean;
  /** Media types the contract accepts, e.g. `application/json`, `multipart/form-data`. */
  mediaTypes: string[];
  /** The schema of each media type. */
  schemas: Map<string, SchemaObject>;
  /** The file parts (`format: binary` properties) of each multipart media type; absent for the others. */
  fileParts: Map<string, DeclaredFilePart[]>;
}

/** A file part of a multipart body: a `type: string, format: binary` property of its schema. */
export interface DeclaredFilePart {
  name: string;
  required: boolean;
  /** `minLength` / `maxLength` of the property: the file's bytes. */
  minBytes?: number;
  maxBytes?: number;
  /** The part's `encoding.<name>.contentType`, split at commas; absent = any. */
  contentTypes?: string[];
}

/** `x-rate-limit` of an operation. */
export interface RateLimit {
  /** Requests per period per business. */
  requests: number;
  periodMs: number;
  /** Requests of one business in flight at once, where the vendor documents a limit. */
  parallelRequests?: number;
}

/** One operation of the contract. */
export interface Operation {
  operationId: string;
  method: HttpMethod;
  /** The OpenAPI path template, e.g. `/v2/businesses/{businessId}/chats/new`. */
  pathTemplate: string;
  parameters: DeclaredParameter[];
  requestBody?: DeclaredRequestBody;
  /** Declared statuses, ascending. */
  statuses: number[];
  responses: Map<number, DeclaredResponse>;
  /** `x-auth-scopes`: any one of them lets a token call the operation. */
  requiredScopes: string[];
  rateLimit: RateLimit;
}

export interface Contract {
  /** SHA-256 (hex) of the file's text, when it was read from a file. */
  sha256?: string;
  /** Every operation, in the order of the document. */
  operations: Operation[];
  /** `components.schemas`, for compiling validators that resolve `$ref`s. */
  schemas: Record<string, SchemaObject>;
  /** The operation with this id; throws when the contract has none. */
  operation(operationId: string): Operation;
}

/** Finds openapi.yaml at the package root, from source (`mock/`) or build (`dist/mock/`). */
export function defaultSpecPath(): string {
  return packageFilePath("openapi.yaml");
}

/** A node of the parsed YAML document: read with `field`, never trusted blindly. */
type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node => typeof value === "object" && value !== null && !Array.isArray(value);
const field = (node: unknown, key: string): Node => {
  const value = isNode(node) ? node[key] : undefined;
  return isNode(value) ? value : {};
};
const entries = (node: unknown): Array<[string, Node]> =>
  Object.entries(isNode(node) ? node : {}).filter((e): e is [string, Node] => isNode(e[1]));
const list = (node: unknown): Node[] => (Array.isArray(node) ? node.filter(isNode) : []);

const contractCache = new Map<string, Contract>();

/**
 * Reads and indexes the contract (once per file; the result is shared and must not be changed).
 * Throws with a clear message when the file lacks what the mock needs.
 */
export function loadContract(specPath: string = defaultSpecPath()): Contract {
  const path = resolve(specPath);
  let contract = contractCache.get(path);
  if (contract === undefined) {
    const { sha256, document } = readContractDocument(path);
    contract = { ...readContract(document), sha256 };
    contractCache.set(path, contract);
  }
  return contract;
}

/** Indexes an already parsed OpenAPI document. */
export function readContract(doc: unknown): Contract {
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

  const operations: Operation[] = [];
  for (const [pathTemplate, item] of entries(field(doc, "paths"))) {
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!isNode(op)) continue;
      const operationId = op.operationId;
      if (typeof operationId !== "string") throw new Error(`openapi.yaml: ${method.toUpperCase()} ${pathTemplate} has no operationId`);
      const where = `openapi.yaml: ${operationId}`;

      const parameters = [...list(item.parameters), ...list(op.parameters)].map(deref).map((p): DeclaredParameter => {
        if (typeof p.name !== "string" || (p.in !== "path" && p.in !== "query" && p.in !== "header")) {
          throw new Error(`${where} has a parameter without a name or with an unsupported "in"`);
        }
        return { name: p.name, in: p.in, required: p.required === true, schema: field(p, "schema") };
      });
      for (const name of pathTemplate.match(/\{(\w+)\}/g) ?? []) {
        const bare = name.slice(1, -1);
        if (!parameters.some((p) => p.in === "path" && p.name === bare)) throw new Error(`${where} has no ${bare} path parameter`);
      }

      let requestBody: DeclaredRequestBody | undefined;
      if (isNode(op.requestBody)) {
        const body = deref(op.requestBody);
        const schemas = new Map(entries(body.content).map(([mediaType, media]) => [mediaType, field(media, "schema")]));
        if (schemas.size === 0) throw new Error(`${where} has a request body without content`);
        const fileParts = new Map<string, DeclaredFilePart[]>();
        for (const [mediaType, media] of entries(body.content)) {
          if (mediaType.startsWith("multipart/")) fileParts.set(mediaType, filePartsOf(deref(field(media, "schema")), field(media, "encoding"), deref));
        }
        requestBody = { required: body.required === true, mediaTypes: [...schemas.keys()], schemas, fileParts };
      }

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
      if (typeof limit.requests !== "number") throw new Error(`${where} has no x-rate-limit.requests`);
      const scopes = op["x-auth-scopes"];
      operations.push({
        operationId,
        method,
        pathTemplate,
        parameters,
        requestBody,
        statuses: [...responses.keys()].sort((a, b) => a - b),
        responses,
        requiredScopes: Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === "string") : [],
        rateLimit: {
          requests: limit.requests,
          periodMs: parseIsoDuration(typeof limit.period === "string" ? limit.period : "PT1H"),
          parallelRequests: typeof limit.parallelRequests === "number" ? limit.parallelRequests : undefined,
        },
      });
    }
  }
  if (operations.length === 0) throw new Error("openapi.yaml: no operations under paths");

  const byId = new Map(operations.map((op) => [op.operationId, op]));
  return {
    operations,
    schemas: Object.fromEntries(entries(field(field(doc, "components"), "schemas"))),
    operation(operationId) {
      const op = byId.get(operationId);
      if (op === undefined) throw new Error(`openapi.yaml: no operation ${operationId}; it has ${[...byId.keys()].join(", ")}`);
      return op;
    },
  };
}

/** The `format: binary` properties of a multipart schema, with their byte bounds and allowed media types. */
function filePartsOf(schema: Node, encoding: Node, deref: (node: Node) => Node): DeclaredFilePart[] {
  const required = Array.isArray(schema.required) ? schema.required : [];
  return entries(schema.properties)
    .map(([name, property]) => [name, deref(property)] as const)
    .filter(([, property]) => property.type === "string" && property.format === "binary")
    .map(([name, property]) => {
      const part: DeclaredFilePart = { name, required: required.includes(name) };
      if (typeof property.minLength === "number") part.minBytes = property.minLength;
      if (typeof property.maxLength === "number") part.maxBytes = property.maxLength;
      const contentType = field(encoding, name).contentType;
      if (typeof contentType === "string") part.contentTypes = contentType.split(",").map((t) => t.trim().toLowerCase()).filter((t) => t !== "");
      return part;
    });
}

/** ISO 8601 durations of the shape the contract uses (`PT1H`, `PT15M`, `PT90S`). */
function parseIsoDuration(text: string): number {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(text);
  if (!m || m[0] === "PT") throw new Error(`openapi.yaml: x-rate-limit.period ${text} is not an ISO 8601 duration like PT1H`);
  return ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000;
}
