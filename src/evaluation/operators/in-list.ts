/**
 * in / not_in: membership in a list, by strict equality as equals compares.
 * An empty list is valid: it matches nothing (not_in: every present value).
 */
import { wrongValue } from './problems.js';
import { otherThan } from './samples.js';
import { isScalar, type OperatorFamily, type SampleValue, type Scalar, type ValueTest } from './types.js';

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

export const inList: OperatorFamily<'in' | 'not_in'> = {
  names: ['in', 'not_in'],
  subject: 'attribute',
  checkValue: (operator, value) =>
    Array.isArray(value) && value.every(isScalar) ? null : wrongValue(operator, 'a list of strings, numbers or booleans', value),
  compile(operator, value) {
    const test = inTest(value as Scalar[]);
    return operator === 'in' ? { kind: 'positive', test } : { kind: 'negated', test, domain: null };
  },
  sampleValues(_operator, value) {
    if (!Array.isArray(value)) return { listed: [], around: [] };
    const list = value as SampleValue[];
    return { listed: [...list], around: [...list, otherThan(list)] };
  },
};
