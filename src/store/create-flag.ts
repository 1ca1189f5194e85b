/**
 * `createFlag`: writes `<dir>/<key>.yaml`, a new flag in the one-flag form,
 * disabled, with every required field in the documented order. Refused when
 * the key (or a key differing only by case) exists, or is unsafe as a file
 * name; written exclusively, under the file's lock, atomically.
 */
import path from 'node:path';
import { FlagsError } from '../errors.js';
import { valueMatchesType } from '../schema/checks.js';
import { FLAG_TYPES, KEY_PATTERN, type JsonValue } from '../schema/flag.js';
import { parseFlagFile } from '../schema/parse-file.js';
import { foldCase, reservedNameProblem } from '../schema/portable.js';
import { validateFlagEntry } from '../schema/validate.js';
import { isPlainObject } from '../objects.js';
import { resolveWriteTarget, writeFileAtomic } from './atomic-write.js';
import { displayOf, invalidEdit, timestamp } from './edit-cycle.js';
import type { CreateFlagSpec, CreateResult, EditOptions } from './edit-results.js';
import { isInside, readFlagSet } from './flag-repo.js';
import { withFileLock } from './lock.js';
import { checkNumber } from './flag-values.js';
import { renderInline } from './yaml-edit.js';

/** Writes `<dir>/<key>.yaml` in the one-flag form, disabled. */
export async function createFlag(dir: string, spec: CreateFlagSpec, opts: EditOptions = {}): Promise<CreateResult> {
  const text = renderNewFlag(spec, opts.timestamps === false ? null : timestamp(opts.now));
  const set = await readFlagSet(dir);
  const shown = displayOf(dir, opts.displayDir);
  const existing = set.entries.get(spec.key);
  if (existing?.length) {
    const at = existing.map((e) => `${shown(e.file)}:${e.position.line}:${e.position.column}`).join(', ');
    throw new FlagsError('FLAG_EXISTS', `flag "${spec.key}" already exists (${at})`);
  }
  const twin = [...set.entries.keys()].find((k) => foldCase(k) === foldCase(spec.key));
  if (twin !== undefined) {
    throw new FlagsError('FLAG_EXISTS', `flag "${twin}" already exists and differs from "${spec.key}" only by case (the two files collide on Windows and macOS)`);
  }
  const file = path.join(dir, `${spec.key}.yaml`);
  // A second guard besides the key pattern (which already forbids separators and a leading dot).
  if (!isInside(path.resolve(dir), path.resolve(file)) || path.dirname(path.resolve(file)) !== path.resolve(dir)) {
    throw new FlagsError('INVALID_KEY', `flag key "${spec.key}" would be written outside the flags directory`);
  }
  const parsed = parseFlagFile(file, text);
  const { flag, diagnostics } = validateFlagEntry(parsed, parsed.entries[0]);
  if (!flag) throw invalidEdit(shown(file), spec.key, diagnostics);
  const target = await resolveWriteTarget(file, { root: dir, fs: opts.fs, name: shown(file) });
  await withFileLock(target, { timeoutMs: opts.lockTimeoutMs, displayName: shown(file) }, async (lock) => {
    lock.assertHeld();
    await writeFileAtomic(target, text, { root: dir, exclusive: true, displayName: shown(file), fs: opts.fs });
  });
  const otherErrors = set.diagnostics.filter((d) => d.severity === 'error');
  return { action: 'create', key: spec.key, file: target, changed: true, flag, diagnostics, otherErrors };
}

/** The one-flag file `create` writes: every required field, disabled, in the documented order; `now` null writes no timestamps. */
export function renderNewFlag(spec: CreateFlagSpec, now: string | null): string {
  if (typeof spec.key !== 'string' || !KEY_PATTERN.test(spec.key)) {
    throw new FlagsError(
      'INVALID_KEY',
      `invalid flag key ${JSON.stringify(spec.key)}: use letters, digits, ".", "_" and "-", starting with a letter or digit, at most 128 characters`,
    );
  }
  const reserved = reservedNameProblem(spec.key);
  if (reserved) throw new FlagsError('INVALID_KEY', `invalid flag key ${JSON.stringify(spec.key)}: ${reserved}`);
  if (!(FLAG_TYPES as readonly string[]).includes(spec.type)) {
    throw new FlagsError('INVALID_VALUE', `type must be one of ${FLAG_TYPES.join(', ')}, got "${String(spec.type)}"`);
  }
  if (!isJsonValue(spec.defaultValue) || !valueMatchesType(spec.type, spec.defaultValue)) {
    throw new FlagsError('INVALID_VALUE', `default value ${JSON.stringify(spec.defaultValue) ?? String(spec.defaultValue)} is not a ${spec.type}`);
  }
  // Numbers and values of a library caller's spec, checked like the command line's: the file must be able to hold them.
  for (const v of spec.variants ?? []) {
    checkNumber(v.weight, `the weight of variant "${v.key}"`);
    if (!isJsonValue(v.value)) throw new FlagsError('INVALID_VALUE', `the value of variant "${v.key}" is not a JSON value`);
  }
  if (spec.fallthrough) {
    if (spec.fallthrough.percentage !== undefined) checkNumber(spec.fallthrough.percentage, 'the fallthrough percentage');
    if (!isJsonValue(spec.fallthrough.value)) throw new FlagsError('INVALID_VALUE', 'the fallthrough value is not a JSON value');
  }
  const fields: [string, JsonValue][] = [
    ['key', spec.key],
    ['name', spec.name ?? spec.key],
    ['description', spec.description ?? ''],
    ['type', spec.type],
    ['defaultValue', spec.defaultValue],
    ['enabled', false],
    ['rules', []],
    ['tags', spec.tags ?? []],
    ['owner', spec.owner ?? ''],
    ...(now === null ? [] : ([['createdAt', now], ['updatedAt', now]] as [string, JsonValue][])),
  ];
  if (spec.expiresAt !== undefined) fields.push(['expiresAt', spec.expiresAt]);
  // Written with the editor's renderer so quoting follows the same rules as edits.
  const lines = fields.map(([k, v]) => `${k}: ${renderInline(v, { flow: false })}\n`);
  if (spec.variants?.length) {
    // Block style, one field per line, so a later weight change is a one-line diff.
    const block = spec.variants.map((v) =>
      (['key', 'name', 'value', 'weight'] as const).map((f, i) => `${i === 0 ? '  - ' : '    '}${f}: ${renderInline(v[f], { flow: false })}\n`).join(''),
    );
    lines.splice(fields.findIndex(([k]) => k === 'rules') + 1, 0, 'variants:\n', ...block);
  }
  if (spec.fallthrough) {
    const ft = spec.fallthrough;
    const block = [...(ft.percentage === undefined ? [] : [`  percentage: ${renderInline(ft.percentage, { flow: false })}\n`]), `  value: ${renderInline(ft.value, { flow: true })}\n`];
    lines.splice(fields.findIndex(([k]) => k === 'rules') + 1, 0, 'fallthrough:\n', ...block);
  }
  return lines.join('');
}

function isJsonValue(v: unknown): v is JsonValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isJsonValue);
  if (isPlainObject(v)) return Object.getPrototypeOf(v) === Object.prototype && Object.values(v).every(isJsonValue);
  return false;
}
