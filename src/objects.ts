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
 * The value at a path of plain data (a YAML document's data, a flag being
 * edited), following own properties only: `__proto__` or `constructor` in a
 * path never reaches into the prototype chain. Undefined when any step is missing.
 */
export function ownAt(raw: unknown, path: readonly (string | number)[]): unknown {
  let cur = raw;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, seg)) return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

/** Whether the path exists in plain data as own properties (its last step may hold undefined). */
export function hasOwnAt(raw: unknown, path: readonly (string | number)[]): boolean {
  if (path.length === 0) return raw !== undefined;
  const parent = ownAt(raw, path.slice(0, -1));
  return parent !== null && typeof parent === 'object' && Object.hasOwn(parent, path[path.length - 1]);
}
