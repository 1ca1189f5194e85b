/**
 * zod issues → findings with codes and messages a person can act on
 * (SPEC 1.3): which field, what it must be, what it got, and "did you mean"
 * for a misspelt field. Shared by every schema the flags directory has.
 */
import type * as zc from 'zod/v4/core';
import { ownAt } from '../objects.js';
import { describeValue, type Finding } from './checks.js';
import { invalidKeyMessage } from './keys.js';
import { formatPath, type PathSegment } from './locate.js';
import { didYouMean, suggest } from './suggest.js';

/** The object schema in force at a path, for "did you mean" on unknown fields and for messages. */
export type ObjectShapeAt = (path: readonly PathSegment[]) => { fields: readonly string[]; what: string };

/** How a field is named in a message: `"owner"`, or `item 2 of "tags"` for a list element. */
function label(p: readonly PathSegment[]): string {
  const last = p[p.length - 1];
  if (last === undefined) return 'the document';
  if (typeof last === 'number') return `item ${last + 1} of "${String(p[p.length - 2] ?? 'list')}"`;
  return `"${last}"`;
}

const TYPE_NAMES: Record<string, string> = { record: 'mapping', object: 'mapping', array: 'list' };
const TIMESTAMP_FIELD = /(At|Date)$/;
const RANGE_FIELD = /^(percentage|weight)$/;

/**
 * Maps zod issues to findings with codes and messages a person can act on.
 * `shapeAt` names the object at a path, for "did you mean" on unknown fields.
 * A field reported missing next to an unknown field that looks like it
 * (`enabeld` beside a missing `enabled`) is one mistake, reported once.
 */
export function findingsOfIssues(issues: readonly zc.$ZodIssue[], raw: unknown, shapeAt: ObjectShapeAt): Finding[] {
  const out: Finding[] = [];
  const misspelt = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const fields = shapeAt(issue.path as PathSegment[]).fields;
    for (const k of issue.keys) {
      const s = suggest(k, fields);
      if (s !== undefined) misspelt.add(formatPath([...(issue.path as PathSegment[]), s]));
    }
  }
  for (const issue of issues) {
    for (const f of findingsOfIssue(issue, raw, shapeAt)) {
      if (f.code === 'MISSING_FIELD' && misspelt.has(formatPath(f.path))) continue;
      out.push(f);
    }
  }
  return out;
}

function findingsOfIssue(issue: zc.$ZodIssue, raw: unknown, shapeAt: ObjectShapeAt): Finding[] {
  const p = issue.path as PathSegment[];
  const field = String(p[p.length - 1] ?? '');
  const present = hasOwnAt(raw, p);
  const got = ownAt(raw, p);
  const missing = (): Finding => ({ code: 'MISSING_FIELD', severity: 'error', message: `missing required field "${field}"`, path: p, anchor: 'parent' });
  // Whatever zod expected there (a type, an enum value, a union member), nothing there is a missing field.
  if (!present && p.length > 0 && issue.code !== 'unrecognized_keys' && issue.code !== 'custom') return [missing()];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const { fields, what } = shapeAt(p);
      return issue.keys.map((k) => ({
        code: 'UNKNOWN_FIELD' as const,
        severity: 'error' as const,
        message: `"${k}" is not ${article(what)} field${didYouMean(k, fields)}`,
        path: [...p, k],
        anchor: 'key' as const,
      }));
    }
    case 'invalid_type': {
      if (!present && p.length > 0) return [missing()];
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      return [{ code: 'INVALID_TYPE', severity: 'error', message: `${label(p)} must be ${article(expected)}, got ${describeValue(got)}`, path: p }];
    }
    case 'invalid_union': {
      if (!present && p.length > 0) return [missing()];
      const expected = TIMESTAMP_FIELD.test(field) ? 'an ISO-8601 timestamp (2026-01-31T12:00:00Z or 2026-01-31)' : 'a JSON value';
      return [{ code: 'INVALID_VALUE', severity: 'error', message: `${label(p)} must be ${expected}, got ${describeValue(got)}`, path: p }];
    }
    case 'invalid_value': {
      const values = issue.values.map(String);
      const hint = typeof got === 'string' ? didYouMean(got, values) : '';
      return [{ code: 'INVALID_VALUE', severity: 'error', message: `${describeValue(got)} is not a valid ${field}${hint}; expected one of ${values.join(', ')}`, path: p }];
    }
    case 'invalid_format': {
      if (issue.format === 'regex') {
        // The only pattern of the schemas is the key pattern (flag keys, experiment ids and their flagKey).
        const what = field === 'id' ? 'id' : field === 'flagKey' ? 'flag key' : p.length === 1 ? 'flag key' : 'key';
        return [{ code: 'INVALID_KEY', severity: 'error', message: invalidKeyMessage(what, got), path: p }];
      }
      return [{ code: 'INVALID_VALUE', severity: 'error', message: `${label(p)} must be an ISO-8601 timestamp (2026-01-31T12:00:00Z), got ${describeValue(got)}`, path: p }];
    }
    case 'too_small':
    case 'too_big': {
      if (RANGE_FIELD.test(field)) return [{ code: 'INVALID_PERCENTAGE', severity: 'error', message: `${field} ${describeValue(got)} is outside 0–100`, path: p }];
      if (issue.origin === 'array') {
        return [{ code: 'INVALID_VALUE', severity: 'error', message: `${label(p)} needs at least ${String((issue as { minimum?: number }).minimum ?? 1)} item(s)`, path: p }];
      }
      if (issue.origin === 'string') return [{ code: 'INVALID_VALUE', severity: 'error', message: `${label(p)} must not be empty`, path: p }];
      return [{ code: 'INVALID_VALUE', severity: 'error', message: `${label(p)} is out of range: ${issue.message}`, path: p }];
    }
    case 'custom':
      // A refinement of the schema (experiment arms): its message is written for people already.
      return [{ code: 'INVALID_VALUE', severity: 'error', message: issue.message, path: p }];
    default:
      return [{ code: 'INVALID_VALUE', severity: 'error', message: `${label(p)}: ${issue.message}`, path: p }];
  }
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

/** Whether the path exists as own properties (its last step may hold undefined). */
function hasOwnAt(raw: unknown, p: readonly PathSegment[]): boolean {
  if (p.length === 0) return raw !== undefined;
  const parent = ownAt(raw, p.slice(0, -1));
  return parent !== null && typeof parent === 'object' && Object.hasOwn(parent, p[p.length - 1]);
}
