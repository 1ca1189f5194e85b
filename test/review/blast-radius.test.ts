import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { blastRadiusOverContexts, blastRadiusOverSegments, buildSegments, sampleContexts } from '../../src/review/blast-radius.js';
import { reviewFlagChanges } from '../../src/review/review.js';
import type { Flag } from '../../src/schema/flag.js';
import { makeFlag, setOf } from './fixtures.js';

/** The seed's formula written out again, independently of src/evaluation. */
function seedHash(input: string): number {
  return parseInt(createHash('md5').update(input).digest('hex').slice(0, 8), 16);
}

const userIds = Array.from({ length: 3000 }, (_, i) => `user-${i}`);

describe('blast radius over given contexts', () => {
  it('counts exactly the users a fallthrough rollout 10 → 50 moves, checked with the md5 formula', () => {
    const key = 'new-orchestrator-v2';
    let expected = 0;
    for (const id of userIds) {
      const b = seedHash(`${key}:${id}`) % 100;
      if (b >= 10 && b < 50) expected++;
    }
    // Sanity: the independent count is near 40% and not trivially 0.
    expect(expected).toBeGreaterThan(1000);
    const r = blastRadiusOverContexts(makeFlag(), makeFlag({ fallthrough: { percentage: 50, value: true } }), userIds.map((id) => ({ user: { id } })));
    expect(r).toEqual({ source: 'contexts', sampled: 3000, changed: expected, share: expected / 3000, transitions: [{ from: false, to: true, count: expected }] });
  });

  it('counts a two-decimal rollout 12.25 → 12.5 with the finer buckets', () => {
    const key = 'new-orchestrator-v2';
    const contexts = Array.from({ length: 20000 }, (_, i) => ({ user: { id: `u${i}` } }));
    let expected = 0;
    for (const c of contexts) {
      const h = seedHash(`${key}:${c.user.id}`);
      const fine = Math.floor(h / 100) % 100;
      if (h % 100 === 12 && fine >= 25 && fine < 50) expected++;
    }
    expect(expected).toBeGreaterThan(0);
    const r = blastRadiusOverContexts(makeFlag({ fallthrough: { percentage: 12.25, value: true } }), makeFlag({ fallthrough: { percentage: 12.5, value: true } }), contexts);
    expect(r.changed).toBe(expected);
  });

  it('counts a weight change 50/50 → 30/70 with the variant hash', () => {
    const key = 'checkout-color';
    const v = (blue: number) => [
      { key: 'blue', name: 'Blue', value: 'blue', weight: blue },
      { key: 'green', name: 'Green', value: 'green', weight: 100 - blue },
    ];
    const base = { key, type: 'string' as const, defaultValue: 'blue', rules: [], fallthrough: undefined };
    let expected = 0;
    for (const id of userIds) {
      const b = seedHash(`${key}:${id}:variant`) % 100;
      if (b >= 30 && b < 50) expected++;
    }
    const r = blastRadiusOverContexts(makeFlag({ ...base, variants: v(50) }), makeFlag({ ...base, variants: v(30) }), userIds.map((id) => ({ user: { id } })));
    expect(r.changed).toBe(expected);
    expect(r.transitions).toEqual([{ from: 'blue', to: 'green', count: expected }]);
  });

  it('groups transitions by value, most frequent first', () => {
    const f = (value: string): Flag => makeFlag({ type: 'string', defaultValue: 'a', fallthrough: undefined, rules: [{ id: 'r', conditions: [{ attribute: 'tenant.type', operator: 'equals', value: 'free' }], value }] });
    const contexts = [{ tenant: { type: 'free' } }, { tenant: { type: 'free' } }, { tenant: { type: 'pro' } }];
    expect(blastRadiusOverContexts(f('x'), f('y'), contexts)).toEqual({
      source: 'contexts',
      sampled: 3,
      changed: 2,
      share: 2 / 3,
      transitions: [{ from: 'x', to: 'y', count: 2 }],
    });
    expect(blastRadiusOverContexts(f('x'), f('x'), contexts).changed).toBe(0);
  });
});

describe('segments', () => {
  it('builds each listed value, one outside value and missing for each attribute the rules name', () => {
    const { segments } = buildSegments(makeFlag(), makeFlag({ fallthrough: { percentage: 50, value: true } }));
    expect(segments).toEqual([{ 'tenant.id': 'tenant-beta-1' }, { 'tenant.id': 'tenant-beta-2' }, { 'tenant.id': 'other' }, { 'tenant.id': null }]);
  });

  it('crosses attributes, adds values below and above for ordered comparisons, and environments from overrides', () => {
    const before = makeFlag({ rules: [{ id: 'big', conditions: [{ attribute: 'attributes.seats', operator: 'gt', value: 100 }], value: true }], fallthrough: undefined });
    const after = makeFlag({ ...before, environments: { production: { enabled: false } } });
    const { segments } = buildSegments(before, after);
    expect(segments).toHaveLength(4 * 3);
    expect(segments).toContainEqual({ 'attributes.seats': 99, environment: 'production' });
    expect(segments).toContainEqual({ 'attributes.seats': 101, environment: 'other' });
    expect(segments).toContainEqual({ 'attributes.seats': null, environment: null });
  });

  it('puts values that differ between the versions first when it has to cap them', () => {
    const many = Array.from({ length: 20 }, (_, i) => `t${i}`);
    const rule = (ids: string[]) => [{ id: 'r', conditions: [{ attribute: 'tenant.id', operator: 'in' as const, value: ids }], value: true }];
    const { segments, notes } = buildSegments(makeFlag({ rules: rule(many) }), makeFlag({ rules: rule([...many, 'newcomer']) }), { maxValuesPerAttribute: 5 });
    expect(segments[0]).toEqual({ 'tenant.id': 'newcomer' });
    expect(segments).toHaveLength(5 + 2);
    expect(notes).toEqual(['tenant.id: 5 of 21 listed values sampled']);
  });

  it('varies one attribute at a time when the cross product is too big', () => {
    const conditions = ['a', 'b', 'c'].map((attribute) => ({ attribute, operator: 'in' as const, value: ['1', '2', '3'] }));
    const { segments, notes } = buildSegments(makeFlag({ rules: [{ id: 'r', conditions, value: true }] }), makeFlag({ rules: [{ id: 'r', conditions, value: false }] }), { maxCrossSegments: 20 });
    // 5^3 = 125 combinations > 20: 4 values per attribute alone, plus "all missing".
    expect(segments).toHaveLength(3 * 4 + 1);
    expect(segments.at(-1)).toEqual({});
    expect(notes[0]).toMatch(/125 combinations of 3 attributes/);
  });

  it('never samples attributes evaluation cannot resolve', () => {
    const r = [{ id: 'r', conditions: [{ attribute: 'user.__proto__.admin', operator: 'equals' as const, value: true }], value: true }];
    expect(buildSegments(makeFlag({ rules: r }), makeFlag({ rules: r, enabled: false })).segments).toEqual([{}]);
  });

  it('varies the bucketing key unless the segment fixes it', () => {
    const ids = (segment: Record<string, string | null>) => [...sampleContexts(segment, 3)].map((c) => JSON.stringify(c));
    expect(ids({ 'tenant.type': 'free' })).toEqual([
      '{"user":{"id":"user-0"},"tenant":{"type":"free"}}',
      '{"user":{"id":"user-1"},"tenant":{"type":"free"}}',
      '{"user":{"id":"user-2"},"tenant":{"type":"free"}}',
    ]);
    expect(ids({ 'user.id': 'alice' })).toEqual(['{"user":{"id":"alice"}}']);
    expect(ids({ 'user.id': null })).toEqual(['{"tenant":{"id":"tenant-0"}}', '{"tenant":{"id":"tenant-1"}}', '{"tenant":{"id":"tenant-2"}}']);
    expect(ids({ 'user.id': null, 'tenant.id': 't' })).toEqual(['{"tenant":{"id":"t"}}']);
  });

  it('reports per segment: beta tenants unchanged, everyone else moved by the rollout, checked with the md5 formula', () => {
    const key = 'new-orchestrator-v2';
    let moved = 0;
    for (const id of userIds) {
      const b = seedHash(`${key}:${id}`) % 100;
      if (b >= 10 && b < 50) moved++;
    }
    const r = blastRadiusOverSegments(makeFlag(), makeFlag({ fallthrough: { percentage: 50, value: true } }));
    expect(r.source).toBe('segments');
    expect(r.segments!.map((s) => [s.segment, s.sampled, s.changed])).toEqual([
      [{ 'tenant.id': 'tenant-beta-1' }, 3000, 0],
      [{ 'tenant.id': 'tenant-beta-2' }, 3000, 0],
      [{ 'tenant.id': 'other' }, 3000, moved],
      [{ 'tenant.id': null }, 3000, moved],
    ]);
    expect(r.sampled).toBe(12000);
    expect(r.changed).toBe(2 * moved);
    expect(r.share).toBe((2 * moved) / 12000);
    expect(r.transitions).toEqual([{ from: false, to: true, count: 2 * moved }]);
    expect(r.segments![2].transitions).toEqual([{ from: false, to: true, count: moved }]);
  });

  it('sees a production override only in the production segment', () => {
    const r = blastRadiusOverSegments(makeFlag(), makeFlag({ environments: { production: { enabled: true, value: true } } }), { usersPerSegment: 100 });
    const changed = r.segments!.filter((s) => s.changed > 0).map((s) => s.segment);
    expect(changed.length).toBeGreaterThan(0);
    for (const s of changed) expect(s.environment).toBe('production');
    // Beta tenants already get true: only the others in production change.
    expect(changed).toEqual([
      { environment: 'production', 'tenant.id': 'other' },
      { environment: 'production', 'tenant.id': null },
    ]);
  });
});

describe('reviewFlagChanges', () => {
  it('orders changed flags by risk and uses the given contexts when there are some', () => {
    const before = setOf(makeFlag({ key: 'a' }), makeFlag({ key: 'b' }), makeFlag({ key: 'c' }));
    const after = setOf(makeFlag({ key: 'a', owner: 'x' }), makeFlag({ key: 'b', killSwitch: true }), makeFlag({ key: 'c', defaultValue: true }));
    const review = reviewFlagChanges(before, after, { contexts: [{ user: { id: 'u1' } }] });
    expect(review.changed.map((c) => [c.key, c.risk])).toEqual([
      ['b', 'high'],
      ['c', 'medium'],
      ['a', 'low'],
    ]);
    expect(review.source).toBe('contexts');
    expect(review.changed[0].blastRadius.sampled).toBe(1);
  });
});
