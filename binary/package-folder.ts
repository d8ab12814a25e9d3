/**
 * The executable's files on disk: the contract, package.json and the packages the mock loads at run
 * time (swagger-ui-dist's assets, @hono/node-server) are embedded in the executable and written
 * once into a folder shaped like an installed package, under the temporary directory, named by the
 * version and the hash of the content. The next start finds it there and checks it byte for byte
 * against what is embedded, so a changed or half-written folder is never used.
 *
 * Why a folder and not reads from the executable: the mock finds its files from its module's
 * location and through Node's resolution (see mock/spec.ts, mock/version.ts, mock/docs.ts,
 * mock/node-listener.ts); a package-shaped folder lets the same code run in the executable with
 * no change and no second way of finding things that could drift from the first.
 */
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** What the build embeds next to the files: which assets to write where, and the folder's name parts. */
export interface PackageManifest {
  /** The package version, for a folder name a person can read. */
  version: string;
  /** Hex SHA-256 over every file's path and bytes: a new build with other content gets another folder. */
  hash: string;
  /** Paths relative to the folder, `/`-separated; each is also the asset's key. */
  files: string[];
}

/** The asset that holds the {@link PackageManifest} as JSON. */
export const MANIFEST_ASSET = "manifest.json";

/** The folder the manifest's files live in, under `base`. */
export function packageFolderName(manifest: PackageManifest): string {
  return `createchat-mock-${manifest.version}-${manifest.hash.slice(0, 16)}`;
}

/**
 * Returns a folder that holds exactly the manifest's files: the cached one when it is intact and
 * safe to use, else a freshly written one (moved into place in one rename, so a concurrent start
 * sees either nothing or a complete folder).
 *
 * @param read the embedded bytes of a file, by its path in the manifest.
 * @param base where the folder goes; default the OS temporary directory (honours `TMPDIR`).
 */
export function materializePackage(manifest: PackageManifest, read: (path: string) => Uint8Array, base: string = tmpdir()): string {
  for (const path of manifest.files) {
    if (path === "" || path.startsWith("/") || path.split("/").includes("..")) throw new Error(`manifest: bad path ${JSON.stringify(path)}`);
  }
  const target = join(base, packageFolderName(manifest));
  if (intact(target, manifest, read)) return target;

  const fresh = mkdtempSync(`${target}.tmp-`);
  for (const path of manifest.files) {
    const file = join(fresh, ...path.split("/"));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, read(path));
  }
  for (let attempt = 0; ; attempt++) {
    try {
      renameSync(fresh, target);
      return target;
    } catch (error) {
      // EEXIST, ENOTEMPTY: a folder is there; EPERM, EACCES: another user's, in a sticky temporary directory.
      if (!isCode(error, "EEXIST", "ENOTEMPTY", "EPERM", "EACCES")) throw error;
    }
    // Another start won the race, or an unusable folder is in the way.
    if (intact(target, manifest, read)) {
      rmSync(fresh, { recursive: true, force: true });
      return target;
    }
    if (attempt > 0 || !ownedByUs(target)) {
      // Someone else's folder, or one that keeps changing: use ours, uncached, and remove it at exit.
      process.once("exit", () => rmSync(fresh, { recursive: true, force: true }));
      return fresh;
    }
    rmSync(target, { recursive: true, force: true });
  }
}

/** Every file present with the embedded bytes, in a directory of ours that no one else can write. */
function intact(folder: string, manifest: PackageManifest, read: (path: string) => Uint8Array): boolean {
  if (!safeDirectory(folder)) return false;
  try {
    return manifest.files.every((path) => {
      const file = join(folder, ...path.split("/"));
      // A symlink could point anywhere; the folder holds plain files only.
      if (!lstatSync(file).isFile()) return false;
      return Buffer.from(read(path)).equals(readFileSync(file));
    });
  } catch {
    return false;
  }
}

/**
 * The folder's code runs in the mock (@hono/node-server is loaded from it), so in a shared
 * temporary directory it must be a real directory of this user, writable by no one else.
 */
function safeDirectory(folder: string): boolean {
  try {
    const stat = lstatSync(folder);
    if (!stat.isDirectory()) return false;
    if (process.platform === "win32") return true;
    return ownedByUs(folder) && (stat.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

function ownedByUs(path: string): boolean {
  if (typeof process.getuid !== "function") return true;
  try {
    return lstatSync(path).uid === process.getuid();
  } catch {
    return false;
  }
}

function isCode(error: unknown, ...codes: string[]): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && codes.includes(code);
}

/** `dist/mock/cli.js` in the folder, as a path of this platform. */
export function cliPath(folder: string): string {
  return join(folder, "dist", "mock", "cli.js");
}
