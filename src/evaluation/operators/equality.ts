/**
 * equals / not_equals: strict equality, no coercion.
 * Why strict: `"15"` and `15` are different values in a context; a coercing
 * comparison would make a numeric attribute match its string spelling (and
 * `true` match `1`), a difference YAML authors cannot see in the file.
 */
import { wrongValue } from './problems.js';
import { otherThan } from './samples.js';
import { isScalar, type OperatorFamily, type SampleValue, type Scalar, type ValueTest } from './types.js';

export function equalsTest(expected: Scalar): ValueTest {
  return (actual) => actual === expected;
}

export const equality: OperatorFamily<'equals' | 'not_equals'> = {
  names: ['equals', 'not_equals'],
  subject: 'attribute',
  checkValue: (operator, value) => (isScalar(value) ? null : wrongValue(operator, 'a string, number or boolean', value)),
  compile(operator, value) {
    const expected = value as Scalar;
    // `equals` is also exposed as its value, so conditions.ts can inline it.
    if (operator === 'equals') return { kind: 'positive', test: equalsTest(expected), equals: expected };
    // Any present value is comparable for (in)equality: 15 is not "15".
    return { kind: 'negated', test: equalsTest(expected), domain: null };
  },
  sampleValues(_operator, value) {
    if (value === undefined) return { listed: [], around: [] };
    const v = value as SampleValue;
    return { listed: [v], around: [v, otherThan([v])] };
  },
};
