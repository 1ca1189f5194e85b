/**
 * Issue 13, items 10 and 11: the library as its callers use it.
 * - 10: `r = ev.getJson('cfg', {}, {}); r.value.limit = 999` changed what
 *   every later caller got. Served objects and arrays are frozen copies made
 *   at load.
 * - 11: a null, non-object or throwing context made isEnabled, getBoolean,
 *   getNumber and evaluate throw. Every entry point answers: the caller's
 *   default, reason ERROR, errorCode INVALID_CONTEXT.
 */
import { describe, expect, it } from 'vitest';
import { createFlagEvaluator, evaluate } from '../../src/evaluation/index.js';
import type { Flag } from '../../src/schema/flag.js';

const base = { name: 'x', description: '', enabled: true, tags: [] as string[], owner: 't', killSwitch: false };
const cfg: Flag = {
  ...base,
  key: 'cfg',
  type: 'json',
  defaultValue: { limit: 10, nested: { list: [1, 2] } },
  rules: [{ id: 'r', conditions: [{ attribute: 'user.id', operator: 'equals', value: 'vip' }], value: { limit: 100, tiers: ['a'] } }],
  variants: undefined,
  environments: { prod: { enabled: true, value: { limit: 5 } } },
};
const flag: Flag = { ...base, key: 'f', type: 'boolean', defaultValue: false, rules: [{ id: 'r', conditions: [{ attribute: 'user.id', operator: 'exists' }], value: true }] };

describe('served values are immutable (10)', () => {
  it('a caller changing a served object changes nothing for the next caller', () => {
    const ev = createFlagEvaluator([cfg]);
    for (const context of [{}, { user: { id: 'vip' } }, { environment: 'prod' }]) {
      const before = JSON.stringify(ev.getJson('cfg', context, {}).value);
      const r = ev.getJson<{ limit: number; nested?: { list: number[] }; tiers?: string[] }>('cfg', context, { limit: 0 });
      expect(Object.isFrozen(r.value)).toBe(true);
      expect(() => ((r.value as { limit: number }).limit = 999)).toThrow(TypeError);
      if (r.value.nested) expect(() => r.value.nested!.list.push(3)).toThrow(TypeError);
      if (r.value.tiers) expect(() => r.value.tiers!.push('b')).toThrow(TypeError);
      expect(JSON.stringify(ev.evaluate('cfg', context).value)).toBe(before);
      expect(JSON.stringify(ev.evaluateAll(context).cfg.value)).toBe(before);
    }
    // The flag handed in is the caller's and stays mutable.
    expect(Object.isFrozen(cfg.defaultValue)).toBe(false);
  });
});

describe('no context makes evaluation throw (11)', () => {
  const throwing = { get user(): never { throw new Error('getter'); } };
  const proxy = new Proxy({}, { get() { throw new Error('trap'); }, has() { throw new Error('trap'); }, ownKeys() { throw new Error('trap'); }, getOwnPropertyDescriptor() { throw new Error('trap'); } });
  const BAD: unknown[] = [null, 'str', 42, true, [], [{ user: { id: 'a' } }], throwing, proxy, Object.create(null, { user: { get() { throw new Error('x'); }, enumerable: true } })];
  const ev = createFlagEvaluator([flag, cfg]);

  it.each(BAD.map((c, i) => [i, c]))('context #%i: every entry point answers with the default and INVALID_CONTEXT', (_i, context) => {
    const c = context as never;
    expect(ev.isEnabled('f', c)).toBe(false);
    expect(ev.getBoolean('f', c, true)).toEqual({ value: true, reason: 'ERROR', errorCode: 'INVALID_CONTEXT' });
    expect(ev.getNumber('f', c, 7)).toEqual({ value: 7, reason: 'ERROR', errorCode: 'INVALID_CONTEXT' });
    expect(ev.getString('f', c, 's')).toEqual({ value: 's', reason: 'ERROR', errorCode: 'INVALID_CONTEXT' });
    expect(ev.getJson('cfg', c, { mine: 1 })).toEqual({ value: { mine: 1 }, reason: 'ERROR', errorCode: 'INVALID_CONTEXT' });
    expect(ev.evaluate('f', c, false)).toEqual({ value: false, reason: 'ERROR', errorCode: 'INVALID_CONTEXT' });
    expect(ev.evaluateAll(c).f).toEqual({ value: undefined, reason: 'ERROR', errorCode: 'INVALID_CONTEXT' });
    expect(evaluate(flag, c)).toEqual({ value: false, reason: 'ERROR', errorCode: 'INVALID_CONTEXT' });
  });

  it('an omitted context is the empty one; unknown keys still say FLAG_NOT_FOUND', () => {
    expect(ev.evaluate('f')).toEqual({ value: false, reason: 'DEFAULT' });
    expect(ev.evaluate('nope', null as never, 1)).toEqual({ value: 1, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
  });
});
