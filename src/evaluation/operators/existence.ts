/**
 * exists / not_exists: the only operators that look at a missing attribute.
 * Why null counts as missing: JSON contexts spell "no value" as null as often
 * as by leaving the key out, and the two must not evaluate differently.
 */
export function isPresent(actual: unknown): boolean {
  return actual !== undefined && actual !== null;
}
