/**
 * The evaluation vocabulary: what a context looks like, what an evaluation
 * returns, and the closed sets of reasons and error codes (SPEC 2), with their
 * OpenFeature equivalents.
 */
import type { JsonValue } from '../schema/flag.js';

/**
 * What a flag is evaluated for. Conditions reach any own property by a dot path
 * (`tenant.type`, `attributes.plan`); `user.id`, else `tenant.id`, is the
 * bucketing key of rollouts and variant splits.
 */
export interface EvaluationContext {
  environment?: string;
  tenant?: { id?: string | number; type?: string; [key: string]: unknown };
  user?: { id?: string | number; [key: string]: unknown };
  attributes?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Why a value was served. Closed: consumers may switch on it exhaustively. */
export const REASONS = [
  'KILL_SWITCH',
  'ENVIRONMENT_DISABLED',
  'ENVIRONMENT_OVERRIDE',
  'DISABLED',
  'RULE_MATCH',
  'SPLIT',
  'FALLTHROUGH',
  'DEFAULT',
  'ERROR',
] as const;
export type Reason = (typeof REASONS)[number];

/** Set exactly when `reason` is `ERROR`. */
export const ERROR_CODES = ['FLAG_NOT_FOUND', 'PARSE_ERROR', 'TYPE_MISMATCH', 'INVALID_CONTEXT'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * The answer of one evaluation. `ruleId` is set for `RULE_MATCH`, `variant`
 * (the variant's key) for `SPLIT`, `errorCode` for `ERROR`; other keys are
 * absent, not `undefined`. Values are shared with the flag: treat them as
 * read-only.
 */
export interface EvaluationResult<T = JsonValue> {
  value: T;
  reason: Reason;
  ruleId?: string;
  variant?: string;
  errorCode?: ErrorCode;
}

export type OpenFeatureReason = 'STATIC' | 'TARGETING_MATCH' | 'SPLIT' | 'DEFAULT' | 'DISABLED' | 'ERROR';

/**
 * Our reasons as OpenFeature standard reasons, for a provider that must report
 * those. Our vocabulary is finer; the mapping loses the distinction, never the
 * meaning:
 * - KILL_SWITCH, ENVIRONMENT_DISABLED, DISABLED → DISABLED: the flag is off and
 *   serves its default.
 * - ENVIRONMENT_OVERRIDE → STATIC: a provider serves one environment, where the
 *   override is a fixed value that no other context attribute changes.
 * - RULE_MATCH → TARGETING_MATCH (a targeting rule chose the value, even when
 *   it also has a rollout percentage: the rule is the explanation).
 * - SPLIT → SPLIT: pseudorandom (hash-based) assignment among variants.
 * - FALLTHROUGH, DEFAULT → DEFAULT: no targeting rule applied, the flag's
 *   pre-configured fallback was served.
 * - ERROR → ERROR (the errorCodes map one to one: FLAG_NOT_FOUND, PARSE_ERROR,
 *   TYPE_MISMATCH exist in OpenFeature under the same names).
 */
export const OPENFEATURE_REASONS: Readonly<Record<Reason, OpenFeatureReason>> = Object.freeze({
  KILL_SWITCH: 'DISABLED',
  ENVIRONMENT_DISABLED: 'DISABLED',
  ENVIRONMENT_OVERRIDE: 'STATIC',
  DISABLED: 'DISABLED',
  RULE_MATCH: 'TARGETING_MATCH',
  SPLIT: 'SPLIT',
  FALLTHROUGH: 'DEFAULT',
  DEFAULT: 'DEFAULT',
  ERROR: 'ERROR',
});

/** The OpenFeature standard reason for one of ours (see OPENFEATURE_REASONS). */
export function toOpenFeatureReason(reason: Reason): OpenFeatureReason {
  return OPENFEATURE_REASONS[reason];
}
