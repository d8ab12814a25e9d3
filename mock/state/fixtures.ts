/**
 * The mock's data: which tokens exist, which businesses (cabinets) they may reach, and
 * which orders and returns each business has. Ships a demo set, validates fixture files
 * (`--fixtures <file.json|yaml>`, `PUT /__mock/fixtures`) and indexes them for O(1) lookups.
 */
import { open, stat } from "node:fs/promises";
import { extname } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import { toProblems } from "../contract/schema-problems.js";

/** Fulfilment model of a store; RETURN chats are not available to DBS stores. */
export type StoreModel = "FBS" | "FBY" | "DBS" | "EXPRESS";
/** How a token is presented: `Api-Key: <token>`, or `Authorization: Bearer <token>`. */
export type TokenScheme = "api-key" | "oauth";

/** A token the mock accepts: its scopes and the businesses it may access. */
export interface TokenFixture {
  token: string;
  scheme: TokenScheme;
  scopes: string[];
  businesses: number[];
}

/** A business (cabinet): its store model and the order and return ids that exist in it. */
export interface BusinessFixture {
  id: number;
  model: StoreModel;
  orders: number[];
  returns: number[];
}

/** Everything the mock knows about tokens and businesses. */
export interface Fixtures {
  tokens: TokenFixture[];
  businesses: BusinessFixture[];
}

/**
 * The largest fixtures file read, and the largest `PUT /__mock/fixtures` body, by default
 * (`--fixtures-max-size`, MockOptions.fixturesMaxBytes): room for hundreds of thousands of ids. A
 * YAML file costs far more memory to parse than its size (docs/fixtures.md), so this bounds it too.
 */
export const DEFAULT_FIXTURES_MAX_BYTES = 8 * 1024 * 1024;

/**
 * The most YAML alias expansions a fixtures file may use. Each `*alias` copies its anchor's node,
 * so a few lines of nested aliases ("billion laughs") would expand to gigabytes; real fixtures
 * need few aliases, if any.
 */
export const MAX_YAML_ALIASES = 100;

/** Store models, in the order error messages list them. */
export const STORE_MODELS: readonly StoreModel[] = ["FBS", "FBY", "DBS", "EXPRESS"];
/** Token schemes, in the order error messages list them. */
export const TOKEN_SCHEMES: readonly TokenScheme[] = ["api-key", "oauth"];

/**
 * A fixture file that cannot be used. The message is one line: where (source, and the JSON
 * pointer or line:column) and why, e.g. `fixtures.yaml: /businesses/2/model must be one of FBS, FBY, DBS, EXPRESS`.
 */
export class FixturesError extends Error {
  /** The file path (or other label) the fixtures came from. */
  readonly source: string;
  /** JSON pointer of the offending value, when the problem is in the data's shape or meaning. */
  readonly pointer: string | undefined;

  constructor(source: string, detail: string, pointer?: string) {
    super(`${source}: ${pointer === undefined ? "" : `${pointer === "" ? "(root)" : pointer} `}${detail}`);
    this.name = "FixturesError";
    this.source = source;
    this.pointer = pointer;
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Demo data                                                                                   */
/* ------------------------------------------------------------------------------------------ */

function idRange(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}

const DEMO_BUSINESSES = [1001, 1002, 1003, 1004];

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * The default data, also shipped as `examples/fixtures.demo.yaml`. Deeply frozen: it is shared
 * by every mock instance in a process, so one test must not be able to change it for another.
 *
 * Tokens: Api-Key `demo-all-methods` (all-methods), `demo-communication` (communication),
 * `demo-pricing-only` (pricing, so no chat scope), OAuth `demo-oauth` (all-methods): businesses
 * 1001-1004; Api-Key `demo-other-seller` (all-methods): business 2001 only.
 * Businesses: 1001 FBS, 1002 DBS, 1003 FBY, 1004 EXPRESS (orders N1001-N1010, returns
 * N2001-N2005 where N is 1..4); 2001 FBS of another seller (orders 51001-51010, no returns).
 */
export const demoFixtures: Fixtures = deepFreeze({
  tokens: [
    { token: "demo-all-methods", scheme: "api-key", scopes: ["all-methods"], businesses: [...DEMO_BUSINESSES] },
    { token: "demo-communication", scheme: "api-key", scopes: ["communication"], businesses: [...DEMO_BUSINESSES] },
    { token: "demo-pricing-only", scheme: "api-key", scopes: ["pricing"], businesses: [...DEMO_BUSINESSES] },
    { token: "demo-oauth", scheme: "oauth", scopes: ["all-methods"], businesses: [...DEMO_BUSINESSES] },
    { token: "demo-other-seller", scheme: "api-key", scopes: ["all-methods"], businesses: [2001] },
  ],
  businesses: [
    { id: 1001, model: "FBS", orders: idRange(11001, 10), returns: idRange(12001, 5) },
    { id: 1002, model: "DBS", orders: idRange(21001, 10), returns: idRange(22001, 5) },
    { id: 1003, model: "FBY", orders: idRange(31001, 10), returns: idRange(32001, 5) },
    { id: 1004, model: "EXPRESS", orders: idRange(41001, 10), returns: idRange(42001, 5) },
    { id: 2001, model: "FBS", orders: idRange(51001, 10), returns: [] },
  ],
});

/* ------------------------------------------------------------------------------------------ */
/* Schema of the fixture file format (ours; unrelated to the API contract's schemas)           */
/* ------------------------------------------------------------------------------------------ */

const idSchema = { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;
const idListSchema = { type: "array", items: idSchema } as const;

/**
 * JSON Schema (draft-07) of a fixture file. `scheme` defaults to `api-key`; `orders` and
 * `returns` default to `[]`. Unknown keys are rejected at every level so typos surface;
 * `$schema` is allowed at the top for editor support.
 */
export const fixturesJsonSchema = {
  title: "createChat mock fixtures",
  type: "object",
  required: ["tokens", "businesses"],
  additionalProperties: false,
  properties: {
    $schema: { type: "string" },
    tokens: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        required: ["token", "scopes", "businesses"],
        additionalProperties: false,
        properties: {
          token: { type: "string", minLength: 1 },
          scheme: { enum: [...TOKEN_SCHEMES] },
          scopes: { type: "array", items: { type: "string", minLength: 1 } },
          businesses: idListSchema,
        },
      },
    },
    businesses: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        required: ["id", "model"],
        additionalProperties: false,
        properties: {
          id: idSchema,
          model: { enum: [...STORE_MODELS] },
          orders: idListSchema,
          returns: idListSchema,
        },
      },
    },
  },
} as const;

/** The file's shape after schema validation, before defaults are applied. */
interface FixturesFile {
  tokens: Array<{ token: string; scheme?: TokenScheme; scopes: string[]; businesses: number[] }>;
  businesses: Array<{ id: number; model: StoreModel; orders?: number[]; returns?: number[] }>;
}

// Compiled once, when the first file is checked (the demo data needs no check, so a mock without
// --fixtures starts without it); allErrors stays off so the first problem is the one reported.
let compiledFileValidator: ValidateFunction<FixturesFile> | undefined;
const fileValidator = (): ValidateFunction<FixturesFile> =>
  (compiledFileValidator ??= new Ajv({ strict: true, verbose: true }).compile<FixturesFile>(fixturesJsonSchema));

/** Report the second occurrence of any repeated value in `values` (items at `${path}/i`). */
function rejectRepeats<T>(values: readonly T[], path: string, what: string, source: string): void {
  const seen = new Set<T>();
  values.forEach((value, i) => {
    if (seen.has(value)) throw new FixturesError(source, `${what} ${JSON.stringify(value)} is listed twice`, `${path}/${i}`);
    seen.add(value);
  });
}

/**
 * Validate fixture data (already parsed from JSON or YAML) and return a normalized copy:
 * defaults applied (`scheme: api-key`, `orders: []`, `returns: []`), `$schema` dropped,
 * no array shared with the input.
 *
 * Beyond the schema it rejects: two businesses with the same id, the same token twice under
 * the same scheme, a token naming a business that is not in the data, and an id or scope
 * listed twice in one list.
 *
 * @param source label used in error messages (a file path, `PUT /__mock/fixtures`); default `fixtures`.
 * @throws FixturesError naming the source and the JSON pointer of the first problem.
 * @example parseFixtures(JSON.parse(body), "PUT /__mock/fixtures")
 */
export function parseFixtures(data: unknown, source = "fixtures"): Fixtures {
  const validateFile = fileValidator();
  if (!validateFile(data)) {
    const [first] = toProblems(validateFile.errors);
    if (first === undefined) throw new FixturesError(source, "is not valid fixture data");
    throw new FixturesError(source, first.message, first.pointer);
  }

  const businesses: BusinessFixture[] = data.businesses.map((b) => ({
    id: b.id,
    model: b.model,
    orders: [...(b.orders ?? [])],
    returns: [...(b.returns ?? [])],
  }));
  const tokens: TokenFixture[] = data.tokens.map((t) => ({
    token: t.token,
    scheme: t.scheme ?? "api-key",
    scopes: [...t.scopes],
    businesses: [...t.businesses],
  }));

  const businessIds = new Set<number>();
  businesses.forEach((b, i) => {
    if (businessIds.has(b.id)) throw new FixturesError(source, `business id ${b.id} is listed twice`, `/businesses/${i}/id`);
    businessIds.add(b.id);
    rejectRepeats(b.orders, `/businesses/${i}/orders`, "order id", source);
    rejectRepeats(b.returns, `/businesses/${i}/returns`, "return id", source);
  });

  const tokenKeys = new Set<string>();
  tokens.forEach((t, i) => {
    const key = tokenKey(t.token, t.scheme);
    if (tokenKeys.has(key)) {
      throw new FixturesError(source, `token ${JSON.stringify(t.token)} is listed twice for scheme ${t.scheme}`, `/tokens/${i}/token`);
    }
    tokenKeys.add(key);
    const unsendable = whyUnsendable(t.token, t.scheme);
    if (unsendable !== undefined) throw new FixturesError(source, `token ${JSON.stringify(t.token)} ${unsendable}: no client could send it`, `/tokens/${i}/token`);
    rejectRepeats(t.scopes, `/tokens/${i}/scopes`, "scope", source);
    rejectRepeats(t.businesses, `/tokens/${i}/businesses`, "business id", source);
    t.businesses.forEach((id, j) => {
      if (!businessIds.has(id)) {
        throw new FixturesError(source, `names business ${id}, which is not in /businesses`, `/tokens/${i}/businesses/${j}`);
      }
    });
  });

  return { tokens, businesses };
}

/**
 * Why a token could never arrive as written, or undefined when a client can send it. A header
 * value is visible ASCII (Fetch refuses other bytes, and the mock trims what it reads), and the
 * OAuth forms end the token at the first space (`Bearer <token>`, `oauth_token=<token>`).
 */
function whyUnsendable(token: string, scheme: TokenScheme): string | undefined {
  if (/[^\x20-\x7e]/.test(token)) return "has a character outside printable ASCII (a header value cannot carry it as is)";
  if (token.trim() !== token) return "starts or ends with a space (header values are trimmed)";
  if (scheme === "oauth" && /[\s,"]/.test(token)) return 'has a space, a comma or a quote (an OAuth token ends there in "Bearer <token>" and "oauth_token=<token>")';
  return undefined;
}

/* ------------------------------------------------------------------------------------------ */
/* Files                                                                                       */
/* ------------------------------------------------------------------------------------------ */

const READ_ERRORS: Record<string, string> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "is a directory, not a file",
};

function readFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && READ_ERRORS[code] !== undefined) return READ_ERRORS[code];
  return error instanceof Error ? error.message : String(error);
}

const READ_CHUNK_BYTES = 1024 * 1024;

/** Collapse a parser message to one line, without the source excerpt V8 and yaml append. */
function oneLine(message: string): string {
  return message.split("\n")[0]!.replace(/\s+/g, " ").trim();
}

function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // V8 quotes the offending text (`..., "{"a": }" is not valid JSON`); it can be long or span lines.
    const message = oneLine(String((error as Error).message)).replace(/, ".*" is not valid JSON$/, "");
    const position = /at position (\d+)/.exec(message);
    if (position !== null) {
      const before = text.slice(0, Number(position[1]));
      const line = before.split("\n").length;
      const column = before.length - before.lastIndexOf("\n");
      throw new FixturesError(`${source}:${line}:${column}`, `invalid JSON: ${message.replace(/ (in JSON )?at position \d+.*$/, "")}`);
    }
    throw new FixturesError(source, `invalid JSON: ${message}`);
  }
}

function parseYamlText(yaml: typeof import("yaml"), text: string, source: string): unknown {
  // Warnings (an unknown tag, say) are treated as errors too: the file would not mean what it says.
  const doc = yaml.parseDocument(text);
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem !== undefined) {
    const where = problem.linePos?.[0];
    const at = where === undefined ? source : `${source}:${where.line}:${where.col}`;
    throw new FixturesError(at, `invalid YAML: ${oneLine(problem.message).replace(/ at line \d+, column \d+:?$/, "")}`);
  }
  try {
    // Set here rather than left to the parser's default, which a new version of it could change.
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    // yaml throws a ReferenceError ("Excessive alias count …") when the cap is passed.
    if (error instanceof ReferenceError && /alias count/i.test(error.message)) {
      throw new FixturesError(source, `YAML aliases would expand to more than ${MAX_YAML_ALIASES} copies (a guard against alias bombs); write the values out`);
    }
    throw new FixturesError(source, `invalid YAML: ${oneLine(String((error as Error).message))}`);
  }
}

/**
 * The file's text, refused by its size before it is read when it is over `maxBytes`, and read
 * bounded all the same (a pipe or a file still growing has no size to trust).
 */
async function readBoundedText(path: string, maxBytes: number): Promise<string> {
  const tooLarge = (size: string) =>
    new FixturesError(path, `file is ${size}, more than the ${maxBytes} bytes allowed (raise it with --fixtures-max-size)`);
  try {
    const { size } = await stat(path);
    if (size > maxBytes) throw tooLarge(`${size} bytes`);
    const file = await open(path, "r");
    try {
      const chunks: Buffer[] = [];
      let total = 0;
      for (;;) {
        // One byte past the bound tells a file at the bound from a larger one.
        const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, maxBytes + 1 - total));
        const { bytesRead } = await file.read(chunk, 0, chunk.length, null);
        if (bytesRead === 0) break;
        chunks.push(chunk.subarray(0, bytesRead));
        total += bytesRead;
        if (total > maxBytes) throw tooLarge("larger than that");
      }
      return Buffer.concat(chunks, total).toString("utf8");
    } finally {
      await file.close();
    }
  } catch (error) {
    if (error instanceof FixturesError) throw error;
    throw new FixturesError(path, `cannot read file: ${readFailure(error)}`);
  }
}

/**
 * Read, parse and validate a fixture file. The format follows the extension: `.json`
 * (JSON.parse), `.yaml` or `.yml` (the `yaml` package, duplicate keys rejected).
 *
 * @param path the file, as the user gave it; it is the `source` in error messages.
 * @param options.maxBytes the largest file read; default {@link DEFAULT_FIXTURES_MAX_BYTES}. A
 *   larger one is refused by its size, before it is read.
 * @throws FixturesError with one line: unknown extension, unreadable or too large file, bad
 *   syntax (with line:column where the parser knows it), YAML aliases past
 *   {@link MAX_YAML_ALIASES}, or bad data (with the JSON pointer).
 * @example const fixtures = await loadFixturesFile("examples/fixtures.demo.yaml");
 */
export async function loadFixturesFile(path: string, options: { maxBytes?: number } = {}): Promise<Fixtures> {
  const maxBytes = options.maxBytes ?? DEFAULT_FIXTURES_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new RangeError(`maxBytes must be an integer >= 1, got ${String(maxBytes)}`);
  const extension = extname(path).toLowerCase();
  if (extension !== ".json" && extension !== ".yaml" && extension !== ".yml") {
    const found = extension === "" ? "has no extension" : `has unsupported extension ${JSON.stringify(extension)}`;
    throw new FixturesError(path, `${found} (use .json, .yaml or .yml)`);
  }
  const text = await readBoundedText(path, maxBytes);
  if (text.trim() === "") throw new FixturesError(path, "file is empty");
  // Loaded when a YAML file is read: a mock started without one never loads the parser.
  const data = extension === ".json" ? parseJsonText(text, path) : parseYamlText(await import("yaml"), text, path);
  return parseFixtures(data, path);
}

/* ------------------------------------------------------------------------------------------ */
/* Index                                                                                       */
/* ------------------------------------------------------------------------------------------ */

/** O(1) lookups over one set of fixtures. */
export interface FixtureIndex {
  readonly fixtures: Fixtures;
  /** The token with this value presented under this scheme, if any. */
  token(value: string, scheme: TokenScheme): TokenFixture | undefined;
  business(id: number): BusinessFixture | undefined;
  /** Whether the token (one of this index's) lists the business. */
  tokenMayAccess(token: TokenFixture, businessId: number): boolean;
  hasOrder(businessId: number, orderId: number): boolean;
  hasReturn(businessId: number, returnId: number): boolean;
}

function tokenKey(value: string, scheme: TokenScheme): string {
  // NUL cannot occur in an HTTP header value, so the key cannot collide across schemes.
  return `${scheme}\u0000${value}`;
}

/**
 * Build the lookup maps once. Expects valid fixtures (from `parseFixtures` or `demoFixtures`);
 * later changes to the `fixtures` object are not seen by the index.
 *
 * @example const index = indexFixtures(demoFixtures); index.hasOrder(1001, 11001) // true
 */
export function indexFixtures(fixtures: Fixtures): FixtureIndex {
  const tokens = new Map<string, TokenFixture>();
  // A set per token: a token may list very many businesses, and every request asks.
  const access = new Map<TokenFixture, Set<number>>();
  for (const t of fixtures.tokens) {
    tokens.set(tokenKey(t.token, t.scheme), t);
    access.set(t, new Set(t.businesses));
  }
  const businesses = new Map<number, { fixture: BusinessFixture; orders: Set<number>; returns: Set<number> }>();
  for (const b of fixtures.businesses) {
    businesses.set(b.id, { fixture: b, orders: new Set(b.orders), returns: new Set(b.returns) });
  }
  return {
    fixtures,
    token: (value, scheme) => tokens.get(tokenKey(value, scheme)),
    business: (id) => businesses.get(id)?.fixture,
    tokenMayAccess: (token, businessId) => access.get(token)?.has(businessId) ?? false,
    hasOrder: (businessId, orderId) => businesses.get(businessId)?.orders.has(orderId) ?? false,
    hasReturn: (businessId, returnId) => businesses.get(businessId)?.returns.has(returnId) ?? false,
  };
}
