/**
 * How an invalid key is explained, in one place: flag keys, experiment ids
 * and segment keys all follow KEY_PATTERN (flag.ts), and every message about
 * one says the same rule in the same words.
 */

/** KEY_PATTERN in words. */
export const KEY_RULE = 'use letters, digits, ".", "_" and "-", starting with a letter or digit, at most 128 characters';

/** The validation finding's wording: `flag key "a b" is invalid: use letters, …`. */
export function invalidKeyMessage(what: string, value: unknown): string {
  return `${what} ${JSON.stringify(value)} is invalid: ${KEY_RULE}`;
}
