import { describe, expect, it } from "vitest";
import { createMarketClient, type MarketClientOptions } from "../client/index.js";

const fetch = async (): Promise<Response> => {
  throw new Error("no request is expected");
};

describe("createMarketClient option guards", () => {
  it.each([
    { label: "an empty baseUrl", options: { baseUrl: "", apiKey: "ACMA:key-1" }, message: /options\.baseUrl must be a non-empty URL/ },
    { label: "a blank baseUrl", options: { baseUrl: "  ", apiKey: "ACMA:key-1" }, message: /options\.baseUrl must be a non-empty URL/ },
    {
      label: "a relative baseUrl",
      options: { baseUrl: "api.partner.market.yandex.ru", apiKey: "ACMA:key-1" },
      message: /options\.baseUrl must be an absolute URL/,
    },
    { label: "an empty apiKey", options: { baseUrl: "http://127.0.0.1:4010", apiKey: "" }, message: /options\.apiKey must be a non-empty string/ },
    { label: "a blank oauthToken", options: { baseUrl: "http://127.0.0.1:4010", oauthToken: " " }, message: /options\.oauthToken must be a non-empty string/ },
    {
      label: "an apiKey with a line break",
      options: { baseUrl: "http://127.0.0.1:4010", apiKey: "ACMA:key-1\r\nX-Injected: 1" },
      message: /options\.apiKey may hold only visible ASCII/,
    },
  ])("throws on $label", ({ options, message }) => {
    expect(() => createMarketClient({ ...options, fetch } as MarketClientOptions)).toThrow(message);
  });

  it("throws when no credential is given", () => {
    // @ts-expect-error a credential (apiKey or oauthToken) is required
    expect(() => createMarketClient({ baseUrl: "http://127.0.0.1:4010", fetch })).toThrow(/a credential is required/);
  });

  it("throws when both credentials are given, so a request never carries two", () => {
    expect(() =>
      // @ts-expect-error apiKey and oauthToken exclude each other
      createMarketClient({ baseUrl: "http://127.0.0.1:4010", apiKey: "ACMA:key-1", oauthToken: "y0_token", fetch }),
    ).toThrow(/either apiKey or oauthToken, not both/);
  });

  it.each(["Api-Key", "authorization", "AUTHORIZATION"])("throws when options.headers sets %s", (name) => {
    expect(() =>
      createMarketClient({ baseUrl: "http://127.0.0.1:4010", apiKey: "ACMA:key-1", fetch, headers: { [name]: "x" } }),
    ).toThrow(/options\.headers may not set/);
  });

  it("throws a TypeError when options is not an object", () => {
    expect(() => createMarketClient(undefined as unknown as MarketClientOptions)).toThrow(TypeError);
  });
});
