/**
 * After `tsc` (part of `npm run build`; `tsx scripts/prebuild.ts <build folder>` for another
 * build than dist/): start-up work done at build time. Writes the build's
 * copies of mock/contract/prebuilt-contract.js (the contract as JSON) and
 * mock/contract/precompiled-validators.js (the request validators as code, from ajv's standalone
 * mode), each marked with the SHA-256 of the openapi.yaml it was made from, so the mock uses them
 * for that file only.
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { readContractDocument } from "../mock/contract/contract-document.js";
import { defaultSpecPath, loadContract } from "../mock/contract/load-contract.js";
import { standaloneValidatorsModule } from "./standalone-validators.js";

// The build's folder: dist/ by default; the bench builds its own copy elsewhere and names it.
const OUT = join(resolve(process.argv[2] ?? join(import.meta.dirname, "..", "dist")), "mock", "contract");
const specPath = defaultSpecPath();
const { sha256, document } = readContractDocument(specPath);
const contract = loadContract(specPath);

writeFileSync(
  join(OUT, "prebuilt-contract.js"),
  `// Written by scripts/prebuild.ts from openapi.yaml; do not edit.\nexport const prebuiltContract = ${JSON.stringify({ sha256, document })};\n`,
);
writeFileSync(join(OUT, "precompiled-validators.js"), standaloneValidatorsModule(contract, sha256, "./int64.js"));
process.stderr.write(`prebuild: contract ${sha256.slice(0, 12)}…: as JSON, and its request validators as code\n`);
