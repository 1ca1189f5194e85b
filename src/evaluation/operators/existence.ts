/**
 * exists / not_exists: the only operators that look at a missing attribute.
 * Why null counts as missing: JSON contexts spell "no value" as null as often
 * as by leaving the key out, and the two must not evaluate differently.
 */
import type { OperatorFamily } from './types.js';

export function isPresent(actual: unknown): boolean {
  return actual !== undefined && actual !== null;
}

export const existence: OperatorFamily<'exists' | 'not_exists'> = {
  names: ['exists', 'not_exists'],
  subject: 'attribute',
  checkValue: (operator, value) =>
    value === undefined ? null : { code: 'INVALID_OPERATOR_VALUE', message: `${operator} takes no value; remove "value"` },
  compile: (operator) => ({ kind: operator }),
  // Present and missing (null) are the only two cases.
  sampleValues: () => ({ listed: [], around: ['present', null] }),
};
