/**
 * equals / not_equals / in / not_in: strict equality, no coercion.
 * Why strict: `"15"` and `15` are different values in a context; a coercing
 * comparison would make a numeric attribute match its string spelling (and
 * `true` match `1`), a difference YAML authors cannot see in the file.
 */
import type { Scalar, ValueTest } from './types.js';

export function equalsTest(expected: Scalar): ValueTest {
  return (actual) => actual === expected;
}

/**
 * Membership by strict equality. A Set uses SameValueZero, which differs from
 * `===` only on NaN (NaN is in a Set holding NaN, but NaN !== NaN), so NaN is
 * left out of the Set: it can never equal anything strictly. 1 and "1" stay
 * distinct in a Set, as under `===`. An empty list matches nothing.
 */
export function inTest(list: readonly Scalar[]): ValueTest {
  const set = new Set<unknown>();
  for (const v of list) if (v === v) set.add(v);
  if (set.size === 0) return () => false;
  return (actual) => set.has(actual);
}
