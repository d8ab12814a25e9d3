/** The `int64` format of the contract, for ajv at run time and for the validators compiled at build time. */

// As a double, 2^63 - 1 rounds up to 2^63, so that is the largest value a parsed JSON int64 can have.
export const INT64_MAX = 2 ** 63;

/** ajv-formats accepts any integer as int64; a value past the int64 range is not one. */
export const isInt64 = (n: number): boolean => Number.isInteger(n) && Math.abs(n) <= INT64_MAX;
