/**
 * Validation of a whole flag directory (SPEC 1.3): every entry, then the
 * set-wide checks (duplicate keys, keys equal but for case, file names,
 * unused segments). Decides which flags are served.
 */
import type { Diagnostic } from '../errors.js';
import type { Finding } from './checks.js';
import { isPlainObject } from '../objects.js';
import { compareDiagnostics, diagnosticsOf, duplicateDiagnostics, fileNameMismatch } from './diagnostics.js';
import type { FlagEntry, ParsedFlagFile } from './flag-file.js';
import { KEY_PATTERN, type Flag } from './flag.js';
import type { Position } from './locate.js';
import { foldCase } from './portable.js';
import { unusedSegmentDiagnostics, type SegmentIndex } from './segment-checks.js';
import { validateFlagEntry, type ValidateEntryOptions } from './validate-entry.js';

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
      const mismatch = fileNameMismatch(file.file, 'flag key', single.key, { position: single.position, flagKey: single.key, path: 'key' });
      if (mismatch) diagnostics.push(mismatch);
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
      const conditions = isPlainObject(r) ? r.conditions : undefined;
      if (!Array.isArray(conditions)) continue;
      for (const c of conditions) {
        if (isPlainObject(c) && (c.operator === 'in_segment' || c.operator === 'not_in_segment') && Array.isArray(c.value)) {
          for (const k of c.value) if (typeof k === 'string') out.push(k);
        }
      }
    }
  };
  if (!isPlainObject(raw)) return out;
  scan(raw.rules);
  if (isPlainObject(raw.environments)) for (const o of Object.values(raw.environments)) if (isPlainObject(o)) scan(o.rules);
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
