/**
 * The flag-changing operations of the library and the CLI (SPEC 3, "Every
 * command that changes a file"): toggle, kill, revive, set a field, roll out,
 * create. Each one locks the flag's file, re-reads it under the lock, plans
 * the change as plain data (the `plan*` functions below are pure), applies it
 * as byte-exact text edits (yaml-edit.ts), validates the changed flag and
 * writes the file atomically (atomic-write.ts). Problems in other files never
 * block an edit.
 */
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { FlagsError, type Diagnostic } from '../errors.js';
import { valueMatchesType } from '../schema/checks.js';
import { FLAG_TYPES, FlagSchema, KEY_PATTERN, type Fallthrough, type Flag, type FlagType, type JsonValue, type Variant } from '../schema/flag.js';
import { parseFlagFile, type FlagEntry, type ParsedFlagFile } from '../schema/parse-file.js';
import { didYouMean } from '../schema/suggest.js';
import { validateFlagEntry } from '../schema/validate.js';
import { type AtomicFs, resolveWriteTarget, writeFileAtomic } from './atomic-write.js';
import { isInside, readEditableText, readFlagSet } from './flag-repo.js';
import { foldCase, reservedNameProblem } from '../schema/portable.js';
import { withFileLock } from './lock.js';
import { editYaml, renderInline, YamlEditError, type YamlSet } from './yaml-edit.js';
import { FORBIDDEN_KEYS, isPlainObject } from '../objects.js';

// ---- public types ----

export interface EditOptions {
  /** ISO-8601 timestamp written to `updatedAt` (and `createdAt` on create). Default: now, to the second. */
  now?: string;
  /**
   * false: leave `updatedAt` and `createdAt` alone (flags.config.yaml
   * `timestamps: false`). Every edit stamping the same line is what makes two
   * branches that change different fields of one flag conflict. Default true.
   */
  timestamps?: boolean;
  /** How long to wait while another process holds the file's lock (default 6 s). */
  lockTimeoutMs?: number;
  /** How the flags directory is named in messages (default: its folder name). */
  displayDir?: string;
  /**
   * @internal The filesystem used for writing (tests inject failures here).
   * Typed with Node's fs, so it is left out of the published declarations.
   */
  fs?: AtomicFs;
}

export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

export interface FlagEditResult {
  key: string;
  /** The file that holds the flag (the real file when it is reached through a link). */
  file: string;
  /** False when the flag already was in the requested state: nothing was written. */
  changed: boolean;
  /** The fields written, `updatedAt` included. */
  changes: FieldChange[];
  /** The flag as it is now, when it is valid (a kill may be written into an invalid flag). */
  flag?: Flag;
  /** The changed flag's validation findings after the edit (warnings; errors only for a safety edit of an invalid flag). */
  diagnostics: Diagnostic[];
  /** Errors elsewhere in the flags directory, found on the way; they never block an edit. */
  otherErrors: Diagnostic[];
}

/**
 * Whether the flag takes part in evaluation (in `env`, when given) and why,
 * in the evaluator's order (SPEC 2): kill switch, environment override, `enabled`.
 */
export interface EffectiveState {
  on: boolean;
  reason: 'ENABLED' | 'ENVIRONMENT_OVERRIDE' | 'KILL_SWITCH' | 'ENVIRONMENT_DISABLED' | 'DISABLED';
}

export interface ToggleResult extends FlagEditResult {
  action: 'toggle';
  env?: string;
  /** The value now in `enabled` (or `environments.<env>.enabled`). */
  enabled: boolean;
  effective: EffectiveState;
}

export interface KillResult extends FlagEditResult {
  action: 'kill';
  killSwitch: true;
  enabled: false;
}

export interface ReviveResult extends FlagEditResult {
  action: 'revive';
  killSwitch: false;
  enabled: boolean;
  effective: EffectiveState;
}

export interface SetFieldResult extends FlagEditResult {
  action: 'set';
  path: string;
  before: unknown;
  after: unknown;
}

export interface RolloutResult extends FlagEditResult {
  action: 'rollout';
  /** `fallthrough`, or the id of the rule. */
  target: { fallthrough: true } | { rule: string };
  before: number | undefined;
  percentage: number;
}

export interface CreateFlagSpec {
  key: string;
  type: FlagType;
  defaultValue: JsonValue;
  name?: string;
  description?: string;
  owner?: string;
  tags?: string[];
  /** An A/B split (an experiment's arms), written in block style after `rules`. */
  variants?: Variant[];
  /** `expiresAt` (a date, YYYY-MM-DD): validate warns EXPIRED from that day on. */
  expiresAt?: string;
  /** What contexts no rule matches get once the flag is on (`create --on-value/--rollout`), written after `rules`. */
  fallthrough?: Fallthrough;
}

export interface CreateResult {
  action: 'create';
  key: string;
  file: string;
  changed: true;
  flag: Flag;
  diagnostics: Diagnostic[];
  otherErrors: Diagnostic[];
}

// ---- operations ----

/**
 * Sets `enabled` (or `environments.<env>.enabled`, creating the entry), or
 * flips it with `'flip'`: globally from `enabled`, in an environment from the
 * effective state there.
 */
export async function setEnabled(dir: string, key: string, enabled: boolean | 'flip', opts: EditOptions & { env?: string } = {}): Promise<ToggleResult> {
  const env = opts.env;
  if (env !== undefined) checkSegment(env, 'environment name');
  return editFlag(dir, key, opts, (raw) => planToggle(raw, enabled, env));
}

/** `killSwitch: true` and `enabled: false`. Written even when the flag has other errors. */
export async function kill(dir: string, key: string, opts: EditOptions = {}): Promise<KillResult> {
  return editFlag(dir, key, opts, planKill);
}

/** `killSwitch: false`; `enabled` stays as it is (off after a kill). */
export async function revive(dir: string, key: string, opts: EditOptions = {}): Promise<ReviveResult> {
  return editFlag(dir, key, opts, planRevive);
}

/**
 * Sets one scalar field, `rawValue` parsed by the field's type: `enabled`,
 * `defaultValue`, `fallthrough.percentage`, `rules.<ruleId>.value`,
 * `variants.<key>.weight`, `environments.<env>.enabled`, … (see SETTABLE_FIELDS).
 */
export async function setField(dir: string, key: string, fieldPath: string, rawValue: string, opts: EditOptions = {}): Promise<SetFieldResult> {
  return editFlag(dir, key, opts, (raw) => planSetField(raw, fieldPath, rawValue));
}

/** Sets the rollout percentage of the fallthrough, or of a rule with `{ rule }`. */
export async function setRollout(dir: string, key: string, percent: number, opts: EditOptions & { rule?: string } = {}): Promise<RolloutResult> {
  if (typeof percent !== 'number' || !Number.isFinite(percent)) throw new FlagsError('INVALID_VALUE', `rollout percentage must be a number, got ${String(percent)}`);
  return editFlag(dir, key, opts, (raw) => planRollout(raw, percent, opts.rule));
}

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

// ---- pure planning ----

/** One edit of one flag, as plain data: what to set and how to describe the outcome. */
export interface EditPlan<R> {
  sets: FlagFieldSet[];
  /**
   * The change only makes the flag safer (kill, turn off): it is written even
   * when the flag has other schema errors, as long as the file parses.
   */
  safety: boolean;
  /** The operation's own result fields, from the flag's data after the edit. */
  describe(after: Record<string, unknown>): R;
  /**
   * Edits of lists (SPEC 6 authoring: insert, remove or move a rule, a tag),
   * applied to the file's text before `sets`; `prefix` is the flag's path in
   * the document. rule-edits.ts builds these with yaml-seq-edit.ts.
   */
  textEdit?: (text: string, prefix: (string | number)[]) => string;
  /** What `textEdit` changes, for the result's `changes`. */
  textChanges?: FieldChange[];
}

/** A value to set, with a path relative to the flag's mapping. */
export interface FlagFieldSet {
  path: (string | number)[];
  value: JsonValue;
  after?: string[];
  before?: string[];
}

type RawFlag = Record<string, unknown>;

export function planToggle(raw: RawFlag, enabled: boolean | 'flip', env?: string): EditPlan<Omit<ToggleResult, keyof FlagEditResult>> {
  if (env === undefined) {
    const target = enabled === 'flip' ? raw.enabled !== true : enabled;
    return {
      sets: raw.enabled === target ? [] : [{ path: ['enabled'], value: target }],
      safety: target === false,
      describe: (after) => ({ action: 'toggle', enabled: after.enabled === true, effective: effectiveState(after) }),
    };
  }
  const current = ownAt(raw, ['environments', env, 'enabled']);
  const target = enabled === 'flip' ? !effectiveState(raw, env).on : enabled;
  return {
    sets: current === target ? [] : [{ path: ['environments', env, 'enabled'], value: target, before: ['createdAt', 'updatedAt'] }],
    safety: target === false,
    describe: (after) => ({
      action: 'toggle',
      env,
      enabled: ownAt(after, ['environments', env, 'enabled']) === true,
      effective: effectiveState(after, env),
    }),
  };
}

export function planKill(raw: RawFlag): EditPlan<Omit<KillResult, keyof FlagEditResult>> {
  const sets: FlagFieldSet[] = [];
  if (raw.enabled !== false) sets.push({ path: ['enabled'], value: false });
  // Beside `enabled`, so the reviewer sees the two lines of a kill together.
  if (raw.killSwitch !== true) sets.push({ path: ['killSwitch'], value: true, after: ['enabled'] });
  return { sets, safety: true, describe: () => ({ action: 'kill', killSwitch: true, enabled: false }) };
}

export function planRevive(raw: RawFlag): EditPlan<Omit<ReviveResult, keyof FlagEditResult>> {
  // Only an existing `killSwitch` is rewritten: a flag without one is not killed, and adding `false` would be noise.
  const sets: FlagFieldSet[] = Object.hasOwn(raw, 'killSwitch') && raw.killSwitch !== false ? [{ path: ['killSwitch'], value: false }] : [];
  return {
    sets,
    safety: false,
    describe: (after) => ({ action: 'revive', killSwitch: false, enabled: after.enabled === true, effective: effectiveState(after) }),
  };
}

export function planSetField(raw: RawFlag, fieldPath: string, rawValue: string): EditPlan<Omit<SetFieldResult, keyof FlagEditResult>> {
  const field = resolveFieldPath(raw, fieldPath);
  const value = parseFieldValue(field, rawValue, raw.type);
  const before = ownAt(raw, field.path);
  const safety =
    (field.display === 'enabled' && value === false) ||
    (field.display === 'killSwitch' && value === true) ||
    (field.path[0] === 'environments' && field.path[2] === 'enabled' && value === false);
  const describe = (after: RawFlag) => ({ action: 'set' as const, path: field.display, before, after: ownAt(after, field.path) });
  // SPEC 6: `environments.staging.value true` on a flag without a staging entry
  // writes the whole entry, `staging: {enabled: true, value: true}`: an entry
  // needs `enabled`, and a value is only served by an enabled one.
  if (field.path[0] === 'environments' && field.path[2] !== 'enabled' && !isPlainObject(ownAt(raw, ['environments', field.path[1]]))) {
    return { sets: [{ path: ['environments', field.path[1]], value: { enabled: true, [field.path[2]]: value }, before: field.before }], safety, describe };
  }
  return {
    sets: isDeepStrictEqual(before, value) ? [] : [{ path: field.path, value, before: field.before }],
    safety,
    describe,
  };
}

export function planRollout(raw: RawFlag, percent: number, rule?: string): EditPlan<Omit<RolloutResult, keyof FlagEditResult>> {
  let fieldPath: string;
  if (rule === undefined && !isPlainObject(raw.fallthrough) && raw.type === 'boolean' && typeof raw.defaultValue === 'boolean') {
    // A boolean flag has one value to roll out: the one that is not its default.
    const value = !raw.defaultValue;
    return {
      sets: [
        { path: ['fallthrough', 'value'], value, before: ['tags', 'owner'] },
        { path: ['fallthrough', 'percentage'], value: percent, before: ['value'] },
      ],
      safety: false,
      describe: (after) => ({ action: 'rollout', target: { fallthrough: true }, before: 0, percentage: ownAt(after, ['fallthrough', 'percentage']) as number }),
    };
  }
  if (rule === undefined) {
    if (!isPlainObject(raw.fallthrough)) {
      const rules = ruleIds(raw);
      throw new FlagsError(
        'NO_FALLTHROUGH',
        `flag "${String(raw.key)}" has no fallthrough to roll out; add one with \`flags set ${String(raw.key)} fallthrough.value VALUE\`` +
          (rules.length ? `, or roll out a rule with --rule (rules: ${rules.join(', ')})` : ''),
      );
    }
    fieldPath = 'fallthrough.percentage';
  } else {
    fieldPath = `rules.${rule}.percentage`;
  }
  const field = resolveFieldPath(raw, fieldPath);
  const before = ownAt(raw, field.path);
  return {
    sets: before === percent ? [] : [{ path: field.path, value: percent, before: field.before }],
    safety: false,
    describe: (after) => ({
      action: 'rollout',
      target: rule === undefined ? { fallthrough: true } : { rule },
      before: typeof before === 'number' ? before : undefined,
      percentage: ownAt(after, field.path) as number,
    }),
  };
}

/** The evaluator's order (SPEC 2 steps 2–4): kill switch, then the environment override, then `enabled`. */
export function effectiveState(raw: RawFlag, env?: string): EffectiveState {
  if (raw.killSwitch === true) return { on: false, reason: 'KILL_SWITCH' };
  if (env !== undefined) {
    const o = ownAt(raw, ['environments', env]);
    if (isPlainObject(o)) {
      if (o.enabled === false) return { on: false, reason: 'ENVIRONMENT_DISABLED' };
      if (o.value !== undefined) return { on: true, reason: 'ENVIRONMENT_OVERRIDE' };
    }
  }
  return raw.enabled === true ? { on: true, reason: 'ENABLED' } : { on: false, reason: 'DISABLED' };
}

// ---- field paths and values ----

type FieldKind = 'boolean' | 'number' | 'string' | 'value' | 'type';

export interface ResolvedField {
  /** Path inside the flag (rules and variants by index). */
  path: (string | number)[];
  /** As the user wrote it. */
  display: string;
  kind: FieldKind;
  before?: string[];
}

const TOP_FIELDS: Record<string, FieldKind> = {
  enabled: 'boolean',
  killSwitch: 'boolean',
  defaultValue: 'value',
  name: 'string',
  description: 'string',
  owner: 'string',
  type: 'type',
};
const RULE_FIELDS: Record<string, FieldKind> = { percentage: 'number', value: 'value', description: 'string' };
const FALLTHROUGH_FIELDS: Record<string, FieldKind> = { percentage: 'number', value: 'value' };
const VARIANT_FIELDS: Record<string, FieldKind> = { weight: 'number', value: 'value', name: 'string' };
const ENV_FIELDS: Record<string, FieldKind> = { enabled: 'boolean', value: 'value' };

export const SETTABLE_FIELDS = [
  ...Object.keys(TOP_FIELDS),
  'fallthrough.percentage',
  'fallthrough.value',
  'rules.<ruleId>.percentage|value|description',
  'variants.<variantKey>.weight|value|name',
  'environments.<env>.enabled|value',
] as const;


function checkSegment(seg: string, what: string): void {
  if (FORBIDDEN_KEYS.has(seg)) throw new FlagsError('INVALID_PATH', `"${seg}" is not allowed as ${what}`);
  if (seg === '') throw new FlagsError('INVALID_PATH', `${what} must not be empty`);
}

/**
 * `rules.beta-testers.percentage` → `['rules', 0, 'percentage']`. The first
 * segment picks the structure and the last the field, so ids and environment
 * names may themselves contain dots.
 */
export function resolveFieldPath(raw: RawFlag, fieldPath: string): ResolvedField {
  const segs = fieldPath.split('.');
  for (const s of segs) checkSegment(s, 'a path segment');
  const [head] = segs;
  const unknown = (extra = '') =>
    new FlagsError(
      'UNKNOWN_FIELD',
      `cannot set "${fieldPath}"${extra}; settable fields: ${SETTABLE_FIELDS.join(', ')}`,
    );
  const fieldOf = (table: Record<string, FieldKind>, name: string, what: string): FieldKind => {
    if (!Object.hasOwn(table, name)) {
      throw new FlagsError('UNKNOWN_FIELD', `"${name}" is not a settable ${what} field${didYouMean(name, Object.keys(table))}; settable: ${Object.keys(table).join(', ')}`);
    }
    return table[name];
  };

  if (segs.length === 1) {
    if (Object.hasOwn(TOP_FIELDS, head)) return { path: [head], display: head, kind: TOP_FIELDS[head] };
    if (head === 'key') throw new FlagsError('UNKNOWN_FIELD', 'the key of a flag cannot be changed with set (it is how code refers to the flag)');
    if (head === 'updatedAt' || head === 'createdAt') throw new FlagsError('UNKNOWN_FIELD', `"${head}" is maintained by flags itself`);
    if (['rules', 'fallthrough', 'variants', 'environments', 'tags'].includes(head)) throw unknown(` ("${head}" is not a single value)`);
    throw unknown(didYouMean(head, [...Object.keys(TOP_FIELDS), 'fallthrough', 'rules', 'variants', 'environments']));
  }
  const last = segs[segs.length - 1];
  const middle = segs.slice(1, -1).join('.');
  switch (head) {
    case 'fallthrough': {
      if (segs.length !== 2) throw unknown();
      return { path: ['fallthrough', last], display: fieldPath, kind: fieldOf(FALLTHROUGH_FIELDS, last, 'fallthrough'), before: last === 'value' ? ['tags', 'owner'] : ['value'] };
    }
    case 'rules': {
      if (segs.length < 3) throw unknown(' (rules are addressed by id: rules.<ruleId>.<field>)');
      const kind = fieldOf(RULE_FIELDS, last, 'rule');
      const ids = ruleIds(raw);
      const index = Array.isArray(raw.rules) ? raw.rules.findIndex((r) => isPlainObject(r) && r.id === middle) : -1;
      if (index < 0) {
        throw new FlagsError('UNKNOWN_RULE', `flag "${String(raw.key)}" has no rule "${middle}"${didYouMean(middle, ids)}; ${ids.length ? `its rules: ${ids.join(', ')}` : 'it has no rules'}`);
      }
      return { path: ['rules', index, last], display: fieldPath, kind, before: ['value'] };
    }
    case 'variants': {
      if (segs.length < 3) throw unknown(' (variants are addressed by key: variants.<variantKey>.<field>)');
      const kind = fieldOf(VARIANT_FIELDS, last, 'variant');
      const keys = Array.isArray(raw.variants) ? raw.variants.filter(isPlainObject).map((v) => String(v.key)) : [];
      const index = Array.isArray(raw.variants) ? raw.variants.findIndex((v) => isPlainObject(v) && v.key === middle) : -1;
      if (index < 0) {
        throw new FlagsError('UNKNOWN_VARIANT', `flag "${String(raw.key)}" has no variant "${middle}"${didYouMean(middle, keys)}; ${keys.length ? `its variants: ${keys.join(', ')}` : 'it has no variants'}`);
      }
      return { path: ['variants', index, last], display: fieldPath, kind };
    }
    case 'environments': {
      if (segs.length < 3) throw unknown(' (environments.<env>.enabled|value)');
      return { path: ['environments', middle, last], display: fieldPath, kind: fieldOf(ENV_FIELDS, last, 'environment'), before: ['createdAt', 'updatedAt'] };
    }
    default:
      throw unknown(didYouMean(head, ['fallthrough', 'rules', 'variants', 'environments']));
  }
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Parses a command-line value for a field: booleans `true`/`false`, numbers, strings as given, values by the flag's type. */
export function parseFieldValue(field: Pick<ResolvedField, 'kind' | 'display'>, rawValue: string, flagType: unknown): JsonValue {
  switch (field.kind) {
    case 'boolean':
      if (rawValue === 'true' || rawValue === 'false') return rawValue === 'true';
      throw new FlagsError('INVALID_VALUE', `${field.display} takes true or false, got "${rawValue}"`);
    case 'number':
      if (NUMBER.test(rawValue.trim())) return Number(rawValue.trim());
      throw new FlagsError('INVALID_VALUE', `${field.display} takes a number, got "${rawValue}"`);
    case 'string':
      return rawValue;
    case 'type':
      if ((FLAG_TYPES as readonly string[]).includes(rawValue)) return rawValue;
      throw new FlagsError('INVALID_VALUE', `type must be one of ${FLAG_TYPES.join(', ')}, got "${rawValue}"${didYouMean(rawValue, FLAG_TYPES)}`);
    case 'value':
      if (typeof flagType !== 'string' || !(FLAG_TYPES as readonly string[]).includes(flagType)) {
        throw new FlagsError('INVALID_VALUE', `cannot parse a value for ${field.display}: the flag has no valid type`);
      }
      return parseFlagValue(flagType as FlagType, rawValue, field.display);
  }
}

/** A command-line value as a value of a flag type: `true`/`false`, a number, the string as given, or JSON. */
export function parseFlagValue(type: FlagType, rawValue: string, what = 'value'): JsonValue {
  switch (type) {
    case 'boolean':
      if (rawValue === 'true' || rawValue === 'false') return rawValue === 'true';
      throw new FlagsError('INVALID_VALUE', `${what} of a boolean flag must be true or false, got "${rawValue}"`);
    case 'number': {
      const n = Number(rawValue.trim());
      if (NUMBER.test(rawValue.trim()) && Number.isFinite(n)) return n;
      throw new FlagsError('INVALID_VALUE', `${what} of a number flag must be a number, got "${rawValue}"`);
    }
    case 'string':
      return rawValue;
    case 'json':
      try {
        return JSON.parse(rawValue) as JsonValue;
      } catch (e) {
        throw new FlagsError('INVALID_VALUE', `${what} of a json flag must be JSON (e.g. '{"limit": 3}' or '"text"'), got ${JSON.stringify(rawValue)}: ${(e as Error).message}`);
      }
  }
}

// ---- the new file of `create` ----

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

// ---- the shared read-lock-edit-validate-write cycle ----

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
    let newText: string;
    try {
      newText = editYaml(plan.textEdit ? plan.textEdit(text, prefix) : text, sets);
    } catch (e) {
      if (e instanceof YamlEditError) throw new FlagsError('EDIT_FAILED', `cannot edit ${name}: ${e.message}`, { cause: e });
      throw e;
    }

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

function invalidEdit(name: string, key: string, errors: Diagnostic[]): FlagsError {
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


function isJsonValue(v: unknown): v is JsonValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isJsonValue);
  if (isPlainObject(v)) return Object.getPrototypeOf(v) === Object.prototype && Object.values(v).every(isJsonValue);
  return false;
}

/** Own-property lookup: never reaches into the prototype chain. */
function ownAt(raw: unknown, p: readonly (string | number)[]): unknown {
  let cur = raw;
  for (const seg of p) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, seg)) return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

function ruleIds(raw: RawFlag): string[] {
  return Array.isArray(raw.rules) ? raw.rules.filter(isPlainObject).map((r) => String(r.id)) : [];
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
