/**
 * Segment files (SPEC 6): parsing, validation, references between segments
 * (unknown with "did you mean", cycles), and the reference checks of flags.
 * Pure: the store reads the files, this module judges them.
 */
import type { Diagnostic } from '../errors.js';
import { conditionFindings, type Finding } from './checks.js';
import { isSegmentOperator, type Condition, type Flag } from './flag.js';
import type { PathSegment, Position } from './locate.js';
import { parseDefinitionFile, type ParsedDefinitionFile } from './definition-file.js';
import { segmentSchema, type Segment } from './segment.js';
import { didYouMean } from './suggest.js';
import { compareDiagnostics, diagnosticsOf, duplicateDiagnostics, fileStem } from './diagnostics.js';
import { findingsOfIssues, type ObjectShapeAt } from './zod-findings.js';

export interface ParsedSegmentFile extends ParsedDefinitionFile {
  /** The `key` field when it is a string (known even when the segment is invalid). */
  key?: string;
}

/** What validation knows of the segments of a flags directory. */
export interface SegmentIndex {
  /** The segments that are served: valid, defined once, every reference resolvable. */
  segments: Map<string, Segment>;
  /** Keys that exist but are not served. */
  invalidKeys: Set<string>;
  /** Where each key is defined. */
  places: Map<string, { file: string; position: Position }[]>;
  diagnostics: Diagnostic[];
  fileNames: string[];
}

export function parseSegmentFile(file: string, text: string): ParsedSegmentFile {
  const { parsed, name } = parseDefinitionFile(file, text, 'key', () => 'not a segment: expected a mapping with key, description and conditions');
  return name === undefined ? parsed : Object.assign(parsed, { key: name });
}

const SEGMENT_FIELDS = ['key', 'description', 'conditions'];
const CONDITION_FIELDS = ['attribute', 'operator', 'value'];
const segmentShapeAt: ObjectShapeAt = (p) => {
  if (p.length === 0) return { fields: SEGMENT_FIELDS, what: 'segment' };
  if (p[0] === 'conditions' && p.length === 2) return { fields: CONDITION_FIELDS, what: 'condition' };
  return { fields: [], what: 'mapping' };
};

/** The segment keys a list of conditions refers to, with the path of each reference. */
export function segmentReferences(conditions: readonly Condition[], base: PathSegment[]): { key: string; path: PathSegment[] }[] {
  const out: { key: string; path: PathSegment[] }[] = [];
  conditions.forEach((c, j) => {
    if (!isSegmentOperator(c.operator) || !Array.isArray(c.value)) return;
    c.value.forEach((k, m) => {
      if (typeof k === 'string') out.push({ key: k, path: [...base, j, 'value', m] });
    });
  });
  return out;
}

/** Every segment reference of a flag: its rules and each environment's. */
export function flagSegmentReferences(flag: Pick<Flag, 'rules' | 'environments'>): { key: string; path: PathSegment[] }[] {
  const out = flag.rules.flatMap((r, i) => segmentReferences(r.conditions, ['rules', i, 'conditions']));
  for (const [env, o] of Object.entries(flag.environments ?? {})) {
    o.rules?.forEach((r, i) => out.push(...segmentReferences(r.conditions, ['environments', env, 'rules', i, 'conditions'])));
  }
  return out;
}

/** Findings for references to segments that are unknown or not served. */
export function referenceFindings(refs: readonly { key: string; path: PathSegment[] }[], index: Pick<SegmentIndex, 'segments' | 'invalidKeys' | 'places'>): Finding[] {
  const known = [...index.places.keys()];
  const out: Finding[] = [];
  for (const ref of refs) {
    if (index.segments.has(ref.key)) continue;
    if (index.invalidKeys.has(ref.key)) {
      const at = index.places.get(ref.key)?.[0];
      out.push({
        code: 'INVALID_SEGMENT_REFERENCE',
        severity: 'error',
        message: `segment "${ref.key}" is invalid${at ? ` (${at.file}:${at.position.line})` : ''}; fix it first (flags validate)`,
        path: ref.path,
      });
    } else {
      out.push({ code: 'UNKNOWN_SEGMENT', severity: 'error', message: `unknown segment "${ref.key}"${didYouMean(ref.key, known)}`, path: ref.path });
    }
  }
  return out;
}

/**
 * Validates the segment files: schema, condition checks, duplicate keys,
 * references to unknown or invalid segments, and cycles. A segment is served
 * only when it and everything it refers to is valid.
 */
export function validateSegmentFiles(files: readonly ParsedSegmentFile[]): SegmentIndex {
  const diagnostics: Diagnostic[] = [];
  const places = new Map<string, { file: string; position: Position }[]>();
  const candidates = new Map<string, { segment: Segment; file: ParsedSegmentFile }>();
  const invalidKeys = new Set<string>();
  for (const file of files) {
    diagnostics.push(...file.diagnostics);
    if (file.key !== undefined) {
      const list = places.get(file.key) ?? [];
      list.push({ file: file.file, position: file.position });
      places.set(file.key, list);
    }
    if (!file.syntaxOk || file.raw === undefined) {
      if (file.key !== undefined) invalidKeys.add(file.key);
      continue;
    }
    const parsed = segmentSchema().safeParse(file.raw);
    if (!parsed.success) {
      diagnostics.push(...diagnosticsOf(file, [], findingsOfIssues(parsed.error.issues, file.raw, segmentShapeAt)));
      if (file.key !== undefined) invalidKeys.add(file.key);
      continue;
    }
    const findings = conditionFindings(parsed.data.conditions, ['conditions']);
    if (fileStem(file.file) !== parsed.data.key) {
      findings.push({ code: 'FILE_NAME_MISMATCH', severity: 'warning', message: `file name does not match the segment key "${parsed.data.key}" (expected ${parsed.data.key}.yaml)`, path: ['key'] });
    }
    diagnostics.push(...diagnosticsOf(file, [], findings));
    if (findings.some((f) => f.severity === 'error')) invalidKeys.add(parsed.data.key);
    else candidates.set(parsed.data.key, { segment: parsed.data, file });
  }
  for (const [key, list] of places) {
    if (list.length < 2) continue;
    invalidKeys.add(key);
    candidates.delete(key);
    diagnostics.push(...duplicateDiagnostics('DUPLICATE_SEGMENT_KEY', `segment key "${key}"`, list));
  }

  // References: unknown keys first, then cycles, then (to a fixed point) references to segments found invalid.
  const refsOf = new Map([...candidates].map(([k, c]) => [k, segmentReferences(c.segment.conditions, ['conditions'])]));
  const reported = new Set<string>();
  const report = (key: string, findings: Finding[]) => {
    const c = candidates.get(key);
    if (!c || findings.length === 0) return;
    diagnostics.push(...diagnosticsOf(c.file, [], findings));
    reported.add(key);
  };
  for (const [key, refs] of refsOf) report(key, refs.filter((r) => !places.has(r.key)).flatMap((r) => referenceFindings([r], { segments: new Map(), invalidKeys: new Set(), places })));
  for (const key of findCycles(refsOf)) {
    const ref = refsOf.get(key)!.find((r) => reaches(refsOf, r.key, key));
    if (ref) report(key, [{ code: 'SEGMENT_CYCLE', severity: 'error', message: `segment "${key}" refers to itself through "${ref.key}": ${cyclePath(refsOf, key).join(' → ')}`, path: ref.path }]);
  }
  for (const key of reported) {
    candidates.delete(key);
    invalidKeys.add(key);
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const [key] of candidates) {
      const bad = refsOf.get(key)!.filter((r) => invalidKeys.has(r.key));
      if (bad.length === 0) continue;
      report(key, referenceFindings(bad, { segments: new Map(), invalidKeys, places }));
      candidates.delete(key);
      invalidKeys.add(key);
      changed = true;
    }
  }
  const segments = new Map([...candidates].map(([k, c]) => [k, c.segment]));
  for (const k of segments.keys()) invalidKeys.delete(k);
  diagnostics.sort(compareDiagnostics);
  return { segments, invalidKeys, places, diagnostics, fileNames: files.map((f) => f.file) };
}

function reaches(refs: Map<string, { key: string }[]>, from: string, target: string, seen = new Set<string>()): boolean {
  if (from === target) return true;
  if (seen.has(from)) return false;
  seen.add(from);
  return (refs.get(from) ?? []).some((r) => reaches(refs, r.key, target, seen));
}

/** The keys that lie on a cycle. */
function findCycles(refs: Map<string, { key: string }[]>): string[] {
  return [...refs.keys()].filter((k) => (refs.get(k) ?? []).some((r) => reaches(refs, r.key, k)));
}

function cyclePath(refs: Map<string, { key: string }[]>, start: string): string[] {
  const path = [start];
  let cur = start;
  for (let i = 0; i < refs.size + 1; i++) {
    const next = (refs.get(cur) ?? []).find((r) => reaches(refs, r.key, start));
    if (!next) break;
    path.push(next.key);
    if (next.key === start) break;
    cur = next.key;
  }
  return path;
}

/** UNUSED_SEGMENT warnings for served segments that no flag and no other segment refers to. */
export function unusedSegmentDiagnostics(index: SegmentIndex, used: ReadonlySet<string>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const referencedBySegments = new Set([...index.segments.values()].flatMap((s) => segmentReferences(s.conditions, []).map((r) => r.key)));
  for (const [key] of index.segments) {
    if (used.has(key) || referencedBySegments.has(key)) continue;
    const at = index.places.get(key)?.[0];
    if (!at) continue;
    out.push({ code: 'UNUSED_SEGMENT', severity: 'warning', message: `segment "${key}" is not used by any flag or segment`, file: at.file, ...at.position, path: 'key' });
  }
  return out;
}
