/**
 * The docs routes in-process: the /docs page and what it loads come only from the mock, the
 * contract is served as is, no path reaches a file outside the listed Swagger UI assets, and none
 * of it is journaled or counted.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createMockApp } from "../mock/app.js";
import { DEMO_API_KEY } from "../mock/docs/docs-app.js";
import type { Fixtures } from "../mock/state/fixtures.js";
import { defaultSpecPath } from "../mock/contract/load-contract.js";
import { createChatRequest, orderContext } from "./support/api.js";

const specText = readFileSync(defaultSpecPath(), "utf8");
const swaggerUiDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

/** The `src` and `href` attribute values of an HTML page. */
const linkedUrls = (html: string) => [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]);

describe("GET /docs", () => {
  it("is an HTML page that loads Swagger UI, its start script and the contract from the mock alone", async () => {
    const res = await createMockApp().request("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(linkedUrls(html).sort()).toEqual([
      "/docs/assets/favicon-32x32.png",
      "/docs/assets/swagger-ui-bundle.js",
      "/docs/assets/swagger-ui.css",
      "/docs/init.js",
    ]);
    expect(html).toContain('data-spec-url="/docs/openapi.json"');
    expect(html).toContain("<title>Yandex Market Partner API, chats contract: API reference</title>");
    // No inline script: the CSP below may then refuse every script the mock does not serve.
    expect(html.match(/<script\b[^>]*>/g)).toEqual([
      '<script src="/docs/assets/swagger-ui-bundle.js">',
      '<script src="/docs/init.js">',
    ]);
  });

  it("carries a Content-Security-Policy that allows requests to the mock's own origin only", async () => {
    const csp = (await createMockApp().request("/docs")).headers.get("content-security-policy") ?? "";
    const directives = Object.fromEntries(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    expect(directives["default-src"]).toEqual(["'none'"]);
    expect(directives["script-src"]).toEqual(["'self'"]);
    expect(directives["connect-src"]).toEqual(["'self'"]);
    expect(directives["img-src"]).toEqual(["'self'", "data:"]);
    expect(directives["style-src"]).toEqual(["'self'", "'unsafe-inline'"]);
  });

  it("pre-fills the demo Api-Key when the fixtures in force have it, and no token otherwise", async () => {
    expect(await (await createMockApp().request("/docs")).text()).toContain(`data-api-key="${DEMO_API_KEY}"`);

    const custom: Fixtures = {
      tokens: [{ token: "team-secret", scheme: "api-key", scopes: ["all-methods"], businesses: [5001] }],
      businesses: [{ id: 5001, model: "FBS", orders: [1], returns: [] }],
    };
    const html = await (await createMockApp({ fixtures: custom }).request("/docs")).text();
    expect(html).not.toContain("data-api-key");
    expect(html).not.toContain("team-secret");
  });

  it("answers HEAD with the headers and no body, redirects /docs/ to /docs, and refuses other methods", async () => {
    const app = createMockApp();
    const head = await app.request("/docs", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await head.text()).toBe("");

    const slash = await app.request("/docs/");
    expect(slash.status).toBe(308);
    expect(slash.headers.get("location")).toBe("/docs");

    const post = await app.request("/docs", { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    expect(await post.json()).toEqual({
      status: "ERROR",
      errors: [{ code: "METHOD_NOT_ALLOWED", message: "Method POST is not allowed on /docs; use GET, HEAD" }],
    });
  });
});

describe("the page's files", () => {
  it.each([
    ["/docs/assets/swagger-ui-bundle.js", "swagger-ui-bundle.js", "text/javascript; charset=utf-8"],
    ["/docs/assets/swagger-ui.css", "swagger-ui.css", "text/css; charset=utf-8"],
    ["/docs/assets/swagger-ui.css.map", "swagger-ui.css.map", "application/json; charset=utf-8"],
    ["/docs/assets/favicon-32x32.png", "favicon-32x32.png", "image/png"],
  ])("%s is swagger-ui-dist's %s byte for byte, as %s", async (path, file, contentType) => {
    const res = await createMockApp().request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(contentType);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(join(swaggerUiDir, file)))).toBe(true);
  });

  it("/docs/init.js is a script of the mock naming no other server (not swagger-ui-dist's petstore initializer)", async () => {
    const res = await createMockApp().request("/docs/init.js");
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    const script = await res.text();
    expect(script).toContain("SwaggerUIBundle(");
    expect(script).not.toMatch(/\bhttps?:\/\//);
    // Swagger UI's default validatorUrl sends the contract to validator.swagger.io.
    expect(script).toMatch(/validatorUrl: null/);
  });

  it("are revalidated with an ETag: a matching If-None-Match gets a 304 without a body", async () => {
    const app = createMockApp();
    const first = await app.request("/docs/assets/swagger-ui.css");
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers.get("cache-control")).toBe("no-cache");

    const again = await app.request("/docs/assets/swagger-ui.css", { headers: { "If-None-Match": `"other", W/${etag}` } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");

    const changed = await app.request("/docs/assets/swagger-ui.css", { headers: { "If-None-Match": '"other"' } });
    expect(changed.status).toBe(200);
  });
});

describe("the contract", () => {
  it("GET /openapi.yaml is openapi.yaml as it is on disk", async () => {
    const res = await createMockApp().request("/openapi.yaml");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/yaml; charset=utf-8");
    expect(await res.text()).toBe(specText);
  });

  it("GET /openapi.json is the same document as JSON, its servers untouched", async () => {
    const res = await createMockApp().request("/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await res.json()).toEqual(parse(specText));
  });

  it("GET /docs/openapi.json, the page's copy, names only the origin it was asked on as server", async () => {
    const res = await createMockApp().request("http://127.0.0.1:4321/docs/openapi.json");
    expect(res.status).toBe(200);
    const { servers, ...rest } = (await res.json()) as Record<string, unknown>;
    expect(servers).toEqual([{ url: "http://127.0.0.1:4321", description: "This mock (the server of this page)" }]);
    const { servers: fileServers, ...fileRest } = parse(specText) as Record<string, unknown>;
    expect(rest).toEqual(fileRest);
    expect(fileServers).not.toEqual(servers);
  });
});

describe("paths that are not docs files", () => {
  it.each([
    "/docs/assets/nope.js",
    // In swagger-ui-dist, but not served: it would load the petstore from petstore.swagger.io.
    "/docs/assets/swagger-initializer.js",
    "/docs/assets/package.json",
    "/docs/assets/..%2F..%2Fpackage.json",
    "/docs/assets/..%2F..%2F..%2Fpackage.json",
    "/docs/assets/%2e%2e%2fpackage.json",
    "/docs/assets/__proto__",
    "/docs/assets/toString",
    "/docs/assets/swagger-ui.css/extra",
    "/docs/other",
  ])("%s is a 404 in the API's error shape", async (path) => {
    const res = await createMockApp().request(path);
    expect(res.status).toBe(404);
    const body = (await res.json()) as { status: string; errors: Array<{ code: string; message: string }> };
    expect(body.status).toBe("ERROR");
    expect(body.errors[0]?.code).toBe("NOT_FOUND");
  });

  it("a dot-dot path is resolved by the URL before routing and never leaks package.json", async () => {
    const res = await createMockApp().request("/docs/assets/../../package.json");
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("market-createchat-mock");
  });
});

describe("docs traffic", () => {
  it("is neither journaled nor counted, while an API call after it is", async () => {
    const app = createMockApp();
    for (const path of ["/docs", "/docs/", "/docs/init.js", "/docs/openapi.json", "/docs/assets/swagger-ui.css", "/docs/assets/nope.js", "/openapi.yaml", "/openapi.json"]) {
      await app.request(path);
    }
    await app.request("/docs", { method: "HEAD" });
    await app.request("/openapi.json", { method: "DELETE" });

    const journal = async () => (await (await app.request("/__mock/requests")).json()) as { total: number; requests: Array<{ path: string }> };
    expect((await journal()).total).toBe(0);

    await createChatRequest(app, 1001, orderContext(11001));
    const after = await journal();
    expect(after.requests.map((r) => r.path)).toEqual(["/v2/businesses/1001/chats/new"]);
    const state = (await (await app.request("/__mock/state")).json()) as { businesses: Array<{ businessId: number; quota: { used: number } }> };
    expect(state.businesses.map((b) => [b.businessId, b.quota.used])).toEqual([[1001, 1], [1002, 0], [1003, 0], [1004, 0], [2001, 0]]);
  });
});
