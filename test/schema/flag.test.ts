import { describe, expect, it } from 'vitest';
import { FLAG_FIELDS, FlagSchema } from '../../src/schema/flag.js';
import { flagInput } from '../helpers/flags.js';

const base = flagInput({ key: 'checkout-v2', name: 'Checkout v2', owner: 'payments' });

describe('FlagSchema', () => {
  it('accepts a minimal flag and fills killSwitch with false', () => {
    const r = FlagSchema.parse(base);
    expect(r.killSwitch).toBe(false);
    expect(r.fallthrough).toBeUndefined();
  });

  it('accepts every optional field', () => {
    const full = {
      ...base,
      rules: [{ id: 'r1', description: 'd', conditions: [{ attribute: 'tenant.type', operator: 'equals', value: 'x' }], percentage: 12.5, value: true }],
      fallthrough: { percentage: 10, value: true },
      variants: [
        { key: 'a', name: 'A', value: true, weight: 50 },
        { key: 'b', name: 'B', value: false, weight: 50 },
      ],
      killSwitch: true,
      environments: { staging: { enabled: true, value: true }, production: { enabled: false } },
      createdAt: '2026-11-25T10:00:00Z',
      updatedAt: '2026-11-25T10:00:00.123+01:00',
    };
    expect(FlagSchema.parse(full)).toEqual(full);
  });

  it.each(['key', 'name', 'description', 'type', 'defaultValue', 'enabled', 'rules', 'tags', 'owner'])('requires %s', (field) => {
    const flag: Record<string, unknown> = { ...base };
    delete flag[field];
    const r = FlagSchema.safeParse(flag);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toContain(field);
  });

  it.each([
    ['top level', { ...base, enabeld: true }, ''],
    ['rule', { ...base, rules: [{ id: 'r', conditions: [], value: true, precentage: 5 }] }, 'rules.0'],
    ['condition', { ...base, rules: [{ id: 'r', conditions: [{ attribute: 'a', operator: 'exists', extra: 1 }], value: true }] }, 'rules.0.conditions.0'],
    ['fallthrough', { ...base, fallthrough: { value: true, pct: 1 } }, 'fallthrough'],
    ['environment', { ...base, environments: { prod: { enabled: true, valeu: 1 } } }, 'environments.prod'],
  ])('rejects unknown fields (%s) instead of dropping them', (_name, flag, at) => {
    const r = FlagSchema.safeParse(flag);
    expect(r.success).toBe(false);
    const issue = r.error!.issues.find((i) => i.code === 'unrecognized_keys');
    expect(issue?.path.join('.')).toBe(at);
  });

  it.each([
    ['key with a slash', { key: 'a/b' }],
    ['key with a leading dot', { key: '.hidden' }],
    ['key too long', { key: 'a'.repeat(129) }],
    ['unknown type', { type: 'bool' }],
    ['string enabled', { enabled: 'yes' }],
    ['percentage over 100', { fallthrough: { percentage: 101, value: true } }],
    ['negative percentage', { fallthrough: { percentage: -1, value: true } }],
    ['unknown operator', { rules: [{ id: 'r', conditions: [{ attribute: 'a', operator: 'equal', value: 1 }], value: true }] }],
    ['timestamp that is not ISO', { createdAt: 'yesterday' }],
    ['tags not a list', { tags: 'beta' }],
  ])('rejects %s', (_name, patch) => {
    expect(FlagSchema.safeParse({ ...base, ...patch }).success).toBe(false);
  });

  it('accepts keys at the edge of the pattern', () => {
    for (const key of ['a', 'A.b_c-d', '9lives', 'a'.repeat(128)]) expect(FlagSchema.safeParse({ ...base, key }).success).toBe(true);
  });

  it('lists the fields of SPEC 1.2 in order', () => {
    expect(FLAG_FIELDS).toEqual([
      'key', 'name', 'description', 'type', 'defaultValue', 'enabled', 'rules', 'fallthrough', 'variants', 'bucketBy', 'tags', 'owner', 'killSwitch', 'environments', 'createdAt', 'updatedAt', 'expiresAt', 'temporary',
    ]);
  });
});
