/**
 * contains / not_contains: case-sensitive substring test on strings only.
 * Why no String() coercion: the seed coerced, so a missing attribute compared
 * as the string "undefined" and the number 15 "contained" "1". A number,
 * boolean or object attribute is simply not a string, so the test is false.
 */
import type { ValueTest } from './types.js';

export function isString(actual: unknown): actual is string {
  return typeof actual === 'string';
}

export function containsTest(needle: string): ValueTest {
  return (actual) => typeof actual === 'string' && actual.includes(needle);
}
