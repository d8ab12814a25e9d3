/**
 * The package's own contract as JSON, made at build time so that start-up skips parsing YAML.
 * Running from source it is absent; `npm run build` writes the build's copy of this module
 * (scripts/prebuild.ts), and it is used only for the very openapi.yaml it was made from.
 */

export interface PrebuiltContract {
  /** SHA-256 (hex) of the openapi.yaml text it was made from. */
  sha256: string;
  document: unknown;
}

export const prebuiltContract: PrebuiltContract | undefined = undefined;
