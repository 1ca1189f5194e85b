/**
 * A rule of one `equals` on a two-step path is evaluated from its data
 * (CompiledRule.equalsHead, conditions.ts equalsAt) instead of through its
 * compiled closures. It must answer exactly what the closures answer, and
 * touch a context the same way (a Proxy sees the same traps in the same
 * order), for every kind of context a caller can pass.
 */
import { describe, expect, it } from 'vitest';
import type { Condition } from '../../src/schema/flag.js';
import { compileCondition, compileFlag, evaluateCompiled } from '../../src/evaluation/index.js';
import { makeFlag } from './helpers.js';

const flagWith = (conditions: Condition[]) =>
  makeFlag({ key: 'fast-path', type: 'boolean', defaultValue: false, rules: [{ id: 'r', conditions, value: true }] });

const equals = (attribute: string, value: string | number | boolean): Condition => ({ attribute, operator: 'equals', value });

/** Contexts of every shape: the attribute present, missing, inherited, behind a getter, in an array, of another type. */
function contexts(): Array<[string, Record<string, unknown>]> {
  const inheritedHead = Object.create({ tenant: { type: 'enterprise' } }) as Record<string, unknown>;
  const inheritedTail = { tenant: Object.create({ type: 'enterprise' }) as Record<string, unknown> };
  const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { tenant: Object.assign(Object.create(null) as object, { type: 'enterprise' }) });
  const getter = { tenant: Object.defineProperty({}, 'type', { get: () => 'enterprise', enumerable: true }) };
  const nonEnumerable = { tenant: Object.defineProperty({}, 'type', { value: 'enterprise', enumerable: false }) };
  const arrayHead = { tenant: Object.assign(['x'], { type: 'enterprise' }) };
  return [
    ['match', { tenant: { type: 'enterprise' } }],
    ['other value', { tenant: { type: 'free' } }],
    ['no head', {}],
    ['head null', { tenant: null }],
    ['head undefined', { tenant: undefined }],
    ['head a string', { tenant: 'enterprise' }],
    ['head a number', { tenant: 42 }],
    ['head an array', arrayHead],
    ['no tail', { tenant: {} }],
    ['tail undefined', { tenant: { type: undefined } }],
    ['tail null', { tenant: { type: null } }],
    ['inherited head', inheritedHead],
    ['inherited tail', inheritedTail],
    ['null prototypes', nullProto],
    ['getter tail', getter],
    ['non-enumerable tail', nonEnumerable],
    ['array holding it', { tenant: { type: ['free', 'enterprise'] } }],
    ['array without it', { tenant: { type: ['free', 'startup'] } }],
    ['nested array', { tenant: { type: [['enterprise']] } }],
    ['empty array', { tenant: { type: [] } }],
    ['number 15', { tenant: { type: 15 } }],
    ['string "15"', { tenant: { type: '15' } }],
    ['true', { tenant: { type: true } }],
    ['"true"', { tenant: { type: 'true' } }],
    ['object', { tenant: { type: { toString: () => 'enterprise' } } }],
    ['boxed string', { tenant: { type: new String('enterprise') } }],
    ['array of 15s', { tenant: { type: [15, '15'] } }],
    ['number-like keys', { '0': { '1': 'enterprise' }, tenant: { type: 'enterprise' } }],
    ['empty-string keys', { '': { '': 'enterprise' } }],
  ];
}

const conditions: Condition[] = [
  equals('tenant.type', 'enterprise'),
  equals('tenant.type', 15),
  equals('tenant.type', true),
  equals('tenant.type', '15'),
  equals('0.1', 'enterprise'),
  equals('.', 'enterprise'),
];

describe('equals on a two-step path, evaluated from its data', () => {
  it('is the form compileFlag gives such rules, and only them', () => {
    const head = (cs: Condition[]) => compileFlag(flagWith(cs)).rules[0].equalsHead;
    expect(head([equals('tenant.type', 'enterprise')])).toBe('tenant');
    expect(head([equals('.', 'x')])).toBe('');
    expect(head([equals('tenant', 'x')])).toBeNull();
    expect(head([equals('tenant.settings.provider', 'x')])).toBeNull();
    expect(head([equals('tenant.__proto__', 'x')])).toBeNull();
    expect(head([equals('constructor.name', 'x')])).toBeNull();
    expect(head([{ attribute: 'tenant.type', operator: 'not_equals', value: 'x' }])).toBeNull();
    expect(head([{ attribute: 'tenant.type', operator: 'in', value: ['x'] }])).toBeNull();
    expect(head([equals('tenant.type', 'x'), equals('user.id', 'y')])).toBeNull();
    expect(head([])).toBeNull();
  });

  it('answers what the compiled condition answers, for every context', () => {
    let checked = 0;
    for (const condition of conditions) {
      const compiled = compileFlag(flagWith([condition]));
      expect(compiled.rules[0].equalsHead).not.toBeNull();
      const closure = compileCondition(condition);
      for (const [name, ctx] of contexts()) {
        const expected = closure(ctx) ? { value: true, reason: 'RULE_MATCH', ruleId: 'r' } : { value: false, reason: 'DEFAULT' };
        expect(evaluateCompiled(compiled, ctx), `${condition.attribute} equals ${String(condition.value)}: ${name}`).toEqual(expected);
        checked++;
      }
    }
    // Every shape was exercised, matching ones included.
    expect(checked).toBe(conditions.length * contexts().length);
    expect(contexts().filter(([, ctx]) => compileCondition(conditions[0])(ctx)).map(([name]) => name)).toEqual([
      'match',
      'head an array',
      'null prototypes',
      'getter tail',
      'non-enumerable tail',
      'array holding it',
      'number-like keys',
    ]);
  });

  it('touches a Proxy context with the same traps, in the same order', () => {
    const traced = (log: string[], target: object, name: string): object =>
      new Proxy(target, {
        getOwnPropertyDescriptor: (t, k) => (log.push(`${name}.gopd(${String(k)})`), Reflect.getOwnPropertyDescriptor(t, k)),
        get: (t, k, r) => (log.push(`${name}.get(${String(k)})`), Reflect.get(t, k, r)),
        has: (t, k) => (log.push(`${name}.has(${String(k)})`), Reflect.has(t, k)),
        getPrototypeOf: (t) => (log.push(`${name}.getPrototypeOf`), Reflect.getPrototypeOf(t)),
      });
    const condition = equals('tenant.type', 'enterprise');
    const compiled = compileFlag(flagWith([condition]));
    const closure = compileCondition(condition);
    for (const inner of [{ type: 'enterprise' }, { type: ['free', 'enterprise'] }, { type: 'free' }, {}]) {
      const viaClosure: string[] = [];
      const viaData: string[] = [];
      const a = closure(traced(viaClosure, { tenant: traced(viaClosure, inner, 'tenant') }, 'ctx') as Record<string, unknown>);
      const b = evaluateCompiled(compiled, traced(viaData, { tenant: traced(viaData, inner, 'tenant') }, 'ctx') as Record<string, unknown>);
      expect(b.reason === 'RULE_MATCH').toBe(a);
      expect(viaData).toEqual(viaClosure);
      expect(viaData.length).toBeGreaterThan(0);
    }
  });

  it('own properties named like the own-property test change nothing', () => {
    const compiled = compileFlag(flagWith([equals('tenant.type', 'enterprise')]));
    const threePaths = compileFlag(flagWith([equals('tenant.settings.tier', 'gold')]));
    const lying = { hasOwnProperty: () => false, tenant: { hasOwnProperty: () => false, type: 'enterprise', settings: { hasOwnProperty: () => false, tier: 'gold' } } };
    expect(evaluateCompiled(compiled, lying).reason).toBe('RULE_MATCH');
    expect(evaluateCompiled(threePaths, lying).reason).toBe('RULE_MATCH');
    const claiming = { hasOwnProperty: () => true, tenant: Object.create({ type: 'enterprise', settings: { tier: 'gold' } }) as Record<string, unknown> };
    expect(evaluateCompiled(compiled, claiming).reason).toBe('DEFAULT');
    expect(evaluateCompiled(threePaths, claiming).reason).toBe('DEFAULT');
  });

  it('a throwing getter or trap throws from both forms alike', () => {
    const condition = equals('tenant.type', 'enterprise');
    const compiled = compileFlag(flagWith([condition]));
    const closure = compileCondition(condition);
    const throwing = [
      { tenant: Object.defineProperty({}, 'type', { get: () => { throw new Error('getter'); } }) },
      { tenant: new Proxy({}, { getOwnPropertyDescriptor: () => { throw new Error('trap'); } }) },
    ];
    for (const ctx of throwing) {
      expect(() => closure(ctx)).toThrow();
      expect(() => evaluateCompiled(compiled, ctx)).toThrow();
    }
  });

  it('rules after it and environment targeting keep their order and answers', () => {
    const flag = makeFlag({
      key: 'ordered',
      type: 'string',
      defaultValue: 'default',
      rules: [
        { id: 'first', conditions: [equals('tenant.type', 'enterprise')], value: 'first' },
        { id: 'second', conditions: [equals('user.id', 'u1')], value: 'second' },
        { id: 'third', conditions: [{ attribute: 'user.id', operator: 'exists' }], value: 'third' },
      ],
      environments: { staging: { enabled: true, rules: [{ id: 'env', conditions: [equals('user.id', 'u2')], value: 'env' }] } },
    });
    const compiled = compileFlag(flag);
    expect(evaluateCompiled(compiled, { tenant: { type: 'enterprise' }, user: { id: 'u1' } })).toEqual({ value: 'first', reason: 'RULE_MATCH', ruleId: 'first' });
    expect(evaluateCompiled(compiled, { user: { id: 'u1' } })).toEqual({ value: 'second', reason: 'RULE_MATCH', ruleId: 'second' });
    expect(evaluateCompiled(compiled, { user: { id: 'u3' } })).toEqual({ value: 'third', reason: 'RULE_MATCH', ruleId: 'third' });
    expect(evaluateCompiled(compiled, {})).toEqual({ value: 'default', reason: 'DEFAULT' });
    expect(evaluateCompiled(compiled, { environment: 'staging', user: { id: 'u2' } })).toEqual({ value: 'env', reason: 'RULE_MATCH', ruleId: 'env' });
    expect(evaluateCompiled(compiled, { environment: 'staging', user: { id: 'u1' } })).toEqual({ value: 'default', reason: 'DEFAULT' });
  });
});
