/**
 * Placeholders a case's `answer` may hold where any value of a kind will do (a page token, say).
 * Plain values, so the cases stay free of vitest (the conformance script runs them too);
 * run-suite.ts turns them into vitest's asymmetric matchers.
 */

/** Any string. */
export const ANY_STRING = "\u0000any string";
/** Any object. */
export const ANY_OBJECT = "\u0000any object";

/** `answer` with each placeholder replaced by what `matchers` make of it. */
export function withMatchers(answer: unknown, matchers: { string: unknown; object: unknown }): unknown {
  if (answer === ANY_STRING) return matchers.string;
  if (answer === ANY_OBJECT) return matchers.object;
  if (Array.isArray(answer)) return answer.map((item) => withMatchers(item, matchers));
  if (typeof answer === "object" && answer !== null) {
    return Object.fromEntries(Object.entries(answer).map(([key, value]) => [key, withMatchers(value, matchers)]));
  }
  return answer;
}
