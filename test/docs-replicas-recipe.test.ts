/**
 * docs/replicas.md's local recipe runs as written: examples/replicas/two-replicas.sh starts a
 * redis-server and two mocks on it, shows they agree, and stops all three by PID. Its `createchat-mock`
 * is this repository's CLI (a shim on PATH, as an installed package's bin would be). The
 * illustrative layouts beside it are not run here; they are checked to use only options the CLI has.
 */
import { execFile } from "node:child_process";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { envName, OPTIONS } from "../mock/cli/index.js";
import { freePort } from "./support/free-port.js";
import { skipRedis, startRedisServer } from "./support/redis-server.js";

const ROOT = resolve(import.meta.dirname, "..");
const run = promisify(execFile);

describe.skipIf(skipRedis)("docs/replicas.md's recipe", () => {
  let shim: string;
  beforeAll(async () => {
    shim = await mkdtemp(join(tmpdir(), "createchat-mock-bin-"));
    const bin = join(shim, "createchat-mock");
    await writeFile(bin, `#!/bin/sh\nexec "${process.execPath}" --import tsx "${join(ROOT, "mock", "cli.ts")}" "$@"\n`);
    await chmod(bin, 0o755);
  });
  afterAll(async () => {
    await rm(shim, { recursive: true, force: true });
  });

  it("two mocks on one redis-server: one chat, one quota, one history, one clock; then every process stopped", async () => {
    const env = {
      ...process.env,
      PATH: `${shim}:${process.env.PATH ?? ""}`,
      REDIS_PORT: String(await freePort()),
      A_PORT: String(await freePort()),
      B_PORT: String(await freePort()),
    };
    const { stdout } = await run("bash", ["examples/replicas/two-replicas.sh"], { cwd: ROOT, env, timeout: 60_000 });
    expect(stdout.trim().split("\n")).toEqual([
      '{"status":"OK","result":{"chatId":1}}',
      '{"status":"OK","result":{"chatId":1}}',
      '"used":2',
      '"message":"Hello from B"',
      '"now":"2030-01-01T00:00',
    ]);
    // Its trap stopped them: nothing listens on its ports any more.
    for (const port of [env.REDIS_PORT, env.A_PORT, env.B_PORT]) {
      await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
    }
  });
});

describe.skipIf(skipRedis)("examples/replicas/start-mock-on-redis.ts", () => {
  it("two startMock replicas on one Redis: one chat, one quota", async () => {
    const redis = await startRedisServer();
    try {
      const { stdout } = await run(join(ROOT, "node_modules", ".bin", "tsx"), ["examples/replicas/start-mock-on-redis.ts"], {
        cwd: ROOT,
        env: { ...process.env, REDIS_URL: redis.url },
        timeout: 30_000,
      });
      expect(stdout.trim()).toBe("chat 1 through A, chat 1 through B; quota 3/5 left");
    } finally {
      await redis.stop();
    }
  });
});

describe("the illustrative layouts of docs/replicas.md (not run here)", () => {
  const names = new Set(OPTIONS.map((option) => `--${option.name}`));
  const variables = new Set(OPTIONS.map(envName).filter((name) => name !== undefined));
  /** The `--options` of a command, after the bin's name when the command names it (npx's own come before). */
  const arguments_ = (list: unknown) => {
    if (!Array.isArray(list)) return [];
    const words = list.filter((a): a is string => typeof a === "string");
    return words.slice(words.indexOf("createchat-mock") + 1).filter((word) => word.startsWith("--"));
  };

  it("docker-compose.yml: Redis and mocks on it, with options and variables the CLI has", () => {
    const compose = parse(readFileSync(join(ROOT, "examples/replicas/docker-compose.yml"), "utf8")) as {
      services: Record<string, { command?: unknown; environment?: Record<string, string> }>;
    };
    const mock = compose.services.mock;
    expect(Object.keys(compose.services).sort()).toEqual(["mock", "redis"]);
    for (const arg of arguments_(mock?.command)) expect(names, arg).toContain(arg);
    for (const name of Object.keys(mock?.environment ?? {})) expect(variables, name).toContain(name);
    expect(mock?.environment?.CREATECHAT_MOCK_STORE).toMatch(/^redis:\/\/redis:6379\/\d+$/);
  });

  it("kubernetes.yaml: a Deployment of mocks on a Redis Service, readiness on /__mock/health", () => {
    const documents = readFileSync(join(ROOT, "examples/replicas/kubernetes.yaml"), "utf8")
      .split(/^---$/m)
      .map((text) => parse(text) as { kind: string; metadata: { name: string }; spec: Record<string, unknown> });
    const mocks = documents.find((d) => d.kind === "Deployment" && d.metadata.name === "createchat-mock");
    const container = (mocks?.spec as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template.spec.containers[0] as {
      args?: unknown;
      env?: Array<{ name: string; value?: string }>;
      readinessProbe?: { httpGet?: { path: string } };
    };
    expect((mocks?.spec as { replicas: number }).replicas).toBeGreaterThanOrEqual(2);
    for (const arg of arguments_(container.args)) expect(names, arg).toContain(arg);
    for (const { name } of container.env ?? []) expect(variables, name).toContain(name);
    expect(container.env?.find((e) => e.name === "CREATECHAT_MOCK_STORE")?.value).toMatch(/^redis:\/\/createchat-mock-redis:6379\/\d+$/);
    expect(container.readinessProbe?.httpGet?.path).toBe("/__mock/health");
    expect(documents.map((d) => d.kind).sort()).toEqual(["Deployment", "Deployment", "Service", "Service"]);
  });
});
