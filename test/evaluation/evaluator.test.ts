/**
 * createFlagEvaluator: the flag set compiled once, evaluated by key, with
 * typed helpers and the error results of SPEC 2 step 1 and SPEC 1.1.
 */
import { describe, expect, it } from 'vitest';
import type { Flag } from '../../src/schema/flag.js';
import { createFlagEvaluator } from '../../src/evaluation/index.js';
import { makeFlag, PREDEFINED } from './helpers.js';

const json = makeFlag({ key: 'checkout-config', type: 'json', defaultValue: { steps: 3 }, rules: [{ id: 'eu', conditions: [{ attribute: 'attributes.region', operator: 'equals', value: 'eu' }], value: ['a', 'b'] }] });
const jsonPrimitive = makeFlag({ key: 'json-primitive', type: 'json', defaultValue: 'text' });
const jsonNull = makeFlag({ key: 'json-null', type: 'json', defaultValue: null });
const ev = createFlagEvaluator([...PREDEFINED, json, jsonPrimitive, jsonNull], { invalid: ['broken-flag'] });
const enterprise = { tenant: { id: 't1', type: 'enterprise' } };

describe('evaluate(key, ctx, default?)', () => {
  it('evaluates a known flag', () => {
    expect(ev.evaluate('parallel-agents-limit', enterprise)).toEqual({ value: 15, reason: 'RULE_MATCH', ruleId: 'enterprise-higher-limit' });
  });

  it('ignores the caller default for a known flag', () => {
    expect(ev.evaluate('parallel-agents-limit', {}, 99)).toEqual({ value: 4, reason: 'DEFAULT' });
  });

  it('an unknown key: undefined, or the caller default, with FLAG_NOT_FOUND', () => {
    expect(ev.evaluate('nope', enterprise)).toEqual({ value: undefined, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
    expect(ev.evaluate('nope', enterprise, 'fallback')).toEqual({ value: 'fallback', reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
  });

  it('an invalid key: the caller default with PARSE_ERROR', () => {
    expect(ev.evaluate('broken-flag', enterprise)).toEqual({ value: undefined, reason: 'ERROR', errorCode: 'PARSE_ERROR' });
    expect(ev.evaluate('broken-flag', enterprise, false)).toEqual({ value: false, reason: 'ERROR', errorCode: 'PARSE_ERROR' });
  });

  it('keys of Object.prototype members are unknown flags', () => {
    for (const key of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(ev.evaluate(key, {}).errorCode).toBe('FLAG_NOT_FOUND');
    }
  });

  it('a key listed as invalid is not served even when a flag with that key is given', () => {
    const e = createFlagEvaluator(PREDEFINED, { invalid: ['model-provider'] });
    expect(e.evaluate('model-provider', {})).toEqual({ value: undefined, reason: 'ERROR', errorCode: 'PARSE_ERROR' });
    expect(e.evaluate('self-evolution-enabled', enterprise).value).toBe(true);
  });

  it('a key given twice is served from neither (SPEC 1.1)', () => {
    const dup = { ...PREDEFINED[0], defaultValue: true };
    const e = createFlagEvaluator([PREDEFINED[0], dup, PREDEFINED[1]]);
    expect(e.evaluate('self-evolution-enabled', {})).toEqual({ value: undefined, reason: 'ERROR', errorCode: 'PARSE_ERROR' });
    expect(e.evaluate('parallel-agents-limit', {}).value).toBe(4);
  });

  it('a flag whose conditions do not compile is not served, the others are', () => {
    const bad = makeFlag({ key: 'bad-regex', rules: [{ id: 'r', conditions: [{ attribute: 'x', operator: 'regex', value: '(?=a)' }], value: true }] });
    const e = createFlagEvaluator([bad, PREDEFINED[0]]);
    expect(e.evaluate('bad-regex', {})).toEqual({ value: undefined, reason: 'ERROR', errorCode: 'PARSE_ERROR' });
    expect(e.isEnabled('self-evolution-enabled', enterprise)).toBe(true);
  });

  it('compiles once: later edits to the given flags do not change answers', () => {
    const flag: Flag = structuredClone(PREDEFINED[0]);
    const e = createFlagEvaluator([flag]);
    flag.enabled = false;
    expect(e.isEnabled('self-evolution-enabled', enterprise)).toBe(true);
  });

  it('works without a context', () => {
    expect(ev.evaluate('model-provider')).toEqual({ value: 'anthropic', reason: 'DEFAULT' });
  });
});

describe('isEnabled', () => {
  it.each([
    ['true value', 'self-evolution-enabled', enterprise, true],
    ['false value', 'self-evolution-enabled', {}, false],
    ['a number is not true', 'parallel-agents-limit', enterprise, false],
    ['a string is not true', 'model-provider', {}, false],
    ['unknown flag', 'nope', enterprise, false],
    ['invalid flag', 'broken-flag', enterprise, false],
  ])('%s', (_name, key, ctx, expected) => {
    expect(ev.isEnabled(key, ctx)).toBe(expected);
  });

  it('a truthy non-boolean value is not enabled', () => {
    const e = createFlagEvaluator([makeFlag({ key: 'truthy', type: 'string', defaultValue: 'true' })]);
    expect(e.isEnabled('truthy', {})).toBe(false);
  });
});

describe('typed helpers', () => {
  it('getString', () => {
    expect(ev.getString('model-provider', { tenant: { settings: { preferredProvider: 'openai' } } }, 'x')).toEqual({
      value: 'openai',
      reason: 'RULE_MATCH',
      ruleId: 'openai-override',
    });
    expect(ev.getString('parallel-agents-limit', {}, 'x')).toEqual({ value: 'x', reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });
    expect(ev.getString('self-evolution-enabled', {}, 'x')).toEqual({ value: 'x', reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });
    expect(ev.getString('nope', {}, 'x')).toEqual({ value: 'x', reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
    expect(ev.getString('broken-flag', {}, 'x')).toEqual({ value: 'x', reason: 'ERROR', errorCode: 'PARSE_ERROR' });
  });

  it('getNumber', () => {
    expect(ev.getNumber('parallel-agents-limit', { tenant: { type: 'professional' } }, 1)).toEqual({
      value: 10,
      reason: 'RULE_MATCH',
      ruleId: 'professional-medium-limit',
    });
    expect(ev.getNumber('parallel-agents-limit', {}, 1)).toEqual({ value: 4, reason: 'DEFAULT' });
    expect(ev.getNumber('model-provider', {}, 1)).toEqual({ value: 1, reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });
    expect(ev.getNumber('nope', {}, 1)).toEqual({ value: 1, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
  });

  it('getBoolean', () => {
    expect(ev.getBoolean('self-evolution-enabled', enterprise, false)).toEqual({ value: true, reason: 'RULE_MATCH', ruleId: 'enterprise-only' });
    expect(ev.getBoolean('parallel-agents-limit', enterprise, false)).toEqual({ value: false, reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });
  });

  it('getJson: objects, arrays and null; a primitive is a mismatch', () => {
    expect(ev.getJson('checkout-config', {}, {})).toEqual({ value: { steps: 3 }, reason: 'DEFAULT' });
    expect(ev.getJson('checkout-config', { attributes: { region: 'eu' } }, [])).toEqual({ value: ['a', 'b'], reason: 'RULE_MATCH', ruleId: 'eu' });
    expect(ev.getJson('json-null', {}, { a: 1 })).toEqual({ value: null, reason: 'DEFAULT' });
    expect(ev.getJson('json-primitive', {}, { a: 1 })).toEqual({ value: { a: 1 }, reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });
    expect(ev.getJson('parallel-agents-limit', {}, { a: 1 })).toEqual({ value: { a: 1 }, reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });
    expect(ev.getJson('nope', {}, { a: 1 })).toEqual({ value: { a: 1 }, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
  });
});

describe('evaluateAll and keys', () => {
  it('every key, invalid ones included, in the order given', () => {
    expect(ev.keys()).toEqual([
      'broken-flag',
      'self-evolution-enabled',
      'parallel-agents-limit',
      'new-orchestrator-v2',
      'model-provider',
      'checkout-config',
      'json-primitive',
      'json-null',
    ]);
    const all = ev.evaluateAll(enterprise);
    expect(Object.keys(all)).toEqual(ev.keys());
    expect(all['broken-flag']).toEqual({ value: undefined, reason: 'ERROR', errorCode: 'PARSE_ERROR' });
    expect(all['parallel-agents-limit']).toEqual({ value: 15, reason: 'RULE_MATCH', ruleId: 'enterprise-higher-limit' });
  });

  it('a duplicated key is listed once', () => {
    expect(createFlagEvaluator([PREDEFINED[0], PREDEFINED[0]]).keys()).toEqual(['self-evolution-enabled']);
  });
});
