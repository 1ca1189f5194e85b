/**
 * The evaluation engine: pure, synchronous, no I/O. See SPEC 2.
 */
export { evaluate, evaluateCompiled } from './evaluate.js';
export { createFlagEvaluator, type FlagEvaluator, type FlagEvaluatorOptions } from './evaluator.js';
export { forwardingEvaluator } from './forwarding.js';
export {
  compileFlag,
  regexProblem,
  parseSemver,
  conditionValueProblem,
  type CompiledFlag,
  type CompiledRule,
  type CompiledVariants,
  type CompiledEnvironment,
  type CompileOptions,
  type ConditionValueProblem,
} from './compile.js';
export { compileCondition, compileAttributePath, resolveAttribute, matchCondition, type CompiledCondition, type AttributeGetter } from './conditions.js';
// ---- SPEC 6: segments, bucketBy, explain ----
export { compileSegments, compileConditions } from './conditions.js';
export type { SegmentTable, SegmentsInput } from './segments.js';
export { bucketKeyFor } from './evaluate.js';
export {
  bucketKeyOf,
  rolloutHash,
  variantHash,
  isInRollout,
  rolloutThreshold,
  pickVariantIndex,
  cumulativeWeights,
  md5Uint32,
  type RolloutThreshold,
} from './bucketing.js';
export {
  REASONS,
  ERROR_CODES,
  OPENFEATURE_REASONS,
  toOpenFeatureReason,
  type EvaluationContext,
  type EvaluationResult,
  type Reason,
  type ErrorCode,
  type OpenFeatureReason,
} from './types.js';
export { explainEvaluation, type Explanation, type RuleTrace, type ConditionVerdict, type BucketTrace } from './explain.js';
