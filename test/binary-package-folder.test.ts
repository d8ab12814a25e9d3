/**
 * The executable's package folder (binary/package-folder.ts), without building the executable: it
 * is written once per content, found again on the next start, and rewritten whenever what is on
 * disk is not exactly what is embedded or could have been changed by another user.
 */
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { materializePackage, packageFolderName, type PackageManifest } from "../binary/package-folder.js";

const FILES: Record<string, string> = {
  "package.json": '{"name":"market-createchat-mock","version":"9.9.9"}\n',
  "openapi.yaml": "openapi: 3.1.0\n",
  "node_modules/@hono/node-server/index.cjs": "module.exports = {};\n",
};
const manifest: PackageManifest = { version: "9.9.9", hash: "ab".repeat(32), files: Object.keys(FILES) };
const read = (path: string) => new TextEncoder().encode(FILES[path] ?? "");
const isRoot = process.getuid?.() === 0;

let base: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), "createchat-package-folder-"));
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

const contents = (folder: string) => Object.fromEntries(Object.keys(FILES).map((path) => [path, readFileSync(join(folder, path), "utf8")]));

describe("materializePackage", () => {
  it("writes every file into a folder named by the version and the content hash", () => {
    const folder = materializePackage(manifest, read, base);
    expect(folder).toBe(join(base, "createchat-mock-9.9.9-abababababababab"));
    expect(packageFolderName(manifest)).toBe("createchat-mock-9.9.9-abababababababab");
    expect(contents(folder)).toEqual(FILES);
    // Nothing but the folder is left: the temporary one it was written to was renamed.
    expect(readdirSync(base)).toEqual(["createchat-mock-9.9.9-abababababababab"]);
  });

  it.skipIf(process.platform === "win32")("writes a folder only its owner can write to", () => {
    const folder = materializePackage(manifest, read, base);
    expect(statSync(folder).mode & 0o077).toBe(0);
  });

  it("finds the folder again on the next start and leaves it as it is", () => {
    const folder = materializePackage(manifest, read, base);
    const before = statSync(join(folder, "openapi.yaml"));
    expect(materializePackage(manifest, read, base)).toBe(folder);
    const after = statSync(join(folder, "openapi.yaml"));
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it("writes the folder again when a file was changed or removed", () => {
    const folder = materializePackage(manifest, read, base);
    writeFileSync(join(folder, "node_modules/@hono/node-server/index.cjs"), "process.exit(13);\n");
    expect(contents(materializePackage(manifest, read, base))).toEqual(FILES);
    rmSync(join(folder, "openapi.yaml"));
    expect(contents(materializePackage(manifest, read, base))).toEqual(FILES);
  });

  it("never follows a symlink put in place of a file", () => {
    const folder = materializePackage(manifest, read, base);
    const elsewhere = join(base, "elsewhere.yaml");
    writeFileSync(elsewhere, FILES["openapi.yaml"] as string);
    rmSync(join(folder, "openapi.yaml"));
    symlinkSync(elsewhere, join(folder, "openapi.yaml"));
    const again = materializePackage(manifest, read, base);
    expect(statSync(join(again, "openapi.yaml")).isFile()).toBe(true);
    expect(existsSync(elsewhere)).toBe(true);
    expect(contents(again)).toEqual(FILES);
  });

  it.skipIf(process.platform === "win32")("does not use a folder others can write to", () => {
    const folder = materializePackage(manifest, read, base);
    chmodSync(folder, 0o777);
    const again = materializePackage(manifest, read, base);
    expect(again).toBe(folder);
    expect(statSync(again).mode & 0o077).toBe(0);
  });

  it.skipIf(!isRoot)("uses a private folder of its own when another user's folder is in the way", () => {
    const target = join(base, packageFolderName(manifest));
    mkdirSync(target, { mode: 0o700 });
    writeFileSync(join(target, "openapi.yaml"), "not the contract\n");
    chownSync(target, 65534, 65534);
    const folder = materializePackage(manifest, read, base);
    expect(folder).not.toBe(target);
    expect(folder.startsWith(`${target}.tmp-`)).toBe(true);
    expect(contents(folder)).toEqual(FILES);
    // The other user's folder is left alone.
    expect(statSync(target).uid).toBe(65534);
    expect(readFileSync(join(target, "openapi.yaml"), "utf8")).toBe("not the contract\n");
  });

  it("refuses a manifest path that leaves the folder", () => {
    for (const path of ["../outside", "/etc/passwd", "a/../../b", ""]) {
      expect(() => materializePackage({ ...manifest, files: [path] }, read, base), path).toThrow(/bad path/);
    }
  });
});
