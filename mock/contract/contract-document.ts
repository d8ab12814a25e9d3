/**
 * Reading a contract file into its OpenAPI document: the build's JSON copy when it was made from
 * this very text (mock/contract/prebuilt-contract.ts), the YAML parsed otherwise. The YAML parser
 * is loaded only then, so a start from the build never loads it.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { prebuiltContract } from "./prebuilt-contract.js";

export interface ContractDocument {
  /** SHA-256 (hex) of the file's text. */
  sha256: string;
  document: unknown;
}

const requireHere = createRequire(import.meta.url);

export function readContractDocument(path: string): ContractDocument {
  const text = readFileSync(path, "utf8");
  const sha256 = createHash("sha256").update(text).digest("hex");
  if (prebuiltContract?.sha256 === sha256) return { sha256, document: prebuiltContract.document };
  const { parse } = requireHere("yaml") as typeof import("yaml");
  return { sha256, document: parse(text) as unknown };
}
