/** The public library API of `flags`. */
export * from './schema/flag.js';
export type { Diagnostic, DiagnosticCode, Severity } from './errors.js';
export { FlagsError } from './errors.js';
export { resolveFlagsDir } from './store/flag-repo.js';
export type { FlagSet } from './store/flag-repo.js';
export * from './evaluation/index.js';
export { createEvaluator, type LiveEvaluator, type LiveEvaluatorOptions } from './store/live-evaluator.js';
export { readFlagSet as loadFlags } from './store/flag-repo.js';
export { setEnabled, kill, revive, setField, setRollout, createFlag, parseFlagValue, effectiveState, SETTABLE_FIELDS } from './store/flag-edits.js';
export type { EditOptions, FlagEditResult, FieldChange, EffectiveState, ToggleResult, KillResult, ReviveResult, SetFieldResult, RolloutResult, CreateFlagSpec, CreateResult } from './store/flag-edits.js';
export { diffFlagSets, diffFlag } from './review/diff-flags.js';
export type { FlagSetDiff, FlagChange, FlagSetSide, FieldChange as FlagFieldChange } from './review/diff-flags.js';
export { reviewFlagChanges, reviewOverContexts } from './review/review.js';
export type { FlagReview, ReviewedFlag, ReviewOptions, StreamingReview } from './review/review.js';
export { assessFlagRisk, type Risk, type FlagRisk } from './review/risk.js';
export { blastRadiusOverContexts, blastRadiusOverSegments, buildSegments, type BlastRadius, type Transition, type Segment, type SegmentRadius } from './review/blast-radius.js';
export { readFlagSetAtRevision, type RevisionFlagSet } from './store/git.js';
