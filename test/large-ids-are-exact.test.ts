/**
 * Ids are int64 in the contract, and a double holds integers exactly only up to 2^53: the mock
 * reads a body's integers with their digits, checks the int64 range on those digits, quotes ids as
 * sent, and treats an id past 2^53 alike in the path, the query and the body (a valid one is
 * unknown, as no fixture has it; one beyond int64 is a 400).
 */
import { describe, expect, it } from "vitest";
import { createMockApp } from "../mock/app.js";
import { integerText, parseJsonExactly } from "../mock/contract/exact-json.js";
import { createManualClock } from "../mock/state/clock.js";
import { createChatRequest, T0 } from "./support/api.js";
import { expectConformsToContract } from "./support/conformance.js";

const app = () => createMockApp({ clock: createManualClock(T0) });
type Errors = Array<{ code: string; message: string }>;
/** The errors of an answer that conforms to createChat's contract. */
const errorsOf = async (response: Response) => ((await expectConformsToContract(response)) as { errors: Errors }).errors;

describe("parseJsonExactly", () => {
  it("keeps the digits of an integer past 2^53 beside its nearest double", () => {
    const value = parseJsonExactly('{"a":{"id":9007199254740993},"b":[1,9223372036854775807]}') as { a: { id: number }; b: number[] };
    expect(value.a.id).toBe(9007199254740992);
    expect(integerText(value.a, "id")).toBe("9007199254740993");
    expect(value.b[1]).toBe(2 ** 63);
    expect(integerText(value.b, 1)).toBe("9223372036854775807");
    expect(integerText(value.b, 0)).toBe("1");
  });

  it("reads an integer beyond int64 as ±2^64, which the int64 format refuses, and keeps its text", () => {
    const value = parseJsonExactly('[9223372036854775808,-9223372036854775809,9223372036854775808.0,-9223372036854775808]') as number[];
    expect(value).toEqual([2 ** 64, -(2 ** 64), 2 ** 64, -(2 ** 63)]);
    expect([0, 1, 2].map((i) => integerText(value, i))).toEqual(["9223372036854775808", "-9223372036854775809", "9223372036854775808.0"]);
  });

  it("reads like JSON.parse otherwise: the same values, errors and last repeated key, no prototype set", () => {
    const text = '{"id":9007199254740993,"id":2,"x":"12345678901234567","f":1.5,"__proto__":{"p":9007199254740993}}';
    const value = parseJsonExactly(text) as Record<string, unknown>;
    expect(value).toEqual(JSON.parse(text));
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(() => parseJsonExactly('{"id":9007199254740993,')).toThrow(SyntaxError);
    expect(() => parseJsonExactly('{"id":9007199254740993,')).toThrow(/^Expected double-quoted property name in JSON/);
  });
});

describe("a body id beyond int64 is a 400 quoting its digits, whatever a double makes of it", () => {
  it.each([
    ["2^63", "9223372036854775808"],
    ["-2^63 - 1", "-9223372036854775809"],
    ["twenty-six digits", "99999999999999999999999999"],
  ])("context.id %s", async (_name, digits) => {
    const response = await createChatRequest(app(), 1001, `{"context":{"type":"ORDER","id":${digits}}}`);
    expect(response.status).toBe(400);
    const errors = await errorsOf(response);
    expect(errors).toContainEqual({ code: "INVALID_REQUEST", message: `/context/id ${digits} is beyond the int64 range` });
  });

  it("the deprecated orderId 2^63 too", async () => {
    const response = await createChatRequest(app(), 1001, '{"orderId":9223372036854775808}');
    expect(response.status).toBe(400);
    expect(await errorsOf(response)).toEqual([{ code: "INVALID_REQUEST", message: "/orderId 9223372036854775808 is beyond the int64 range" }]);
  });

  it("2^63 - 1, the largest int64, is valid: an order the business does not have, quoted exactly", async () => {
    const response = await createChatRequest(app(), 1001, '{"context":{"type":"ORDER","id":9223372036854775807}}');
    expect(response.status).toBe(404);
    expect(await errorsOf(response)).toEqual([{ code: "ORDER_NOT_FOUND", message: "Order 9223372036854775807 not found in business 1001 (/context/id)" }]);
  });
});

describe("ids past 2^53 are quoted as sent", () => {
  it("an order, a return and the deprecated orderId", async () => {
    const mock = app();
    const order = await createChatRequest(mock, 1001, '{"context":{"type":"ORDER","id":9007199254740993}}');
    expect(await errorsOf(order)).toEqual([{ code: "ORDER_NOT_FOUND", message: "Order 9007199254740993 not found in business 1001 (/context/id)" }]);
    const ret = await createChatRequest(mock, 1001, '{"context":{"type":"RETURN","id":9007199254740995}}');
    expect(await errorsOf(ret)).toEqual([{ code: "RETURN_NOT_FOUND", message: "Return 9007199254740995 not found in business 1001 (/context/id)" }]);
    const deprecated = await createChatRequest(mock, 1001, '{"orderId":9007199254740993}');
    expect(await errorsOf(deprecated)).toEqual([{ code: "ORDER_NOT_FOUND", message: "Order 9007199254740993 not found in business 1001 (/context/id)" }]);
  });

  it("two ids one double apart are different orders", async () => {
    const response = await createChatRequest(app(), 1001, '{"orderId":9007199254740993,"context":{"type":"ORDER","id":9007199254740992}}');
    expect(response.status).toBe(400);
    expect(await errorsOf(response)).toEqual([
      { code: "CONFLICTING_ORDER_ID", message: "/orderId 9007199254740993 and /context (ORDER 9007199254740992) name different things; send /context alone" },
    ]);
  });

  it("the same id in both forms is one order", async () => {
    const response = await createChatRequest(app(), 1001, '{"orderId":9007199254740993,"context":{"type":"ORDER","id":9007199254740993}}');
    expect(await errorsOf(response)).toEqual([{ code: "ORDER_NOT_FOUND", message: "Order 9007199254740993 not found in business 1001 (/context/id)" }]);
  });

  it("a chatId of the query too", async () => {
    const response = await app().request("/v2/businesses/1001/chats/message?chatId=9007199254740993&messageId=1", { headers: { "Api-Key": "demo-all-methods" } });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { errors: Errors }).errors).toEqual([
      { code: "CHAT_NOT_FOUND", message: "Chat 9007199254740993 not found in business 1001 (/chatId)" },
    ]);
  });
});

describe("the path and the body agree on ids past 2^53", () => {
  it("a valid int64 past 2^53 is unknown in both (404, quoted as sent); one beyond int64 is a 400 in both", async () => {
    const mock = app();
    const path = await createChatRequest(mock, "9007199254740993", '{"orderId":11001}');
    expect(path.status).toBe(404);
    expect(await errorsOf(path)).toEqual([{ code: "BUSINESS_NOT_FOUND", message: "Business 9007199254740993 not found (/businessId)" }]);
    const body = await createChatRequest(mock, 1001, '{"orderId":9007199254740993}');
    expect(body.status).toBe(404);

    const pathBeyond = await createChatRequest(mock, "9223372036854775808", '{"orderId":11001}');
    expect(pathBeyond.status).toBe(400);
    expect(await errorsOf(pathBeyond)).toEqual([{ code: "INVALID_PARAMETER", message: "/businessId 9223372036854775808 is beyond the int64 range" }]);
    const bodyBeyond = await createChatRequest(mock, 1001, '{"orderId":9223372036854775808}');
    expect(bodyBeyond.status).toBe(400);
    expect(await errorsOf(bodyBeyond)).toEqual([{ code: "INVALID_REQUEST", message: "/orderId 9223372036854775808 is beyond the int64 range" }]);
  });
});

describe("the journal", () => {
  it("shows a body as JSON.parse reads it, not the stand-in for an integer beyond int64", async () => {
    const mock = app();
    await createChatRequest(mock, 1001, '{"orderId":9223372036854775808}');
    const [entry] = await mock.state.journal.list({});
    expect(entry?.request.body).toEqual({ orderId: 2 ** 63 });
  });
});
