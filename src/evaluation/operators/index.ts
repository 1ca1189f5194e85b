/**
 * The operator table: each operator of the schema compiled, from its rule
 * value, into the test conditions.ts runs on attribute values.
 */
import { FlagsError } from '../../errors.js';
import type { Operator } from '../../schema/flag.js';
import { equalsTest, inTest } from './equality.js';
import { gteTest, gtTest, lteTest, ltTest } from './numeric.js';
import { compileRegex, REGEX_TOO_LARGE, regexProblem, regexTest } from './regex.js';
import { parseSemver, semverTest } from './semver.js';
import { containsTest, isString } from './string.js';
import { isScalar, type Scalar, type ValueTest } from './types.js';

/**
 * How a condition applies its test:
 * - `positive`: a present value passes the test (an array: any element does);
 * - `negated`: a present value in `domain` fails the test (an array: no
 *   element passes it);
 * - `exists` / `not_exists`: presence itself, the only kinds that see a
 *   missing attribute.
 */
export type CompiledOperator =
  | { readonly kind: 'exists' | 'not_exists' }
  | { readonly kind: 'positive'; readonly test: ValueTest; readonly equals?: Scalar }
  | { readonly kind: 'negated'; readonly test: ValueTest; readonly domain: ValueTest | null };

/** A condition value the evaluator cannot compile, as validation reports it. */
export interface ConditionValueProblem {
  code: 'INVALID_OPERATOR_VALUE' | 'INVALID_REGEX' | 'INVALID_SEMVER';
  message: string;
}

/**
 * Why the value of a condition with this operator cannot be compiled, or null.
 * Shapes (SPEC 1.2): equals/not_equals a string, number or boolean;
 * contains/not_contains a string; in/not_in a list of those; gt/lt/gte/lte a
 * finite number; regex an RE2 pattern; semver_* a version (partials allowed);
 * exists/not_exists no value.
 */
export function conditionValueProblem(operator: Operator, value: unknown): ConditionValueProblem | null {
  if (operator === 'exists' || operator === 'not_exists') {
    return value === undefined ? null : { code: 'INVALID_OPERATOR_VALUE', message: `${operator} takes no value; remove "value"` };
  }
  if (value === undefined) return { code: 'INVALID_OPERATOR_VALUE', message: `${operator} needs a value` };
  const bad = (expected: string): ConditionValueProblem => ({
    code: 'INVALID_OPERATOR_VALUE',
    message: `${operator} needs ${expected}, got ${describe(value)}`,
  });
  switch (operator) {
    case 'equals':
    case 'not_equals':
      return isScalar(value) ? null : bad('a string, number or boolean');
    case 'contains':
    case 'not_contains':
      return typeof value === 'string' ? null : bad('a string');
    case 'in':
    case 'not_in':
      return Array.isArray(value) && value.every(isScalar) ? null : bad('a list of strings, numbers or booleans');
    case 'gt':
    case 'lt':
    case 'gte':
    case 'lte':
      return typeof value === 'number' && Number.isFinite(value) ? null : bad('a number');
    case 'regex': {
      if (typeof value !== 'string') return bad('a pattern string');
      const why = regexProblem(value);
      if (why === null) return null;
      const what = why.startsWith(REGEX_TOO_LARGE) ? 'is' : 'is not valid RE2 syntax:';
      return { code: 'INVALID_REGEX', message: `regex ${JSON.stringify(value)} ${what} ${why}` };
    }
    case 'semver_gt':
    case 'semver_lt':
    case 'semver_eq':
    case 'semver_gte':
    case 'semver_lte':
      if (typeof value !== 'string') return bad('a version string');
      return parseSemver(value) !== null
        ? null
        : { code: 'INVALID_SEMVER', message: `${JSON.stringify(value)} is not a valid semantic version (e.g. 1.4.0, 2.0.0-beta.1, 1.2)` };
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'no value';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Compiles an operator with its rule value. Throws a FlagsError carrying the
 * ConditionValueProblem code when the value has the wrong shape: validation
 * rejects such flags first, so evaluation never meets one.
 */
export function compileOperator(operator: Operator, value: unknown): CompiledOperator {
  if (operator === 'regex' && typeof value === 'string') {
    // Compiled once here, not once to check and again to use.
    try {
      return { kind: 'positive', test: regexTest(compileRegex(value)) };
    } catch {
      throw new FlagsError('INVALID_REGEX', conditionValueProblem(operator, value)!.message);
    }
  }
  const problem = conditionValueProblem(operator, value);
  if (problem !== null) throw new FlagsError(problem.code, problem.message);
  switch (operator) {
    case 'exists':
    case 'not_exists':
      return { kind: operator };
    case 'equals':
      // `equals` is also exposed as its value, so conditions.ts can inline it.
      return { kind: 'positive', test: equalsTest(value as Scalar), equals: value as Scalar };
    case 'not_equals':
      // Any present value is comparable for (in)equality: 15 is not "15".
      return { kind: 'negated', test: equalsTest(value as Scalar), domain: null };
    case 'in':
      return { kind: 'positive', test: inTest(value as Scalar[]) };
    case 'not_in':
      return { kind: 'negated', test: inTest(value as Scalar[]), domain: null };
    case 'contains':
      return { kind: 'positive', test: containsTest(value as string) };
    case 'not_contains':
      // Strings only: a number does not "not contain" a substring, it is not text.
      return { kind: 'negated', test: containsTest(value as string), domain: isString };
    case 'gt':
      return { kind: 'positive', test: gtTest(value as number) };
    case 'gte':
      return { kind: 'positive', test: gteTest(value as number) };
    case 'lt':
      return { kind: 'positive', test: ltTest(value as number) };
    case 'lte':
      return { kind: 'positive', test: lteTest(value as number) };
    case 'regex':
      throw new Error('unreachable: a string pattern is handled above, any other value is a problem');
    case 'semver_gt':
    case 'semver_lt':
    case 'semver_eq':
    case 'semver_gte':
    case 'semver_lte':
      return { kind: 'positive', test: semverTest(operator, parseSemver(value as string)!) };
  }
}

export { regexProblem } from './regex.js';
export { parseSemver } from './semver.js';
export { toComparableNumber } from './numeric.js';
export { isPresent } from './existence.js';
export type { ValueTest, Scalar } from './types.js';
