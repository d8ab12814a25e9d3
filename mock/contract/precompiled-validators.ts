/**
 * The request validators of the package's own contract, compiled to code at build time by ajv's
 * standalone mode, so that the first request skips compiling them. Running from source they are
 * absent; `npm run build` writes the build's copy of this module (scripts/prebuild.ts), and they
 * are used only for the very openapi.yaml they were made from.
 */
import type { ValidateFunction } from "ajv";

export interface PrecompiledValidators {
  /** SHA-256 (hex) of the openapi.yaml text they were made from. */
  sha256: string;
  /** By `validatorKey` (validator-key.ts). */
  validators: Record<string, ValidateFunction>;
}

export const precompiledValidators: PrecompiledValidators | undefined = undefined;
