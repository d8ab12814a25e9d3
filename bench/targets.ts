/**
 * What `npm run bench` measures over a socket: one entry per server, each with the load scenarios
 * sent to it. Adding a target (another peer, the mock on another store) is one entry here; the
 * bench, the report and the ratios find it by its id.
 */
import { join } from "node:path";
import { MOCK_CLI_ENTRY } from "./build-mock.js";
import type { LoadRequest } from "./load.js";
import {
  JAVA_INSTALL,
  MOCKOON_CLI,
  PEER_VERSIONS,
  peerInstallCommand,
  wiremockJar,
  writeMockoonEnvironment,
  writeWiremockRoot,
  type PeerPackage,
} from "./peers.js";
import { CREATE_CHAT_BODY_TEXT, CREATE_CHAT_PATH, REQUEST_HEADERS } from "./request.js";

/** How to start a server; `{port}` in an argument is the port the bench picked. */
export interface Launch {
  command: string;
  args: string[];
  env?: Record<string, string>;
  /** How often to poll for the first 200 while it starts, ms (default 5). */
  pollMs?: number;
}

/** A server that cannot run on this machine: why, and the command that installs what is missing. */
export interface Skip {
  skip: string;
  install: string;
}

/** What a server's `prepare` may use. */
export interface TargetContext {
  root: string;
  node: string;
  /** The built mock (bench/build-mock.ts). */
  buildDir: string;
  /** Transpiled bench scripts by name (bench/build-mock.ts `transpileBenchScripts`). */
  scripts: Readonly<Record<string, string>>;
  /** A scratch folder of this run, removed at the end. */
  tmpDir: string;
  /** `java -version`'s first line, or undefined. */
  java: string | undefined;
  /** Why a peer could not be installed into bench/.peers, when it could not. */
  peerInstallError: string | undefined;
}

/** One load scenario: a request and the status every answer to it must have. */
export interface ScenarioSpec {
  id: string;
  label: string;
  request: LoadRequest;
  expectStatus: number;
  /** Measured in each of the rounds (spawn, warm-up, measured seconds, stop). */
  rounds: boolean;
  /** Measured in the interleaved slices. */
  interleaved: boolean;
}

export interface ServerSpec {
  id: string;
  label: string;
  /** Peers of bench/.peers it needs. */
  peers?: PeerPackage[];
  /**
   * Seconds of load before its figures count as warm (a JIT that needs it: WireMock). In round 1
   * its first measurement is kept as a cold row (`<scenario id>-cold`); the warm process then
   * serves every later round and the interleaved slices instead of a new one per round.
   */
  jitWarmupSeconds?: number;
  /** Also started five times for the start-up table (cheap servers only). */
  startupSamples?: boolean;
  prepare(context: TargetContext): Launch | Skip;
  scenarios: ScenarioSpec[];
}

const CREATE_CHAT: LoadRequest = { path: CREATE_CHAT_PATH, headers: REQUEST_HEADERS, body: CREATE_CHAT_BODY_TEXT };

/** The contract's `context.id` must be >= 1: a body the mock parses and then refuses (400 INVALID_REQUEST). */
const BAD_BODY: LoadRequest = { ...CREATE_CHAT, body: JSON.stringify({ context: { type: "ORDER", id: 0 } }) };
/** A token no fixture knows (403 INVALID_TOKEN). */
const UNKNOWN_TOKEN: LoadRequest = { ...CREATE_CHAT, headers: { ...REQUEST_HEADERS, "Api-Key": "bench-unknown-token" } };

const ok = (id: string, label: string, options: { rounds?: boolean; interleaved?: boolean } = {}): ScenarioSpec => ({
  id,
  label,
  request: CREATE_CHAT,
  expectStatus: 200,
  rounds: options.rounds ?? true,
  interleaved: options.interleaved ?? true,
});

/**
 * The mock's stores measured in the rounds and slices: each entry is one more mock target (the 200
 * path, the error paths, the quota); ids other than `memory` get their own row ids. The Redis store
 * is measured in a stage of its own instead (bench/stores.ts): it needs a redis-server started by
 * the bench, a fresh key prefix per run, its CPU beside the mock's, and a row of two replicas
 * splitting the load, which is two processes, not one target.
 */
export const MOCK_STORES: ReadonlyArray<{ id: string; label: string; args: string[] }> = [{ id: "memory", label: "in-memory store", args: [] }];

function mockServers(store: (typeof MOCK_STORES)[number]): ServerSpec[] {
  const suffix = store.id === "memory" ? "" : `-${store.id}`;
  const launch = (context: TargetContext, quota: string): Launch => ({
    command: context.node,
    args: [join(context.buildDir, MOCK_CLI_ENTRY), "--port", "{port}", "--host", "127.0.0.1", "--log", "silent", "--quota", quota, ...store.args],
  });
  return [
    {
      id: `mock${suffix}`,
      label: `this mock, ${store.label} (built CLI, log silent)`,
      startupSamples: store.id === "memory",
      prepare: (context) => launch(context, "1000000000"),
      scenarios: [
        ok(`mock${suffix}`, `this mock, ${store.label}: 200`),
        { id: `mock${suffix}-400`, label: `this mock, ${store.label}: 400 (bad body)`, request: BAD_BODY, expectStatus: 400, rounds: false, interleaved: true },
        { id: `mock${suffix}-403`, label: `this mock, ${store.label}: 403 (unknown token)`, request: UNKNOWN_TOKEN, expectStatus: 403, rounds: false, interleaved: true },
      ],
    },
    {
      id: `mock${suffix}-quota`,
      label: `this mock, ${store.label}, --quota 1000`,
      prepare: (context) => launch(context, "1000"),
      scenarios: [
        {
          id: `mock${suffix}-420`,
          label: `this mock, ${store.label}: 420 (quota-bound: business 1001's 1,000 spent in the warm-up)`,
          request: CREATE_CHAT,
          expectStatus: 420,
          rounds: false,
          interleaved: true,
        },
      ],
    },
  ];
}

const missingPeer = (context: TargetContext, packages: PeerPackage[]): Skip | undefined =>
  context.peerInstallError === undefined ? undefined : { skip: context.peerInstallError, install: peerInstallCommand(packages) };

/** Every server over a socket, in the order the rounds run them. */
export const SERVERS: ServerSpec[] = [
  {
    id: "bare",
    label: "bare node:http (parse JSON, fixed 200)",
    startupSamples: true,
    prepare: (context) => ({ command: context.node, args: [context.scripts["bare-node-http"] as string, "--port", "{port}"] }),
    scenarios: [ok("bare", "bare node:http (parse JSON, fixed 200)")],
  },
  {
    id: "hono",
    label: "minimal Hono route on @hono/node-server",
    startupSamples: true,
    prepare: (context) => ({ command: context.node, args: [context.scripts["minimal-hono"] as string, "--port", "{port}"] }),
    scenarios: [ok("hono", "minimal Hono route on @hono/node-server (parse JSON, fixed 200)")],
  },
  ...MOCK_STORES.flatMap(mockServers),
  {
    id: "prism",
    label: "Prism 5 `prism mock openapi.yaml`",
    prepare: (context) => ({
      command: context.node,
      args: [
        join(context.root, "node_modules/@stoplight/prism-cli/dist/index.js"),
        "mock",
        join(context.root, "openapi.yaml"),
        "--port",
        "{port}",
        "--host",
        "127.0.0.1",
        "--errors=false",
        "--multiprocess=false",
        "-v",
        "silent",
      ],
      pollMs: 50,
    }),
    scenarios: [ok("prism", "Prism 5 `prism mock` (silent)")],
  },
  {
    id: "wiremock",
    label: `WireMock ${PEER_VERSIONS.wiremock} standalone, one static stub`,
    peers: ["wiremock"],
    jitWarmupSeconds: 60,
    prepare: (context) => {
      if (context.java === undefined) return { skip: "no `java` on PATH", install: JAVA_INSTALL };
      const missing = missingPeer(context, ["wiremock"]);
      if (missing !== undefined) return missing;
      const jar = wiremockJar();
      if (jar === undefined) return { skip: "the wiremock package in bench/.peers has no standalone jar", install: peerInstallCommand(["wiremock"]) };
      const rootDir = writeWiremockRoot(join(context.tmpDir, "wiremock"));
      return {
        command: "java",
        args: ["-jar", jar, "--port", "{port}", "--bind-address", "127.0.0.1", "--root-dir", rootDir, "--disable-banner", "--no-request-journal", "--disable-request-logging"],
        pollMs: 20,
      };
    },
    scenarios: [ok("wiremock", `WireMock ${PEER_VERSIONS.wiremock}, after ~60 s of load (JIT warm)`)],
  },
  {
    id: "mockoon",
    label: `Mockoon CLI ${PEER_VERSIONS["@mockoon/cli"]}, one static route`,
    peers: ["@mockoon/cli"],
    prepare: (context) => {
      const missing = missingPeer(context, ["@mockoon/cli"]);
      if (missing !== undefined) return missing;
      const data = writeMockoonEnvironment(join(context.tmpDir, "mockoon.json"));
      return {
        command: context.node,
        args: [MOCKOON_CLI, "start", "--data", data, "--port", "{port}", "--hostname", "127.0.0.1", "--disable-log-to-file", "--disable-admin-api"],
        // Mockoon keeps state under $HOME/.mockoon-cli: this run's scratch folder, not the user's home.
        env: { HOME: join(context.tmpDir, "mockoon-home") },
        pollMs: 20,
      };
    },
    // Two orders of magnitude behind the others: its rounds show it; slices would only cost time.
    scenarios: [ok("mockoon", `Mockoon CLI ${PEER_VERSIONS["@mockoon/cli"]}, one static route (logs each request, its default)`, { interleaved: false })],
  },
];
