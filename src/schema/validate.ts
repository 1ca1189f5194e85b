/**
 * Pure validation of parsed flag files (SPEC 1.3): zod for the shape, the named
 * checks for everything across fields, then the set-wide checks (duplicate keys,
 * file names). Every finding is collected and located at its YAML node.
 */
import path from 'node:path';
import type { z } from 'zod';
import type { Diagnostic } from '../errors.js';
import { describeValue, FLAG_CHECKS, type Finding } from './checks.js';
import {
  ConditionSchema,
  EnvironmentSchema,
  FallthroughSchema,
  FlagSchema,
  RuleSchema,
  VariantSchema,
  type Flag,
} from './flag.js';
import { findNode, formatPath, positionOf, type PathSegment } from './locate.js';
import type { FlagEntry, ParsedFlagFile } from './parse-file.js';
import { didYouMean } from './suggest.js';

export interface FlagSet {
  files: ParsedFlagFile[];
  /** The flags that are served: schema-valid and defined once. */
  flags: Map<string, Flag>;
  /** Where each key is defined (more than one place for a duplicate). */
  entries: Map<string, FlagEntry[]>;
  /** Keys that exist but are not served (invalid or duplicated): evaluating them gives PARSE_ERROR. */
  invalidKeys: Set<string>;
  diagnostics: Diagnostic[];
}

export interface EntryValidation {
  flag?: Flag;
  diagnostics: Diagnostic[];
}

/** Validates one flag entry of a parsed file: schema, then the named checks. */
export function validateFlagEntry(file: ParsedFlagFile, entry: FlagEntry): EntryValidation {
  const diagnostics: Diagnostic[] = [];
  const locate = (p: PathSegment[], atKey = false) => {
    const full = entry.index === null ? p : ['flags', entry.index, ...p];
    return positionOf(findNode(file.doc.contents as never, full, { key: atKey }), file.lineCounter);
  };
  const push = (f: Finding) =>
    diagnostics.push({
      code: f.code,
      severity: f.severity,
      message: f.message,
      file: file.file,
      ...locate(f.path, f.atKey),
      ...(entry.key !== undefined && { flagKey: entry.key }),
      ...(f.path.length > 0 && { path: formatPath(f.path) }),
    });

  const parsed = FlagSchema.safeParse(entry.raw, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) for (const f of findingsOfIssue(issue, entry.raw)) push(f);
    return { diagnostics };
  }
  for (const check of FLAG_CHECKS) for (const f of check(parsed.data)) push(f);
  const valid = !diagnostics.some((d) => d.severity === 'error');
  return { flag: valid ? parsed.data : undefined, diagnostics };
}

/** Validates a whole flag directory's parsed files into the served flag set. */
export function validateFlagFiles(files: ParsedFlagFile[]): FlagSet {
  const diagnostics: Diagnostic[] = [];
  const entries = new Map<string, FlagEntry[]>();
  const valid = new Map<string, Flag>();
  const invalidKeys = new Set<string>();

  for (const file of files) {
    diagnostics.push(...file.diagnostics);
    const fileBroken = file.diagnostics.some((d) => d.severity === 'error' && d.code !== 'UNKNOWN_FIELD');
    for (const entry of file.entries) {
      if (entry.key !== undefined) {
        const list = entries.get(entry.key) ?? [];
        list.push(entry);
        entries.set(entry.key, list);
      }
      const result = validateFlagEntry(file, entry);
      diagnostics.push(...result.diagnostics);
      if (result.flag && !fileBroken) valid.set(result.flag.key, result.flag);
      else if (entry.key !== undefined) invalidKeys.add(entry.key);
    }
    if (file.form === 'single' && file.entries[0]?.key !== undefined) {
      const entry = file.entries[0];
      const base = path.basename(file.file).replace(/\.ya?ml$/i, '');
      if (base !== entry.key) {
        diagnostics.push({
          code: 'FILE_NAME_MISMATCH',
          severity: 'warning',
          message: `file name "${path.basename(file.file)}" does not match the flag key "${entry.key}" (expected ${entry.key}.yaml)`,
          file: file.file,
          ...entry.position,
          flagKey: entry.key,
          path: 'key',
        });
      }
    }
  }

  // A key defined twice is served from neither place: which one production uses would be a guess.
  for (const [key, list] of entries) {
    if (list.length < 2) continue;
    valid.delete(key);
    invalidKeys.add(key);
    for (const entry of list) {
      const others = list.filter((e) => e !== entry).map((e) => `${e.file}:${e.position.line}:${e.position.column}`);
      diagnostics.push({
        code: 'DUPLICATE_FLAG_KEY',
        severity: 'error',
        message: `flag key "${key}" is also defined at ${others.join(', ')}`,
        file: entry.file,
        ...entry.position,
        flagKey: key,
        path: 'key',
      });
    }
  }
  for (const key of valid.keys()) invalidKeys.delete(key);
  diagnostics.sort(compareDiagnostics);
  return { files, flags: valid, entries, invalidKeys, diagnostics };
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column;
}

type AnyObjectSchema = { shape: Record<string, unknown> };

/** The object schema that applies at a path inside a flag (for "did you mean" on unknown fields). */
function objectSchemaAt(p: readonly PathSegment[]): { schema: AnyObjectSchema; what: string } {
  const [a, , c] = p;
  if (a === 'rules' && p.length >= 4 && c === 'conditions') return { schema: ConditionSchema, what: 'condition' };
  if (a === 'rules' && p.length >= 2) return { schema: RuleSchema, what: 'rule' };
  if (a === 'fallthrough') return { schema: FallthroughSchema, what: 'fallthrough' };
  if (a === 'variants' && p.length >= 2) return { schema: VariantSchema, what: 'variant' };
  if (a === 'environments' && p.length >= 2) return { schema: EnvironmentSchema, what: 'environment override' };
  return { schema: FlagSchema, what: 'flag' };
}

function getAt(raw: unknown, p: readonly PathSegment[]): unknown {
  let cur = raw;
  for (const seg of p) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, seg)) return undefined;
    cur = (cur as Record<string, unknown>)[seg as string];
  }
  return cur;
}

const TYPE_NAMES: Record<string, string> = { record: 'mapping', object: 'mapping', array: 'list' };

function findingsOfIssue(issue: z.core.$ZodIssue, raw: unknown): Finding[] {
  const p = issue.path as PathSegment[];
  const field = String(p[p.length - 1] ?? 'flag');
  const parent = getAt(raw, p.slice(0, -1));
  const present = parent !== null && typeof parent === 'object' && Object.hasOwn(parent, field);
  const isRange = /(percentage|weight)$/.test(field);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const { schema, what } = objectSchemaAt([...p, '?']);
      const known = Object.keys(schema.shape);
      return issue.keys.map((k) => ({
        code: 'UNKNOWN_FIELD' as const,
        severity: 'error' as const,
        message: `"${k}" is not a ${what} field${didYouMean(k, known)}`,
        path: [...p, k],
        atKey: true,
      }));
    }
    case 'invalid_type': {
      if (!present && p.length > 0) {
        return [{ code: 'MISSING_FIELD', severity: 'error', message: `missing required field "${field}"`, path: p.slice(0, -1) }];
      }
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      return [{ code: 'INVALID_TYPE', severity: 'error', message: `"${field}" must be ${article(expected)}, got ${describeValue(getAt(raw, p))}`, path: p }];
    }
    case 'invalid_union': {
      if (!present) return [{ code: 'MISSING_FIELD', severity: 'error', message: `missing required field "${field}"`, path: p.slice(0, -1) }];
      const value = getAt(raw, p);
      const expected = /At$/.test(field) ? 'an ISO-8601 timestamp (2026-01-31T12:00:00Z)' : 'a JSON value';
      return [{ code: 'INVALID_VALUE', severity: 'error', message: `"${field}" must be ${expected}, got ${describeValue(value)}`, path: p }];
    }
    case 'invalid_value': {
      const values = issue.values.map(String);
      const got = getAt(raw, p);
      const hint = typeof got === 'string' ? didYouMean(got, values) : '';
      return [{ code: 'INVALID_VALUE', severity: 'error', message: `${describeValue(got)} is not a valid ${field}${hint}; expected one of ${values.join(', ')}`, path: p }];
    }
    case 'invalid_format': {
      const got = getAt(raw, p);
      if (field === 'key' && p.length === 1) {
        return [{ code: 'INVALID_KEY', severity: 'error', message: `flag key ${JSON.stringify(got)} is invalid: use letters, digits, ".", "_" and "-", starting with a letter or digit, at most 128 characters`, path: p }];
      }
      return [{ code: 'INVALID_VALUE', severity: 'error', message: `"${field}" must be an ISO-8601 timestamp (2026-01-31T12:00:00Z), got ${describeValue(got)}`, path: p }];
    }
    case 'too_small':
    case 'too_big': {
      const got = getAt(raw, p);
      if (isRange) return [{ code: 'INVALID_PERCENTAGE', severity: 'error', message: `${field} ${describeValue(got)} is outside 0–100`, path: p }];
      return [{ code: 'INVALID_VALUE', severity: 'error', message: `"${field}" must not be empty`, path: p }];
    }
    default:
      return [{ code: 'INVALID_VALUE', severity: 'error', message: `"${field}": ${issue.message}`, path: p }];
  }
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}
