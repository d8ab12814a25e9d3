/**
 * The peers the bench compares the mock with that are not devDependencies: WireMock (its npm
 * package ships the standalone jar; Debian's `java` runs it) and Mockoon's CLI. They are installed
 * by the bench, at pinned versions, into bench/.peers (gitignored): together ~130 MB that a user's
 * `npm ci` would otherwise fetch for nothing (bench/NOTES.md says more).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CREATE_CHAT_ANSWER_TEXT, CREATE_CHAT_ROUTE } from "./request.js";
import { runToEnd } from "./processes.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const PEERS_DIR = join(ROOT, "bench", ".peers");

/** Pinned, so that two runs compare the same peers. */
export const PEER_VERSIONS = { wiremock: "3.13.2", "@mockoon/cli": "9.9.0" } as const;
export type PeerPackage = keyof typeof PEER_VERSIONS;

export const JAVA_INSTALL = "apt-get install default-jre-headless";

/** The command that installs peers into the cache folder, as a user would type it in the repository. */
export function peerInstallCommand(packages: readonly PeerPackage[]): string {
  return `npm install --prefix bench/.peers --ignore-scripts --no-audit --no-fund ${packages.map((p) => `${p}@${PEER_VERSIONS[p]}`).join(" ")}`;
}

/** The version of a peer in the cache folder, or undefined when it is not there. */
export function installedPeerVersion(name: PeerPackage): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(PEERS_DIR, "node_modules", name, "package.json"), "utf8")) as { version?: unknown };
    return typeof manifest.version === "string" ? manifest.version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Installs the peers missing from the cache folder (or at another version), with npm's own
 * registry settings and no install scripts (neither package needs one). Resolves with an error
 * message instead of throwing, so the bench can report those peers as skipped and go on.
 */
export async function ensurePeers(packages: readonly PeerPackage[], log: (message: string) => void): Promise<string | undefined> {
  const missing = packages.filter((p) => installedPeerVersion(p) !== PEER_VERSIONS[p]);
  if (missing.length === 0) return undefined;
  mkdirSync(PEERS_DIR, { recursive: true });
  // A package.json of its own, so npm installs here and not into the repository above.
  if (!existsSync(join(PEERS_DIR, "package.json"))) writeFileSync(join(PEERS_DIR, "package.json"), '{ "private": true, "description": "peers of npm run bench" }\n');
  log(`installing ${missing.join(", ")} into bench/.peers (once; later runs reuse it) ...`);
  // Under `npm run`, npm_execpath is the npm that runs us; else the one on PATH.
  const npmCli = process.env.npm_execpath;
  const [command, prefix] = npmCli !== undefined && npmCli.endsWith(".js") ? [process.execPath, [npmCli]] : ["npm", []];
  const args = [...prefix, "install", "--prefix", PEERS_DIR, "--ignore-scripts", "--no-audit", "--no-fund", "--save-exact", ...missing.map((p) => `${p}@${PEER_VERSIONS[p]}`)];
  try {
    await runToEnd(command, args, { timeoutMs: 300_000, cwd: PEERS_DIR });
  } catch (error) {
    return `npm install failed: ${(error instanceof Error ? error.message : String(error)).slice(0, 300)}`;
  }
  const still = missing.filter((p) => installedPeerVersion(p) !== PEER_VERSIONS[p]);
  return still.length === 0 ? undefined : `npm install left ${still.join(", ")} missing`;
}

/** The first line of `java -version`, or undefined when there is no `java` on PATH. */
export function javaVersion(): string | undefined {
  const out = spawnSync("java", ["-version"], { encoding: "utf8", timeout: 15_000 });
  if (out.error !== undefined || out.status !== 0) return undefined;
  return `${out.stderr}${out.stdout}`.split("\n")[0]?.trim();
}

/** The standalone jar inside the `wiremock` npm package, or undefined. */
export function wiremockJar(): string | undefined {
  const dir = join(PEERS_DIR, "node_modules", "wiremock", "build");
  try {
    const jar = readdirSync(dir).find((f) => /^wiremock-standalone-.*\.jar$/.test(f));
    return jar === undefined ? undefined : join(dir, jar);
  } catch {
    return undefined;
  }
}

export const MOCKOON_CLI = join(PEERS_DIR, "node_modules", "@mockoon", "cli", "bin", "run.js");

/** WireMock's root folder with one static stub: POST createChat, any businessId, the bench's answer. */
export function writeWiremockRoot(dir: string): string {
  mkdirSync(join(dir, "mappings"), { recursive: true });
  const stub = {
    request: { method: "POST", urlPathPattern: CREATE_CHAT_ROUTE.replace(":businessId", "[0-9]+") },
    response: { status: 200, headers: { "Content-Type": "application/json" }, body: CREATE_CHAT_ANSWER_TEXT },
  };
  writeFileSync(join(dir, "mappings", "createchat.json"), `${JSON.stringify(stub, null, 2)}\n`);
  return dir;
}

/**
 * A Mockoon environment with one static route (templating off): the shape of @mockoon/cli 9.9's
 * data files (migration 33), as its own `BuildEnvironment` and `BuildHTTPRoute` make them.
 */
export function writeMockoonEnvironment(file: string): string {
  const routeUuid = "00000000-0000-4000-8000-000000000002";
  const environment = {
    uuid: "00000000-0000-4000-8000-000000000001",
    lastMigration: 33,
    name: "createChat bench",
    endpointPrefix: "",
    latency: 0,
    port: 3000,
    hostname: "127.0.0.1",
    folders: [],
    routes: [
      {
        uuid: routeUuid,
        type: "http",
        documentation: "",
        method: "post",
        endpoint: CREATE_CHAT_ROUTE.slice(1),
        responses: [
          {
            uuid: "00000000-0000-4000-8000-000000000003",
            body: CREATE_CHAT_ANSWER_TEXT,
            latency: 0,
            statusCode: 200,
            label: "",
            headers: [{ key: "Content-Type", value: "application/json" }],
            bodyType: "INLINE",
            filePath: "",
            databucketID: "",
            sendFileAsBody: false,
            rules: [],
            rulesOperator: "OR",
            disableTemplating: true,
            fallbackTo404: false,
            default: true,
            crudKey: "id",
            callbacks: [],
          },
        ],
        responseMode: null,
        streamingMode: null,
        streamingInterval: 0,
      },
    ],
    rootChildren: [{ type: "route", uuid: routeUuid }],
    proxyMode: false,
    proxyHost: "",
    proxyRemovePrefix: false,
    tlsOptions: { enabled: false, type: "CERT", pfxPath: "", certPath: "", keyPath: "", caPath: "", passphrase: "" },
    cors: false,
    headers: [],
    proxyReqHeaders: [],
    proxyResHeaders: [],
    data: [],
    callbacks: [],
  };
  writeFileSync(file, `${JSON.stringify(environment, null, 2)}\n`);
  return file;
}
