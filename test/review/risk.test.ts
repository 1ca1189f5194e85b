import { describe, expect, it } from 'vitest';
import { diffFlagSets } from '../../src/review/diff-flags.js';
import { assessFlagRisk, environmentOfPath, sortByRisk, variantBucketsMoved } from '../../src/review/risk.js';
import type { Flag } from '../../src/schema/flag.js';
import { makeFlag, setOf } from './fixtures.js';

function riskOf(overrides: Partial<Flag>, base: Partial<Flag> = {}) {
  const d = diffFlagSets(setOf(makeFlag(base)), setOf(makeFlag({ ...base, ...overrides })));
  expect(d.changed).toHaveLength(1);
  return assessFlagRisk(d.changed[0]);
}

const blue = { key: 'blue', name: 'Blue', value: 'b', weight: 50 };
const green = { key: 'green', name: 'Green', value: 'g', weight: 50 };
const split = { type: 'string' as const, defaultValue: 'b', fallthrough: undefined, variants: [blue, green] };

describe('risk of a changed flag', () => {
  it.each<[string, Partial<Flag>, Partial<Flag>, 'high' | 'medium' | 'low']>([
    ['kill switch on', { killSwitch: true }, {}, 'high'],
    ['kill switch off', { killSwitch: false }, { killSwitch: true }, 'high'],
    ['disabled', { enabled: false }, {}, 'high'],
    ['enabled', { enabled: true }, { enabled: false }, 'high'],
    ['production override', { environments: { production: { enabled: false } } }, {}, 'high'],
    ['prod override value', { environments: { prod: { enabled: true, value: false } } }, { environments: { prod: { enabled: true, value: true } } }, 'high'],
    ['PRD spelled in capitals', { environments: { PRD: { enabled: false } } }, {}, 'high'],
    ['staging override', { environments: { staging: { enabled: false } } }, {}, 'medium'],
    ['rollout 10 → 50', { fallthrough: { percentage: 50, value: true } }, {}, 'high'],
    ['rollout 10 → 20 (exactly 10 points)', { fallthrough: { percentage: 20, value: true } }, {}, 'medium'],
    ['rollout 10 → 20.5', { fallthrough: { percentage: 20.5, value: true } }, {}, 'high'],
    ['fallthrough percentage removed (10 → 100)', { fallthrough: { value: true } }, {}, 'high'],
    ['fallthrough value', { fallthrough: { percentage: 10, value: false } }, {}, 'medium'],
    ['rule rollout added (100 → 95)', { rules: [{ id: 'r', conditions: [], percentage: 95, value: true }] }, { rules: [{ id: 'r', conditions: [], value: true }] }, 'medium'],
    ['rule rollout 5 → 60', { rules: [{ id: 'r', conditions: [], percentage: 60, value: true }] }, { rules: [{ id: 'r', conditions: [], percentage: 5, value: true }] }, 'high'],
    ['condition value', { rules: [{ id: 'beta-testers', conditions: [{ attribute: 'tenant.id', operator: 'in', value: ['x'] }], value: true }] }, {}, 'medium'],
    ['rule reorder', { rules: [{ id: 'b', conditions: [], value: true }, { id: 'a', conditions: [], value: false }] }, { rules: [{ id: 'a', conditions: [], value: false }, { id: 'b', conditions: [], value: true }] }, 'medium'],
    ['default value', { defaultValue: true }, {}, 'medium'],
    ['type', { type: 'json' }, {}, 'high'],
    ['weights 50/50 → 40/60', { variants: [{ ...blue, weight: 40 }, { ...green, weight: 60 }] }, split, 'medium'],
    ['weights 50/50 → 30/70', { variants: [{ ...blue, weight: 30 }, { ...green, weight: 70 }] }, split, 'high'],
    ['variants swapped', { variants: [green, blue] }, split, 'high'],
    ['variant name', { variants: [{ ...blue, name: 'Azure' }, green] }, split, 'low'],
    ['variant value', { variants: [{ ...blue, value: 'B' }, green] }, split, 'medium'],
    ['name, description, tags, owner', { name: 'x', description: 'y', tags: [], owner: 'z' }, {}, 'low'],
    ['rule description', { rules: [{ id: 'beta-testers', description: 'other words', conditions: [{ attribute: 'tenant.id', operator: 'in', value: ['tenant-beta-1', 'tenant-beta-2'] }], value: true }] }, {}, 'low'],
    ['updatedAt', { updatedAt: '2026-01-02T00:00:00Z' }, {}, 'low'],
  ])('%s', (_name, overrides, base, expected) => {
    expect(riskOf(overrides, base).risk).toBe(expected);
  });

  it('takes the highest risk of all changes and gives reasons highest first', () => {
    const r = riskOf({ owner: 'new-team', enabled: false, defaultValue: true });
    expect(r.risk).toBe('high');
    expect(r.reasons).toEqual(['disabled', 'default value changed', 'metadata']);
  });

  it('says how much a rollout moves', () => {
    expect(riskOf({ fallthrough: { percentage: 50, value: true } }).reasons).toEqual(['fallthrough rollout 10% → 50%: moves 40% of the contexts that reach it']);
  });
});

describe('helpers', () => {
  it('counts the variant buckets that change hands', () => {
    const f = (variants: Flag['variants']) => makeFlag({ ...split, variants });
    expect(variantBucketsMoved(f([blue, green]), f([blue, green]))).toBe(0);
    expect(variantBucketsMoved(f([blue, green]), f([{ ...blue, weight: 30 }, { ...green, weight: 70 }]))).toBe(20);
    expect(variantBucketsMoved(f([blue, green]), f([green, blue]))).toBe(100);
    expect(variantBucketsMoved(f([blue, green]), f(undefined))).toBe(100);
    // Three arms 33.34/33.33/33.33 → 50/25/25: buckets 34..49 move from the second to the first arm, 67..74 from the third to the second.
    const c = { key: 'c', name: 'C', value: 'c', weight: 33.33 };
    expect(variantBucketsMoved(f([{ ...blue, weight: 33.34 }, { ...green, weight: 33.33 }, c]), f([{ ...blue, weight: 50 }, { ...green, weight: 25 }, { ...c, weight: 25 }]))).toBe(16 + 8);
  });

  it.each([
    ['environments.production.enabled', 'production'],
    ['environments["eu.prod"].value', 'eu.prod'],
    ['enabled', undefined],
  ])('environmentOfPath(%s) = %s', (p, env) => {
    expect(environmentOfPath(p)).toBe(env);
  });

  it('sorts highest risk first, then by key', () => {
    const items = [
      { key: 'b', risk: 'low' as const },
      { key: 'c', risk: 'high' as const },
      { key: 'a', risk: 'medium' as const },
      { key: 'a', risk: 'high' as const },
    ];
    expect(sortByRisk(items).map((i) => `${i.risk}:${i.key}`)).toEqual(['high:a', 'high:c', 'medium:a', 'low:b']);
  });
});
