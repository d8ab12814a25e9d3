import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { redactHeaders } from "../mock/state/journal.js";

const TOKEN = "y0_AgAAAAB3secretTOKEN42";

describe("credential redaction", () => {
  it("replaces the Api-Key value and lower-cases names", () => {
    const headers = new Headers({ "Api-Key": TOKEN, "Content-Type": "application/json", "X-Trace": "abc" });
    expect(redactHeaders(headers)).toEqual({
      "api-key": "[REDACTED]",
      "content-type": "application/json",
      "x-trace": "abc",
    });
  });

  it("keeps the Authorization scheme and hides the credentials", () => {
    expect(redactHeaders(new Headers({ Authorization: `Bearer ${TOKEN}` }))).toEqual({
      authorization: "Bearer [REDACTED]",
    });
    expect(
      redactHeaders(new Headers({ Authorization: `OAuth oauth_token=${TOKEN}, oauth_client_id=client123` })),
    ).toEqual({ authorization: "OAuth [REDACTED]" });
    expect(redactHeaders(new Headers({ "Proxy-Authorization": `Basic ${TOKEN}` }))).toEqual({
      "proxy-authorization": "Basic [REDACTED]",
    });
  });

  it("hides an Authorization value whose first word is not a known scheme", () => {
    expect(redactHeaders(new Headers({ Authorization: TOKEN }))).toEqual({ authorization: "[REDACTED]" });
    expect(redactHeaders(new Headers({ Authorization: `${TOKEN} more` }))).toEqual({ authorization: "[REDACTED]" });
  });

  it("hides cookies", () => {
    const headers = new Headers([
      ["Cookie", `session=${TOKEN}; theme=dark`],
      ["Set-Cookie", `session=${TOKEN}; HttpOnly`],
    ]);
    expect(redactHeaders(headers)).toEqual({ cookie: "[REDACTED]", "set-cookie": "[REDACTED]" });
  });

  it("leaves no piece of any token anywhere in the output", () => {
    const token = fc.stringMatching(/^[A-Za-z0-9_\-.~+/]{12,64}$/);
    const scheme = fc.constantFrom("Bearer", "bearer", "OAuth", "Basic", "Token", "");
    fc.assert(
      fc.property(token, scheme, (secret, s) => {
        const headers = new Headers({
          "Api-Key": secret,
          Authorization: s === "" ? secret : `${s} ${secret}`,
          Cookie: `sid=${secret}`,
          Accept: "application/json",
        });
        const serialized = JSON.stringify(redactHeaders(headers));
        // No 8-character run of the secret survives (shorter runs could occur by chance).
        for (let i = 0; i + 8 <= secret.length; i += 1) {
          expect(serialized).not.toContain(secret.slice(i, i + 8));
        }
      }),
      { numRuns: 300 },
    );
  });
});
