/**
 * The /docs page in a real browser (Debian's Chromium through playwright-core): it renders
 * createChat with every declared response, "Try it out" sends a request that reaches the mock and
 * shows its 200, and in all of that the page asks nothing of any other origin and logs no error.
 * Skipped, saying so, only where /usr/bin/chromium is missing (`apt-get install -y chromium`);
 * with MOCK_REQUIRE_BROWSER=1 (set by .ci/run, which installs it) a missing browser fails instead.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_API_KEY } from "../mock/docs/docs-app.js";
import { startMockServer, type RunningMock } from "../mock/server.js";
import { loadContract } from "../mock/contract/load-contract.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
const browserRequired = process.env.MOCK_REQUIRE_BROWSER === "1";
const title = hasChromium
  ? "the /docs page in Chromium"
  : `the /docs page in Chromium: SKIPPED, no browser at ${CHROMIUM} (install it with \`apt-get install -y chromium\`)`;

if (browserRequired && !hasChromium) {
  it("has a browser, as MOCK_REQUIRE_BROWSER=1 demands", () => {
    expect.fail(`MOCK_REQUIRE_BROWSER=1 but there is no browser at ${CHROMIUM}: the docs page went untested`);
  });
}

describe.skipIf(!hasChromium)(title, () => {
  const contract = loadContract().operation("createChat");
  let mock: RunningMock;
  let browser: Browser;
  let page: Page;
  const requested: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    mock = await startMockServer({ port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
    page = await browser.newPage();
    // Short, so that a missing element fails its test at once rather than at vitest's timeout.
    page.setDefaultTimeout(5_000);
    page.on("request", (request) => requested.push(request.url()));
    // A CSP refusal is reported on the console as an error, so an external request is caught here too.
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
    await page.goto(`${mock.url}/docs`);
  });

  afterAll(async () => {
    await browser?.close();
    await mock?.close();
  });

  const operation = () => page.locator(`#operations-chats-${contract.operationId}`);

  it("shows createChat with its method, path and every response the contract declares", async () => {
    const summary = operation().locator(".opblock-summary");
    await summary.waitFor();
    expect(await summary.locator(".opblock-summary-method").innerText()).toBe("POST");
    expect(await summary.locator(".opblock-summary-path").innerText()).toBe(contract.pathTemplate);

    const codes = await operation().locator(".responses-table:not(.live-responses-table) tr.response").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-code")));
    expect(codes).toEqual(["200", "400", "401", "403", "404", "420", "500"]);
    expect(codes).toEqual(contract.statuses.map(String));
    for (const code of contract.statuses) {
      // The first line, up to any code span: Swagger UI renders the markdown, dropping the backticks.
      const description = contract.responses.get(code)?.description.trim().split("\n")[0] ?? "";
      expect(await operation().locator(`tr.response[data-code="${code}"] .response-col_description`).first().innerText()).toContain(description.split("`")[0]);
    }
  });

  it("shows every operation of the contract, each with its method and path", async () => {
    await operation().locator(".opblock-summary").waitFor();
    const shown = await page.locator(".opblock-summary").evaluateAll((rows) =>
      rows.map((row) => [row.querySelector(".opblock-summary-method")?.textContent, row.querySelector(".opblock-summary-path")?.textContent?.replace(/\u200b/g, "")]),
    );
    // Swagger UI orders methods within a path its own way; the set is what the contract declares.
    const byText = (a: unknown[], b: unknown[]) => String(a).localeCompare(String(b));
    expect(shown.sort(byText)).toEqual(loadContract().operations.map((op) => [op.method.toUpperCase(), op.pathTemplate]).sort(byText));
  });

  it("comes with the demo Api-Key already authorized, and takes it again when typed by hand", async () => {
    const authorize = page.locator(".auth-wrapper .authorize");
    // `locked` is Swagger UI's mark of an authorized scheme.
    await expect.poll(() => authorize.getAttribute("class")).toContain("locked");

    await authorize.click();
    const apiKey = page.locator(".auth-container").filter({ has: page.locator("h4 code", { hasText: /^ApiKey$/ }) });
    await apiKey.getByRole("button", { name: "Remove authorization" }).click();
    await apiKey.locator("input").fill(DEMO_API_KEY);
    await apiKey.getByRole("button", { name: "Apply credentials" }).click();
    await apiKey.getByText("Authorized").waitFor();
    await page.locator(".dialog-ux .close-modal").click();
    await expect.poll(() => authorize.getAttribute("class")).toContain("locked");
  });

  it("sends createChat from Try it out to the mock and shows its 200 with the chatId", async () => {
    await operation().getByRole("button", { name: "Try it out" }).click();
    await operation().locator('tr[data-param-name="businessId"] input').fill("1003");
    await operation().locator("textarea.body-param__text").fill(JSON.stringify({ context: { type: "ORDER", id: 31002 } }));
    await operation().getByRole("button", { name: "Execute" }).click();

    const live = operation().locator(".live-responses-table .response");
    await live.waitFor();
    expect(await live.locator(".response-col_status").innerText()).toBe("200");
    const shown = JSON.parse(await live.locator(".response-col_description pre.microlight").first().innerText()) as unknown;

    const journal = (await (await fetch(`${mock.url}/__mock/requests`)).json()) as {
      total: number;
      requests: Array<{ method: string; path: string; status: number; request: { headers: Record<string, string> }; response: { body: unknown } }>;
    };
    // Only the page's request: none of the docs requests is journaled.
    expect(journal.total).toBe(1);
    const [call] = journal.requests;
    expect(call).toMatchObject({ method: "POST", path: "/v2/businesses/1003/chats/new", status: 200 });
    expect(call?.request.headers["api-key"]).toBeDefined();
    expect(shown).toEqual(call?.response.body);
    expect(shown).toEqual({ status: "OK", result: { chatId: expect.any(Number) } });
  });

  it("asked nothing of any origin but the mock's and logged no error", () => {
    const origin = new URL(mock.url).origin;
    expect(requested).toContain(`${origin}/docs/assets/swagger-ui-bundle.js`);
    expect(requested).toContain(`${origin}/docs/openapi.json`);
    expect(requested).toContain(`${origin}/v2/businesses/1003/chats/new`);
    expect(requested.filter((url) => new URL(url).origin !== origin)).toEqual([]);
    expect(problems).toEqual([]);
  });
});
