/**
 * The mock's offline API reference: `GET /docs` shows openapi.yaml in Swagger UI, whose "Try it
 * out" calls this same mock, and `GET /openapi.yaml` / `GET /openapi.json` hand out the contract.
 * Every byte the page needs comes from the mock (Swagger UI from the installed `swagger-ui-dist`),
 * and the page's Content-Security-Policy allows only the mock's own origin, so the reference works
 * without a network and cannot send the contract or a token anywhere else.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Hono, type Context } from "hono";
import { etag } from "hono/etag";
import { secureHeaders } from "hono/secure-headers";
import { readContractDocument } from "../contract/contract-document.js";
import { defaultSpecPath } from "../contract/load-contract.js";
import { answerMethodNotAllowed } from "../http/method-not-allowed.js";
import { errorBody, type MockFailure } from "../stages/errors.js";
import type { FixtureIndex } from "../state/fixtures.js";

/** Where the reference lives; its script, assets and page variant of the contract live below it. */
export const DOCS_PATH = "/docs";

/**
 * The token the page pre-fills in "Authorize", when the fixtures in force have it. Only this
 * publicly documented demo token is ever put into the page: a token of custom fixtures would be
 * handed to anyone who can load `/docs`, while the control API that shows fixtures is guarded.
 */
export const DEMO_API_KEY = "demo-all-methods";

/** Options of {@link createDocsApp}. */
export interface DocsOptions {
  /** The contract to show and serve. Default: openapi.yaml of this package (see `defaultSpecPath`). */
  specPath?: string;
  /** The fixtures in force, read per page load to decide whether to pre-fill {@link DEMO_API_KEY}. Default: never pre-fill. */
  fixtures?: () => FixtureIndex;
  /** The folder of the `swagger-ui-dist` package. Default: the one Node resolves from this module. */
  swaggerUiDir?: string;
}

/** The files of swagger-ui-dist the page uses, by the name they are served under; nothing else is reachable. */
const SWAGGER_UI_ASSETS: Readonly<Record<string, string>> = {
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui.css": "text/css; charset=utf-8",
  // swagger-ui.css names its source map; a browser fetches it only with its developer tools open.
  "swagger-ui.css.map": "application/json; charset=utf-8",
  "favicon-32x32.png": "image/png",
};

/**
 * Only the mock itself: scripts, styles, images and `fetch` (the contract, "Try it out"). Swagger UI
 * styles elements inline and draws icons as `data:` images, hence those two exceptions.
 */
const securityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", "data:"],
    connectSrc: ["'self'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"],
  },
  referrerPolicy: "no-referrer",
  // The mock speaks plain HTTP on loopback; HSTS there means nothing.
  strictTransportSecurity: false,
});

// Served from the mock rather than inline, so the CSP can refuse every script the mock does not serve.
// Not swagger-ui-dist's own swagger-initializer.js: that one loads the petstore from petstore.swagger.io.
const INIT_SCRIPT = `"use strict";
// Starts Swagger UI on /docs of the createChat mock; settings come from data- attributes of #swagger-ui.
(function () {
  var root = document.getElementById("swagger-ui");
  var apiKey = root.getAttribute("data-api-key");
  var ui = SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    domNode: root,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // The default would send the contract to validator.swagger.io for a badge.
    validatorUrl: null,
    // Every operation shown whole, with its responses, without a click: the reference is read, not browsed.
    docExpansion: "full",
    displayRequestDuration: true,
    // The address bar may not point the page at another document.
    queryConfigEnabled: false,
    onComplete: function () {
      if (apiKey) ui.preauthorizeApiKey("ApiKey", apiKey);
    },
  });
  window.ui = ui;
})();
`;

/** A file answered as is, with an ETag so a reload costs a 304. */
interface StaticFile {
  body: Uint8Array<ArrayBuffer> | string;
  contentType: string;
  etag: string;
}

/**
 * Creates the docs routes as a Hono app, to mount at the root of the mock (`app.route("/", ...)`).
 * Files are read on first use and kept; creating the app touches no file.
 *
 * Routes: `GET /docs` (the page; `/docs/` redirects there), `GET /docs/init.js`,
 * `GET /docs/openapi.json` (the contract with `servers` naming this mock, which the page shows),
 * `GET /docs/assets/<name>` (Swagger UI's files), `GET /openapi.yaml` (the file as is),
 * `GET /openapi.json` (the same document as JSON, `servers` untouched). HEAD works on each; another
 * method is a 405 and an unknown path under `/docs` a 404, in the API's error shape.
 *
 * @example
 * app.route("/", createDocsApp({ fixtures: () => state.fixtures() }));
 */
export function createDocsApp(options: DocsOptions = {}): Hono {
  const specPath = options.specPath ?? defaultSpecPath();
  const docs = new Hono();
  docs.use(answerMethodNotAllowed(docs, (c, failure, headers) => reply(c, failure, headers)));
  // Scoped to the docs' own paths: this app is mounted at the root, beside the API.
  for (const path of ["/openapi.yaml", "/openapi.json", DOCS_PATH, `${DOCS_PATH}/*`]) docs.use(path, securityHeaders, etag());

  let contract: { yaml: StaticFile; json: StaticFile; document: Record<string, unknown>; title: string } | undefined;
  const loadContractFiles = () => {
    if (contract) return contract;
    const text = readFileSync(specPath, "utf8");
    const parsed = readContractDocument(specPath).document;
    if (!isRecord(parsed)) throw new Error(`${specPath} is not an OpenAPI document`);
    const info = parsed.info;
    const title = isRecord(info) && typeof info.title === "string" ? info.title : "API";
    contract = {
      yaml: staticFile(text, "application/yaml; charset=utf-8"),
      json: staticFile(JSON.stringify(parsed), "application/json; charset=utf-8"),
      document: parsed,
      title,
    };
    return contract;
  };

  let swaggerUiDir = options.swaggerUiDir;
  const assets = new Map<string, StaticFile>();
  const loadAsset = (name: string, contentType: string): StaticFile => {
    let file = assets.get(name);
    if (!file) {
      swaggerUiDir ??= dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
      file = staticFile(readFileSync(join(swaggerUiDir, name)), contentType);
      assets.set(name, file);
    }
    return file;
  };
  const initScript = staticFile(INIT_SCRIPT, "text/javascript; charset=utf-8");

  // The root points a visitor (or a probe) to what the mock serves.
  docs.get("/", (c) =>
    c.json({ service: `${loadContractFiles().title} (mock)`, docs: DOCS_PATH, health: "/__mock/health", contract: "/openapi.yaml", control: "/__mock" }),
  );
  docs.get("/openapi.yaml", (c) => sendStatic(c, loadContractFiles().yaml));
  docs.get("/openapi.json", (c) => sendStatic(c, loadContractFiles().json));

  docs.get(DOCS_PATH, (c) => {
    const apiKey = options.fixtures?.().token(DEMO_API_KEY, "api-key") ? DEMO_API_KEY : undefined;
    c.header("Cache-Control", "no-cache");
    return c.html(pageHtml(loadContractFiles().title, apiKey));
  });
  docs.get(`${DOCS_PATH}/`, (c) => c.redirect(DOCS_PATH, 308));
  docs.get(`${DOCS_PATH}/init.js`, (c) => sendStatic(c, initScript));

  // The page's own copy of the contract: its only server is the origin the page was loaded from,
  // so "Try it out" calls this mock (the file's servers also name the real API, which the CSP
  // would refuse anyway, and a fixed 127.0.0.1:4010, wrong on any other port).
  docs.get(`${DOCS_PATH}/openapi.json`, (c) => {
    const origin = new URL(c.req.url).origin;
    const document = { ...loadContractFiles().document, servers: [{ url: origin, description: "This mock (the server of this page)" }] };
    c.header("Cache-Control", "no-cache");
    c.header("Vary", "Host");
    return c.json(document);
  });

  docs.get(`${DOCS_PATH}/assets/:name`, (c) => {
    const name = c.req.param("name");
    // Only the listed names map to files: a name is never joined to a path unchecked.
    const contentType = Object.hasOwn(SWAGGER_UI_ASSETS, name) ? SWAGGER_UI_ASSETS[name] : undefined;
    if (contentType === undefined) return notFound(c);
    return sendStatic(c, loadAsset(name, contentType));
  });

  // Everything else under /docs is answered here (other methods get 405 above), so that no docs
  // request ever reaches the API's pipeline (its journal and quota).
  docs.all(`${DOCS_PATH}/*`, notFound);

  return docs;
}

function pageHtml(title: string, apiKey: string | undefined): string {
  const keyAttribute = apiKey === undefined ? "" : ` data-api-key="${escapeHtml(apiKey)}"`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}: API reference</title>
<link rel="icon" type="image/png" href="${DOCS_PATH}/assets/favicon-32x32.png" sizes="32x32">
<link rel="stylesheet" href="${DOCS_PATH}/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-spec-url="${DOCS_PATH}/openapi.json"${keyAttribute}></div>
<script src="${DOCS_PATH}/assets/swagger-ui-bundle.js"></script>
<script src="${DOCS_PATH}/init.js"></script>
</body>
</html>
`;
}

function staticFile(body: Uint8Array<ArrayBuffer> | string, contentType: string): StaticFile {
  // A strong validator from the bytes: the files do not change while the mock runs.
  const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
  return { body, contentType, etag };
}

/**
 * `no-cache` with an ETag rather than a max-age: a browser revalidates on each load (Hono's etag
 * middleware answers 304 for a local mock at no cost) and so never shows Swagger UI or a contract
 * older than the mock's.
 */
function sendStatic(c: Context, file: StaticFile): Response {
  return new Response(file.body, { status: 200, headers: { "Content-Type": file.contentType, "Cache-Control": "no-cache", ETag: file.etag } });
}

function notFound(c: Context): Response {
  return reply(c, {
    status: 404,
    errors: [{ code: "NOT_FOUND", message: `No docs resource ${c.req.path}; the API reference is at ${DOCS_PATH}` }],
  });
}

function reply(c: Context, failure: MockFailure, headers?: Record<string, string>): Response {
  return c.json(errorBody(failure), failure.status as 404 | 405, headers);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
