/**
 * The CLI's option table itself: names and variables that follow one rule, defaults read from the
 * contract, defaults that --help can show and a user can type back, and an option added by one entry.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  ENV_PREFIX,
  envName,
  integer,
  optionKey,
  optionsMarkdown,
  OPTIONS,
  parseOptions,
  toServeOptions,
  usage,
  value,
  type CliOption,
  type ValueOption,
} from "../mock/cli/index.js";
import { ROOT } from "./support/cli-child.js";

const table: readonly CliOption[] = OPTIONS;
const settings = table.filter((o): o is ValueOption => o.kind === "value");
const byName = (name: string) => table.find((o) => o.name === name) as ValueOption;

/** createChat's `x-rate-limit`, read from openapi.yaml here rather than through the mock's own reader. */
const rateLimit = (() => {
  const doc = parse(readFileSync(join(ROOT, "openapi.yaml"), "utf8")) as { paths: Record<string, Record<string, { operationId?: string; "x-rate-limit"?: Record<string, unknown> }>> };
  const operation = Object.values(doc.paths)
    .flatMap((item) => Object.values(item))
    .find((op) => op.operationId === "createChat");
  return operation?.["x-rate-limit"] as { requests: number; period: string; parallelRequests: number };
})();

describe("names", () => {
  it("every setting's variable is the prefix and its name in capitals, _ for -; flags have none", () => {
    expect(ENV_PREFIX).toBe("CREATECHAT_MOCK_");
    for (const option of settings) expect(envName(option)).toBe(`CREATECHAT_MOCK_${option.name.toUpperCase().replaceAll("-", "_")}`);
    expect(envName(byName("parallel-limit"))).toBe("CREATECHAT_MOCK_PARALLEL_LIMIT");
    expect(table.filter((o) => o.kind === "flag").map((o) => [o.name, envName(o)])).toEqual([
      ["help", undefined],
      ["version", undefined],
    ]);
  });

  it("names, keys, variables and short letters are each unique, and names are lower-case words with -", () => {
    for (const list of [table.map((o) => o.name), table.map(optionKey), table.map(envName).filter(Boolean), table.map((o) => o.short).filter(Boolean)]) {
      expect(new Set(list).size).toBe(list.length);
    }
    for (const option of table) expect(option.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });
});

describe("defaults", () => {
  it("the quota and its window are each operation's x-rate-limit unless given, and the default says so with createChat's figures", () => {
    expect(rateLimit.period).toBe("PT1H");
    expect(byName("quota").default).toBeUndefined();
    expect(byName("window").default).toBeUndefined();
    // createChat's 1000/1h is the common quota; the two operations with their own are named.
    expect(byName("quota").shownDefault).toBe(`each operation's own \`x-rate-limit\` (${rateLimit.requests}/1h; getChats 5000/1h, getChatHistory 10000/1h)`);
    expect(byName("window").shownDefault).toBe("each operation's own `x-rate-limit`");
  });

  it("--parallel-limit's help gives the real service's limit from the contract", () => {
    expect(rateLimit.parallelRequests).toBe(4);
    expect(byName("parallel-limit").help).toMatch(new RegExp(`the real service allows ${rateLimit.parallelRequests}$`));
  });

  it("each shown default is what the option would parse it as (a user can type it back)", () => {
    for (const option of settings.filter((o) => o.default !== undefined)) {
      expect(option.parse(option.shownDefault ?? String(option.default)), option.name).toEqual(option.default);
    }
  });

  it("an unset default says in words what happens instead", () => {
    for (const option of settings.filter((o) => o.default === undefined)) expect(option.shownDefault, option.name).toMatch(/^[a-z]/);
  });

  it("alternatives (settings of the same server option) have no default, so neither always wins", () => {
    const bySets = new Map<string, ValueOption[]>();
    for (const option of settings) bySets.set(option.sets, [...(bySets.get(option.sets) ?? []), option]);
    const shared = [...bySets.values()].filter((group) => group.length > 1);
    expect(shared.map((group) => group.map((o) => o.name))).toEqual([["control-token", "control-token-file"]]);
    for (const group of shared) for (const option of group) expect(option.default, option.name).toBeUndefined();
  });
});

describe("adding an option takes one entry", () => {
  // A made-up setting, through `load` since startMockServer's `random` is a function.
  const seed = value({
    name: "random-seed",
    placeholder: "<n>",
    parse: integer(0),
    default: undefined,
    shownDefault: "Math.random",
    sets: "random",
    help: "a fixed `random()` for latency ranges",
    load: (n) => () => n / 100,
  });
  const extended = [...OPTIONS, seed] as const;

  it("is parsed from the command line and from its variable, with the same refusals", () => {
    const fromArgv = parseOptions(extended, ["--random-seed", "7"]);
    const fromEnv = parseOptions(extended, [], { CREATECHAT_MOCK_RANDOM_SEED: "8" });
    expect([fromArgv.ok && fromArgv.options.randomSeed, fromEnv.ok && fromEnv.options.randomSeed]).toEqual([7, 8]);
    expect(parseOptions(extended, ["--random-seed", "x"])).toEqual({ ok: false, message: '--random-seed "x": expected an integer >= 0' });
    expect(parseOptions(extended, ["--random-seed", "1", "--random-seed", "2"])).toEqual({ ok: false, message: "--random-seed given twice" });
  });

  it("reaches the server option it sets", async () => {
    const parsed = parseOptions(extended, ["--random-seed", "25"]);
    if (!parsed.ok) throw new Error(parsed.message);
    const options = await toServeOptions(extended, parsed, { logOutput: () => ({ line: () => undefined }) });
    expect(options.random?.()).toBe(0.25);
  });

  it("is in --help and in the README's table, with its variable", () => {
    expect(usage(extended)).toMatch(/^ {2}--random-seed <n> +a fixed random\(\) for latency ranges \(default: Math\.random\)\n +env: CREATECHAT_MOCK_RANDOM_SEED$/m);
    expect(optionsMarkdown(extended).split("\n").at(-1)).toBe(
      "| `--random-seed <n>` | `CREATECHAT_MOCK_RANDOM_SEED` | Math.random | a fixed `random()` for latency ranges |",
    );
  });
});
