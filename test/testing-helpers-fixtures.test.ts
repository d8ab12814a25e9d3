/**
 * Fixtures given in code to `startMock` and `createMockFetch` are checked and completed like a
 * `--fixtures` file (the CLI) and a `PUT /__mock/fixtures` body: the same defaults, the same
 * refusals, the same words, only the label in front says where they came from.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChat, createMarketClient } from "../client/index.js";
import { demoFixtures, FixturesError, loadFixturesFile } from "../mock/index.js";
import { createMockFetch, MockControlError, startMock, type FixturesInput } from "../testing/index.js";

/** As a user writes it from the YAML file's example: no `scheme`, no `returns`. */
const fileShaped: FixturesInput = {
  tokens: [{ token: "my-token", scopes: ["communication"], businesses: [7] }],
  businesses: [{ id: 7, model: "FBS", orders: [70001] }],
};

/** Bad fixtures, each with the pointer and reason every entry point must give. */
const refused: Array<[string, unknown, string]> = [
  [
    "an unknown model",
    { tokens: [{ token: "t", scopes: ["communication"], businesses: [7] }], businesses: [{ id: 7, model: "XYZ" }] },
    "/businesses/0/model must be one of FBS, FBY, DBS, EXPRESS",
  ],
  [
    "a token naming a missing business",
    { tokens: [{ token: "t", scopes: ["communication"], businesses: [7, 8] }], businesses: [{ id: 7, model: "FBS" }] },
    "/tokens/0/businesses/1 names business 8, which is not in /businesses",
  ],
  [
    "a misspelt key",
    { tokens: [{ token: "t", scopes: ["communication"], businesses: [7] }], businesses: [{ id: 7, model: "FBS", order: [1] }] },
    "/businesses/0/order is not allowed; allowed: id, model, orders, returns",
  ],
];

describe("startMock({ fixtures }) and createMockFetch({ fixtures })", () => {
  it("complete the file format's defaults: a token without `scheme` is an Api-Key token", async () => {
    const inProcess = createMockFetch({ fixtures: fileShaped });
    const viaFetch = createMarketClient({ baseUrl: inProcess.baseUrl, apiKey: "my-token", fetch: inProcess });
    const mock = await startMock({ fixtures: fileShaped });
    try {
      const viaSocket = createMarketClient({ baseUrl: mock.url, apiKey: "my-token" });
      for (const client of [viaFetch, viaSocket]) {
        const result = await createChat(client, 7, { orderId: 70001 });
        expect(result.ok && result.chatId).toBe(1);
        // `returns` defaulted to none: a return chat there is a 404, not a crash.
        const noReturn = await createChat(client, 7, { context: { type: "RETURN", id: 1 } });
        expect(!noReturn.ok && noReturn.errors[0]?.code).toBe("RETURN_NOT_FOUND");
      }
    } finally {
      await mock.stop();
    }
  });

  it("take the demo data, frozen as it is, unchanged", async () => {
    const fetch = createMockFetch({ fixtures: demoFixtures });
    expect((await fetch.control.state()).businesses.map((b) => b.businessId)).toEqual([1001, 1002, 1003, 1004, 2001]);
  });

  it("copy what they are given: changing the object afterwards changes nothing", async () => {
    const mine = { tokens: [{ token: "t", scopes: ["communication"], businesses: [7] }], businesses: [{ id: 7, model: "FBS" as const, orders: [1] }] };
    const fetch = createMockFetch({ fixtures: mine });
    mine.businesses[0]!.orders.push(2);
    const client = createMarketClient({ baseUrl: fetch.baseUrl, apiKey: "t", fetch });
    expect((await createChat(client, 7, { orderId: 2 })).status).toBe(404);
  });

  describe.each(refused)("refuse %s, saying where and why", (_what, data, detail) => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "fixtures-input-"));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it("createMockFetch throws a FixturesError labelled createMockFetch({ fixtures })", () => {
      let thrown: unknown;
      try {
        createMockFetch({ fixtures: data as FixturesInput });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(FixturesError);
      expect((thrown as FixturesError).message).toBe(`createMockFetch({ fixtures }): ${detail}`);
    });

    it("startMock rejects with a FixturesError labelled startMock({ fixtures })", async () => {
      const error = await startMock({ fixtures: data as FixturesInput }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FixturesError);
      expect((error as FixturesError).message).toBe(`startMock({ fixtures }): ${detail}`);
    });

    it("with the words of the CLI's --fixtures file and of PUT /__mock/fixtures", async () => {
      const file = join(dir, "fixtures.json");
      await writeFile(file, JSON.stringify(data));
      await expect(loadFixturesFile(file)).rejects.toThrow(`${file}: ${detail}`);

      const put = await createMockFetch().control.setFixtures(data as FixturesInput).catch((e: unknown) => e);
      expect(put).toBeInstanceOf(MockControlError);
      expect((put as MockControlError).message.endsWith(`: ${detail}`)).toBe(true);
    });
  });
});
