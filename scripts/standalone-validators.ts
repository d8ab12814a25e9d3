/**
 * The package's request validators as the text of an ES module (ajv's standalone code), for
 * scripts/prebuild.ts to write as the build's mock/contract/precompiled-validators.js.
 */
import { _ } from "ajv";
import standaloneCodeModule from "ajv/dist/standalone/index.js";
import type { Contract } from "../mock/contract/load-contract.js";
import { validatorKey } from "../mock/contract/validator-key.js";
import { contractSchema, createContractAjv } from "../mock/contract/validators.js";

// ajv's standalone module is CommonJS with a `default` export.
const standaloneCode = ((standaloneCodeModule as { default?: unknown }).default ?? standaloneCodeModule) as typeof import("ajv/dist/standalone/index.js").default;

/**
 * @param int64Module where the module imports `isInt64` from, as a specifier valid where it is written.
 */
export function standaloneValidatorsModule(contract: Contract, sha256: string, int64Module: string): string {
  // The generated code calls `formats.<name>` for each format: the module defines them.
  const ajv = createContractAjv(contract, { source: true, esm: true, formats: _`formats` });
  const exports: Record<string, string> = {};
  const keys: Record<string, string> = {};
  for (const operation of contract.operations) {
    const schemas: Array<[string, Record<string, unknown>]> = operation.parameters
      .filter((p) => p.in !== "header")
      .map((p) => [validatorKey(operation.operationId, p), p.schema]);
    const body = operation.requestBody?.schemas.get("application/json");
    if (body !== undefined) schemas.push([validatorKey(operation.operationId, "body"), body]);
    for (const [key, schema] of schemas) {
      const name = `v${Object.keys(exports).length}`;
      ajv.addSchema({ ...contractSchema(schema), $id: `request-${name}` });
      exports[name] = `request-${name}`;
      keys[key] = name;
    }
  }
  // ajv's code requires its runtime helpers (ucs2length, equal, …) as CommonJS: in an ES module they are imports.
  const runtime = new Map<string, string>();
  const code = standaloneCode(ajv, exports)
    .replace(/^"use strict";/, "")
    .replace(/require\("([^"]+)"\)/g, (_whole, specifier: string) => {
      let name = runtime.get(specifier);
      if (name === undefined) runtime.set(specifier, (name = `runtime${runtime.size}`));
      return name;
    });
  const used = [...new Set([...code.matchAll(/formats\.([A-Za-z_$][\w$]*)/g)].map((m) => m[1] as string))];
  const formatEntries = used.map((name) => (name === "int64" ? "int64: { type: \"number\", validate: isInt64 }" : `${JSON.stringify(name)}: fullFormats[${JSON.stringify(name)}]`));
  const table = Object.entries(keys).map(([key, name]) => `${JSON.stringify(key)}: ${name}`).join(", ");
  return [
    "// Written by scripts/prebuild.ts from openapi.yaml (ajv standalone code); do not edit.",
    `import { isInt64 } from ${JSON.stringify(int64Module)};`,
    used.some((name) => name !== "int64") ? 'import { fullFormats } from "ajv-formats/dist/formats.js";' : "",
    // CommonJS modules with a `default` export: Node's ES module loader, vitest and esbuild each hand
    // it over differently, so it is looked for in both places.
    ...[...runtime].flatMap(([specifier, name]) => [
      `import * as ${name}Module from ${JSON.stringify(specifier.endsWith(".js") ? specifier : `${specifier}.js`)};`,
      `const ${name} = { default: ${name}Module.default?.default ?? ${name}Module.default };`,
    ]),
    `const formats = { ${formatEntries.join(", ")} };`,
    code,
    `export const precompiledValidators = { sha256: ${JSON.stringify(sha256)}, validators: { ${table} } };`,
    "",
  ].join("\n");
}
