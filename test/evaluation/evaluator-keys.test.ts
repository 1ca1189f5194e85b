/**
 * The evaluator keys its table by the internalized copy of each flag key
 * (evaluator.ts, `internalized`): a lookup answers the same whatever string
 * object spells the key — a literal, a string built at run time, a key from
 * keys(), one parsed from JSON — and keys that are special as property names
 * (`__proto__`, array indices) stay ordinary keys.
 */
import { describe, expect, it } from 'vitest';
import { createFlagEvaluator } from '../../src/evaluation/index.js';
import { internalized } from '../../src/evaluation/evaluator.js';
import { makeFlag, PREDEFINED } from './helpers.js';

const enterprise = { tenant: { id: 't1', type: 'enterprise' } };
/** The same characters in a string object made at run time (never a literal). */
const fresh = (s: string) => [...s].join('');

describe('internalized', () => {
  it('returns a string equal to its argument, for keys special as property names too', () => {
    for (const s of ['self-evolution-enabled', '__proto__', 'constructor', 'toString', '0', '123', '4294967295', '-1', '1.5', '', 'é-ü-🚩', 'x'.repeat(5000)]) {
      expect(internalized(fresh(s))).toBe(s);
    }
  });

  it('leaves Object.prototype alone', () => {
    internalized('__proto__');
    internalized('polluted');
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});

describe('createFlagEvaluator looks keys up by their characters', () => {
  const odd = [
    makeFlag({ key: '__proto__', type: 'string', defaultValue: 'proto' }),
    makeFlag({ key: '123', type: 'number', defaultValue: 123 }),
    makeFlag({ key: 'constructor', type: 'string', defaultValue: 'ctor' }),
  ];
  // Flag keys given as run-time strings, as a YAML or JSON parser produces them.
  const flags = [...PREDEFINED, ...odd].map((f) => ({ ...f, key: fresh(f.key) }));
  const ev = createFlagEvaluator(flags, { invalid: [fresh('broken-flag')] });

  it('literal keys, run-time keys and keys() all find the same flag', () => {
    expect(ev.evaluate('self-evolution-enabled', enterprise)).toEqual({ value: true, reason: 'RULE_MATCH', ruleId: 'enterprise-only' });
    expect(ev.evaluate(fresh('self-evolution-enabled'), enterprise)).toEqual({ value: true, reason: 'RULE_MATCH', ruleId: 'enterprise-only' });
    const fromJson = (JSON.parse('{"k":"parallel-agents-limit"}') as { k: string }).k;
    expect(ev.evaluate(fromJson, enterprise)).toEqual({ value: 15, reason: 'RULE_MATCH', ruleId: 'enterprise-higher-limit' });
    for (const key of ev.keys()) expect(ev.evaluate(key, enterprise)).toEqual(ev.evaluate(fresh(key), enterprise));
  });

  it('keys special as property names are ordinary flag keys', () => {
    expect(ev.evaluate('__proto__', {})).toEqual({ value: 'proto', reason: 'DEFAULT' });
    expect(ev.evaluate('123', {})).toEqual({ value: 123, reason: 'DEFAULT' });
    expect(ev.evaluate('constructor', {})).toEqual({ value: 'ctor', reason: 'DEFAULT' });
    expect(ev.evaluate('toString', {}).errorCode).toBe('FLAG_NOT_FOUND');
  });

  it('keys() lists every key once, in the order given, invalid ones first', () => {
    expect(ev.keys()).toEqual(['broken-flag', ...PREDEFINED.map((f) => f.key), '__proto__', '123', 'constructor']);
    expect(ev.evaluate('broken-flag', {})).toEqual({ value: undefined, reason: 'ERROR', errorCode: 'PARSE_ERROR' });
  });

  it('a key given twice as two different string objects is served from neither (SPEC 1.1)', () => {
    const e = createFlagEvaluator([{ ...PREDEFINED[0], key: fresh(PREDEFINED[0].key) }, { ...PREDEFINED[0], key: fresh(PREDEFINED[0].key) }]);
    expect(e.evaluate('self-evolution-enabled', {})).toEqual({ value: undefined, reason: 'ERROR', errorCode: 'PARSE_ERROR' });
    expect(e.keys()).toEqual(['self-evolution-enabled']);
  });
});
