/**
 * SPEC 2 "Conditions", one table row per rule of the spec. Every row runs a
 * real condition against a context through compileCondition, the path
 * evaluation uses.
 */
import { describe, expect, it } from 'vitest';
import { FlagsError } from '../../src/errors.js';
import type { Condition, Operator } from '../../src/schema/flag.js';
import { OPERATORS } from '../../src/schema/flag.js';
import {
  compileCondition,
  parseSemver,
  regexProblem,
  resolveAttribute,
  conditionValueProblem,
  type EvaluationContext,
} from '../../src/evaluation/index.js';

const MISSING = Symbol('missing');

/** Evaluates `attributes.x <operator> value` for a context where x is `actual` (absent for MISSING). */
function holds(operator: Operator, value: unknown, actual: unknown): boolean {
  const condition = { attribute: 'attributes.x', operator, ...(value === undefined ? {} : { value }) } as Condition;
  const ctx: EvaluationContext = { attributes: actual === MISSING ? {} : { x: actual } };
  return compileCondition(condition)(ctx);
}

/** A valid rule value for each operator. */
const SAMPLE_VALUE: Record<Operator, unknown> = {
  equals: 'a',
  not_equals: 'a',
  contains: 'a',
  not_contains: 'a',
  in: ['a', 'b'],
  not_in: ['a', 'b'],
  gt: 1,
  lt: 1,
  gte: 1,
  lte: 1,
  regex: '.*',
  semver_gt: '1.0.0',
  semver_lt: '1.0.0',
  semver_eq: '1.0.0',
  semver_gte: '1.0.0',
  semver_lte: '1.0.0',
  exists: undefined,
  not_exists: undefined,
};

describe('a missing attribute (undefined or null) is false under every operator but not_exists', () => {
  const rows = OPERATORS.flatMap((op) => [
    [op, 'absent', MISSING, op === 'not_exists'] as const,
    [op, 'null', null, op === 'not_exists'] as const,
  ]);
  it.each(rows)('%s on an %s attribute → %s', (op, _what, actual, expected) => {
    expect(holds(op, SAMPLE_VALUE[op], actual)).toBe(expected);
  });

  it.each(OPERATORS)('%s when an intermediate object is absent or null', (op) => {
    const condition = { attribute: 'tenant.settings.x', operator: op, value: SAMPLE_VALUE[op] } as Condition;
    const c = compileCondition(condition);
    for (const ctx of [{}, { tenant: null }, { tenant: { settings: null } }, { tenant: 'enterprise' }] as EvaluationContext[]) {
      expect(c(ctx)).toBe(op === 'not_exists');
    }
  });

  it('the negated forms a missing attribute used to match in the seed stay false', () => {
    // The seed served not_equals / not_in to contexts lacking the attribute; we do not.
    expect(holds('not_equals', 'enterprise', MISSING)).toBe(false);
    expect(holds('not_in', ['enterprise'], MISSING)).toBe(false);
    expect(holds('not_contains', 'x', MISSING)).toBe(false);
    // …and contains never compares against the string "undefined".
    expect(holds('contains', 'undef', MISSING)).toBe(false);
    expect(holds('contains', 'null', null)).toBe(false);
  });
});

type Row = [string, Operator, unknown, unknown, boolean];
const run = (rows: Row[]) =>
  it.each(rows)('%s', (_name, op, value, actual, expected) => {
    expect(holds(op, value, actual)).toBe(expected);
  });

describe('exists / not_exists', () => {
  run([
    ['0 exists', 'exists', undefined, 0, true],
    ['"" exists', 'exists', undefined, '', true],
    ['false exists', 'exists', undefined, false, true],
    ['[] exists', 'exists', undefined, [], true],
    ['{} exists', 'exists', undefined, {}, true],
    ['not_exists on 0 is false', 'not_exists', undefined, 0, false],
    ['not_exists on "" is false', 'not_exists', undefined, '', false],
    ['not_exists on [] is false', 'not_exists', undefined, [], false],
  ]);
});

describe('equals / not_equals: strict equality', () => {
  run([
    ['same string', 'equals', 'a', 'a', true],
    ['other string', 'equals', 'a', 'b', false],
    ['case-sensitive', 'equals', 'a', 'A', false],
    ['"15" does not equal 15', 'equals', 15, '15', false],
    ['15 does not equal "15"', 'equals', '15', 15, false],
    ['15 equals 15', 'equals', 15, 15, true],
    ['-0 equals 0', 'equals', 0, -0, true],
    ['true equals true', 'equals', true, true, true],
    ['"true" does not equal true', 'equals', true, 'true', false],
    ['1 does not equal true', 'equals', true, 1, false],
    ['0 does not equal false', 'equals', false, 0, false],
    ['an object never equals a scalar', 'equals', 'a', { a: 1 }, false],
    ['array: any element equals', 'equals', 'b', ['a', 'b'], true],
    ['array: no element equals', 'equals', 'c', ['a', 'b'], false],
    ['array: empty', 'equals', 'a', [], false],
    ['array: nested arrays are not searched', 'equals', 'a', [['a']], false],
    ['not_equals: other string', 'not_equals', 'a', 'b', true],
    ['not_equals: same string', 'not_equals', 'a', 'a', false],
    ['not_equals: "15" vs 15', 'not_equals', 15, '15', true],
    ['not_equals: a number is comparable', 'not_equals', 'a', 3, true],
    ['not_equals: array containing the value', 'not_equals', 'a', ['b', 'a'], false],
    ['not_equals: array without the value', 'not_equals', 'a', ['b', 'c'], true],
    ['not_equals: empty array (no element matches)', 'not_equals', 'a', [], true],
    ['not_equals: array with null elements only', 'not_equals', 'a', [null], true],
  ]);
});

describe('in / not_in: strict membership', () => {
  run([
    ['member', 'in', ['a', 'b'], 'b', true],
    ['not a member', 'in', ['a', 'b'], 'c', false],
    ['15 is not in ["15"]', 'in', ['15'], 15, false],
    ['"15" is not in [15]', 'in', [15], '15', false],
    ['15 is in [15]', 'in', [15], 15, true],
    ['1 is not in [true]', 'in', [true], 1, false],
    ['true is in [true, "x"]', 'in', [true, 'x'], true, true],
    ['-0 is in [0] (=== holds)', 'in', [0], -0, true],
    ['NaN is not in [NaN] (NaN !== NaN)', 'in', [Number.NaN], Number.NaN, false],
    ['empty list matches nothing', 'in', [], 'a', false],
    ['array: one element is a member', 'in', ['a', 'b'], ['x', 'b'], true],
    ['array: no element is a member', 'in', ['a', 'b'], ['x', 'y'], false],
    ['an object is never a member', 'in', ['a'], { a: 1 }, false],
    ['not_in: not a member', 'not_in', ['a', 'b'], 'c', true],
    ['not_in: member', 'not_in', ['a', 'b'], 'a', false],
    ['not_in: 15 vs ["15"]', 'not_in', ['15'], 15, true],
    ['not_in: empty list matches every present value', 'not_in', [], 'a', true],
    ['not_in: empty list, present 0', 'not_in', [], 0, true],
    ['not_in: NaN vs [NaN]', 'not_in', [Number.NaN], Number.NaN, true],
    ['not_in: array without members', 'not_in', ['a'], ['x', 'y'], true],
    ['not_in: array with a member', 'not_in', ['a'], ['x', 'a'], false],
    ['not_in: empty array', 'not_in', ['a'], [], true],
  ]);
});

describe('contains / not_contains: case-sensitive substring, strings only', () => {
  run([
    ['substring', 'contains', 'lo w', 'hello world', true],
    ['case-sensitive', 'contains', 'hello', 'Hello', false],
    ['not a substring', 'contains', 'xyz', 'hello', false],
    ['empty needle is in every string', 'contains', '', 'abc', true],
    ['a number is not a string (15 does not contain "1")', 'contains', '1', 15, false],
    ['a boolean is not a string', 'contains', 'tr', true, false],
    ['an object is not a string', 'contains', 'object', { a: 1 }, false],
    ['array: one element contains', 'contains', 'b', ['xyz', 'abc'], true],
    ['array: no element contains', 'contains', 'b', ['xyz'], false],
    ['array of numbers', 'contains', '1', [15, 21], false],
    ['not_contains: absent substring', 'not_contains', 'x', 'hello', true],
    ['not_contains: present substring', 'not_contains', 'ell', 'hello', false],
    ['not_contains: a number is false whatever the needle', 'not_contains', 'x', 15, false],
    ['not_contains: a number containing the digits', 'not_contains', '1', 15, false],
    ['not_contains: a boolean', 'not_contains', 'x', false, false],
    ['not_contains: an object', 'not_contains', 'x', { a: 1 }, false],
    ['not_contains: array, no element contains', 'not_contains', 'x', ['abc', 'def'], true],
    ['not_contains: array, one element contains', 'not_contains', 'x', ['abc', 'xyz'], false],
    ['not_contains: empty array', 'not_contains', 'x', [], true],
  ]);
});

describe('gt / lt / gte / lte: numbers and strictly decimal strings', () => {
  run([
    ['20 > 15', 'gt', 15, 20, true],
    ['15 > 15 is false', 'gt', 15, 15, false],
    ['15 >= 15', 'gte', 15, 15, true],
    ['14 >= 15 is false', 'gte', 15, 14, false],
    ['10 < 15', 'lt', 15, 10, true],
    ['15 < 15 is false', 'lt', 15, 15, false],
    ['15 <= 15', 'lte', 15, 15, true],
    ['16 <= 15 is false', 'lte', 15, 16, false],
    ['negative numbers', 'lt', 0, -3.5, true],
    ['"15" counts as 15', 'gte', 15, '15', true],
    ['"20" > 15', 'gt', 15, '20', true],
    ['"1.5e3" > 1000', 'gt', 1000, '1.5e3', true],
    ['"-3" < 0', 'lt', 0, '-3', true],
    ['"+3" > 2', 'gt', 2, '+3', true],
    ['".5" > 0', 'gt', 0, '.5', true],
    ['"2.50" <= 2.5', 'lte', 2.5, '2.50', true],
    ['"" is not a number (Number("") is 0)', 'lt', 1, '', false],
    ['" " is not a number', 'lt', 1, ' ', false],
    ['"0x10" is not a number (Number("0x10") is 16)', 'gt', 1, '0x10', false],
    ['"0b1" is not a number', 'gt', 0, '0b1', false],
    ['"Infinity" is not a finite decimal', 'gt', 1, 'Infinity', false],
    ['"1e999" overflows to Infinity: not finite', 'gt', 1, '1e999', false],
    ['" 15" with a leading space', 'gt', 1, ' 15', false],
    ['"15 " with a trailing space', 'gt', 1, '15 ', false],
    ['"1_000" is not decimal', 'gt', 1, '1_000', false],
    ['"15px"', 'gt', 1, '15px', false],
    ['"abc"', 'lt', 1, 'abc', false],
    ['"NaN"', 'lt', 1, 'NaN', false],
    ['true is not a number (Number(true) is 1)', 'gte', 1, true, false],
    ['false is not a number', 'lt', 1, false, false],
    ['an object', 'gt', 0, { a: 1 }, false],
    ['NaN compares false', 'lt', 1, Number.NaN, false],
    ['array: any element greater', 'gt', 15, [1, 20], true],
    ['array: no element greater', 'gt', 15, [1, 2], false],
    ['array: decimal string element', 'gt', 15, ['x', '20'], true],
  ]);
});

describe('regex: RE2, unanchored, strings only', () => {
  run([
    ['unanchored search', 'regex', 'wor', 'hello world', true],
    ['anchors are honoured', 'regex', '^ell', 'hello', false],
    ['end anchor', 'regex', '\\d+$', 'abc123', true],
    ['whole-string pattern', 'regex', '^[a-z]+@example\\.com$', 'jo@example.com', true],
    ['whole-string pattern, other domain', 'regex', '^[a-z]+@example\\.com$', 'jo@example.org', false],
    ['case-sensitive by default', 'regex', 'abc', 'ABC', false],
    ['(?i) flag', 'regex', '(?i)abc', 'xABCx', true],
    ['a number is not a string', 'regex', '\\d+', 123, false],
    ['a boolean is not a string', 'regex', 'true', true, false],
    ['array: any element matches', 'regex', '^a', ['xa', 'ab'], true],
    ['array: no element matches', 'regex', '^a', ['xa', 'ba'], false],
    ['non-ASCII', 'regex', '^caf.$', 'café', true],
  ]);

  it('(a+)+$ on "a"×50000 + "!" returns false (linear time, no catastrophic backtracking)', () => {
    expect(holds('regex', '(a+)+$', 'a'.repeat(50_000) + '!')).toBe(false);
    expect(holds('regex', '(a+)+$', 'a'.repeat(50_000))).toBe(true);
  });
});

describe('semver operators: node-semver precedence with partial versions', () => {
  run([
    ['1.2.3 > 1.2.0', 'semver_gt', '1.2.0', '1.2.3', true],
    ['1.2.0 > 1.2.0 is false', 'semver_gt', '1.2.0', '1.2.0', false],
    ['1.1.9 < 1.2.0', 'semver_lt', '1.2.0', '1.1.9', true],
    ['1.2.0 < 1.2.0 is false', 'semver_lt', '1.2.0', '1.2.0', false],
    ['1.2.0 <= 1.2.0', 'semver_lte', '1.2.0', '1.2.0', true],
    ['1.2.1 <= 1.2.0 is false', 'semver_lte', '1.2.0', '1.2.1', false],
    ['1.2.0 >= 1.2.0', 'semver_gte', '1.2.0', '1.2.0', true],
    ['1.1.0 >= 1.2.0 is false', 'semver_gte', '1.2.0', '1.1.0', false],
    ['1.2.1 == 1.2.0 is false', 'semver_eq', '1.2.0', '1.2.1', false],
    ['numeric, not lexical: 2.0.0 < 10.0.0', 'semver_lt', '10.0.0', '2.0.0', true],
    ['1.2.0 >= 1.2 (partial rule value)', 'semver_gte', '1.2', '1.2.0', true],
    ['1.2 == 1.2.0 (partial attribute)', 'semver_eq', '1.2.0', '1.2', true],
    ['1 == 1.0.0', 'semver_eq', '1.0.0', '1', true],
    ['1 < 1.0.1', 'semver_lt', '1.0.1', '1', true],
    ['2 > 1.9', 'semver_gt', '1.9', '2', true],
    ['v1.2.3 == 1.2.3 (leading v)', 'semver_eq', '1.2.3', 'v1.2.3', true],
    ['1.2.3 == v1.2.3 (leading v in the rule)', 'semver_eq', 'v1.2.3', '1.2.3', true],
    ['v1.2 partial with leading v', 'semver_eq', '1.2.0', 'v1.2', true],
    ['prerelease below its release', 'semver_lt', '1.0.0', '1.0.0-beta.1', true],
    ['prerelease is not >= its release', 'semver_gte', '1.0.0', '1.0.0-rc.1', false],
    ['alpha < beta', 'semver_lt', '1.0.0-beta', '1.0.0-alpha', true],
    ['prerelease above the previous release', 'semver_gt', '0.9.9', '1.0.0-alpha', true],
    ['build metadata ignored: equal', 'semver_eq', '1.0.0', '1.0.0+build.5', true],
    ['build metadata ignored: not greater', 'semver_gt', '1.0.0+a', '1.0.0+b', false],
    ['build metadata ignored: not less', 'semver_lt', '1.0.0+b', '1.0.0+a', false],
    ['1.0.0 <= 1.0.0', 'semver_lte', '1.0.0', '1.0.0', true],
    ['invalid attribute under semver_gt', 'semver_gt', '1.0.0', 'garbage', false],
    ['invalid attribute under semver_lt', 'semver_lt', '1.0.0', 'garbage', false],
    ['invalid attribute under semver_eq', 'semver_eq', '1.0.0', 'garbage', false],
    ['invalid attribute under semver_gte', 'semver_gte', '1.0.0', 'garbage', false],
    ['invalid attribute under semver_lte', 'semver_lte', '1.0.0', 'garbage', false],
    ['four parts are invalid, not "less"', 'semver_lt', '2.0.0', '1.2.3.4', false],
    ['empty string is invalid', 'semver_lt', '1.0.0', '', false],
    ['leading zero is invalid', 'semver_lt', '2.0.0', '01.2.3', false],
    ['partial with prerelease is not completed', 'semver_lt', '2.0.0', '1.2-beta', false],
    ['a range is not a version', 'semver_lt', '2.0.0', '^1.2.3', false],
    ['a number is not a version string', 'semver_gt', '1.0.0', 2, false],
    ['array: any element newer', 'semver_gt', '1.0.0', ['0.9.0', '2.0.0'], true],
    ['array: invalid elements never match', 'semver_lt', '9.0.0', ['x', 'y'], false],
  ]);
});

describe('attribute paths: own properties only', () => {
  const hold = (attribute: string, operator: Operator, ctx: EvaluationContext, value?: unknown) =>
    compileCondition({ attribute, operator, ...(value === undefined ? {} : { value }) } as Condition)(ctx);

  it.each([
    ['attributes.__proto__', JSON.parse('{"attributes": {"__proto__": {"admin": true}}}')],
    ['attributes.__proto__.admin', JSON.parse('{"attributes": {"__proto__": {"admin": true}}}')],
    ['__proto__', {}],
    ['attributes.constructor', { attributes: {} }],
    ['attributes.constructor', JSON.parse('{"attributes": {"constructor": "own"}}')],
    ['attributes.constructor.name', { attributes: {} }],
    ['constructor.prototype', {}],
    ['attributes.prototype', { attributes: { prototype: 'own' } }],
    ['attributes.toString', { attributes: {} }],
    ['attributes.hasOwnProperty', { attributes: {} }],
    ['tenant.type', { tenant: Object.create({ type: 'enterprise' }) }],
  ] as [string, EvaluationContext][])('%s never resolves (%j)', (path, ctx) => {
    expect(resolveAttribute(ctx, path)).toBeUndefined();
    expect(hold(path, 'exists', ctx)).toBe(false);
    expect(hold(path, 'not_exists', ctx)).toBe(true);
    expect(hold(path, 'not_equals', ctx, 'zzz')).toBe(false);
  });

  it('own values through __proto__-free paths still resolve next to them', () => {
    const ctx = JSON.parse('{"attributes": {"__proto__": {"admin": true}, "admin": true}}');
    expect(hold('attributes.admin', 'equals', ctx, true)).toBe(true);
    expect(hold('attributes.__proto__.admin', 'equals', ctx, true)).toBe(false);
  });

  it('a polluted Object.prototype does not satisfy a rule', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.plan = 'enterprise';
    try {
      expect(({} as Record<string, unknown>).plan).toBe('enterprise');
      expect(hold('attributes.plan', 'equals', { attributes: {} }, 'enterprise')).toBe(false);
      expect(hold('plan', 'exists', {})).toBe(false);
    } finally {
      delete proto.plan;
    }
  });

  it.each([
    ['environment', { environment: 'production' }, 'production'],
    ['tenant.type', { tenant: { type: 'enterprise' } }, 'enterprise'],
    ['tenant.settings.preferredProvider', { tenant: { settings: { preferredProvider: 'openai' } } }, 'openai'],
    ['a.b.c.d', { a: { b: { c: { d: 1 } } } }, 1],
    ['a.b.c.d.e', { a: { b: { c: { d: { e: 2 } } } } }, 2],
    ['attributes.list.1', { attributes: { list: ['x', 'y'] } }, 'y'],
    ['attributes.empty', { attributes: { empty: '' } }, ''],
  ] as [string, EvaluationContext, unknown][])('%s resolves', (path, ctx, expected) => {
    expect(resolveAttribute(ctx, path)).toBe(expected);
    expect(hold(path, 'exists', ctx)).toBe(true);
  });

  it('does not step into strings (user.name.length is not an attribute)', () => {
    expect(resolveAttribute({ user: { name: 'abc' } }, 'user.name.length')).toBeUndefined();
    expect(hold('user.name.length', 'gt', { user: { name: 'abc' } }, 0)).toBe(false);
  });

  it('reads getters of own properties', () => {
    const tenant = {};
    Object.defineProperty(tenant, 'type', { get: () => 'enterprise', enumerable: false });
    expect(hold('tenant.type', 'equals', { tenant }, 'enterprise')).toBe(true);
  });
});

describe('condition values evaluation cannot compile', () => {
  it.each<[Operator, unknown, string]>([
    ['regex', '(?=a)', 'INVALID_REGEX'],
    ['regex', '(a)\\1', 'INVALID_REGEX'],
    ['regex', '(abc', 'INVALID_REGEX'],
    ['regex', 3, 'INVALID_OPERATOR_VALUE'],
    ['semver_gt', 'not-a-version', 'INVALID_SEMVER'],
    ['semver_eq', '1.2.3.4', 'INVALID_SEMVER'],
    ['semver_lt', 1, 'INVALID_OPERATOR_VALUE'],
    ['exists', true, 'INVALID_OPERATOR_VALUE'],
    ['not_exists', 'x', 'INVALID_OPERATOR_VALUE'],
    ['in', 'a', 'INVALID_OPERATOR_VALUE'],
    ['in', [['a']], 'INVALID_OPERATOR_VALUE'],
    ['not_in', [{ a: 1 }], 'INVALID_OPERATOR_VALUE'],
    ['equals', null, 'INVALID_OPERATOR_VALUE'],
    ['equals', ['a'], 'INVALID_OPERATOR_VALUE'],
    ['equals', undefined, 'INVALID_OPERATOR_VALUE'],
    ['contains', 1, 'INVALID_OPERATOR_VALUE'],
    ['gt', '15', 'INVALID_OPERATOR_VALUE'],
    ['lt', Number.POSITIVE_INFINITY, 'INVALID_OPERATOR_VALUE'],
  ])('%s with %j → %s', (operator, value, code) => {
    expect(conditionValueProblem(operator, value)?.code).toBe(code);
    const condition = { attribute: 'x', operator, ...(value === undefined ? {} : { value }) } as Condition;
    let thrown: unknown;
    try {
      compileCondition(condition);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(FlagsError);
    expect((thrown as FlagsError).code).toBe(code);
  });

  it.each(OPERATORS)('%s accepts its sample value', (operator) => {
    expect(conditionValueProblem(operator, SAMPLE_VALUE[operator])).toBeNull();
  });
});

describe('regexProblem (for validation: INVALID_REGEX)', () => {
  it.each([
    ['(?=a)', /Perl syntax.*lookahead is not supported/],
    ['x(?!a)', /Perl syntax.*lookahead is not supported/],
    ['(?<=a)b', /lookbehind is not supported/],
    ['(?<!a)b', /lookbehind is not supported/],
    ['(a)\\1', /invalid escape.*backreferences are not supported/],
    ['(abc', /missing closing \)/],
    ['a[', /missing closing \]/],
    ['a{1001}', /invalid repeat count/],
    ['*a', /missing argument/],
  ])('%s is rejected with a reason', (pattern, reason) => {
    const why = regexProblem(pattern);
    expect(why).toMatch(reason);
    expect(why).not.toMatch(/^error parsing regexp/);
  });

  it.each(['a+', '(a+)+$', '^[a-z]+@example\\.com$', '(?i)abc', '(?P<name>x)', '\\d{3}-\\d{4}'])('%s compiles', (pattern) => {
    expect(regexProblem(pattern)).toBeNull();
  });
});

describe('parseSemver (for validation: INVALID_SEMVER)', () => {
  it.each([
    ['1', '1.0.0'],
    ['1.2', '1.2.0'],
    ['v1', '1.0.0'],
    ['v1.2', '1.2.0'],
    ['1.2.3', '1.2.3'],
    ['v1.2.3', '1.2.3'],
    [' 1.2.3 ', '1.2.3'],
    ['1.2.3-rc.1+build.7', '1.2.3-rc.1'],
    ['0.0.0', '0.0.0'],
  ])('%j → %s', (input, version) => {
    expect(parseSemver(input)?.version).toBe(version);
  });

  it.each(['', 'x', 'v', '1.2.3.4', '1.2-beta', '1.', '01', '1.02.3', '^1.2.3', '>=1.0.0', '1.x', '*', 'V1.2.3'])('%j is invalid', (input) => {
    expect(parseSemver(input)).toBeNull();
  });
});
