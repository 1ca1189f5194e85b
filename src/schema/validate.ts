/**
 * Pure validation of parsed flag files (SPEC 1.3): zod for the shape, the named
 * checks for everything across fields, then the set-wide checks (duplicate keys,
 * file names). Every finding is collected and located at its YAML node.
 */
import path from 'node:path';
import type * as zc from 'zod/v4/core';
import type { Diagnostic, DiagnosticCode } from '../errors.js';
import { describeValue, FLAG_CHECKS, type Finding } from './checks.js';
import { checkExpiry } from './expiry.js';
import { checkNoEffect } from './no-effect.js';
import {
  ConditionSchema,
  EnvironmentSchema,
  FallthroughSchema,
  FLAG_FIELDS,
  FlagSchema,
  KEY_PATTERN,
  RuleSchema,
  VariantSchema,
  type Flag,
} from './flag.js';
import { formatPath, locatePath, type PathSegment, type Position } from './locate.js';
import type { FlagEntry, ParsedFlagFile, ParsedYaml } from './parse-file.js';
import { didYouMean, suggest } from './suggest.js';
import { flagSegmentReferences, referenceFindings, unusedSegmentDiagnostics, type SegmentIndex } from './segment-checks.js';
import { foldCase } from './portable.js';

export interface FlagSet {
  /**
   * @internal The parsed files with their YAML documents. Left out of the
   * published declarations: they would expose the yaml library's types, which
   * the package bundles and does not ship (SPEC 5).
   */
  files: ParsedFlagFile[];
  /** The flags that are served: schema-valid and defined once. */
  flags: Map<string, Flag>;
  /** @internal Where each key is defined (more than one place for a duplicate); holds YAML nodes, like `files`. */
  entries: Map<string, FlagEntry[]>;
  /** Keys that exist but are not served (invalid or duplicated): evaluating them gives PARSE_ERROR. */
  invalidKeys: Set<string>;
  diagnostics: Diagnostic[];
  /** The segments of `flags/segments/` (SPEC 6), when they were read. */
  segments?: SegmentIndex;
}

export interface EntryValidation {
  flag?: Flag;
  diagnostics: Diagnostic[];
}

/** The object schema in force at a path, for "did you mean" on unknown fields and for messages. */
export type ObjectShapeAt = (path: readonly PathSegment[]) => { fields: readonly string[]; what: string };

/**
 * Turns findings at paths inside one YAML node (a flag of a list file, or the
 * whole document) into located Diagnostics.
 */
export function diagnosticsOf(
  parsed: Pick<ParsedYaml, 'file' | 'doc' | 'lineCounter'>,
  base: readonly PathSegment[],
  findings: readonly Finding[],
  extra: { flagKey?: string } = {},
): Diagnostic[] {
  const root = parsed.doc.contents as never;
  return findings.map((f) => ({
    code: f.code,
    severity: f.severity,
    message: f.message,
    file: parsed.file,
    ...locatePath(root, [...base, ...f.path], parsed.lineCounter, f.anchor),
    ...(extra.flagKey !== undefined && { flagKey: extra.flagKey }),
    ...(f.path.length > 0 && { path: formatPath(f.path) }),
  }));
}

export interface ValidateEntryOptions {
  /** The moment to check `expiresAt` against (EXPIRED); without it, expiry is not checked. */
  now?: Date;
  /** The project's segments; without them (a caller validating one flag alone) references are not judged. */
  segments?: SegmentIndex;
}

/**
 * Validates one flag entry of a parsed file: schema, then the named checks.
 * When the schema fails, the checks still run on a repaired copy (see
 * salvageFlag) so one typo does not hide the other problems of the flag.
 */
export function validateFlagEntry(file: ParsedFlagFile, entry: FlagEntry, opts: ValidateEntryOptions = {}): EntryValidation {
  const base = entry.index === null ? [] : ['flags', entry.index];
  const parsed = FlagSchema.safeParse(entry.raw);
  if (parsed.success) {
    const findings = runFlagChecks(parsed.data);
    // Without a segment index (a caller validating one flag alone) references are not judged.
    if (opts.segments) findings.push(...referenceFindings(flagSegmentReferences(parsed.data), opts.segments));
    if (opts.now !== undefined) findings.push(...checkExpiry(parsed.data, opts.now));
    // A judgement of the whole flag: only sound when nothing in it is broken (a placeholder would fake it).
    if (!entry.yamlError && !findings.some((f) => f.severity === 'error')) findings.push(...checkNoEffect(parsed.data));
    const diagnostics = diagnosticsOf(file, base, findings, { flagKey: entry.key });
    const valid = !entry.yamlError && !findings.some((f) => f.severity === 'error');
    return { flag: valid ? parsed.data : undefined, diagnostics };
  }
  const findings = findingsOfIssues(parsed.error.issues, entry.raw, flagShapeAt);
  const repaired = salvageFlag(entry.raw, parsed.error.issues);
  if (repaired) {
    for (const f of runFlagChecks(repaired.flag)) {
      if (f.severity === 'warning' && !repaired.warningsReliable) continue;
      if (repaired.touched.some((t) => related(t, f.path))) continue;
      findings.push(f);
    }
  }
  return { diagnostics: diagnosticsOf(file, base, findings, { flagKey: entry.key }) };
}

export function runFlagChecks(flag: Flag): Finding[] {
  const out: Finding[] = [];
  for (const check of FLAG_CHECKS) for (const f of check(flag)) out.push(f);
  return out;
}

/** Where a flag key is defined: enough to name the place, without holding its document. */
export interface FlagPlace {
  file: string;
  key?: string;
  position: Position;
}

/** A check on one flag entry's plain data (valid or not); paths inside the flag, like the named checks. */
export type EntryCheck = (raw: unknown) => Finding[];

/** What validation knows of a flag directory once every file is checked. */
export interface FlagIndex {
  /** The flags that are served: schema-valid and defined once. */
  flags: Map<string, Flag>;
  /** Where each key is defined (more than one place for a duplicate). */
  entries: Map<string, FlagPlace[]>;
  /** Keys that exist but are not served (invalid or duplicated). */
  invalidKeys: Set<string>;
  /** Every finding, sorted by file and position. */
  diagnostics: Diagnostic[];
  /** The files checked, as given. */
  fileNames: string[];
  /** The segments given to the validator (SPEC 6). */
  segments?: SegmentIndex;
}

/**
 * Validation of a flag directory one file at a time. A caller that reads
 * thousands of files can let each parsed document go as soon as it is
 * checked (`keepEntries: false`): holding every document alive until the end
 * costs more in garbage collection than the checks themselves.
 */
export class FlagSetValidator {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly places = new Map<string, FlagPlace[]>();
  private readonly valid = new Map<string, Flag>();
  private readonly invalidKeys = new Set<string>();
  private readonly fileNames: string[] = [];
  private readonly keepEntries: boolean;
  private readonly entryChecks: readonly EntryCheck[];
  private readonly segments?: SegmentIndex;
  private readonly usedSegments = new Set<string>();
  private readonly entryOptions: ValidateEntryOptions;

  /** `entryChecks`: project-specific checks on each entry's plain data (e.g. unknown environments, SPEC 5). */
  constructor(opts: { keepEntries?: boolean; entryChecks?: readonly EntryCheck[] } & ValidateEntryOptions = {}) {
    this.keepEntries = opts.keepEntries ?? false;
    this.entryChecks = opts.entryChecks ?? [];
    this.segments = opts.segments;
    this.entryOptions = { now: opts.now, segments: opts.segments };
  }

  add(file: ParsedFlagFile): void {
    const { diagnostics } = this;
    this.fileNames.push(file.file);
    for (const d of file.diagnostics) diagnostics.push(d);
    // Errors outside any flag (syntax, a stray key beside `flags:`) leave the file's flags in doubt.
    const fileBroken = !file.syntaxOk || file.diagnostics.some((d) => d.severity === 'error' && d.flagKey === undefined && d.code !== 'UNKNOWN_FIELD');
    for (const entry of file.entries) {
      if (entry.key !== undefined) {
        const place: FlagPlace = this.keepEntries ? entry : { file: entry.file, key: entry.key, position: entry.position };
        const list = this.places.get(entry.key);
        if (list) list.push(place);
        else this.places.set(entry.key, [place]);
      }
      // After a syntax error the structure is the parser's guess: the keys are
      // kept (so the flags answer PARSE_ERROR, not FLAG_NOT_FOUND) but schema
      // findings wait until the syntax is fixed.
      if (!file.syntaxOk) {
        if (entry.key !== undefined) this.invalidKeys.add(entry.key);
        continue;
      }
      const result = validateFlagEntry(file, entry, this.entryOptions);
      if (this.segments) for (const k of rawSegmentReferences(entry.raw)) this.usedSegments.add(k);
      for (const d of result.diagnostics) diagnostics.push(d);
      for (const check of this.entryChecks) {
        const base = entry.index === null ? [] : ['flags', entry.index];
        for (const d of diagnosticsOf(file, base, check(entry.raw), { flagKey: entry.key })) diagnostics.push(d);
      }
      if (result.flag && !fileBroken) this.valid.set(result.flag.key, result.flag);
      else if (entry.key !== undefined) this.invalidKeys.add(entry.key);
    }
    const single = file.form === 'single' ? file.entries[0] : undefined;
    if (single?.key !== undefined && KEY_PATTERN.test(single.key)) {
      const name = path.basename(file.file);
      if (name.replace(/\.ya?ml$/i, '') !== single.key) {
        diagnostics.push({
          code: 'FILE_NAME_MISMATCH',
          severity: 'warning',
          message: `file name "${name}" does not match the flag key "${single.key}" (expected ${single.key}.yaml)`,
          file: file.file,
          ...single.position,
          flagKey: single.key,
          path: 'key',
        });
      }
    }
  }

  /** The set-wide checks (duplicate keys), then the result. Call once, after the last add. */
  finish(): FlagIndex {
    const { diagnostics, valid, invalidKeys } = this;
    // A key defined twice is served from neither place: which one production uses would be a guess.
    for (const [key, list] of this.places) {
      if (list.length < 2) continue;
      valid.delete(key);
      invalidKeys.add(key);
      for (const d of duplicateDiagnostics('DUPLICATE_FLAG_KEY', `flag key "${key}"`, list)) diagnostics.push({ ...d, flagKey: key, path: 'key' });
    }
    // Keys equal ignoring case are one file name on Windows and macOS: served from neither.
    const byFold = new Map<string, string[]>();
    for (const key of this.places.keys()) {
      const f = foldCase(key);
      const list = byFold.get(f);
      if (list) list.push(key);
      else byFold.set(f, [key]);
    }
    for (const keys of byFold.values()) {
      if (keys.length < 2) continue;
      const list = keys.flatMap((k) => this.places.get(k)!);
      for (const k of keys) {
        valid.delete(k);
        invalidKeys.add(k);
      }
      const what = `flag key ${keys.map((k) => JSON.stringify(k)).join(' / ')} (keys that differ only by case collide on Windows and macOS)`;
      const ds = duplicateDiagnostics('DUPLICATE_FLAG_KEY', what, list);
      ds.forEach((d, i) => diagnostics.push({ ...d, flagKey: list[i].key ?? keys[0], path: 'key' }));
    }
    for (const key of valid.keys()) invalidKeys.delete(key);
    const segments = this.segments;
    if (segments) {
      diagnostics.push(...segments.diagnostics);
      diagnostics.push(...unusedSegmentDiagnostics(segments, this.usedSegments));
    }
    diagnostics.sort(compareDiagnostics);
    return { flags: valid, entries: this.places, invalidKeys, diagnostics, fileNames: [...this.fileNames, ...(segments?.fileNames ?? [])], ...(segments && { segments }) };
  }
}

/**
 * The segment keys a flag's raw data refers to, read leniently (the flag may
 * be invalid): a segment used only by a broken flag is still in use.
 */
function rawSegmentReferences(raw: unknown): string[] {
  const out: string[] = [];
  const scan = (rules: unknown) => {
    if (!Array.isArray(rules)) return;
    for (const r of rules) {
      const conditions = isObj(r) ? r.conditions : undefined;
      if (!Array.isArray(conditions)) continue;
      for (const c of conditions) {
        if (isObj(c) && (c.operator === 'in_segment' || c.operator === 'not_in_segment') && Array.isArray(c.value)) {
          for (const k of c.value) if (typeof k === 'string') out.push(k);
        }
      }
    }
  };
  if (!isObj(raw)) return out;
  scan(raw.rules);
  if (isObj(raw.environments)) for (const o of Object.values(raw.environments)) if (isObj(o)) scan(o.rules);
  return out;
}

/** Validates a whole flag directory's parsed files into the served flag set. */
export function validateFlagFiles(files: ParsedFlagFile[], opts: { segments?: SegmentIndex } = {}): FlagSet {
  const validator = new FlagSetValidator({ keepEntries: true, segments: opts.segments });
  for (const file of files) validator.add(file);
  const { flags, entries, invalidKeys, diagnostics } = validator.finish();
  // With keepEntries, every place is the FlagEntry itself.
  return { files, flags, entries: entries as Map<string, FlagEntry[]>, invalidKeys, diagnostics, ...(opts.segments && { segments: opts.segments }) };
}

/** One finding per place of a duplicated name, each naming all the other places. */
export function duplicateDiagnostics(
  code: DiagnosticCode,
  what: string,
  places: readonly { file: string; position: { line: number; column: number } }[],
): Omit<Diagnostic, 'flagKey' | 'path'>[] {
  return places.map((place) => {
    const others = places.filter((p) => p !== place).map((p) => `${p.file}:${p.position.line}:${p.position.column}`);
    return {
      code,
      severity: 'error' as const,
      message: `${what} is also defined at ${others.join(', ')}`,
      file: place.file,
      ...place.position,
    };
  });
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column;
}

/** Is one path inside the other (or equal)? */
function related(a: readonly PathSegment[], b: readonly PathSegment[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (String(a[i]) !== String(b[i])) return false;
  return true;
}

// ---------------------------------------------------------------------------
// zod issues → findings

const shapeOf = (schema: { shape: Record<string, unknown> }) => Object.keys(schema.shape);
const FLAG_SHAPES = {
  flag: FLAG_FIELDS as readonly string[],
  rule: shapeOf(RuleSchema),
  condition: shapeOf(ConditionSchema),
  fallthrough: shapeOf(FallthroughSchema),
  variant: shapeOf(VariantSchema),
  environment: shapeOf(EnvironmentSchema),
};

/** The object of the flag schema at a path (the path of a mapping inside a flag). */
export const flagShapeAt: ObjectShapeAt = (p) => {
  const [a, , c] = p;
  if (p.length === 0) return { fields: FLAG_SHAPES.flag, what: 'flag' };
  if (a === 'rules' && p.length === 2) return { fields: FLAG_SHAPES.rule, what: 'rule' };
  if (a === 'rules' && c === 'conditions' && p.length === 4) return { fields: FLAG_SHAPES.condition, what: 'condition' };
  if (a === 'fallthrough' && p.length === 1) return { fields: FLAG_SHAPES.fallthrough, what: 'fallthrough' };
  if (a === 'variants' && p.length === 2) return { fields: FLAG_SHAPES.variant, what: 'variant' };
  if (a === 'environments' && p.length === 2) return { fields: FLAG_SHAPES.environment, what: 'environment override' };
  // SPEC 6: an environment's own rules and fallthrough.
  if (a === 'environments' && p.length > 2) return flagShapeAt(p.slice(2));
  return { fields: [], what: 'mapping' };
};

function getAt(raw: unknown, p: readonly PathSegment[]): unknown {
  let cur = raw;
  for (const seg of p) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, seg)) return undefined;
    cur = (cur as Record<string, unknown>)[seg as string];
  }
  return cur;
}

function hasAt(raw: unknown, p: readonly PathSegment[]): boolean {
  if (p.length === 0) return raw !== undefined;
  const parent = getAt(raw, p.slice(0, -1));
  return parent !== null && typeof parent === 'object' && Object.hasOwn(parent, p[p.length - 1]);
}

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
  const present = hasAt(raw, p);
  const got = getAt(raw, p);
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
        return [
          {
            code: 'INVALID_KEY',
            severity: 'error',
            message: `${what} ${JSON.stringify(got)} is invalid: use letters, digits, ".", "_" and "-", starting with a letter or digit, at most 128 characters`,
            path: p,
          },
        ];
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

// ---------------------------------------------------------------------------
// Salvage: the checks on a flag the schema rejected

export interface SalvagedFlag {
  flag: Flag;
  /** Paths replaced by placeholders: findings at or around them are not about the user's data. */
  touched: PathSegment[][];
  /** False when a placeholder stands in for something the warnings read (enabled, killSwitch…). */
  warningsReliable: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * A copy of a schema-invalid flag on which the named checks can run, or null
 * when the damage is too structural. Unknown keys are dropped (a misspelt key
 * whose intended field is missing stands in for it, as if the typo were
 * fixed); every other bad spot is replaced by the smallest neutral
 * placeholder: a text field by "", a broken condition by an `exists` test, a
 * broken rule or variant by an inert one, `type` by json (which accepts any
 * value). Findings at placeholder paths are dropped by the caller.
 */
export function salvageFlag(raw: unknown, issues: readonly zc.$ZodIssue[]): SalvagedFlag | null {
  if (!isObj(raw)) return null;
  let data: Obj;
  try {
    data = structuredClone(raw);
  } catch {
    return null;
  }
  const state = { data, touched: [] as PathSegment[][], warningsReliable: true };
  let current = issues;
  // A repair can uncover the next problem (a renamed typo whose value has the
  // wrong type); a few rounds settle every case the placeholders cover.
  for (let round = 0; round < 4; round++) {
    if (!repairRound(state, current)) return null;
    const reparsed = FlagSchema.safeParse(state.data);
    if (reparsed.success) return { flag: reparsed.data, touched: state.touched, warningsReliable: state.warningsReliable };
    current = reparsed.error.issues;
  }
  return null;
}

function repairRound(state: { data: Obj; touched: PathSegment[][]; warningsReliable: boolean }, issues: readonly zc.$ZodIssue[]): boolean {
  const { data, touched } = state;
  const renamed: PathSegment[][] = [];
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const p = issue.path as PathSegment[];
    const holder = getAt(data, p);
    if (!isObj(holder)) continue;
    const fields = flagShapeAt(p).fields;
    for (const k of issue.keys) {
      const s = suggest(k, fields);
      if (s !== undefined && !Object.hasOwn(holder, s)) {
        holder[s] = holder[k];
        renamed.push([...p, s]);
        touched.push([...p, s]);
      }
      delete holder[k];
    }
  }

  const done: PathSegment[][] = [];
  const replace = (at: PathSegment[], value: unknown) => {
    setAt(data, at, value);
    done.push(at);
    touched.push(at);
  };
  const remove = (at: PathSegment[]) => {
    deleteAt(data, at);
    done.push(at);
    touched.push(at);
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') continue;
    const p = issue.path as PathSegment[];
    // Already replaced as part of something larger, or a missing field a renamed typo now provides.
    if (done.some((t) => isPrefix(t, p)) || renamed.some((t) => formatPath(t) === formatPath(p))) continue;
    const [a, i, c, j] = p;
    if (a === 'rules' && typeof i === 'number' && c === 'conditions' && typeof j === 'number') {
      replace(['rules', i, 'conditions', j], { attribute: '_', operator: 'exists' });
    } else if (a === 'rules' && typeof i === 'number' && c === 'description') {
      remove(p);
    } else if (a === 'rules' && typeof i === 'number') {
      // Not a catch-all, a unique id, no percentage: an inert rule trips no check about its neighbours.
      replace(['rules', i], { id: `\u0000rule-${i}`, conditions: [{ attribute: '_', operator: 'exists' }], value: null });
    } else if (a === 'rules') {
      replace(['rules'], []);
      state.warningsReliable = false;
    } else if (a === 'variants' && typeof i === 'number') {
      replace(['variants', i], { key: `\u0000variant-${i}`, name: '', value: null, weight: 0 });
      // The weights' sum is no longer the user's either.
      touched.push(['variants']);
    } else if (a === 'environments' && p.length >= 2) {
      remove(['environments', p[1]]);
    } else if (a === 'environments' || a === 'variants' || a === 'fallthrough' || a === 'createdAt' || a === 'updatedAt') {
      remove([a]);
    } else if (a === 'key') {
      replace(['key'], 'salvaged');
    } else if (a === 'name' || a === 'description' || a === 'owner') {
      replace([a], '');
    } else if (a === 'tags') {
      replace(['tags'], []);
    } else if (a === 'type') {
      // json accepts every value, so no VALUE_TYPE_MISMATCH is invented.
      replace(['type'], 'json');
    } else if (a === 'defaultValue') {
      replace(['defaultValue'], null);
    } else if (a === 'enabled' || a === 'killSwitch') {
      replace([a], false);
      state.warningsReliable = false;
    } else {
      return false;
    }
  }
  return true;
}

function isPrefix(prefix: readonly PathSegment[], p: readonly PathSegment[]): boolean {
  return prefix.length <= p.length && related(prefix, p);
}

function setAt(data: Obj, p: readonly PathSegment[], value: unknown): void {
  const holder = getAt(data, p.slice(0, -1));
  if (holder !== null && typeof holder === 'object') (holder as Obj)[p[p.length - 1] as string] = value;
}

function deleteAt(data: Obj, p: readonly PathSegment[]): void {
  const holder = getAt(data, p.slice(0, -1));
  if (holder !== null && typeof holder === 'object') delete (holder as Obj)[p[p.length - 1] as string];
}
