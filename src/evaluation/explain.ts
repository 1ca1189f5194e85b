/**
 * `flags eval --explain` (SPEC 6): why a context got its value. Every step of
 * SPEC 2 in order, every rule with each condition's verdict (the attribute
 * value seen, the operator, the expected value), and the bucket key and
 * bucket numbers the rollouts and the split used.
 *
 * Why the result comes from evaluate() and not from this trace: the trace is
 * for people; the answer must be the evaluator's own, so the two can never
 * disagree on the value even if a future step were traced imperfectly (a
 * property test checks that the trace's deciding step matches the reason).
 */
import { isSegmentOperator } from './operators/names.js';
import type { Condition, Fallthrough, Flag, JsonValue, Rule } from '../schema/flag.js';
import { inRollout, md5Uint32, rolloutThreshold } from './bucketing.js';
import { compileFlag, type CompileOptions } from './compile.js';
import { compileCondition, compileSegments, resolveAttribute } from './conditions.js';
import { bucketKeyFor, evaluateCompiled } from './evaluate.js';
import type { SegmentTable } from './segments.js';
import type { EvaluationContext, EvaluationResult } from './types.js';

export interface ConditionVerdict {
  operator: string;
  attribute?: string;
  /** The value found at `attribute`; absent when the context lacks it. */
  actual?: unknown;
  /** The condition's `value`. */
  expected?: JsonValue;
  holds: boolean;
  /** For in_segment / not_in_segment: whether the context is in each segment. */
  segments?: { key: string; member: boolean }[];
}

export interface RuleTrace {
  id: string;
  conditions: ConditionVerdict[];
  /** Every condition holds. */
  conditionsHold: boolean;
  percentage?: number;
  /** With a percentage: whether the context is in the rollout (false without a bucket key). */
  inRollout?: boolean;
  /** This rule decided the value. */
  matched: boolean;
  /** A rule after the deciding step is not evaluated by the evaluator (its verdicts are shown anyway). */
  reached: boolean;
}

export interface BucketTrace {
  /** `bucketBy` path, or the seed's `user.id || tenant.id || 'anonymous'`. */
  by: string;
  /** The bucket key used; null when the context lacks the bucketBy attribute. */
  key: string | null;
  /** h % 100 of md5(flagKey:bucketKey): a context is in a P% rollout when this is below P. */
  rollout?: number;
  /** floor(h / 100) % 100: decides the bucket that is partly in a fractional rollout. */
  rolloutHundredths?: number;
  /** h % 100 of md5(flagKey:bucketKey:variant), walked against the cumulative weights. */
  variant?: number;
}

export interface Explanation {
  result: EvaluationResult<JsonValue>;
  killSwitch: boolean;
  environment?: { name: string; defined: boolean; enabled?: boolean; value?: JsonValue; ownRules: boolean; ownFallthrough: boolean };
  enabled: boolean;
  /** Where the rules and fallthrough in force come from. */
  targetingFrom: 'flag' | 'environment';
  rules: RuleTrace[];
  variants?: { key: string; weight: number; cumulative: number }[];
  fallthrough?: { percentage?: number; inRollout?: boolean; value: JsonValue };
  bucket: BucketTrace;
}

/** Explains the evaluation of a flag for a context (same options as compileFlag). */
export function explainEvaluation(flag: Flag, context: EvaluationContext, options: CompileOptions = {}): Explanation {
  const segments = options.segments === undefined ? undefined : compileSegments(options.segments);
  const compiled = compileFlag(flag, { segments });
  const result = evaluateCompiled(compiled, context);
  const envName = typeof context.environment === 'string' ? context.environment : undefined;
  const env = envName !== undefined && flag.environments && Object.hasOwn(flag.environments, envName) ? flag.environments[envName] : undefined;
  const envActive = env !== undefined && env.enabled && env.value === undefined;
  const ownRules = env?.rules !== undefined;
  const ownFallthrough = env?.fallthrough !== undefined;
  const rules: readonly Rule[] = envActive && ownRules ? env!.rules! : flag.rules;
  const fallthrough: Fallthrough | undefined = envActive && ownFallthrough ? env!.fallthrough : flag.fallthrough;

  const key = bucketKeyFor(compiled, context);
  const bucket: BucketTrace = { by: flag.bucketBy ?? "user.id || tenant.id || 'anonymous'", key };
  let h: number | undefined;
  if (key !== null) {
    h = md5Uint32(flag.key + ':' + key);
    bucket.rollout = h % 100;
    bucket.rolloutHundredths = Math.floor(h / 100) % 100;
    if (flag.variants && flag.variants.length > 0) bucket.variant = md5Uint32(flag.key + ':' + key + ':variant') % 100;
  }
  const rolls = (p: number) => h !== undefined && inRollout(h, rolloutThreshold(p));

  const rulesReached = result.reason === 'RULE_MATCH' || result.reason === 'SPLIT' || result.reason === 'FALLTHROUGH' || result.reason === 'DEFAULT';
  let decided = false;
  const ruleTraces = rules.map((r): RuleTrace => {
    const conditions = r.conditions.map((c) => verdictOf(c, context, segments));
    const conditionsHold = conditions.every((c) => c.holds);
    const trace: RuleTrace = { id: r.id, conditions, conditionsHold, matched: false, reached: rulesReached && !decided };
    if (r.percentage !== undefined) {
      trace.percentage = r.percentage;
      trace.inRollout = rolls(r.percentage);
    }
    if (result.reason === 'RULE_MATCH' && result.ruleId === r.id && !decided && conditionsHold) {
      trace.matched = true;
      decided = true;
    }
    return trace;
  });

  let cumulative = 0;
  const explanation: Explanation = {
    result,
    killSwitch: flag.killSwitch === true,
    enabled: flag.enabled,
    targetingFrom: envActive && (ownRules || ownFallthrough) ? 'environment' : 'flag',
    rules: ruleTraces,
    bucket,
  };
  if (envName !== undefined) {
    explanation.environment = { name: envName, defined: env !== undefined, ownRules, ownFallthrough };
    if (env !== undefined) {
      explanation.environment.enabled = env.enabled;
      if (env.value !== undefined) explanation.environment.value = env.value;
    }
  }
  if (flag.variants && flag.variants.length > 0) explanation.variants = flag.variants.map((v) => ({ key: v.key, weight: v.weight, cumulative: (cumulative += v.weight) }));
  if (fallthrough) {
    explanation.fallthrough = { value: fallthrough.value };
    if (fallthrough.percentage !== undefined) {
      explanation.fallthrough.percentage = fallthrough.percentage;
      explanation.fallthrough.inRollout = rolls(fallthrough.percentage);
    }
  }
  return explanation;
}

function verdictOf(c: Condition, context: EvaluationContext, segments: SegmentTable | undefined): ConditionVerdict {
  const holds = compileCondition(c, segments)(context);
  const v: ConditionVerdict = { operator: c.operator, holds };
  if (c.value !== undefined) v.expected = c.value;
  if (isSegmentOperator(c.operator)) {
    if (segments && Array.isArray(c.value)) v.segments = c.value.map((k) => ({ key: String(k), member: segments.membership(String(k))(context) }));
    return v;
  }
  if (c.attribute !== undefined) {
    v.attribute = c.attribute;
    const actual = resolveAttribute(context, c.attribute);
    if (actual !== undefined) v.actual = actual;
  }
  return v;
}
