/**
 * OpenFeature resolution details from our results: success as details, errors
 * thrown as the SDK's error classes (it then serves the caller's default and
 * reports the code).
 */
import { FlagNotFoundError, GeneralError, ParseError, TypeMismatchError, type OpenFeatureError, type ResolutionDetails } from '@openfeature/server-sdk';
import type { EvaluationResult } from '../evaluation/index.js';
import { toOpenFeatureResult, type OpenFeatureErrorCode } from './mapping.js';

export { toEvaluationContext } from './mapping.js';

export function toResolutionError(code: OpenFeatureErrorCode, message: string): OpenFeatureError {
  switch (code) {
    case 'FLAG_NOT_FOUND':
      return new FlagNotFoundError(message);
    case 'PARSE_ERROR':
      return new ParseError(message);
    case 'TYPE_MISMATCH':
      return new TypeMismatchError(message);
    default:
      return new GeneralError(message);
  }
}

export function toResolutionDetails<T>(key: string, result: EvaluationResult<T>, expected: string): ResolutionDetails<T> {
  const r = toOpenFeatureResult(key, result, expected);
  if (r.errorCode !== undefined) throw toResolutionError(r.errorCode, r.errorDetails!);
  const details: ResolutionDetails<T> = { value: result.value, reason: r.reason, flagMetadata: r.metadata };
  if (r.variant !== undefined) details.variant = r.variant;
  return details;
}
