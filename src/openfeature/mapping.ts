/**
 * Our evaluation results in OpenFeature's vocabulary, shared by the provider
 * and the OFREP server (`flags serve`) so both report the same thing. Pure.
 */
import { OPENFEATURE_REASONS, type EvaluationContext, type EvaluationResult } from '../evaluation/index.js';

/** OpenFeature's error codes that we produce. */
export type OpenFeatureErrorCode = 'FLAG_NOT_FOUND' | 'PARSE_ERROR' | 'TYPE_MISMATCH' | 'GENERAL' | 'INVALID_CONTEXT';

export interface OpenFeatureResult {
  value: unknown;
  /** An OpenFeature standard reason (types.ts OPENFEATURE_REASONS). */
  reason: string;
  variant?: string;
  /** `ruleId` when a rule chose the value; `flagyardReason`, our finer reason, always. */
  metadata: Record<string, string>;
  errorCode?: OpenFeatureErrorCode;
  errorDetails?: string;
}

/**
 * The OpenFeature context as ours: attributes as given, and `targetingKey`
 * becomes `user.id` when the context has none (SPEC 7), so rollouts bucket by
 * the key the application already sets.
 */
export function toEvaluationContext(context: Record<string, unknown> | undefined): EvaluationContext {
  if (context === undefined || context === null) return {};
  const { targetingKey, ...rest } = context;
  const out = rest as EvaluationContext;
  if ((typeof targetingKey === 'string' && targetingKey !== '') || typeof targetingKey === 'number') {
    const user = out.user;
    if (user === undefined || user === null || typeof user !== 'object' || Array.isArray(user)) {
      if (user === undefined) out.user = { id: targetingKey };
    } else if (user.id === undefined) {
      out.user = { ...user, id: targetingKey };
    }
  }
  return out;
}

/** Why an error result came about, in a sentence. */
export function errorDetailsOf(key: string, errorCode: string, expected?: string): string {
  switch (errorCode) {
    case 'FLAG_NOT_FOUND':
      return `flag "${key}" not found`;
    case 'PARSE_ERROR':
      return `flag "${key}" is invalid and not served (run \`flags validate\`)`;
    case 'TYPE_MISMATCH':
      return `flag "${key}" does not hold a ${expected ?? 'value of the requested type'}`;
    default:
      return `evaluating flag "${key}" failed`;
  }
}

/** One result in OpenFeature's terms. */
export function toOpenFeatureResult(key: string, result: EvaluationResult<unknown>, expected?: string): OpenFeatureResult {
  const metadata: Record<string, string> = { flagyardReason: result.reason };
  if (result.ruleId !== undefined) metadata.ruleId = result.ruleId;
  const out: OpenFeatureResult = { value: result.value, reason: OPENFEATURE_REASONS[result.reason], metadata };
  if (result.variant !== undefined) out.variant = result.variant;
  if (result.errorCode !== undefined) {
    out.errorCode = result.errorCode;
    out.errorDetails = errorDetailsOf(key, result.errorCode, expected);
  }
  return out;
}
