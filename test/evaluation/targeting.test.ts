/**
 * SPEC 6 evaluation: per-environment rules and fallthrough, bucketBy,
 * segments, and the explain trace; with properties that the seed's semantics
 * are untouched for flags without the new fields.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createFlagEvaluator,
  evaluate,
  explainEvaluation,
  isInRollout,
  pickVariantIndex,
  cumulativeWeights,
  variantHash,
  compileCondition,
  type EvaluationContext,
} from '../../src/evaluation/index.js';
import type { Condition, Flag, JsonValue } from '../../src/schema/flag.js';
import type { Segment } from '../../src/schema/segment.js';
import { makeFlag } from './helpers.js';

const beta: Segment = { key: 'beta', conditions: [{ attribute: 'tenant.id', operator: 'in', value: ['t1', 't2'] }] };
const staff: Segment = { key: 'staff', conditions: [{ attribute: 'user.email', operator: 'contains', value: '@corp' }] };

describe('per-environment rules and fallthrough', () => {
  const flag = makeFlag({
    key: 'checkout',
    rules: [{ id: 'pro', conditions: [{ attribute: 'tenant.type', operator: 'equals', value: 'pro' }], value: true }],
    fallthrough: { percentage: 5, value: true },
    environments: {
      staging: { enabled: true, fallthrough: { percentage: 50, value: true } },
      dev: { enabled: true, rules: [] },
      off: { enabled: false, rules: [{ id: 'x', conditions: [], value: true }] },
    },
  });
  const ids = Array.from({ length: 4000 }, (_, i) => `user-${i}`);
  const share = (env?: string) => ids.filter((id) => evaluate(flag, { user: { id }, environment: env }).value === true).length / ids.length;

  it('runs 5% in production and 50% in staging', () => {
    expect(share('production')).toBeGreaterThan(0.03);
    expect(share('production')).toBeLessThan(0.07);
    expect(share('staging')).toBeGreaterThan(0.46);
    expect(share('staging')).toBeLessThan(0.54);
  });

  it("keeps the flag's rules where the environment has none, and replaces them where it has", () => {
    expect(evaluate(flag, { tenant: { type: 'pro' }, environment: 'staging' })).toEqual({ value: true, reason: 'RULE_MATCH', ruleId: 'pro' });
    expect(evaluate(flag, { tenant: { type: 'pro' }, user: { id: 'user-1' }, environment: 'dev' }).reason).not.toBe('RULE_MATCH');
  });

  it('an environment turned off still serves the default, whatever its rules', () => {
    expect(evaluate(flag, { environment: 'off' })).toEqual({ value: false, reason: 'ENVIRONMENT_DISABLED' });
  });

  it('the flag being off globally still wins over environment rules (step 4)', () => {
    expect(evaluate({ ...flag, enabled: false }, { environment: 'staging', user: { id: 'user-1' } }).reason).toBe('DISABLED');
  });
});

describe('bucketBy', () => {
  const flag = makeFlag({ key: 'b', bucketBy: 'device.id', fallthrough: { percentage: 100, value: true } });

  it('buckets by the attribute value as a string', () => {
    const a = makeFlag({ key: 'b', fallthrough: { percentage: 30, value: true } });
    for (let i = 0; i < 200; i++) {
      const byDevice = evaluate({ ...a, bucketBy: 'device.id' }, { device: { id: `d${i}` }, user: { id: 'same' } }).value;
      const byUser = evaluate(a, { user: { id: `d${i}` } }).value;
      expect(byDevice).toEqual(byUser);
    }
    expect(evaluate({ ...a, bucketBy: 'device.id' }, { device: { id: 42 } })).toEqual(evaluate(a, { user: { id: '42' } }));
  });

  it('a context without the attribute is in no rollout and skips the split', () => {
    expect(evaluate(flag, { user: { id: 'u' } })).toEqual({ value: false, reason: 'DEFAULT' });
    expect(evaluate(flag, { device: { id: '' } })).toEqual({ value: false, reason: 'DEFAULT' });
    const split = makeFlag({ key: 's', bucketBy: 'device.id', variants: [{ key: 'a', name: 'a', value: true, weight: 100 }], fallthrough: { value: false } });
    expect(evaluate(split, {})).toEqual({ value: false, reason: 'FALLTHROUGH' });
    expect(evaluate(split, { device: { id: 'x' } })).toEqual({ value: true, reason: 'SPLIT', variant: 'a' });
    const rule = makeFlag({ key: 'r', bucketBy: 'device.id', rules: [{ id: 'p', conditions: [], percentage: 100, value: true }, { id: 'q', conditions: [], value: false }] });
    expect(evaluate(rule, {})).toEqual({ value: false, reason: 'RULE_MATCH', ruleId: 'q' });
  });
});

describe('segments', () => {
  const flag = makeFlag({
    key: 'seg',
    rules: [
      { id: 'in', conditions: [{ operator: 'in_segment', value: ['beta', 'staff'] }], value: true },
      { id: 'out', conditions: [{ operator: 'not_in_segment', value: ['beta'] }, { attribute: 'plan', operator: 'exists' }], value: true },
    ],
  });
  const ev = createFlagEvaluator([flag], { segments: [beta, staff] });

  it.each([
    [{ tenant: { id: 't1' } }, 'RULE_MATCH', 'in'],
    [{ user: { email: 'a@corp.com' } }, 'RULE_MATCH', 'in'],
    [{ tenant: { id: 't9' }, plan: 'x' }, 'RULE_MATCH', 'out'],
    [{ tenant: { id: 't9' } }, 'DEFAULT', undefined],
  ] as [EvaluationContext, string, string | undefined][])('%j → %s %s', (ctx, reason, ruleId) => {
    const r = ev.evaluate('seg', ctx);
    expect(r.reason).toBe(reason);
    expect(r.ruleId).toBe(ruleId);
  });

  it('segments may use segments; a cycle or an unknown segment makes the flag unservable', () => {
    const outer: Segment = { key: 'outer', conditions: [{ operator: 'in_segment', value: ['beta'] }] };
    const f = makeFlag({ key: 'n', rules: [{ id: 'r', conditions: [{ operator: 'in_segment', value: ['outer'] }], value: true }] });
    expect(createFlagEvaluator([f], { segments: [beta, outer] }).evaluate('n', { tenant: { id: 't2' } }).value).toBe(true);
    const a: Segment = { key: 'outer', conditions: [{ operator: 'in_segment', value: ['loop'] }] };
    const b: Segment = { key: 'loop', conditions: [{ operator: 'in_segment', value: ['outer'] }] };
    expect(createFlagEvaluator([f], { segments: [a, b] }).evaluate('n', {})).toMatchObject({ reason: 'ERROR', errorCode: 'PARSE_ERROR' });
    expect(createFlagEvaluator([f], { segments: [] }).evaluate('n', {})).toMatchObject({ reason: 'ERROR', errorCode: 'PARSE_ERROR' });
  });

  it('accepts segments as a key → segment map (bundles)', () => {
    expect(createFlagEvaluator([flag], { segments: { beta, staff } }).evaluate('seg', { tenant: { id: 't2' } }).ruleId).toBe('in');
  });
});

// ---- properties ----

/** SPEC 2 written out plainly from the bucketing primitives: the seed's order. */
function seedEvaluate(flag: Flag, ctx: EvaluationContext): { value: JsonValue; reason: string } {
  if (flag.killSwitch) return { value: flag.defaultValue, reason: 'KILL_SWITCH' };
  const env = typeof ctx.environment === 'string' && flag.environments && Object.hasOwn(flag.environments, ctx.environment) ? flag.environments[ctx.environment] : undefined;
  if (env && !env.enabled) return { value: flag.defaultValue, reason: 'ENVIRONMENT_DISABLED' };
  if (env && env.value !== undefined) return { value: env.value, reason: 'ENVIRONMENT_OVERRIDE' };
  if (!flag.enabled) return { value: flag.defaultValue, reason: 'DISABLED' };
  for (const r of flag.rules) {
    if (!r.conditions.every((c) => compileCondition(c)(ctx))) continue;
    if (r.percentage !== undefined && !isInRollout(flag.key, ctx, r.percentage)) continue;
    return { value: r.value, reason: 'RULE_MATCH' };
  }
  if (flag.variants?.length) {
    const i = pickVariantIndex(variantHash(flag.key, ctx), cumulativeWeights(flag.variants.map((v) => v.weight)));
    return { value: flag.variants[i].value, reason: 'SPLIT' };
  }
  if (flag.fallthrough && (flag.fallthrough.percentage === undefined || isInRollout(flag.key, ctx, flag.fallthrough.percentage))) return { value: flag.fallthrough.value, reason: 'FALLTHROUGH' };
  return { value: flag.defaultValue, reason: 'DEFAULT' };
}

const attr = fc.constantFrom('tenant.type', 'plan', 'user.id');
const scalar = fc.constantFrom('a', 'b', 'pro', 1, 2);
const condition: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({ attribute: attr, operator: fc.constant('equals' as const), value: scalar }),
  fc.record({ attribute: attr, operator: fc.constant('in' as const), value: fc.array(scalar, { maxLength: 3 }) }),
  fc.record({ attribute: attr, operator: fc.constant('exists' as const) }),
);
const percentage = fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined });
const plainFlag = fc
  .record({
    key: fc.constantFrom('f1', 'checkout', 'x.y'),
    enabled: fc.boolean(),
    killSwitch: fc.boolean(),
    rules: fc.array(fc.record({ conditions: fc.array(condition, { maxLength: 2 }), percentage, value: fc.boolean() }), { maxLength: 3 }),
    fallthrough: fc.option(fc.record({ percentage, value: fc.boolean() }), { nil: undefined }),
    split: fc.boolean(),
    env: fc.option(fc.record({ enabled: fc.boolean(), value: fc.option(fc.boolean(), { nil: undefined }) }), { nil: undefined }),
  })
  .map(({ rules, split, env, fallthrough, ...f }) =>
    makeFlag({
      ...f,
      rules: rules.map((r, i) => ({ id: `r${i}`, ...r, ...(r.percentage === undefined && { percentage: undefined }) })).map(dropUndefined),
      ...(fallthrough && { fallthrough: dropUndefined(fallthrough) }),
      ...(split && { variants: [{ key: 'a', name: 'a', value: true, weight: 30 }, { key: 'b', name: 'b', value: false, weight: 70 }] }),
      ...(env && { environments: { production: dropUndefined(env) } }),
    }),
  );
const context: fc.Arbitrary<EvaluationContext> = fc.record(
  { user: fc.record({ id: fc.constantFrom('u1', 'u2', 'u3', 'u4', 'user-77') }, { requiredKeys: [] }), tenant: fc.record({ id: fc.constantFrom('t1', 't2'), type: fc.constantFrom('pro', 'free') }, { requiredKeys: [] }), plan: scalar, environment: fc.constantFrom('production', 'staging') },
  { requiredKeys: [] },
);

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

describe('properties (fast-check)', () => {
  it('a flag without the new fields evaluates exactly as the seed order says, with or without segments given', () => {
    fc.assert(
      fc.property(plainFlag, context, (flag, ctx) => {
        const expected = seedEvaluate(flag, ctx);
        const got = evaluate(flag, ctx);
        expect({ value: got.value, reason: got.reason }).toEqual(expected);
        expect(evaluate(flag, ctx, { segments: [beta] })).toEqual(got);
      }),
      { numRuns: 400 },
    );
  });

  it('a segment inlined into its rule evaluates the same as the segment reference', () => {
    fc.assert(
      fc.property(fc.array(condition, { maxLength: 3 }), fc.array(condition, { maxLength: 2 }), percentage, context, (segConds, ruleConds, p, ctx) => {
        const seg: Segment = { key: 's', conditions: segConds };
        const withRef = makeFlag({ key: 'k', rules: [dropUndefined({ id: 'r', conditions: [...ruleConds, { operator: 'in_segment' as const, value: ['s'] }], percentage: p, value: true })] });
        const inlined = makeFlag({ key: 'k', rules: [dropUndefined({ id: 'r', conditions: [...ruleConds, ...segConds], percentage: p, value: true })] });
        expect(evaluate(withRef, ctx, { segments: [seg] })).toEqual(evaluate(inlined, ctx));
      }),
      { numRuns: 400 },
    );
  });

  it("explain's answer is the evaluator's, and its matched rule is the result's rule", () => {
    fc.assert(
      fc.property(plainFlag, context, (flag, ctx) => {
        const e = explainEvaluation(flag, ctx);
        expect(e.result).toEqual(evaluate(flag, ctx));
        expect(e.rules.find((r) => r.matched)?.id).toBe(e.result.ruleId);
      }),
      { numRuns: 300 },
    );
  });
});

describe('explain', () => {
  it('shows each condition verdict with the value seen, and the bucket numbers', () => {
    const flag = makeFlag({
      key: 'checkout',
      rules: [{ id: 'pro', conditions: [{ attribute: 'tenant.type', operator: 'equals', value: 'pro' }, { operator: 'in_segment', value: ['beta'] }], value: true }],
      fallthrough: { percentage: 50, value: true },
    });
    const e = explainEvaluation(flag, { tenant: { type: 'pro', id: 't9' }, user: { id: 'user-1' } }, { segments: [beta] });
    expect(e.rules[0].conditions).toEqual([
      { operator: 'equals', attribute: 'tenant.type', actual: 'pro', expected: 'pro', holds: true },
      { operator: 'in_segment', expected: ['beta'], holds: false, segments: [{ key: 'beta', member: false }] },
    ]);
    expect(e.bucket.key).toBe('user-1');
    expect(e.bucket.rollout).toBeGreaterThanOrEqual(0);
    expect(e.fallthrough?.inRollout).toBe(e.result.reason === 'FALLTHROUGH');
  });
});
