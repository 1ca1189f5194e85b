/**
 * contains / not_contains: case-sensitive substring test on strings only.
 * Why no String() coercion: the seed coerced, so a missing attribute compared
 * as the string "undefined" and the number 15 "contained" "1". A number,
 * boolean or object attribute is simply not a string, so the test is false.
 */
import { wrongValue } from './problems.js';
import { otherThan } from './samples.js';
import type { OperatorFamily, SampleValue, ValueTest } from './types.js';

export function isString(actual: unknown): actual is string {
  return typeof actual === 'string';
}

export function containsTest(needle: string): ValueTest {
  return (actual) => typeof actual === 'string' && actual.includes(needle);
}

export const substring: OperatorFamily<'contains' | 'not_contains'> = {
  names: ['contains', 'not_contains'],
  subject: 'attribute',
  checkValue: (operator, value) => (typeof value === 'string' ? null : wrongValue(operator, 'a string', value)),
  compile(operator, value) {
    const test = containsTest(value as string);
    if (operator === 'contains') return { kind: 'positive', test };
    // Strings only: a number does not "not contain" a substring, it is not text.
    return { kind: 'negated', test, domain: isString };
  },
  sampleValues(_operator, value) {
    if (value === undefined) return { listed: [], around: [] };
    const v = value as SampleValue;
    // The needle itself, a string containing it, and one that does not.
    const around: SampleValue[] = typeof v === 'string' ? [v, `x${v}x`, otherThan([v])] : [[v], [otherThan([v])]];
    return { listed: [v], around };
  },
};
