import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixturesError, indexFixtures, loadFixturesFile, parseFixtures, type Fixtures } from "../mock/state/fixtures.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "fixtures-loading-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** The error a failing call throws; fails the test if it does not throw a FixturesError. */
async function failure(run: () => unknown): Promise<FixturesError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(FixturesError);
    return error as FixturesError;
  }
  throw new Error("expected a FixturesError, got none");
}

const minimal = {
  tokens: [{ token: "t1", scheme: "api-key", scopes: ["communication"], businesses: [7] }],
  businesses: [{ id: 7, model: "FBY", orders: [70], returns: [71] }],
};

/** `minimal` with changes applied to a deep copy. */
function variant(change: (data: any) => void): unknown {
  const data = structuredClone(minimal);
  change(data);
  return data;
}

describe("loading fixture files", () => {
  it("loads a .json file", async () => {
    const path = await file("ok.json", JSON.stringify(minimal));
    expect(await loadFixturesFile(path)).toEqual(minimal);
  });

  it("loads a .yaml and a .yml file with the same meaning as the JSON", async () => {
    const yaml = [
      "tokens:",
      "  - token: t1",
      "    scheme: api-key",
      "    scopes: [communication]",
      "    businesses: [7]",
      "businesses:",
      "  - id: 7",
      "    model: FBY",
      "    orders: [70]",
      "    returns: [71]",
      "",
    ].join("\n");
    expect(await loadFixturesFile(await file("ok.yaml", yaml))).toEqual(minimal);
    expect(await loadFixturesFile(await file("ok.yml", yaml))).toEqual(minimal);
  });

  it("applies defaults: scheme api-key, no orders, no returns; drops $schema", async () => {
    const path = await file(
      "defaults.json",
      JSON.stringify({
        $schema: "./fixtures.schema.json",
        tokens: [{ token: "t", scopes: ["all-methods"], businesses: [1] }],
        businesses: [{ id: 1, model: "DBS" }],
      }),
    );
    const expected: Fixtures = {
      tokens: [{ token: "t", scheme: "api-key", scopes: ["all-methods"], businesses: [1] }],
      businesses: [{ id: 1, model: "DBS", orders: [], returns: [] }],
    };
    expect(await loadFixturesFile(path)).toEqual(expected);
  });

  it("returns a copy that shares no arrays with the input", () => {
    const input = structuredClone(minimal);
    const parsed = parseFixtures(input);
    input.businesses[0]!.orders.push(99);
    input.tokens[0]!.scopes.push("pricing");
    expect(parsed.businesses[0]!.orders).toEqual([70]);
    expect(parsed.tokens[0]!.scopes).toEqual(["communication"]);
  });

  it("accepts the same token string under both schemes", () => {
    const data = variant((d) => d.tokens.push({ ...d.tokens[0], scheme: "oauth" }));
    const index = indexFixtures(parseFixtures(data));
    expect(index.token("t1", "api-key")?.scheme).toBe("api-key");
    expect(index.token("t1", "oauth")?.scheme).toBe("oauth");
  });
});

describe("file-level errors: one line naming the file", () => {
  it("rejects an unknown extension", async () => {
    const path = await file("fixtures.txt", JSON.stringify(minimal));
    const error = await failure(() => loadFixturesFile(path));
    expect(error.message).toBe(`${path}: has unsupported extension ".txt" (use .json, .yaml or .yml)`);
  });

  it("rejects a path without extension", async () => {
    const path = await file("fixtures", JSON.stringify(minimal));
    expect((await failure(() => loadFixturesFile(path))).message).toBe(`${path}: has no extension (use .json, .yaml or .yml)`);
  });

  it("reports a missing file", async () => {
    const path = join(dir, "missing.yaml");
    expect((await failure(() => loadFixturesFile(path))).message).toBe(`${path}: cannot read file: no such file`);
  });

  it("reports a directory given as the file", async () => {
    const path = join(dir, "a-directory.json");
    await mkdir(path);
    expect((await failure(() => loadFixturesFile(path))).message).toBe(`${path}: cannot read file: is a directory, not a file`);
  });

  it("reports an empty file", async () => {
    const path = await file("empty.yaml", "  \n\n");
    expect((await failure(() => loadFixturesFile(path))).message).toBe(`${path}: file is empty`);
  });

  it("reports bad JSON syntax with line and column when the parser gives a position", async () => {
    const path = await file("bad.json", '{\n  "tokens": [],\n}\n');
    const error = await failure(() => loadFixturesFile(path));
    expect(error.message).toMatch(new RegExp(`^${escape(path)}:3:1: invalid JSON: \\S`));
    expect(error.message).not.toContain("\n");
  });

  it("reports bad JSON syntax on one line without quoting the file's text", async () => {
    const path = await file("bad-token.json", '{"tokens": }');
    const error = await failure(() => loadFixturesFile(path));
    expect(error.message).toMatch(new RegExp(`^${escape(path)}(:\\d+:\\d+)?: invalid JSON: `));
    expect(error.message).not.toContain('"tokens"');
    expect(error.message).not.toContain("\n");
  });

  it("reports bad YAML syntax with line and column", async () => {
    const path = await file("bad.yaml", "tokens:\n  - token: a\n  scopes: [x\nbusinesses: []\n");
    const error = await failure(() => loadFixturesFile(path));
    expect(error.message).toMatch(new RegExp(`^${escape(path)}:\\d+:\\d+: invalid YAML: \\S`));
    expect(error.message).not.toContain("\n");
  });

  it("rejects a YAML mapping with a duplicate key, at the second occurrence", async () => {
    const path = await file("dup.yaml", "tokens: []\nbusinesses: []\ntokens: []\n");
    expect((await failure(() => loadFixturesFile(path))).message).toBe(`${path}:3:1: invalid YAML: Map keys must be unique`);
  });

  it("reports bad shape with the file and the JSON pointer", async () => {
    const path = await file(
      "fixtures.yaml",
      "tokens:\n  - {token: t, scopes: [x], businesses: [1]}\nbusinesses:\n  - {id: 1, model: FBS}\n  - {id: 2, model: FBS}\n  - {id: 3, model: DSB}\n",
    );
    const error = await failure(() => loadFixturesFile(path));
    expect(error.message).toBe(`${path}: /businesses/2/model must be one of FBS, FBY, DBS, EXPRESS`);
    expect(error.source).toBe(path);
    expect(error.pointer).toBe("/businesses/2/model");
  });
});

describe("data errors name the JSON pointer and the reason", () => {
  const cases: Array<[string, unknown, string]> = [
    ["not an object", [], "fx: (root) must be an object"],
    ["missing tokens", { businesses: minimal.businesses }, "fx: /tokens is required"],
    ["unknown top-level key", variant((d) => (d.token = [])), "fx: /token is not allowed; allowed: $schema, tokens, businesses"],
    ["unknown key in a business", variant((d) => (d.businesses[0].order = [1])), "fx: /businesses/0/order is not allowed; allowed: id, model, orders, returns"],
    ["unknown key in a token", variant((d) => (d.tokens[0].scope = ["x"])), "fx: /tokens/0/scope is not allowed; allowed: token, scheme, scopes, businesses"],
    ["no tokens", variant((d) => (d.tokens = [])), "fx: /tokens must have at least 1 item"],
    ["no businesses", variant((d) => (d.businesses = [])), "fx: /businesses must have at least 1 item"],
    ["unknown model", variant((d) => (d.businesses[0].model = "fbs")), "fx: /businesses/0/model must be one of FBS, FBY, DBS, EXPRESS"],
    ["unknown scheme", variant((d) => (d.tokens[0].scheme = "bearer")), "fx: /tokens/0/scheme must be one of api-key, oauth"],
    ["fractional id", variant((d) => (d.businesses[0].id = 7.5)), "fx: /businesses/0/id must be an integer"],
    ["id as string", variant((d) => (d.businesses[0].orders = ["70"])), "fx: /businesses/0/orders/0 must be an integer"],
    ["id 0", variant((d) => (d.businesses[0].returns = [0])), "fx: /businesses/0/returns/0 must be >= 1"],
    ["id above MAX_SAFE_INTEGER", variant((d) => (d.businesses[0].orders = [2 ** 53])), `fx: /businesses/0/orders/0 must be <= ${Number.MAX_SAFE_INTEGER}`],
    ["empty scope", variant((d) => (d.tokens[0].scopes = ["communication", ""])), "fx: /tokens/0/scopes/1 must be a non-empty string"],
    ["non-string scope", variant((d) => (d.tokens[0].scopes = [1])), "fx: /tokens/0/scopes/0 must be a string"],
    ["empty token", variant((d) => (d.tokens[0].token = "")), "fx: /tokens/0/token must be a non-empty string"],
    [
      "a token with a space at its end",
      variant((d) => d.tokens.push({ token: "t2 ", scopes: ["x"], businesses: [] })),
      'fx: /tokens/1/token token "t2 " starts or ends with a space (header values are trimmed): no client could send it',
    ],
    [
      "a token with a space at its start",
      variant((d) => (d.tokens[0].token = " t1")),
      'fx: /tokens/0/token token " t1" starts or ends with a space (header values are trimmed): no client could send it',
    ],
    [
      "a token outside ASCII",
      variant((d) => d.tokens.push({ token: "токен", scopes: ["x"], businesses: [] })),
      'fx: /tokens/1/token token "токен" has a character outside printable ASCII (a header value cannot carry it as is): no client could send it',
    ],
    [
      "a token with a line break",
      variant((d) => (d.tokens[0].token = "t1\nX-Other: 1")),
      'fx: /tokens/0/token token "t1\\nX-Other: 1" has a character outside printable ASCII (a header value cannot carry it as is): no client could send it',
    ],
    [
      "an OAuth token with a space",
      variant((d) => d.tokens.push({ token: "two words", scheme: "oauth", scopes: ["x"], businesses: [] })),
      'fx: /tokens/1/token token "two words" has a space, a comma or a quote (an OAuth token ends there in "Bearer <token>" and "oauth_token=<token>"): no client could send it',
    ],
    [
      "duplicate business id",
      variant((d) => d.businesses.push({ id: 7, model: "FBS" })),
      "fx: /businesses/1/id business id 7 is listed twice",
    ],
    [
      "duplicate token under the same scheme",
      variant((d) => d.tokens.push({ token: "t1", scopes: ["pricing"], businesses: [] })),
      'fx: /tokens/1/token token "t1" is listed twice for scheme api-key',
    ],
    [
      "token naming a business not in the file",
      variant((d) => (d.tokens[0].businesses = [7, 8])),
      "fx: /tokens/0/businesses/1 names business 8, which is not in /businesses",
    ],
    ["order listed twice", variant((d) => (d.businesses[0].orders = [70, 72, 70])), "fx: /businesses/0/orders/2 order id 70 is listed twice"],
    ["return listed twice", variant((d) => (d.businesses[0].returns = [71, 71])), "fx: /businesses/0/returns/1 return id 71 is listed twice"],
    ["scope listed twice", variant((d) => (d.tokens[0].scopes = ["x", "x"])), 'fx: /tokens/0/scopes/1 scope "x" is listed twice'],
  ];

  it.each(cases)("%s", async (_name, data, message) => {
    const error = await failure(() => parseFixtures(data, "fx"));
    expect(error.message).toBe(message);
  });

  it("accepts an Api-Key token with a space inside: the header carries it whole", () => {
    const data = variant((d) => (d.tokens[0].token = "two words"));
    expect(indexFixtures(parseFixtures(data)).token("two words", "api-key")?.token).toBe("two words");
  });

  it("labels errors 'fixtures' when no source is given", () => {
    expect(() => parseFixtures({})).toThrow("fixtures: /tokens is required");
  });

  it("accepts the minimal valid data unchanged", () => {
    expect(parseFixtures(minimal)).toEqual(minimal);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
