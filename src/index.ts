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
