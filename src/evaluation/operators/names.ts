/**
 * The names of the condition operators (SPEC 1.2 and 6): plain data with no
 * zod, shared by the schema, the evaluator and the review, so the runtime
 * bundle can name operators without loading the schema library. Each name's
 * family (value check, compile, samples) is listed in registry.ts, which does
 * not compile while a name here has none (docs/contributing.md).
 */
export const OPERATORS = [
  'equals',
  'not_equals',
  'contains',
  'not_contains',
  'in',
  'not_in',
  'gt',
  'lt',
  'gte',
  'lte',
  'regex',
  'semver_gt',
  'semver_lt',
  'semver_eq',
  'semver_gte',
  'semver_lte',
  'exists',
  'not_exists',
] as const;
export type Operator = (typeof OPERATORS)[number];

/**
 * Segment operators (SPEC 6): `value` is a list of segment keys and there is
 * no `attribute`. Kept apart from OPERATORS, whose members all test an
 * attribute value, so code about attribute operators stays about them.
 */
export const SEGMENT_OPERATORS = ['in_segment', 'not_in_segment'] as const;
export type SegmentOperator = (typeof SEGMENT_OPERATORS)[number];
export const CONDITION_OPERATORS = [...OPERATORS, ...SEGMENT_OPERATORS] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

export function isSegmentOperator(op: string): op is SegmentOperator {
  return op === 'in_segment' || op === 'not_in_segment';
}

