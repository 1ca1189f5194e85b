/**
 * in_segment / not_in_segment (SPEC 6): the context is in any of the listed
 * segments / in none of them. The condition names segment keys instead of an
 * attribute; evaluation/conditions.ts resolves them against the segment table
 * the evaluator was given.
 */
import { describeValue } from './problems.js';
import type { OperatorFamily } from './types.js';

export const segmentMembership: OperatorFamily<'in_segment' | 'not_in_segment'> = {
  names: ['in_segment', 'not_in_segment'],
  subject: 'segment membership',
  checkValue(operator, value) {
    if (Array.isArray(value) && value.length > 0 && value.every((k) => typeof k === 'string')) return null;
    return { code: 'INVALID_OPERATOR_VALUE', message: `${operator} needs a non-empty list of segment keys (e.g. [beta-testers]), got ${describeValue(value)}` };
  },
  compile: (operator, value) => ({ kind: 'segments', keys: value as string[], negated: operator === 'not_in_segment' }),
  // Nothing of the context to sample: the blast radius writes segments out into their conditions first (review/segment-changes.ts).
  sampleValues: () => ({ listed: [], around: [] }),
};
