/**
 * No secret leaves the mock: a run of the real CLI (json and pretty logs) is sent every token it
 * knows and some it does not, in every place a client might put one (Api-Key, Authorization Bearer
 * and OAuth, a cookie, the query string, the control token right and wrong). Afterwards neither
 * its stdout, its stderr, the journal, the state nor any answer holds any token, nor even an
 * 8-character piece of one.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { exitWithin, killAllChildren, startCli, type CliChild } from "./support/cli-child.js";

const CONTROL_TOKEN = "ctl-7Hq2-secret-Zx9w";
const FIXTURE_API_KEY = "fx-apikey-Qm4tR8vL2p";
const FIXTURE_OAUTH = "y0_fxOauthTok3nW7nK";
const UNKNOWN_TOKENS = ["unknown-token-Ab12Cd34", "y0_AgAAAAunknownOAuth99"];
const TOKENS = [CONTROL_TOKEN, FIXTURE_API_KEY, FIXTURE_OAUTH, ...UNKNOWN_TOKENS];

const dir = mkdtempSync(join(tmpdir(), "robustness-secrets-"));
const fixturesFile = join(dir, "fixtures.json");
writeFileSync(
  fixturesFile,
  JSON.stringify({
    tokens: [
      { token: FIXTURE_API_KEY, scheme: "api-key", scopes: ["communication"], businesses: [7001] },
      { token: FIXTURE_OAUTH, scheme: "oauth", scopes: ["all-methods"], businesses: [7001] },
    ],
    businesses: [{ id: 7001, model: "FBS", orders: [700001, 700002], returns: [710001] }],
  }),
);

afterAll(() => {
  killAllChildren();
  rmSync(dir, { recursive: true, force: true });
});

const runs: Array<[string, CliChild]> = [
  ["json", startCli(["--port", "0", "--log", "json", "--fixtures", fixturesFile, "--control-token", CONTROL_TOKEN])],
  ["pretty", startCli(["--port", "0", "--log", "pretty", "--fixtures", fixturesFile, "--control-token", CONTROL_TOKEN])],
];

/** Every way a client might send a token, each on a createChat request; returns everything answered. */
async function sendEveryToken(url: string): Promise<string> {
  const answered: string[] = [];
  const post = async (headers: Record<string, string>, query = "") => {
    const res = await fetch(`${url}/v2/businesses/7001/chats/new${query}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: JSON.stringify({ context: { type: "ORDER", id: 700001 } }),
    });
    answered.push(JSON.stringify([...res.headers]), await res.text());
    return res.status;
  };
  for (const token of TOKENS) {
    await post({ "Api-Key": token });
    await post({ Authorization: `Bearer ${token}` });
    await post({ Authorization: `OAuth oauth_token=${token}, oauth_client_id=client-1` });
    await post({ Authorization: token });
    await post({ "Api-Key": "nope", Cookie: `session=${token}` });
    await post({}, `?api_key=${token}&access_token=${token}`);
  }
  // The known tokens do work (so the run exercised the accepted paths, not only refusals).
  expect(await post({ "Api-Key": FIXTURE_API_KEY })).toBe(200);
  expect(await post({ Authorization: `Bearer ${FIXTURE_OAUTH}` })).toBe(200);

  const control = async (path: string, authorization: string) => {
    const res = await fetch(`${url}/__mock${path}`, { headers: { Authorization: authorization } });
    answered.push(JSON.stringify([...res.headers]), await res.text());
    return res.status;
  };
  expect(await control("/state", `Bearer ${UNKNOWN_TOKENS[0]}`)).toBe(401);
  expect(await control("/state", CONTROL_TOKEN)).toBe(401);
  expect(await control("/state", `Bearer ${CONTROL_TOKEN}`)).toBe(200);
  expect(await control("/requests", `Bearer ${CONTROL_TOKEN}`)).toBe(200);
  return answered.join("\n");
}

/** Every 8-character piece of `token` found in `text`. */
function piecesOf(token: string, text: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + 8 <= token.length; i += 1) if (text.includes(token.slice(i, i + 8))) found.push(token.slice(i, i + 8));
  return found;
}

describe("no token in logs, journal or answers", () => {
  it.each(runs)("--log %s: a run that saw every token prints none of them, anywhere", async (format, run) => {
    const url = await run.url;
    const answers = await sendEveryToken(url);
    const journal = await (await fetch(`${url}/__mock/requests`, { headers: { Authorization: `Bearer ${CONTROL_TOKEN}` } })).text();
    expect((JSON.parse(journal) as { total: number }).total).toBe(TOKENS.length * 6 + 2);

    run.child.kill("SIGTERM");
    expect(await exitWithin(run, 5_000)).toEqual({ code: 0, signal: null });
    const logs = `${run.stdout()}\n${run.stderr()}`;
    // One log line per API request, so the log did record what the tokens came with.
    expect(run.stdout().trimEnd().split("\n").length).toBe(1 + TOKENS.length * 6 + 2);
    if (format === "json") expect(run.stdout().split("\n").slice(1, -1).every((line) => JSON.parse(line) !== null)).toBe(true);

    for (const token of TOKENS) {
      expect(piecesOf(token, logs), `${token} in the ${format} log`).toEqual([]);
      expect(piecesOf(token, journal), `${token} in the journal`).toEqual([]);
      expect(piecesOf(token, answers), `${token} in an answer`).toEqual([]);
    }
    // The journal shows where credentials were, redacted.
    expect(journal).toContain('"api-key":"[REDACTED]"');
    expect(journal).toContain('"authorization":"Bearer [REDACTED]"');
    expect(journal).toContain('"cookie":"[REDACTED]"');
  });
});
