/** The public library API of `flagyard` (`import … from 'flagyard'` or `require('flagyard')`). */
// Explicit names only (issue 19): internals (hash helpers, compiled-condition
// plumbing, raw zod pieces) are not part of the API and can change freely.
// Every export is described in docs/api.md (test/api-docs.test.ts checks both
// ways). Names follow one scheme: `load*` reads files or git asynchronously;
// `create*Evaluator` is named after its input (flag objects, the directory, a
// bundle); `read*`/`append*` do synchronous I/O; `parse*`, `validate*`,
// `evaluate*` are pure. Internal modules keep their own names: the rename
// happens here, with `as`.
// Only `export { … } from '…'` statements: scripts/library-build.mjs reads them
// to load store, review and experiments code on first use (issue 21.3).
export {
  FlagSchema,
  RuleSchema,
  ConditionSchema,
  VariantSchema,
  FallthroughSchema,
  EnvironmentSchema,
  FLAG_FIELDS,
  FLAG_TYPES,
  KEY_PATTERN,
  OPERATORS,
  SEGMENT_OPERATORS,
  CONDITION_OPERATORS,
} from './schema/flag.js';
export type { Flag, Rule, Condition, Variant, Fallthrough, EnvironmentOverride, FlagType, JsonValue, Operator, SegmentOperator, ConditionOperator } from './schema/flag.js';
export type { Diagnostic, DiagnosticCode, FlagsErrorCode, Severity } from './errors.js';
export { FLAGS_ERROR_CODES, FlagsError } from './errors.js';
export { resolveFlagsDir } from './store/flag-repo.js';
export type { FlagSet } from './store/flag-repo.js';
export {
  evaluate,
  evaluateCompiled,
  compileFlag,
  compileSegments,
  createFlagEvaluator,
  explainEvaluation,
  parseSemver,
  bucketKeyOf,
  isInRollout,
  REASONS,
  ERROR_CODES,
  OPENFEATURE_REASONS,
  toOpenFeatureReason,
} from './evaluation/index.js';
export type {
  FlagEvaluator,
  FlagEvaluatorOptions,
  CompiledFlag,
  CompileOptions,
  SegmentsInput,
  EvaluationContext,
  EvaluationResult,
  Reason,
  ErrorCode,
  OpenFeatureReason,
  Explanation,
  RuleTrace,
  ConditionVerdict,
  BucketTrace,
} from './evaluation/index.js';
export { createDirectoryEvaluator, createEvaluator, type DirectoryEvaluator, type DirectoryEvaluatorOptions } from './store/live-evaluator.js';
export { readFlagSet as loadFlags } from './store/flag-repo.js';
export { setEnabled, kill, revive, setField, setRollout, createFlag, parseFlagValue, effectiveState, SETTABLE_FIELDS } from './store/flag-edits.js';
export type { EditOptions, FlagEditResult, FieldChange, EffectiveState, ToggleResult, KillResult, ReviveResult, SetFieldResult, RolloutResult, CreateFlagSpec, CreateResult } from './store/flag-edits.js';
export { diffFlagSets, diffFlag } from './review/diff-flags.js';
export type { FlagSetDiff, FlagChange, FlagSetSide, FieldChange as FlagFieldChange } from './review/diff-flags.js';
export { reviewFlagChanges, reviewOverContexts } from './review/review.js';
export type { FlagReview, ReviewedFlag, ReviewOptions, StreamingReview } from './review/review.js';
export { assessFlagRisk, type Risk, type FlagRisk } from './review/risk.js';
export { blastRadiusOverContexts, blastRadiusOverSegments, buildSegments, type BlastRadius, type Transition, type Segment, type SegmentRadius } from './review/blast-radius.js';
export { readFlagSetAtRevision as loadFlagsAtRevision, type RevisionFlagSet } from './store/git.js';
export type { Experiment, ExperimentStatus } from './schema/experiment.js';
export type { LogEvent, ExposureEvent, ConversionEvent } from './schema/event.js';
export { createExperiment, applyExperimentAction } from './store/experiment-edits.js';
export { appendEvent, readEventLines, DEFAULT_EVENT_LOG } from './store/event-log.js';
export { analyzeExperiment, describeVerdict, type ExperimentResults, type ExperimentAnalysis } from './experiments/results.js';
export { createTally, tallyLine, summarizeTally, type TallySummary } from './experiments/tally.js';
// ---- SPEC 6: segments, authoring ----
export { SegmentSchema, SEGMENTS_DIR, type Segment as SegmentDefinition } from './schema/segment.js';
export { validateSegmentFiles, parseSegmentFile, type SegmentIndex } from './schema/segment-checks.js';
export { readSegments } from './store/flag-repo.js';
export { parseWhen } from './schema/when.js';
export { addRule, removeRule, moveRule, setWeights, editTags, setEnvRollout, deleteFlag } from './store/rule-edits.js';
export type { RuleSpec, RuleEditResult, WeightsResult, TagsResult, EnvRolloutResult, DeleteResult } from './store/rule-edits.js';
export { reviewSegmentChanges, type ReviewedSegment } from './review/segment-changes.js';

// ---- experiments, second round (SPEC 8) ----
export { recordExposure, recordConversion, type RecordExposureOptions, type RecordConversionOptions, type RecordExposureResult, type ExperimentLookup } from './store/experiment-recorder.js';
export { readExperimentSet as loadExperiments } from './store/experiment-repo.js';
export type { SufficientStats, ArmMetricStats, ExcludedCounts, TimelineDay } from './experiments/sufficient-stats.js';
export { tallyStats, tallyAll, needsSecondPass, beginSecondPass } from './experiments/tally.js';
export { planExperiment, type Plan, type PlanInput } from './experiments/plan.js';
export type { MetricResult, AnalysisMode } from './experiments/results.js';
export type { ParsedVersion } from './evaluation/operators/semver.js';
