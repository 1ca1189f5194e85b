/**
 * The two object helpers every layer needs, in one place (the bottom layer,
 * beside errors.ts: no imports, so the runtime bundle can use them too).
 */

/** An object that is not null and not an array: a YAML mapping or a JSON object. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
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
