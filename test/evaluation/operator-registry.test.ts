/**
 * Issue 19.3, one home per operator: every operator the schema accepts has
 * exactly one family descriptor, and each descriptor's three answers (value
 * check, compile, blast-radius samples) agree with one another through the
 * paths validation, evaluation and review really take.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlagsError } from '../../src/errors.js';
import { compileCondition } from '../../src/evaluation/conditions.js';
import { compileOperator, conditionValueProblem, FAMILIES, familyOf, sampleValues } from '../../src/evaluation/operators/index.js';
import { createSegmentTable } from '../../src/evaluation/segments.js';
import type { EvaluationContext } from '../../src/evaluation/types.js';
import { conditionFindings } from '../../src/schema/checks.js';
import { CONDITION_OPERATORS, type Condition, type ConditionOperator } from '../../src/schema/flag.js';

const ATTRIBUTE_OPERATORS = CONDITION_OPERATORS.filter((op) => familyOf(op).subject === 'attribute');

/** A representative condition value per attribute operator (undefined: the operator takes none). */
const REPRESENTATIVE: [ConditionOperator, unknown][] = [
  ['equals', 'pro'],
  ['equals', 15],
  ['equals', true],
  ['not_equals', 'pro'],
  ['contains', '@acme'],
  ['not_contains', '@acme'],
  ['in', ['pro', 'enterprise']],
  ['in', [1, 2]],
  ['not_in', ['pro', 'enterprise']],
  ['gt', 10],
  ['gt', 1.25],
  ['lt', 10],
  ['gte', 10],
  ['lte', -0.5],
  ['regex', '^[a-z]+@acme\\.com$'],
  ['semver_gt', '2.3.0'],
  ['semver_lt', '2.3'],
  ['semver_eq', '2.3.0-beta.1'],
  ['semver_gte', '1.0.0'],
  ['semver_lte', '0.0.1'],
  ['exists', undefined],
  ['not_exists', undefined],
];

/**
 * Families whose samples cannot include a matching value: a value matching
 * an arbitrary pattern is not derived, and the family says so in its note
 * (the report then names the rule as not covered).
 */
const NON_MATCHING_ONLY = new Set<ConditionOperator>(['regex']);

function conditionOf(operator: ConditionOperator, value: unknown): Condition {
  return { attribute: 'x', operator, ...(value === undefined ? {} : { value }) } as Condition;
}

/** Whether the compiled condition holds for a context whose `x` is `sample` (null: missing). */
function accepts(operator: ConditionOperator, value: unknown, sample: unknown): boolean {
  const ctx: EvaluationContext = sample === null ? {} : { x: sample };
  return compileCondition(conditionOf(operator, value))(ctx);
}

describe('the registry', () => {
  it('has exactly one family for every operator the schema accepts, and no family names another', () => {
    const owners = new Map<string, number>();
    for (const family of FAMILIES) for (const name of family.names) owners.set(name, (owners.get(name) ?? 0) + 1);
    expect([...owners.keys()].sort()).toEqual([...CONDITION_OPERATORS].sort());
    expect([...owners.values()].every((n) => n === 1)).toBe(true);
    for (const op of CONDITION_OPERATORS) expect(familyOf(op).names).toContain(op);
  });

  it('refuses an operator no family knows (a flag that skipped validation) with a FlagsError, not a TypeError', () => {
    const unknown = { attribute: 'x', operator: 'starts_with', value: 'a' } as unknown as Condition;
    expect(() => compileCondition(unknown)).toThrow(FlagsError);
    expect(() => compileCondition(unknown)).toThrow('unknown operator "starts_with"');
  });

  it('covers every attribute operator with a representative condition here', () => {
    expect(new Set(REPRESENTATIVE.map(([op]) => op))).toEqual(new Set(ATTRIBUTE_OPERATORS));
  });
});

describe('each family: value check, compile and samples agree', () => {
  it.each(REPRESENTATIVE)('%s %j: the value is accepted, and its samples include a value the condition accepts and one it rejects', (operator, value) => {
    expect(conditionValueProblem(operator, value)).toBeNull();
    const samples = sampleValues(operator, value);
    const results = samples.around.map((s) => accepts(operator, value, s));
    expect(results).toContain(false);
    if (NON_MATCHING_ONLY.has(operator)) {
      expect(samples.note).toMatch(/non-matching/);
    } else {
      expect(results).toContain(true);
      expect(samples.note).toBeUndefined();
    }
  });

  it.each([
    ['gt', 10, [9, 10, 11]],
    ['lte', 1.25, [1.24, 1.25, 1.26]],
    ['semver_gte', '2.3.0', ['2.2.999', '2.3.0', '2.3.1']],
    ['semver_lt', '2.0.0', ['1.999.999', '2.0.0', '2.0.1']],
  ] as const)('%s %j samples either side of its boundary and the boundary itself', (operator, value, around) => {
    const samples = sampleValues(operator, value);
    expect(samples.around).toEqual(around);
    // Strictly ordered: the values below and above decide differently from the boundary.
    const [below, at, above] = around.map((s) => accepts(operator, value, s));
    expect(below === at && at === above).toBe(false);
  });

  it.each(CONDITION_OPERATORS.map((op) => [op]))('%s: a wrong-typed value is a problem, reported by validation and thrown by the evaluator alike', (operator) => {
    const wrong = familyOf(operator).subject === 'attribute' ? { a: 1 } : 'beta-testers';
    const problem = conditionValueProblem(operator, wrong);
    expect(problem?.code).toBe('INVALID_OPERATOR_VALUE');
    expect(problem?.message).toContain(operator);
    const condition = { operator, value: wrong, ...(familyOf(operator).subject === 'attribute' ? { attribute: 'x' } : {}) } as Condition;
    expect(conditionFindings([condition], ['conditions']).map((f) => [f.code, f.message])).toEqual([[problem!.code, problem!.message]]);
    let thrown: unknown;
    try {
      compileOperator(operator, wrong);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(FlagsError);
    expect((thrown as FlagsError).code).toBe(problem!.code);
  });

  it.each([
    ['equals', ['pro']],
    ['in', 'pro'],
    ['contains', 1],
    ['gt', '15'],
    ['regex', 5],
    ['semver_gt', 2.3],
    ['exists', true],
    ['in_segment', []],
  ] as const)('%s rejects %j', (operator, value) => {
    expect(conditionValueProblem(operator, value)?.code).toBe('INVALID_OPERATOR_VALUE');
  });

  it.each(CONDITION_OPERATORS.map((op) => [op]))('%s: sampling never throws, whatever the value', (operator) => {
    for (const value of [undefined, null, 'x', '', 0, Number.NaN, true, [], ['a', 1], [['a']], { a: 1 }]) {
      expect(() => sampleValues(operator, value)).not.toThrow();
    }
  });

  it('segment membership: names no attribute, compiles to membership of the segments table, and has no attribute values to sample', () => {
    const family = familyOf('in_segment');
    expect(family.subject).not.toBe('attribute');
    const table = createSegmentTable([{ key: 'staff', conditions: [{ attribute: 'x', operator: 'equals', value: 'staff' }] }], (s) =>
      (ctx) => s.conditions.every((c) => compileCondition(c)(ctx)),
    );
    const staff: EvaluationContext = { x: 'staff' };
    const other: EvaluationContext = { x: 'other' };
    expect([staff, other].map((ctx) => compileCondition({ operator: 'in_segment', value: ['staff'] } as Condition, table)(ctx))).toEqual([true, false]);
    expect([staff, other].map((ctx) => compileCondition({ operator: 'not_in_segment', value: ['staff'] } as Condition, table)(ctx))).toEqual([false, true]);
    // The blast radius writes segments out into their conditions before sampling.
    expect(sampleValues('in_segment', ['staff'])).toEqual({ listed: [], around: [] });
  });
});

describe('dependencies', () => {
  const dir = join(__dirname, '../../src/evaluation/operators');
  const importsOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^;]*?from '([^']+)'/gms)].map((m) => m[1]);

  it('the operators folder imports nothing from schema/ or the rest of evaluation/: both import it, never each other for an operator', () => {
    const outside = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => importsOf(join(dir, f)).map((spec) => `${f}: ${spec}`))
      .filter((line) => {
        const spec = line.split(': ')[1];
        return spec.startsWith('.') && !spec.startsWith('./') && spec !== '../../errors.js';
      });
    expect(outside).toEqual([]);
  });

  it('schema/checks.ts reaches evaluation only through the operators', () => {
    const specs = importsOf(join(__dirname, '../../src/schema/checks.ts')).filter((s) => s.includes('evaluation'));
    expect(specs.every((s) => s.startsWith('../evaluation/operators/'))).toBe(true);
  });
});
