/**
 * The two object helpers every layer needs, in one place (the bottom layer,
 * beside errors.ts: no imports, so the runtime bundle can use them too).
 */

/** An object that is not null and not an array: a YAML mapping or a JSON object. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Equality of JSON values as node:util's isDeepStrictEqual judges them
 * (numbers by Object.is, so -0 is not 0; object key order ignored), without
 * loading Node's comparison module, a cost every `flags list` paid at start.
 */
export function sameJsonValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => sameJsonValue(x, (b as unknown[])[i]));
  const ak = Object.keys(a);
  return ak.length === Object.keys(b).length && ak.every((k) => Object.hasOwn(b, k) && sameJsonValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * Keys and path segments that would reach into the prototype chain. Refused
 * everywhere a path is followed: contexts are JSON, where `{"__proto__": …}`
 * can be an own property, so an attribute path like `user.__proto__.isAdmin`
 * must never mean object machinery, own or inherited.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The value at `path` through own properties only (never the prototype
 * chain), or undefined: reading `rules.0.value` of a parsed flag, whatever
 * the file holds.
 */
export function ownAt(value: unknown, path: readonly (string | number)[]): unknown {
  let cur = value;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, seg)) return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}
