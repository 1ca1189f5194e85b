import { describe, expect, it } from 'vitest';
import { conditionValueProblem, parseSemver as parseSemverValue, regexProblem } from '../../src/evaluation/operators/index.js';
import {
  checkDuplicateIds,
  checkIneffectiveOverrides,
  checkKillSwitchEnabled,
  checkOperatorValues,
  checkPercentagePrecision,
  checkUnreachableRules,
  checkValueTypes,
  checkWeights,
  describeValue,
  FLAG_CHECKS,
  checkWeightsRounded,
  valueMatchesType,
  type Finding,
} from '../../src/schema/checks.js';
import { FlagSchema, OPERATORS, type Condition, type Flag, type Operator, type Rule } from '../../src/schema/flag.js';
import { flagInput } from '../helpers/flags.js';

const flag = (over: Partial<Flag> = {}): Flag => FlagSchema.parse(flagInput({ name: 'F', ...over }));

const rule = (id: string, over: Partial<Rule> = {}): Rule => ({ id, conditions: [{ attribute: 'user.id', operator: 'exists' }], value: true, ...over });
const brief = (findings: Finding[]) => findings.map((f) => `${f.severity} ${f.code} ${f.path.join('.')}`);

describe('the named list', () => {
  it('holds every check once, and a valid flag passes them all', () => {
    expect(new Set(FLAG_CHECKS).size).toBe(FLAG_CHECKS.length);
    expect(FLAG_CHECKS.length).toBe(10); // + checkBucketBy (SPEC 6), WEIGHTS_ROUNDED (issue 12)
    for (const check of FLAG_CHECKS) expect(check(flag())).toEqual([]);
  });
});

describe('checkValueTypes', () => {
  it.each([
    ['boolean', true, false],
    ['boolean', 'true', true],
    ['string', 'x', false],
    ['string', null, true],
    ['number', 1.5, false],
    ['number', '15', true],
    ['json', { a: [1, null] }, false],
    ['json', null, false],
  ] as const)('type %s with defaultValue %j → mismatch: %s', (type, value, mismatch) => {
    const out = checkValueTypes(flag({ type, defaultValue: value as never }));
    expect(out.length > 0).toBe(mismatch);
  });

  it('checks every value a flag can return, each at its own path', () => {
    const f = flag({
      type: 'string',
      defaultValue: 1 as never,
      rules: [rule('r', { value: true })],
      fallthrough: { value: ['x'] },
      variants: [
        { key: 'a', name: 'A', value: 'ok', weight: 50 },
        { key: 'b', name: 'B', value: { x: 1 }, weight: 50 },
      ],
      environments: { prod: { enabled: true, value: 3 }, dev: { enabled: true } },
    });
    expect(brief(checkValueTypes(f))).toEqual([
      'error VALUE_TYPE_MISMATCH defaultValue',
      'error VALUE_TYPE_MISMATCH rules.0.value',
      'error VALUE_TYPE_MISMATCH fallthrough.value',
      'error VALUE_TYPE_MISMATCH variants.1.value',
      'error VALUE_TYPE_MISMATCH environments.prod.value',
    ]);
    expect(checkValueTypes(f)[0].message).toBe(`defaultValue is number 1, but the flag's type is string`);
  });

  it('valueMatchesType: numbers must be finite', () => {
    expect(valueMatchesType('number', Number.POSITIVE_INFINITY)).toBe(false);
    expect(valueMatchesType('number', Number.NaN)).toBe(false);
    expect(valueMatchesType('json', undefined)).toBe(false);
  });

  it.each([
    [null, 'null'],
    [[1], 'a list'],
    [{ a: 1 }, 'a mapping'],
    ['x', 'string "x"'],
    [Number.POSITIVE_INFINITY, 'number Infinity'],
    [undefined, 'no value'],
    [new Uint8Array([1]), 'binary data'],
  ])('describeValue(%j) is %s', (value, text) => {
    expect(describeValue(value)).toBe(text);
  });
});

describe('checkDuplicateIds', () => {
  it('reports the second and later uses of a rule id or variant key', () => {
    const f = flag({
      type: 'string',
      defaultValue: 'a' as never,
      rules: [rule('a', { value: 'x' }), rule('b', { value: 'x' }), rule('a', { value: 'x' }), rule('a', { value: 'x' })],
      variants: [
        { key: 'v', name: 'V', value: 'a', weight: 50 },
        { key: 'v', name: 'V', value: 'b', weight: 50 },
      ],
    });
    expect(brief(checkDuplicateIds(f))).toEqual([
      'error DUPLICATE_RULE_ID rules.2.id',
      'error DUPLICATE_RULE_ID rules.3.id',
      'error DUPLICATE_VARIANT_KEY variants.1.key',
    ]);
    expect(checkDuplicateIds(f)[0].message).toBe('rule id "a" is used twice (also at rule 1)');
  });
});

describe('checkWeights', () => {
  const variants = (...weights: number[]) => weights.map((weight, i) => ({ key: `v${i}`, name: '', value: true, weight }));
  it.each([
    [[50, 50], false],
    [[33.34, 33.33, 33.33], false],
    [[0.1, 0.2, 99.7], false],
    [[50, 49], true],
    [[50, 50.01], true],
    [[], true],
  ])('weights %j → error: %s', (weights, error) => {
    const out = checkWeights(flag({ variants: variants(...weights) }));
    expect(out.length > 0).toBe(error);
    if (error) expect(out[0]).toMatchObject({ code: 'WEIGHTS_NOT_100', path: ['variants'], anchor: 'key' });
  });

  it('no variants, nothing to sum', () => {
    expect(checkWeights(flag())).toEqual([]);
  });
});

describe('checkPercentagePrecision', () => {
  it.each([
    [12.25, false],
    [0.5, false],
    [0.29, false],
    [99.99, false],
    [100, false],
    [12.345, true],
    [0.001, true],
    [1e-9, true],
  ])('percentage %d → error: %s', (percentage, error) => {
    const out = checkPercentagePrecision(flag({ fallthrough: { percentage, value: true } }));
    expect(out.length > 0).toBe(error);
  });

  it('looks at rule percentages, the fallthrough and variant weights', () => {
    const f = flag({
      rules: [rule('r', { percentage: 1.234 })],
      fallthrough: { percentage: 2.345, value: true },
      variants: [
        { key: 'a', name: '', value: true, weight: 50.005 },
        { key: 'b', name: '', value: false, weight: 49.995 },
      ],
    });
    expect(brief(checkPercentagePrecision(f))).toEqual([
      'error INVALID_PERCENTAGE rules.0.percentage',
      'error INVALID_PERCENTAGE fallthrough.percentage',
      'error INVALID_PERCENTAGE variants.0.weight',
      'error INVALID_PERCENTAGE variants.1.weight',
    ]);
  });
});

describe('checkOperatorValues', () => {
  const one = (c: Condition) => checkOperatorValues(flag({ rules: [rule('r', { conditions: [c] })] }));
  it.each<[Operator, unknown, string | null]>([
    ['equals', 'x', null],
    ['equals', 1, null],
    ['equals', false, null],
    ['equals', null, 'INVALID_OPERATOR_VALUE'],
    ['equals', [1], 'INVALID_OPERATOR_VALUE'],
    ['equals', undefined, 'INVALID_OPERATOR_VALUE'],
    ['not_equals', { a: 1 }, 'INVALID_OPERATOR_VALUE'],
    ['contains', 'x', null],
    ['contains', 1, 'INVALID_OPERATOR_VALUE'],
    ['not_contains', true, 'INVALID_OPERATOR_VALUE'],
    ['in', [], null],
    ['in', ['a', 1, true], null],
    ['in', 'a', 'INVALID_OPERATOR_VALUE'],
    ['not_in', [['a']], 'INVALID_OPERATOR_VALUE'],
    ['not_in', [null], 'INVALID_OPERATOR_VALUE'],
    ['gt', 1, null],
    ['lt', -2.5, null],
    ['gte', '18', 'INVALID_OPERATOR_VALUE'],
    ['lte', null, 'INVALID_OPERATOR_VALUE'],
    ['regex', '^a.*b$', null],
    ['regex', '(a+)+$', null],
    ['regex', '(?=a)', 'INVALID_REGEX'],
    ['regex', '(?<!a)b', 'INVALID_REGEX'],
    ['regex', '(a)\\1', 'INVALID_REGEX'],
    ['regex', '(abc', 'INVALID_REGEX'],
    ['regex', '[z-a]', 'INVALID_REGEX'],
    ['regex', 5, 'INVALID_OPERATOR_VALUE'],
    ['semver_gt', '1.2.3', null],
    ['semver_lt', '1', null],
    ['semver_eq', '1.2', null],
    ['semver_gte', 'v2.0.0-beta.1+build.5', null],
    ['semver_lte', '1.2.3.4', 'INVALID_SEMVER'],
    ['semver_gt', 'latest', 'INVALID_SEMVER'],
    ['semver_gt', '1.2-beta', 'INVALID_SEMVER'],
    ['semver_gt', 1, 'INVALID_OPERATOR_VALUE'],
    ['exists', undefined, null],
    ['not_exists', undefined, null],
    ['exists', true, 'INVALID_OPERATOR_VALUE'],
    ['not_exists', null, 'INVALID_OPERATOR_VALUE'],
  ])('%s with %j → %s', (operator, value, code) => {
    const c = (value === undefined ? { attribute: 'a', operator } : { attribute: 'a', operator, value }) as Condition;
    const out = one(c);
    expect(out.map((f) => f.code)).toEqual(code === null ? [] : [code]);
    // Where it points: the value when there is one, else the operator that needs it.
    if (code !== null) expect(out[0].path).toEqual(['rules', 0, 'conditions', 0, value === undefined ? 'operator' : 'value']);
  });

  it('says why RE2 rejects a pattern', () => {
    expect(regexProblem('(?=a)')).toContain('(?=');
    expect(regexProblem('(abc')).toMatch(/missing closing \)/);
    expect(regexProblem('a|b')).toBeNull();
  });

  it('parses versions as the evaluator does (partials completed, leading v allowed)', () => {
    expect(parseSemverValue('1')?.version).toBe('1.0.0');
    expect(parseSemverValue('v1.2')?.version).toBe('1.2.0');
    expect(parseSemverValue(' 1.2.3 ')?.version).toBe('1.2.3');
    expect(parseSemverValue('1.2.x')).toBeNull();
  });

  // The evaluator compiles every flag validation accepts and throws on a value it cannot compile:
  // both must draw the line in the same place, for every operator.
  it.each(OPERATORS.map((o) => [o]))('agrees with the evaluator on %s', (operator) => {
    const values: unknown[] = [undefined, null, 'x', '', '1.2', 'v1', '1.2.3.4', '(?=a)', '(a', 0, 1.5, -3, true, [], ['a', 1], [['a']], { a: 1 }];
    for (const value of values) {
      const c = (value === undefined ? { attribute: 'a', operator } : { attribute: 'a', operator, value }) as Condition;
      const ours = one(c)[0]?.code ?? null;
      const evaluator = conditionValueProblem(operator, value)?.code ?? null;
      expect([operator, value, ours]).toEqual([operator, value, evaluator]);
    }
  });
});

describe('warnings', () => {
  it('ENABLED_WITH_KILL_SWITCH: only when both are on', () => {
    expect(brief(checkKillSwitchEnabled(flag({ killSwitch: true })))).toEqual(['warning ENABLED_WITH_KILL_SWITCH killSwitch']);
    expect(checkKillSwitchEnabled(flag({ killSwitch: true, enabled: false }))).toEqual([]);
    expect(checkKillSwitchEnabled(flag({ killSwitch: false }))).toEqual([]);
  });

  it('UNREACHABLE_RULE: every rule after the first that matches every context', () => {
    const everyone = rule('everyone', { conditions: [] });
    expect(brief(checkUnreachableRules(flag({ rules: [rule('a'), everyone, rule('b'), rule('c', { conditions: [] })] })))).toEqual([
      'warning UNREACHABLE_RULE rules.2.id',
      'warning UNREACHABLE_RULE rules.3.id',
    ]);
    // A percentage below 100 lets contexts through to the next rule; 100 does not.
    expect(checkUnreachableRules(flag({ rules: [rule('some', { conditions: [], percentage: 99.99 }), rule('b')] }))).toEqual([]);
    expect(brief(checkUnreachableRules(flag({ rules: [rule('all', { conditions: [], percentage: 100 }), rule('b')] })))).toEqual([
      'warning UNREACHABLE_RULE rules.1.id',
    ]);
    // Conditions make a rule selective, even one that comes last.
    expect(checkUnreachableRules(flag({ rules: [rule('a'), rule('b'), everyone] }))).toEqual([]);
    expect(checkUnreachableRules(flag({ rules: [everyone, rule('b')] }))[0].message).toBe('rule "b" can never match: rule "everyone" before it matches every context');
  });

  it('INEFFECTIVE_OVERRIDE: enabled without a value, on a flag that is off globally', () => {
    const environments = { staging: { enabled: true }, production: { enabled: true, value: true }, dev: { enabled: false } };
    expect(brief(checkIneffectiveOverrides(flag({ enabled: false, environments })))).toEqual(['warning INEFFECTIVE_OVERRIDE environments.staging.enabled']);
    expect(checkIneffectiveOverrides(flag({ enabled: true, environments }))).toEqual([]);
    expect(checkIneffectiveOverrides(flag({ enabled: false }))).toEqual([]);
  });
});

describe('checkWeightsRounded', () => {
  const variants = (weights: number[]) => weights.map((weight, i) => ({ key: `v${i}`, value: `v${i}`, weight }));
  it('names the split the 100 buckets really serve', () => {
    const [finding] = checkWeightsRounded({ ...flag(), type: 'string', defaultValue: 'v0', variants: variants([33.34, 33.33, 33.33]) } as never);
    expect(finding).toMatchObject({ code: 'WEIGHTS_ROUNDED', severity: 'warning' });
    expect(finding.message).toBe('variant weights 33.34/33.33/33.33 cannot be served by the 100-bucket split: users really get v0 34%, v1 33%, v2 33%; write whole percentages');
  });
  it('is silent for whole weights', () => {
    expect(checkWeightsRounded({ ...flag(), type: 'string', defaultValue: 'v0', variants: variants([34, 33, 33]) } as never)).toEqual([]);
  });
});
