/**
 * Running flag test specs (issue 20): each case evaluated and compared with
 * what it expects; each rollout assertion counted over a population. Pure and
 * deterministic: generated users get ids derived from the spec (`<seed>-<n>`),
 * so a rollout test gives the same answer on every run and every machine.
 */
import type { EvaluationContext, EvaluationResult, FlagEvaluator } from '../evaluation/index.js';
import type { JsonValue } from '../schema/flag.js';
import { shareOf, type LocatedTest, type RolloutTest, type TestCase } from '../schema/test-spec.js';
import { canonicalJson } from './flag-state.js';

export interface TestPlace {
  file: string;
  line: number;
  column: number;
}

export interface CaseResult extends TestPlace {
  kind: 'case';
  flag: string;
  description?: string;
  context: EvaluationContext;
  expect: TestCase['expect'];
  actual: EvaluationResult<JsonValue | undefined>;
  passed: boolean;
  /** What differs, one phrase each ("value: expected true, got false"). */
  mismatches: string[];
}

export interface RolloutResult extends TestPlace {
  kind: 'rollout';
  flag: string;
  description?: string;
  value: JsonValue;
  expectedShare: number;
  tolerance: number;
  /** Contexts evaluated, and those that got `value`. */
  contexts: number;
  matched: number;
  share: number;
  /** Share per value served, most frequent first (the actual distribution). */
  values: { value: JsonValue | undefined; count: number }[];
  /** Set when the contexts could not be read: the test fails with this message. */
  error?: string;
  passed: boolean;
}

export type FlagTestResult = CaseResult | RolloutResult;

const show = (v: unknown) => (v === undefined ? 'nothing' : canonicalJson(v));

/** The context a case evaluates: its `context`, with `environment` set when given. */
export function contextOfCase(test: TestCase): EvaluationContext {
  return test.environment === undefined ? (test.context as EvaluationContext) : { ...(test.context as EvaluationContext), environment: test.environment };
}

export function runTestCase(evaluator: FlagEvaluator, located: LocatedTest<TestCase>): CaseResult {
  const { test } = located;
  const context = contextOfCase(test);
  const actual = evaluator.evaluate(test.flag, context);
  const mismatches: string[] = [];
  if (canonicalJson(actual.value) !== canonicalJson(test.expect.value)) mismatches.push(`value: expected ${show(test.expect.value)}, got ${show(actual.value)}`);
  if (test.expect.reason !== undefined && actual.reason !== test.expect.reason) mismatches.push(`reason: expected ${test.expect.reason}, got ${actual.reason}`);
  if (test.expect.ruleId !== undefined && actual.ruleId !== test.expect.ruleId) mismatches.push(`ruleId: expected ${test.expect.ruleId}, got ${actual.ruleId ?? 'none'}`);
  if (test.expect.variant !== undefined && actual.variant !== test.expect.variant) mismatches.push(`variant: expected ${test.expect.variant}, got ${actual.variant ?? 'none'}`);
  return {
    kind: 'case',
    file: located.file,
    line: located.line,
    column: located.column,
    flag: test.flag,
    ...(test.description !== undefined && { description: test.description }),
    context,
    expect: test.expect,
    actual,
    passed: mismatches.length === 0,
    mismatches,
  };
}

/**
 * The generated population of a rollout test: `n` users with ids
 * `<seed>-1` … `<seed>-n` (seed: the spec's, else the flag key), each on top
 * of the test's `context`.
 */
export function* generatedUsers(test: RolloutTest, n: number): Generator<EvaluationContext> {
  const base = test.context as EvaluationContext;
  const seed = test.seed ?? test.flag;
  const user = base.user !== null && typeof base.user === 'object' ? base.user : {};
  for (let i = 1; i <= n; i++) {
    const ctx: EvaluationContext = { ...base, user: { ...user, id: `${seed}-${i}` } };
    if (test.environment !== undefined) ctx.environment = test.environment;
    yield ctx;
  }
}

/** Counts a rollout test's population as it streams by (a contexts file may be large). */
export class ShareCounter {
  private readonly counts = new Map<string, { value: JsonValue | undefined; count: number }>();
  private total = 0;
  private readonly wanted: string;

  constructor(
    private readonly evaluator: FlagEvaluator,
    private readonly located: LocatedTest<RolloutTest>,
  ) {
    this.wanted = canonicalJson(located.test.expectShare.value);
  }

  add(context: EvaluationContext): void {
    const test = this.located.test;
    const ctx = test.environment !== undefined && typeof test.contexts === 'string' ? { ...context, environment: test.environment } : context;
    const { value } = this.evaluator.evaluate(test.flag, ctx);
    const key = show(value);
    const entry = this.counts.get(key);
    if (entry) entry.count++;
    else this.counts.set(key, { value, count: 1 });
    this.total++;
  }

  finish(error?: string): RolloutResult {
    const { test, file, line, column } = this.located;
    const { share: expectedShare, tolerance } = shareOf(test.expectShare);
    const matched = [...this.counts.entries()].find(([k]) => k === this.wanted)?.[1].count ?? 0;
    const share = this.total === 0 ? 0 : matched / this.total;
    // A hair of slack for binary fractions (0.1 - 0.09 is 0.010000000000000009).
    const passed = error === undefined && this.total > 0 && Math.abs(share - expectedShare) <= tolerance + 1e-12;
    return {
      kind: 'rollout',
      file,
      line,
      column,
      flag: test.flag,
      ...(test.description !== undefined && { description: test.description }),
      value: test.expectShare.value,
      expectedShare,
      tolerance,
      contexts: this.total,
      matched,
      share,
      values: [...this.counts.values()].sort((a, b) => b.count - a.count),
      ...(error !== undefined && { error }),
      passed,
    };
  }
}
