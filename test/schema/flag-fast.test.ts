/**
 * The zod-free fast path for valid flags (src/schema/flag-fast.ts, issue
 * 21.1) answers only when the schema would accept, and then with exactly the
 * schema's data (same fields, same order, copies, killSwitch filled in); the
 * written-out field lists match the schemas; the lazily built schemas behave
 * as schemas.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseValidFlag } from '../../src/schema/flag-fast.js';
import { CONDITION_OPERATORS, FLAG_FIELDS, FLAG_TYPES, FlagSchema, flagSchemas, RuleSchema } from '../../src/schema/flag.js';
import { EXPERIMENT_FIELDS, ExperimentSchema } from '../../src/schema/experiment.js';
import { SegmentSchema } from '../../src/schema/segment.js';
import { ProjectConfigSchema } from '../../src/schema/project-config.js';

/** Same data and the same key order at every level. */
const same = (a: unknown, b: unknown) => expect(JSON.stringify(a)).toBe(JSON.stringify(b)) as unknown as void;

function agrees(raw: unknown): 'fast' | 'schema' {
  const fast = parseValidFlag(raw);
  const schema = flagSchemas().FlagSchema.safeParse(raw);
  if (fast === undefined) return 'schema';
  expect(schema.success, JSON.stringify(raw)).toBe(true);
  expect(fast).toEqual(schema.data);
  same(fast, schema.data);
  return 'fast';
}

/** Generated flags: noisy ones have a wrong value in one place in `rate` (so some have exactly one); clean ones mostly pass (the edge values stay). */
function flags(rate: number): fc.Arbitrary<unknown> {
  const noisy = rate > 0;
  const rare = fc.noBias(fc.nat(Math.max(0, rate - 1)));
  const oneOf = (good: fc.Arbitrary<unknown>, bad: fc.Arbitrary<unknown>) => (noisy ? fc.oneof({ weight: rate - 1, arbitrary: good }, { weight: 1, arbitrary: bad }) : good);
  const cleanJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.string(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(fc.oneof(fc.string().filter((k) => k !== '__proto__'), fc.constantFrom('1', '0', 'b')), tie('value'), { maxKeys: 3 }),
    ),
  })).value;
  const badJson = fc.constantFrom(undefined, Infinity, NaN, JSON.parse('{"a": {"__proto__": 1}}'), [1, undefined], [Infinity], new Date(0), { a: undefined });
  const json = oneOf(cleanJson, badJson);
  const maybe = (a: fc.Arbitrary<unknown>, wrong: fc.Arbitrary<unknown> = json) => fc.option(oneOf(a, wrong), { nil: undefined });
  const percentage = oneOf(fc.oneof(fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom(0, 100, 12.5)), fc.constantFrom(-1, 100.5, Infinity, NaN, '5'));
  const operator = oneOf(fc.constantFrom(...CONDITION_OPERATORS), fc.constantFrom('equal', '', 3));
  const timestamp = fc.constantFrom('2026-01-31', '2026-02-30', '2026-11-30T10:00:00Z', '2026-11-30T10:00:00.123+02:00', '2026-11-30T10:00Z', '2026-11-30 10:00:00Z', 'soon', '2024-02-29', '2023-02-29T00:00:00Z', '2026-11-30T24:00:00Z');
  /** An object of the given fields, leaving out undefined ones (noisy: sometimes keeping them, sometimes a stray key). */
  const record = (fields: Record<string, fc.Arbitrary<unknown>>) =>
    fc.tuple(fc.record(fields), noisy ? rare.map((n) => n === 0) : fc.constant(false), noisy ? fc.tuple(rare, fc.constantFrom('bogus', 'Key', '__proto__')).map(([n, k]) => (n === 0 ? k : undefined)) : fc.constant(undefined)).map(([r, keep, stray]) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r)) if (v !== undefined || keep) out[k] = v;
      if (stray) Object.defineProperty(out, stray, { value: 1, enumerable: true, writable: true, configurable: true });
      return out;
    });
  const condition = record({ attribute: maybe(fc.constantFrom('tenant.id', 'user.email'), fc.constantFrom('', 1)), operator, value: maybe(json) });
  const rule = record({ id: oneOf(fc.constantFrom('r1', 'r2'), fc.constantFrom('', 1)), description: maybe(fc.string()), conditions: fc.array(condition, { maxLength: 2 }), percentage: fc.option(percentage, { nil: undefined }), value: json });
  const fallthrough = record({ percentage: fc.option(percentage, { nil: undefined }), value: json });
  const variant = record({ key: oneOf(fc.constantFrom('a', 'b'), fc.constant('')), name: oneOf(fc.string(), fc.integer()), value: json, weight: percentage });
  const environment = record({ enabled: oneOf(fc.boolean(), fc.constant('yes')), value: maybe(json), rules: maybe(fc.array(rule, { maxLength: 2 })), fallthrough: maybe(fallthrough) });
  return record({
    key: oneOf(fc.constantFrom('my-flag', 'a.b_c', 'x', 'k'.repeat(128)), fc.constantFrom('-bad', '', 'a b', 'k'.repeat(129))),
    name: oneOf(fc.string(), fc.integer()),
    description: fc.string(),
    type: oneOf(fc.constantFrom(...FLAG_TYPES), fc.constantFrom('bool', 1)),
    defaultValue: json,
    enabled: oneOf(fc.boolean(), fc.constant(1)),
    rules: oneOf(fc.array(rule, { maxLength: 3 }), json),
    fallthrough: maybe(fallthrough),
    variants: maybe(fc.array(variant, { maxLength: 3 })),
    bucketBy: maybe(fc.constantFrom('user.id'), fc.constantFrom('', 1)),
    tags: oneOf(fc.array(fc.string(), { maxLength: 3 }), fc.array(json, { maxLength: 2 })),
    owner: fc.string(),
    killSwitch: maybe(fc.boolean()),
    environments: maybe(fc.dictionary(fc.constantFrom('production', 'staging', '0', ...(noisy ? ['__proto__'] : [])), environment, { maxKeys: 2 })),
    createdAt: fc.option(timestamp, { nil: undefined }),
    updatedAt: fc.option(timestamp, { nil: undefined }),
    expiresAt: fc.option(timestamp, { nil: undefined }),
    temporary: maybe(fc.boolean()),
  });
}

describe('parseValidFlag', () => {
  it('answers only when the schema accepts, with exactly its data', () => {
    for (const rate of [0, 60, 8]) {
      let fast = 0;
      let schema = 0;
      fc.assert(
        fc.property(flags(rate), (raw) => {
          if (agrees(raw) === 'fast') fast++;
          else schema++;
        }),
        { numRuns: 1500 },
      );
      // Both answers must be reached often, or the property proves nothing.
      if (rate !== 8) expect(fast, `rate ${rate}`).toBeGreaterThan(30);
      expect(schema, `rate ${rate}`).toBeGreaterThan(100);
    }
  });

  it('takes the valid flags of this repository and the README shapes', () => {
    const base = { key: 'f', name: 'F', description: '', type: 'boolean', defaultValue: false, enabled: true, rules: [], tags: [], owner: 'team' };
    const full = {
      ...base,
      type: 'json',
      defaultValue: { a: [1, 'x', null, { '2': true, '1': 0 }] },
      rules: [{ id: 'r', description: 'd', conditions: [{ attribute: 'tenant.id', operator: 'in', value: ['a'] }, { operator: 'in_segment', value: ['beta'] }], percentage: 12.5, value: { b: 1 } }],
      fallthrough: { percentage: 10, value: { c: 2 } },
      variants: [{ key: 'a', name: 'A', value: 1, weight: 50 }],
      bucketBy: 'user.id',
      killSwitch: true,
      environments: { production: { enabled: false, value: 2, rules: [], fallthrough: { value: 3 } }, '1': { enabled: true } },
      createdAt: '2026-01-01',
      updatedAt: '2026-11-30T10:00:00Z',
      expiresAt: '2027-03-01',
      temporary: false,
    };
    for (const raw of [base, full, { ...base, killSwitch: false }, Object.assign(Object.create(null), base)]) expect(agrees(raw)).toBe('fast');
    // Field order follows the schema, not the file.
    const reversed = Object.fromEntries(Object.entries(full).reverse());
    expect(agrees(reversed)).toBe('fast');
    expect(Object.keys(parseValidFlag(reversed)!)).toEqual(FLAG_FIELDS.filter((k) => k in full));
    // Copies, never the input's own objects.
    const parsed = parseValidFlag(full)!;
    expect(parsed.rules).not.toBe(full.rules);
    expect(parsed.defaultValue).not.toBe(full.defaultValue);
  });

  it('leaves anything doubtful to the schema', () => {
    const base = { key: 'f', name: 'F', description: '', type: 'boolean', defaultValue: false, enabled: true, rules: [], tags: [], owner: 'team' };
    const doubtful = [
      { ...base, owner: undefined },
      { ...base, defaultValue: Infinity },
      { ...base, extra: 1 },
      { ...base, createdAt: '2026-02-30' },
      { ...base, defaultValue: new Date(0) },
      { ...base, rules: [{ id: 'r', conditions: [], value: true, percentage: 101 }] },
      { ...base, environments: JSON.parse('{"__proto__": {"enabled": false}}') },
      { ...base, defaultValue: JSON.parse('{"__proto__": 1}') },
      [base],
      null,
    ];
    for (const raw of doubtful) expect(agrees(raw), JSON.stringify(raw)).toBe('schema');
  });
});

describe('the schemas built on first use', () => {
  it('list the fields written out for readers that do not build them', () => {
    expect(FLAG_FIELDS).toEqual(Object.keys(flagSchemas().FlagSchema.shape));
    expect(EXPERIMENT_FIELDS).toEqual(Object.keys(ExperimentSchema.shape));
    expect(['key', 'description', 'conditions']).toEqual(Object.keys(SegmentSchema.shape));
  });

  it('behave as the schemas they stand for', () => {
    expect(FlagSchema.safeParse({}).success).toBe(false);
    expect(Object.keys(FlagSchema.shape)).toEqual(FLAG_FIELDS);
    expect(RuleSchema.safeParse({ id: 'r', conditions: [], value: 1 })).toEqual({ success: true, data: { id: 'r', conditions: [], value: 1 } });
    expect(ProjectConfigSchema.safeParse({ dir: 'x' }).success).toBe(true);
    const { parse } = FlagSchema;
    expect(() => parse(null)).toThrow();
    expect(FlagSchema.def.type).toBe('object');
  });
});
