import { readFile, writeFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { renderTypes } from "../scripts/generate.js";

const root = resolve(import.meta.dirname, "..");
const specPath = join(root, "openapi.yaml");
const generatedPath = join(root, "generated/schema.ts");

describe("generated/schema.ts", () => {
  it("is exactly what `npm run generate` makes of openapi.yaml now", async () => {
    const committed = await readFile(generatedPath, "utf8");
    const fresh = await renderTypes(specPath);
    expect(fresh).toBe(committed);
  });

  it("would differ if openapi.yaml changed without regenerating (the check can fail)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "drift-"));
    try {
      const spec = parse(await readFile(specPath, "utf8"));
      spec.components.schemas.ChatContextType.enum.push("QUESTION");
      const changedSpec = join(dir, "openapi.yaml");
      await writeFile(changedSpec, stringify(spec));
      const fromChanged = await renderTypes(changedSpec);
      const committed = await readFile(generatedPath, "utf8");
      expect(fromChanged).not.toBe(committed);
      expect(fromChanged).toContain('"ORDER" | "RETURN" | "QUESTION"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
