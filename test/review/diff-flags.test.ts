import { describe, expect, it } from 'vitest';
import { canonicalJson, deepEqual, diffFlag, diffFlagSets } from '../../src/review/diff-flags.js';
import { makeFlag, setOf } from './fixtures.js';

describe('diffFlagSets: pairing by key', () => {
  it('lists added, removed and changed keys, sorted, and leaves identical flags out', () => {
    const same = makeFlag({ key: 'same' });
    const before = setOf(makeFlag({ key: 'gone' }), same, makeFlag({ key: 'b-changed' }), makeFlag({ key: 'a-changed' }));
    const after = setOf(makeFlag({ key: 'z-new' }), makeFlag({ key: 'a-new' }), { ...same }, makeFlag({ key: 'b-changed', enabled: false }), makeFlag({ key: 'a-changed', owner: 'x' }));
    const d = diffFlagSets(before, after);
    expect(d.added).toEqual(['a-new', 'z-new']);
    expect(d.removed).toEqual(['gone']);
    expect(d.changed.map((c) => c.key)).toEqual(['a-changed', 'b-changed']);
    expect(d.skipped).toEqual([]);
  });

  it('does not call a flag that is invalid in the new set removed: it is skipped', () => {
    const before = setOf(makeFlag({ key: 'broken' }), makeFlag({ key: 'ok' }));
    const after = { flags: new Map([['ok', makeFlag({ key: 'ok' })]]), invalidKeys: new Set(['broken']) };
    const d = diffFlagSets(before, after);
    expect(d.removed).toEqual([]);
    expect(d.skipped).toEqual(['broken']);
    expect(d.changed).toEqual([]);
  });

  it('ignores object key order and a missing killSwitch (the schema default is false)', () => {
    const b = makeFlag({ type: 'json', defaultValue: { a: 1, b: [1, { c: 2, d: 3 }] } });
    const a = makeFlag({ type: 'json', defaultValue: { b: [1, { d: 3, c: 2 }], a: 1 } });
    delete (a as { killSwitch?: boolean }).killSwitch;
    expect(diffFlag(b, a)).toEqual([]);
  });
});

describe('diffFlag: readable field paths', () => {
  it.each([
    ['a rollout change', { fallthrough: { percentage: 50, value: true } }, [{ path: 'fallthrough.percentage', before: 10, after: 50 }]],
    ['kill switch', { killSwitch: true, enabled: false }, [{ path: 'killSwitch', before: false, after: true }, { path: 'enabled', before: true, after: false }]],
    ['metadata', { name: 'N', tags: ['x'] }, [{ path: 'name', before: 'New Orchestrator V2', after: 'N' }, { path: 'tags', before: ['orchestrator', 'beta'], after: ['x'] }]],
    ['a removed fallthrough', { fallthrough: undefined }, [{ path: 'fallthrough', before: { percentage: 10, value: true } }]],
    [
      'a condition value',
      {
        rules: [{ id: 'beta-testers', description: 'Beta tenants always get the new orchestrator', conditions: [{ attribute: 'tenant.id', operator: 'in' as const, value: ['tenant-beta-1'] }], value: true }],
      },
      [{ path: 'rules[beta-testers].conditions[0].value', before: ['tenant-beta-1', 'tenant-beta-2'], after: ['tenant-beta-1'] }],
    ],
  ])('%s', (_name, overrides, expected) => {
    expect(diffFlag(makeFlag(), makeFlag(overrides))).toEqual(expected);
  });

  it('matches rules by id: a reorder is one entry with the id lists, not every rule rewritten', () => {
    const r1 = { id: 'one', conditions: [{ attribute: 'tenant.type', operator: 'equals' as const, value: 'free' }], value: true };
    const r2 = { id: 'two', conditions: [], percentage: 20, value: true };
    expect(diffFlag(makeFlag({ rules: [r1, r2] }), makeFlag({ rules: [r2, r1] }))).toEqual([{ path: 'rules', before: ['one', 'two'], after: ['two', 'one'] }]);
  });

  it('reports added and removed rules and conditions whole, and no reorder for an insertion', () => {
    const r1 = { id: 'one', conditions: [{ attribute: 'a', operator: 'exists' as const }], value: true };
    const r2 = { id: 'two', conditions: [], value: true };
    const r1b = { ...r1, conditions: [...r1.conditions, { attribute: 'b', operator: 'equals' as const, value: 3 }], percentage: 30 };
    const changes = diffFlag(makeFlag({ rules: [r1, r2] }), makeFlag({ rules: [{ id: 'new', conditions: [], value: false }, r1b] }));
    expect(changes).toEqual([
      { path: 'rules[new]', after: { id: 'new', conditions: [], value: false } },
      { path: 'rules[one].conditions[1]', after: { attribute: 'b', operator: 'equals', value: 3 } },
      { path: 'rules[one].percentage', after: 30 },
      { path: 'rules[two]', before: r2 },
    ]);
  });

  it('matches variants by key and reports a weight change and a reorder', () => {
    const blue = { key: 'blue', name: 'Blue', value: 'b', weight: 50 };
    const green = { key: 'green', name: 'Green', value: 'g', weight: 50 };
    const base = { type: 'string' as const, defaultValue: 'b', fallthrough: undefined };
    expect(diffFlag(makeFlag({ ...base, variants: [blue, green] }), makeFlag({ ...base, variants: [{ ...blue, weight: 40 }, { ...green, weight: 60 }] }))).toEqual([
      { path: 'variants[blue].weight', before: 50, after: 40 },
      { path: 'variants[green].weight', before: 50, after: 60 },
    ]);
    expect(diffFlag(makeFlag({ ...base, variants: [blue, green] }), makeFlag({ ...base, variants: [green, blue] }))).toEqual([
      { path: 'variants', before: ['blue', 'green'], after: ['green', 'blue'] },
    ]);
  });

  it('names environments as paths, quoting names that are not plain', () => {
    const changes = diffFlag(
      makeFlag({ environments: { production: { enabled: true }, 'eu.prod': { enabled: true, value: true } } }),
      makeFlag({ environments: { production: { enabled: false }, 'eu.prod': { enabled: true, value: false }, staging: { enabled: true, value: true } } }),
    );
    expect(changes).toEqual([
      { path: 'environments["eu.prod"].value', before: true, after: false },
      { path: 'environments.production.enabled', before: true, after: false },
      { path: 'environments.staging', after: { enabled: true, value: true } },
    ]);
  });

  it('quotes rule ids with brackets so paths stay unambiguous', () => {
    const r = (value: boolean) => ({ id: 'a]b', conditions: [], value });
    expect(diffFlag(makeFlag({ rules: [r(true)] }), makeFlag({ rules: [r(false)] }))).toEqual([{ path: 'rules["a]b"].value', before: true, after: false }]);
  });
});

describe('value helpers', () => {
  it.each([
    [1, 1, true],
    [1, '1', false],
    [null, undefined, false],
    [[1, 2], [2, 1], false],
    [{ a: 1 }, { a: 1, b: undefined }, true],
    [{ a: 1 }, { b: 1 }, false],
  ])('deepEqual(%j, %j) = %s', (a, b, expected) => {
    expect(deepEqual(a, b)).toBe(expected);
  });

  it('canonicalJson sorts keys', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: null }] })).toBe('{"a":[{"c":null,"d":1}],"b":1}');
  });
});
