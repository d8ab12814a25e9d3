/**
 * Writes `generated/schema.ts` from `openapi.yaml` with openapi-typescript.
 *
 * Usage: `npm run generate` (or `tsx scripts/generate.ts [outFile]` to write elsewhere, which the
 * drift test does). The file gets a header that says it is generated and how, so nobody edits it.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export const GENERATED_HEADER = `/**
 * GENERATED FILE: do not edit by hand.
 * Made by openapi-typescript from openapi.yaml; run \`npm run generate\` after changing the contract.
 * test/generated-types-drift.test.ts fails when this file and openapi.yaml disagree.
 */

`;

/** The TypeScript source that `npm run generate` writes for the given contract. */
export async function renderTypes(specPath = resolve(root, "openapi.yaml")): Promise<string> {
  const ast = await openapiTS(pathToFileURL(specPath));
  return GENERATED_HEADER + astToString(ast);
}

async function main(): Promise<void> {
  const out = resolve(process.argv[2] ?? resolve(root, "generated/schema.ts"));
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, await renderTypes());
  console.log(`wrote ${out}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
