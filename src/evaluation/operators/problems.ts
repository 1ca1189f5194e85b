/**
 * How a condition value the evaluator cannot use is worded, for every family
 * alike: validation prints these, and the evaluator throws them for a flag
 * that skipped validation.
 */
import type { ConditionValueProblem } from './types.js';

/**
 * A value as messages name it: `string "yes"`, `number 2`, `a list`, `a
 * mapping`, `no value`. Also used by the schema for every "got …" message.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'no value';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  if (typeof value === 'object') return 'a mapping';
  // .inf and .nan are numbers YAML can write and JSON cannot.
  if (typeof value === 'number' && !Number.isFinite(value)) return `number ${String(value)}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** `gt needs a number, got string "15"`, or `equals needs a value` when there is none. */
export function wrongValue(operator: string, expected: string, value: unknown): ConditionValueProblem {
  const message = value === undefined ? `${operator} needs a value` : `${operator} needs ${expected}, got ${describeValue(value)}`;
  return { code: 'INVALID_OPERATOR_VALUE', message };
}
