/**
 * gt / lt / gte / lte: numbers, or strings that are entirely a finite decimal
 * number. Anything else makes the comparison false.
 */
import { wrongValue } from './problems.js';
import { aroundNumber } from './samples.js';
import type { OperatorFamily, ValueTest } from './types.js';

/**
 * Why this strict grammar and not Number(): Number('') and Number(' ') are 0,
 * Number('0x10') is 16, Number('Infinity') is Infinity, so `lt: 1` would match
 * an empty string and hex would sneak in. A context built from query strings or
 * CSV may carry "15" for 15, which we accept, but only when the whole string is
 * a plain decimal literal (sign, digits, optional fraction, optional exponent).
 */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The number a comparison uses for an attribute value, or NaN when it has none. */
export function toComparableNumber(actual: unknown): number {
  if (typeof actual === 'number') return actual;
  if (typeof actual === 'string' && DECIMAL.test(actual)) {
    const n = Number(actual);
    // "1e999" is decimal syntax but not a finite number.
    return Number.isFinite(n) ? n : NaN;
  }
  return NaN;
}

// Every comparison with NaN is false, which is how "no number" fails the test.
export function gtTest(limit: number): ValueTest {
  return (actual) => toComparableNumber(actual) > limit;
}
export function gteTest(limit: number): ValueTest {
  return (actual) => toComparableNumber(actual) >= limit;
}
export function ltTest(limit: number): ValueTest {
  return (actual) => toComparableNumber(actual) < limit;
}
export function lteTest(limit: number): ValueTest {
  return (actual) => toComparableNumber(actual) <= limit;
}

const TESTS = { gt: gtTest, gte: gteTest, lt: ltTest, lte: lteTest };

export const numeric: OperatorFamily<keyof typeof TESTS> = {
  names: ['gt', 'lt', 'gte', 'lte'],
  subject: 'attribute',
  checkValue: (operator, value) => (typeof value === 'number' && Number.isFinite(value) ? null : wrongValue(operator, 'a number', value)),
  compile: (operator, value) => ({ kind: 'positive', test: TESTS[operator](value as number) }),
  sampleValues(_operator, value) {
    const n = Number(value);
    // Just either side of the boundary, and the boundary itself.
    const around = Number.isFinite(n) ? aroundNumber(n) : [];
    return { listed: value !== undefined && Number.isFinite(n) ? [n] : [], around, scale: 'number' };
  },
};
