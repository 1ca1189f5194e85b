/**
 * The read-lock-plan-validate-write cycle every edit of one flag goes through
 * (SPEC 3, "Every command that changes a file"): find the flag's file, lock
 * it, re-read it under the lock, let the operation plan the change as plain
 * data (an EditPlan), apply it as byte-exact text edits (yaml-edit.ts,
 * yaml-seq-edit.ts), validate the changed flag and write the file atomically
 * (atomic-write.ts). Problems in other files never block an edit. Also the
 * small helpers every edit shares, the flag edits and the experiment and
 * authoring edits alike: the timestamp, file names in messages, and the one
 * message for a change the YAML editor cannot place (editFileText).
 */
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { FlagsError, type Diagnostic } from '../errors.js';
import { FlagSchema } from '../schema/flag.js';
import { parseFlagFile, type FlagEntry, type ParsedFlagFile } from '../schema/parse-file.js';
import { didYouMean } from '../schema/suggest.js';
import { validateFlagEntry } from '../schema/validate.js';
import { isPlainObject, ownAt } from '../objects.js';
import { resolveWriteTarget, writeFileAtomic } from './atomic-write.js';
import type { EditOptions, EditPlan, FlagEditResult, RawFlag } from './edit-results.js';
import { readEditableText, readFlagSet } from './flag-repo.js';
import { withFileLock } from './lock.js';
import { editYaml, YamlEditError, type YamlSet } from './yaml-edit.js';

export async function editFlag<R extends object>(
  dir: string,
  key: string,
  opts: EditOptions,
  planner: (raw: RawFlag) => EditPlan<R>,
): Promise<R & FlagEditResult> {
  const now = timestamp(opts.now);
  const shown = displayOf(dir, opts.displayDir);
  const set = await readFlagSet(dir);
  const file = locate(set.entries.get(key), key, shown, [...set.entries.keys()], shown(dir));
  const target = await resolveWriteTarget(file, { root: dir, fs: opts.fs, name: shown(file) });
  const name = shown(file);
  const otherErrors = set.diagnostics.filter((d) => d.severity === 'error' && !(d.file === file && d.flagKey === key));

  return withFileLock(target, { timeoutMs: opts.lockTimeoutMs, displayName: name }, async (lock) => {
    // Re-read under the lock: whatever another process wrote before we got it is kept.
    const { bytes, text } = readEditableText(target, name);
    const parsed = parseFlagFile(file, text);
    const yamlErrors = parsed.diagnostics.filter((d) => d.code === 'YAML_SYNTAX' || d.code === 'DUPLICATE_MAPPING_KEY');
    if (yamlErrors.length > 0) {
      const d = yamlErrors[0];
      throw new FlagsError('FILE_HAS_ERRORS', `cannot edit ${name}: ${d.message} at line ${d.line}, column ${d.column}; fix the file first`);
    }
    const entry = locateEntry(parsed, key, name);
    const raw = entry.raw as RawFlag;
    const plan = planner(raw);

    if (plan.sets.length === 0 && plan.textEdit === undefined) {
      const { flag, diagnostics } = validateFlagEntry(parsed, entry, { segments: set.segments });
      return { key, file: target, changed: false, changes: [], flag, diagnostics, otherErrors, ...plan.describe(raw) };
    }

    const prefix = entry.index === null ? [] : ['flags', entry.index];
    const stamp: YamlSet[] = opts.timestamps === false ? [] : [{ path: ['updatedAt'], value: now, after: ['createdAt'] }];
    const sets: YamlSet[] = [...plan.sets, ...stamp].map((s) => ({ ...s, path: [...prefix, ...s.path] }));
    const newText = editFileText(name, () => editYaml(plan.textEdit ? plan.textEdit(text, prefix) : text, sets));

    const after = parseFlagFile(file, newText);
    const newEntry = locateEntry(after, key, name);
    const { flag, diagnostics } = validateFlagEntry(after, newEntry, { segments: set.segments });
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0 && !plan.safety) throw invalidEdit(name, key, errors);

    lock.assertHeld();
    // Checked again at the rename: a paused holder whose lock was taken over, or a hand edit meanwhile, is never overwritten.
    await writeFileAtomic(target, newText, { root: dir, displayName: name, fs: opts.fs, expect: bytes, beforeRename: () => lock.assertHeld() });

    const newRaw = newEntry.raw as RawFlag;
    const changes = [...plan.sets, ...stamp]
      .map((s) => ({
        path: s.path.map((p, i) => (typeof p === 'number' && i > 0 ? idOf(raw, s.path[i - 1], p) : String(p))).join('.'),
        before: ownAt(raw, s.path),
        after: ownAt(newRaw, s.path),
      }))
      .filter((c) => !isDeepStrictEqual(c.before, c.after));
    if (plan.textChanges) changes.unshift(...plan.textChanges);
    return { key, file: target, changed: true, changes, flag, diagnostics, otherErrors, ...plan.describe(newRaw) };
  });
}

function locate(entries: FlagEntry[] | undefined, key: string, shown: (f: string) => string, known: string[], dirName: string): string {
  if (!entries || entries.length === 0) throw new FlagsError('FLAG_NOT_FOUND', `no flag "${key}" in ${dirName}${didYouMean(key, known)}`);
  if (entries.length > 1) {
    const places = entries.map((e) => `${shown(e.file)}:${e.position.line}:${e.position.column}`).join(', ');
    throw new FlagsError('DUPLICATE_FLAG_KEY', `flag "${key}" is defined in ${entries.length} places (${places}); remove the duplicate before editing it`);
  }
  return entries[0].file;
}

function locateEntry(parsed: ParsedFlagFile, key: string, name: string): FlagEntry {
  const found = parsed.entries.filter((e) => e.key === key);
  if (found.length === 0) throw new FlagsError('FLAG_NOT_FOUND', `flag "${key}" is no longer in ${name}`);
  if (found.length > 1) throw new FlagsError('DUPLICATE_FLAG_KEY', `flag "${key}" is defined ${found.length} times in ${name}; remove the duplicate before editing it`);
  if (!isPlainObject(found[0].raw)) throw new FlagsError('FLAG_INVALID', `flag "${key}" in ${name} is not a mapping`);
  return found[0];
}

export function invalidEdit(name: string, key: string, errors: Diagnostic[]): FlagsError {
  const first = errors.find((d) => d.severity === 'error') ?? errors[0];
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  return new FlagsError(
    'INVALID_EDIT',
    `refusing to write ${name}: flag "${key}" would be invalid: ${first.code} ${first.path ? `at ${first.path}: ` : ''}${first.message}${more}`,
    { location: { file: first.file, line: first.line, column: first.column } },
  );
}

// ---- small helpers ----

const TimestampSchema = FlagSchema.shape.updatedAt;

/** `now`, checked, or the clock to the second: the timestamp every edit writes. */
export function timestamp(now: string | undefined): string {
  // The store is where the clock may be read (STYLE); seconds are precise enough for a file's history.
  const value = now ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (!TimestampSchema.safeParse(value).success) {
    throw new FlagsError('INVALID_VALUE', `"now" must be an ISO-8601 timestamp (2026-01-31T12:00:00Z), got ${JSON.stringify(now)}`);
  }
  return value;
}

/** Files in messages: `flags/default-flags.yaml`, relative to the flags directory's parent. */
export function displayOf(dir: string, displayDir?: string): (file: string) => string {
  const base = displayDir ?? path.basename(path.resolve(dir));
  return (file) => {
    const rel = path.relative(dir, file);
    return rel === '' ? base : path.join(base, rel);
  };
}

/** `rules.0` is shown as `rules.beta-testers`, as the user addresses it. */
function idOf(raw: RawFlag, list: string | number, index: number): string {
  const item = ownAt(raw, [list, index]);
  if (isPlainObject(item)) {
    const id = list === 'rules' ? item.id : list === 'variants' ? item.key : undefined;
    if (typeof id === 'string') return id;
  }
  return String(index);
}

/**
 * Runs an edit of the text of file `name` (editYaml, editYamlSeq or several):
 * the editor's refusal becomes the one message every edit gives,
 * EDIT_FAILED "cannot edit NAME: …"; other errors pass through.
 */
export function editFileText<T>(name: string, edit: () => T): T {
  try {
    return edit();
  } catch (e) {
    if (e instanceof YamlEditError) throw new FlagsError('EDIT_FAILED', `cannot edit ${name}: ${e.message}`, { cause: e });
    throw e;
  }
}
