/**
 * evaluate(): the seed's test scenarios, the predefined flags, and the
 * evaluation order of SPEC 2 (steps 2–8), one reason at a time.
 * Bucket numbers quoted in comments come from golden/generate-bucketing-vectors.py
 * (or the same formula in Python), not from the implementation.
 */
import { describe, expect, it } from 'vitest';
import type { Flag } from '../../src/schema/flag.js';
import {
  compileFlag,
  evaluate,
  evaluateCompiled,
  OPENFEATURE_REASONS,
  REASONS,
  toOpenFeatureReason,
  type EvaluationContext,
} from '../../src/evaluation/index.js';
import { makeFlag, predefined, PREDEFINED } from './helpers.js';

describe("the seed's test scenarios", () => {
  it('a disabled flag returns its default value', () => {
    const flag = { ...predefined('self-evolution-enabled'), enabled: false };
    expect(evaluate(flag, { tenant: { id: 't1', type: 'enterprise' } })).toEqual({ value: false, reason: 'DISABLED' });
  });

  it('a tenant-type rule matches', () => {
    expect(evaluate(predefined('self-evolution-enabled'), { tenant: { id: 't1', type: 'enterprise' } })).toEqual({
      value: true,
      reason: 'RULE_MATCH',
      ruleId: 'enterprise-only',
    });
  });

  it('a percentage rollout yields both values over 100 users', () => {
    const flag = predefined('new-orchestrator-v2');
    const values = new Set<unknown>();
    let on = 0;
    for (let i = 0; i < 100; i++) {
      const r = evaluate(flag, { tenant: { id: 'tenant-acme', type: 'startup' }, user: { id: `user-${i}` } });
      values.add(r.value);
      if (r.value === true) on++;
    }
    expect(values).toEqual(new Set([true, false]));
    // Python: 11 of user-0…user-99 have md5("new-orchestrator-v2:user-N") % 100 < 10.
    expect(on).toBe(11);
  });

  it('the kill switch returns the default value', () => {
    const flag = { ...predefined('self-evolution-enabled'), killSwitch: true };
    expect(evaluate(flag, { tenant: { id: 't1', type: 'enterprise' } })).toEqual({ value: false, reason: 'KILL_SWITCH' });
    // `flags kill` also sets enabled: false; the reason still names the kill switch.
    expect(evaluate({ ...flag, enabled: false }, { tenant: { id: 't1', type: 'enterprise' } })).toEqual({ value: false, reason: 'KILL_SWITCH' });
  });
});

describe('the predefined flags', () => {
  it('are all enabled, without kill switch', () => {
    expect(PREDEFINED.map((f) => [f.key, f.enabled, f.killSwitch])).toEqual([
      ['self-evolution-enabled', true, false],
      ['parallel-agents-limit', true, false],
      ['new-orchestrator-v2', true, false],
      ['model-provider', true, false],
    ]);
  });

  it.each<[string, EvaluationContext, unknown, string, string | undefined]>([
    ['self-evolution-enabled', { tenant: { id: 't', type: 'enterprise' } }, true, 'RULE_MATCH', 'enterprise-only'],
    ['self-evolution-enabled', { tenant: { id: 't', type: 'professional' } }, false, 'DEFAULT', undefined],
    ['self-evolution-enabled', { tenant: { id: 't', type: 'Enterprise' } }, false, 'DEFAULT', undefined],
    ['self-evolution-enabled', {}, false, 'DEFAULT', undefined],
    ['parallel-agents-limit', { tenant: { id: 't', type: 'enterprise' } }, 15, 'RULE_MATCH', 'enterprise-higher-limit'],
    ['parallel-agents-limit', { tenant: { id: 't', type: 'professional' } }, 10, 'RULE_MATCH', 'professional-medium-limit'],
    ['parallel-agents-limit', { tenant: { id: 't', type: 'startup' } }, 4, 'DEFAULT', undefined],
    ['parallel-agents-limit', { user: { id: 'u' } }, 4, 'DEFAULT', undefined],
    ['new-orchestrator-v2', { tenant: { id: 'tenant-beta-1' } }, true, 'RULE_MATCH', 'beta-testers'],
    ['new-orchestrator-v2', { tenant: { id: 'tenant-beta-2' }, user: { id: 'user-1' } }, true, 'RULE_MATCH', 'beta-testers'],
    // md5("new-orchestrator-v2:user-15") % 100 = 1 < 10: in the fallthrough rollout.
    ['new-orchestrator-v2', { tenant: { id: 'tenant-acme' }, user: { id: 'user-15' } }, true, 'FALLTHROUGH', undefined],
    // golden: user-1 → bucket 70: outside.
    ['new-orchestrator-v2', { tenant: { id: 'tenant-acme' }, user: { id: 'user-1' } }, false, 'DEFAULT', undefined],
    // golden: tenant-acme alone → bucket 14: outside.
    ['new-orchestrator-v2', { tenant: { id: 'tenant-acme' } }, false, 'DEFAULT', undefined],
    ['new-orchestrator-v2', { tenant: { id: 'tenant-beta-3' }, user: { id: 'user-1' } }, false, 'DEFAULT', undefined],
    ['model-provider', { tenant: { id: 't', settings: { preferredProvider: 'openai' } } }, 'openai', 'RULE_MATCH', 'openai-override'],
    ['model-provider', { tenant: { id: 't', settings: { preferredProvider: 'anthropic' } } }, 'anthropic', 'DEFAULT', undefined],
    ['model-provider', { tenant: { id: 't', settings: {} } }, 'anthropic', 'DEFAULT', undefined],
    ['model-provider', { tenant: { id: 't' } }, 'anthropic', 'DEFAULT', undefined],
  ])('%s for %j → %j %s %s', (key, ctx, value, reason, ruleId) => {
    const r = evaluate(predefined(key), ctx);
    expect(r).toEqual(ruleId === undefined ? { value, reason } : { value, reason, ruleId });
  });

  it('new-orchestrator-v2 reaches about 10% of users outside the beta tenants', () => {
    const flag = compileFlag(predefined('new-orchestrator-v2'));
    let on = 0;
    for (let i = 0; i < 10_000; i++) if (evaluateCompiled(flag, { tenant: { id: 'tenant-x' }, user: { id: `user-${i}` } }).value) on++;
    expect(on).toBeGreaterThan(900);
    expect(on).toBeLessThan(1100);
  });
});

describe('evaluation order (SPEC 2 steps 2–8)', () => {
  const everything = (over: Partial<Flag> = {}): Flag =>
    makeFlag({
      key: 'checkout-redesign',
      type: 'string',
      defaultValue: 'default',
      rules: [{ id: 'r1', conditions: [{ attribute: 'tenant.type', operator: 'equals', value: 'enterprise' }], value: 'rule' }],
      variants: [
        { key: 'a', name: 'A', value: 'variant-a', weight: 50 },
        { key: 'b', name: 'B', value: 'variant-b', weight: 50 },
      ],
      fallthrough: { value: 'fallthrough' },
      environments: { staging: { enabled: true, value: 'staging-value' }, dev: { enabled: false }, qa: { enabled: true } },
      ...over,
    });
  const enterprise: EvaluationContext = { tenant: { id: 't', type: 'enterprise' } };

  it('KILL_SWITCH wins over environment overrides, enabled and rules', () => {
    for (const environment of ['staging', 'dev', 'prod', undefined]) {
      expect(evaluate(everything({ killSwitch: true }), { ...enterprise, environment })).toEqual({ value: 'default', reason: 'KILL_SWITCH' });
      expect(evaluate(everything({ killSwitch: true, enabled: false }), { ...enterprise, environment })).toEqual({ value: 'default', reason: 'KILL_SWITCH' });
    }
  });

  it('ENVIRONMENT_DISABLED: the context environment is turned off', () => {
    expect(evaluate(everything(), { ...enterprise, environment: 'dev' })).toEqual({ value: 'default', reason: 'ENVIRONMENT_DISABLED' });
  });

  it('ENVIRONMENT_OVERRIDE: the environment serves its value, before rules', () => {
    expect(evaluate(everything(), { ...enterprise, environment: 'staging' })).toEqual({ value: 'staging-value', reason: 'ENVIRONMENT_OVERRIDE' });
  });

  it('an environment override is checked before enabled (serves while the flag is off globally)', () => {
    expect(evaluate(everything({ enabled: false }), { environment: 'staging' })).toEqual({ value: 'staging-value', reason: 'ENVIRONMENT_OVERRIDE' });
    expect(evaluate(everything({ enabled: false }), { environment: 'dev' })).toEqual({ value: 'default', reason: 'ENVIRONMENT_DISABLED' });
  });

  it('an override with enabled: true and no value goes on (to DISABLED when the flag is off)', () => {
    expect(evaluate(everything({ enabled: false }), { environment: 'qa' })).toEqual({ value: 'default', reason: 'DISABLED' });
    expect(evaluate(everything(), { ...enterprise, environment: 'qa' })).toEqual({ value: 'rule', reason: 'RULE_MATCH', ruleId: 'r1' });
  });

  it('an override value of null is a value', () => {
    const flag = makeFlag({ key: 'j', type: 'json', defaultValue: { a: 1 }, environments: { prod: { enabled: true, value: null } } });
    expect(evaluate(flag, { environment: 'prod' })).toEqual({ value: null, reason: 'ENVIRONMENT_OVERRIDE' });
  });

  it('environments the flag does not define have no effect, even names of Object.prototype members', () => {
    for (const environment of ['prod', 'constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(evaluate(everything(), { ...enterprise, environment })).toEqual({ value: 'rule', reason: 'RULE_MATCH', ruleId: 'r1' });
    }
    expect(evaluate(everything(), { ...enterprise, environment: 7 } as unknown as EvaluationContext).reason).toBe('RULE_MATCH');
  });

  it('DISABLED', () => {
    expect(evaluate(everything({ enabled: false }), enterprise)).toEqual({ value: 'default', reason: 'DISABLED' });
    expect(evaluate(everything({ enabled: false }), { ...enterprise, environment: 'prod' })).toEqual({ value: 'default', reason: 'DISABLED' });
  });

  it('RULE_MATCH: the first rule whose conditions all hold, in order', () => {
    const flag = everything({
      rules: [
        { id: 'both', conditions: [{ attribute: 'tenant.type', operator: 'equals', value: 'enterprise' }, { attribute: 'user.id', operator: 'exists' }], value: 'both' },
        { id: 'tenant', conditions: [{ attribute: 'tenant.type', operator: 'equals', value: 'enterprise' }], value: 'tenant' },
        { id: 'all', conditions: [], value: 'all' },
      ],
    });
    expect(evaluate(flag, { ...enterprise, user: { id: 'u' } })).toEqual({ value: 'both', reason: 'RULE_MATCH', ruleId: 'both' });
    expect(evaluate(flag, enterprise)).toEqual({ value: 'tenant', reason: 'RULE_MATCH', ruleId: 'tenant' });
    // An empty condition list matches every context.
    expect(evaluate(flag, {})).toEqual({ value: 'all', reason: 'RULE_MATCH', ruleId: 'all' });
  });

  it('a rule whose conditions hold but whose rollout excludes the context does not stop the search', () => {
    const flag = everything({
      rules: [
        { id: 'thirty', conditions: [{ attribute: 'tenant.type', operator: 'equals', value: 'enterprise' }], percentage: 30, value: 'thirty' },
        { id: 'rest', conditions: [{ attribute: 'tenant.type', operator: 'equals', value: 'enterprise' }], value: 'rest' },
      ],
    });
    // golden: checkout-redesign:u-0001 → bucket 1 (in 30%), u-0002 → bucket 32 (out).
    expect(evaluate(flag, { ...enterprise, user: { id: 'u-0001' } })).toEqual({ value: 'thirty', reason: 'RULE_MATCH', ruleId: 'thirty' });
    expect(evaluate(flag, { ...enterprise, user: { id: 'u-0002' } })).toEqual({ value: 'rest', reason: 'RULE_MATCH', ruleId: 'rest' });
  });

  it('a context outside every rule rollout goes on to variants', () => {
    const flag = everything({ rules: [{ id: 'thirty', conditions: [], percentage: 30, value: 'thirty' }] });
    expect(evaluate(flag, { user: { id: 'u-0002' } }).reason).toBe('SPLIT');
  });

  it('SPLIT: variants after rules, with the variant key', () => {
    // golden: checkout-redesign variant buckets: u-0001 → 1, u-0003 → 65.
    const a = evaluate(everything(), { user: { id: 'u-0001' } });
    const b = evaluate(everything(), { user: { id: 'u-0003' } });
    expect([a, b]).toEqual([
      { value: 'variant-a', reason: 'SPLIT', variant: 'a' },
      { value: 'variant-b', reason: 'SPLIT', variant: 'b' },
    ]);
    // A matching rule comes first.
    expect(evaluate(everything(), { ...enterprise, user: { id: 'u-0001' } }).reason).toBe('RULE_MATCH');
  });

  it('variants whose weights do not reach the bucket fall back to the first variant (the seed)', () => {
    // golden: checkout-redesign:u-0003 variant bucket 65 is ≥ 30 + 10 = 40.
    const flag = everything({
      rules: [],
      variants: [
        { key: 'x', name: 'X', value: 'x', weight: 30 },
        { key: 'y', name: 'Y', value: 'y', weight: 10 },
      ],
    });
    expect(evaluate(flag, { user: { id: 'u-0003' } })).toEqual({ value: 'x', reason: 'SPLIT', variant: 'x' });
  });

  it('an empty variant list does not split', () => {
    expect(evaluate(everything({ rules: [], variants: [] }), {})).toEqual({ value: 'fallthrough', reason: 'FALLTHROUGH' });
  });

  it('FALLTHROUGH without a percentage serves every context that reaches it', () => {
    const flag = everything({ variants: undefined });
    expect(evaluate(flag, {})).toEqual({ value: 'fallthrough', reason: 'FALLTHROUGH' });
    expect(evaluate(flag, { user: { id: 'u-0002' } })).toEqual({ value: 'fallthrough', reason: 'FALLTHROUGH' });
  });

  it('FALLTHROUGH with a percentage serves the rollout; DEFAULT outside it', () => {
    const flag = everything({ variants: undefined, fallthrough: { percentage: 10, value: 'fallthrough' } });
    // golden: u-0001 → bucket 1 (in 10%), u-0002 → bucket 32 (out).
    expect(evaluate(flag, { user: { id: 'u-0001' } })).toEqual({ value: 'fallthrough', reason: 'FALLTHROUGH' });
    expect(evaluate(flag, { user: { id: 'u-0002' } })).toEqual({ value: 'default', reason: 'DEFAULT' });
  });

  it('a 0% fallthrough serves no one, 100% everyone', () => {
    for (const id of ['u-0001', 'u-0002', 'u-0003']) {
      expect(evaluate(everything({ variants: undefined, fallthrough: { percentage: 0, value: 'f' } }), { user: { id } }).reason).toBe('DEFAULT');
      expect(evaluate(everything({ variants: undefined, fallthrough: { percentage: 100, value: 'f' } }), { user: { id } }).reason).toBe('FALLTHROUGH');
    }
  });

  it('DEFAULT when nothing applies', () => {
    expect(evaluate(everything({ variants: undefined, fallthrough: undefined }), {})).toEqual({ value: 'default', reason: 'DEFAULT' });
  });

  it('works without a context', () => {
    expect(evaluate(everything({ variants: undefined }))).toEqual({ value: 'fallthrough', reason: 'FALLTHROUGH' });
  });
});

describe('purity', () => {
  const deepFreeze = <T>(o: T): T => {
    if (typeof o === 'object' && o !== null) {
      for (const v of Object.values(o)) deepFreeze(v);
      Object.freeze(o);
    }
    return o;
  };

  it('does not modify the flag or the context, and repeats itself', () => {
    const flag = deepFreeze(structuredClone(predefined('new-orchestrator-v2')));
    const ctx = deepFreeze({ tenant: { id: 'tenant-acme' }, user: { id: 'user-15' } });
    const first = evaluate(flag, ctx);
    expect(evaluate(flag, ctx)).toEqual(first);
    expect(flag).toEqual(predefined('new-orchestrator-v2'));
  });

  it('a compiled flag does not follow later edits of its source', () => {
    const flag = structuredClone(predefined('self-evolution-enabled'));
    const compiled = compileFlag(flag);
    flag.rules[0].conditions[0].value = 'startup';
    flag.enabled = false;
    expect(evaluateCompiled(compiled, { tenant: { type: 'enterprise' } })).toEqual({ value: true, reason: 'RULE_MATCH', ruleId: 'enterprise-only' });
    expect(evaluate(flag, { tenant: { type: 'enterprise' } })).toEqual({ value: false, reason: 'DISABLED' });
  });

  it('result keys are absent, not undefined, when they do not apply', () => {
    expect(Object.keys(evaluate(predefined('parallel-agents-limit'), {}))).toEqual(['value', 'reason']);
    expect(Object.keys(evaluate(predefined('parallel-agents-limit'), { tenant: { type: 'enterprise' } }))).toEqual(['value', 'reason', 'ruleId']);
  });
});

describe('OpenFeature reasons', () => {
  it('maps every reason to a standard one', () => {
    expect(Object.keys(OPENFEATURE_REASONS).sort()).toEqual([...REASONS].sort());
    expect(REASONS.map(toOpenFeatureReason)).toEqual([
      'DISABLED', // KILL_SWITCH
      'DISABLED', // ENVIRONMENT_DISABLED
      'STATIC', // ENVIRONMENT_OVERRIDE
      'DISABLED', // DISABLED
      'TARGETING_MATCH', // RULE_MATCH
      'SPLIT', // SPLIT
      'DEFAULT', // FALLTHROUGH
      'DEFAULT', // DEFAULT
      'ERROR', // ERROR
    ]);
  });
});
