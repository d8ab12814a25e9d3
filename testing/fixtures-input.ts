/**
 * Fixtures handed to the testing helpers in code (`startMock({ fixtures })`,
 * `createMockFetch({ fixtures })`, `control.setFixtures(...)`): the shape of a `--fixtures` file,
 * checked and completed by the same `parseFixtures` the CLI and `PUT /__mock/fixtures` use.
 */
import { parseFixtures, type BusinessFixture, type Fixtures, type TokenFixture } from "../mock/index.js";

/**
 * Fixtures as a `--fixtures` file spells them: `scheme` defaults to `api-key`, `orders` and
 * `returns` to `[]`, and `$schema` is allowed. A full {@link Fixtures} (such as `demoFixtures`)
 * is one too.
 */
export interface FixturesInput {
  $schema?: string;
  tokens: ReadonlyArray<Omit<TokenFixture, "scheme"> & { scheme?: TokenFixture["scheme"] }>;
  businesses: ReadonlyArray<Omit<BusinessFixture, "orders" | "returns"> & Partial<Pick<BusinessFixture, "orders" | "returns">>>;
}

/**
 * Checks fixtures given in code and completes their defaults, exactly as a `--fixtures` file is
 * checked, so a typo fails here, naming the field, instead of as a 403 on every request later.
 *
 * @param source the label the error starts with, e.g. `startMock({ fixtures })`.
 * @throws FixturesError (from `market-createchat-mock/mock`) naming the JSON pointer and the reason.
 */
export function checkFixtures(fixtures: FixturesInput | undefined, source: string): Fixtures | undefined {
  return fixtures === undefined ? undefined : parseFixtures(fixtures, source);
}
