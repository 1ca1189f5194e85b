/**
 * The authoring edits of SPEC 6: add, remove and move a rule (of the flag or
 * of one environment), set every variant weight at once, add and remove tags,
 * roll out per environment, delete a flag. Same guarantees as flag-edits.ts,
 * whose read-lock-plan-validate-write cycle (editFlag) they reuse: minimal
 * text edits (yaml-seq-edit.ts for lists), atomic, locked, validated.
 */
import { unlinkSync } from 'node:fs';
import { FlagsError } from '../errors.js';
import type { Condition, JsonValue } from '../schema/flag.js';
import { parseFlagFile } from '../schema/parse-file.js';
import { didYouMean } from '../schema/suggest.js';
import { readExperiments } from './experiment-repo.js';
import { displayOf, editFileText, editFlag } from './edit-cycle.js';
import type { EditOptions, EditPlan, FieldChange, FlagEditResult, RawFlag } from './edit-results.js';
import { checkNumber, parseFlagValue } from './flag-values.js';
import { readEditableText, readFlagSet } from './flag-repo.js';
import { withFileLock } from './lock.js';
import { resolveWriteTarget, writeFileAtomic } from './atomic-write.js';
import { editYaml } from './yaml-edit.js';
import { editYamlSeq } from './yaml-seq-edit.js';
import { isPlainObject, ownAt } from '../objects.js';

type Place = { before?: string; position?: number };

export interface RuleSpec {
  id: string;
  conditions: Condition[];
  /** As typed on the command line; parsed by the flag's type. */
  value: string;
  percentage?: number;
  description?: string;
}

export interface RuleEditResult extends FlagEditResult {
  action: 'rule-add' | 'rule-remove' | 'rule-move';
  env?: string;
  ruleId: string;
  /** The rule ids in order after the edit. */
  order: string[];
  /** The environment had no rules of its own: this edit gave it some, which replace the flag's there. */
  createdEnvironmentRules?: boolean;
}

export interface WeightsResult extends FlagEditResult {
  action: 'weights';
  weights: { key: string; before: number; after: number }[];
}

export interface TagsResult extends FlagEditResult {
  action: 'tag';
  tags: string[];
  added: string[];
  removed: string[];
}

export interface EnvRolloutResult extends FlagEditResult {
  action: 'rollout';
  env: string;
  target: { fallthrough: true } | { rule: string };
  before: number | undefined;
  percentage: number;
}

// ---- rules ----

export async function addRule(dir: string, key: string, spec: RuleSpec, opts: EditOptions & Place & { env?: string } = {}): Promise<RuleEditResult> {
  const checked = spec.percentage === undefined ? spec : { ...spec, percentage: checkNumber(spec.percentage, `the percentage of rule "${spec.id}"`) };
  return editFlag(dir, key, opts, (raw) => planAddRule(raw, checked, opts));
}

export async function removeRule(dir: string, key: string, id: string, opts: EditOptions & { env?: string } = {}): Promise<RuleEditResult> {
  return editFlag(dir, key, opts, (raw) => planRemoveRule(raw, id, opts.env));
}

export async function moveRule(dir: string, key: string, id: string, opts: EditOptions & Place & { env?: string } = {}): Promise<RuleEditResult> {
  return editFlag(dir, key, opts, (raw) => planMoveRule(raw, id, opts));
}

function rulesPath(env: string | undefined): (string | number)[] {
  return env === undefined ? ['rules'] : ['environments', env, 'rules'];
}

function ruleList(raw: RawFlag, env: string | undefined): RawFlag[] | undefined {
  const v = ownAt(raw, rulesPath(env));
  return Array.isArray(v) ? (v as RawFlag[]) : undefined;
}

function idsOf(rules: readonly RawFlag[] | undefined): string[] {
  return (rules ?? []).map((r) => String(isPlainObject(r) ? r.id : ''));
}

function where(env: string | undefined): string {
  return env === undefined ? '' : ` in environment "${env}"`;
}

function missingRule(raw: RawFlag, id: string, env: string | undefined): FlagsError {
  const ids = idsOf(ruleList(raw, env));
  return new FlagsError(
    'UNKNOWN_RULE',
    `flag "${String(raw.key)}" has no rule "${id}"${where(env)}${didYouMean(id, ids)}; ${ids.length ? `its rules: ${ids.join(', ')}` : 'it has no rules there'}`,
  );
}

/** The index a new or moved rule goes to, from --before ID or --position N (1-based). */
function targetIndex(ids: readonly string[], place: Place, raw: RawFlag, env: string | undefined, max: number): number {
  if (place.before !== undefined && place.position !== undefined) throw new FlagsError('USAGE', 'give --before or --position, not both');
  if (place.before !== undefined) {
    const i = ids.indexOf(place.before);
    if (i < 0) throw missingRule(raw, place.before, env);
    return i;
  }
  if (place.position !== undefined) {
    if (!Number.isInteger(place.position) || place.position < 1 || place.position > max + 1) {
      throw new FlagsError('INVALID_VALUE', `--position must be a whole number from 1 to ${max + 1}, got ${place.position}`);
    }
    return place.position - 1;
  }
  return max;
}

export function planAddRule(raw: RawFlag, spec: RuleSpec, opts: Place & { env?: string }): EditPlan<Omit<RuleEditResult, keyof FlagEditResult>> {
  const env = opts.env;
  if (typeof raw.type !== 'string') throw new FlagsError('FLAG_INVALID', `flag "${String(raw.key)}" has no valid type; fix it first`);
  const value = parseFlagValue(raw.type as never, spec.value, `the value of rule "${spec.id}"`);
  const rules = ruleList(raw, env);
  const ids = idsOf(rules);
  if (ids.includes(spec.id)) throw new FlagsError('DUPLICATE_RULE_ID', `flag "${String(raw.key)}" already has a rule "${spec.id}"${where(env)}; pick another --id`);
  const index = targetIndex(ids, opts, raw, env, ids.length);
  const rule: Record<string, JsonValue> = { id: spec.id };
  if (spec.description !== undefined) rule.description = spec.description;
  rule.conditions = spec.conditions as unknown as JsonValue;
  if (spec.percentage !== undefined) rule.percentage = spec.percentage;
  rule.value = value;
  const envEntry = env === undefined ? undefined : ownAt(raw, ['environments', env]);
  const createdEnvironmentRules = env !== undefined && rules === undefined;
  return {
    sets: [],
    safety: false,
    textEdit: (text, prefix) => {
      let t = text;
      if (env !== undefined && !isPlainObject(envEntry)) {
        t = editYaml(t, [{ path: [...prefix, 'environments', env], value: { enabled: true, rules: [] }, before: ['createdAt', 'updatedAt'] }]);
      } else if (rules === undefined) {
        t = editYaml(t, [{ path: [...prefix, ...rulesPath(env)], value: [], after: ['value', 'enabled'] }]);
      }
      return editYamlSeq(t, [...prefix, ...rulesPath(env)], { kind: 'insert', index, value: rule });
    },
    textChanges: [{ path: `${rulesPath(env).join('.')}.${spec.id}`, before: undefined, after: rule }],
    describe: (after) => ({ action: 'rule-add', ...(env !== undefined && { env }), ruleId: spec.id, order: idsOf(ruleList(after, env)), ...(createdEnvironmentRules && { createdEnvironmentRules }) }),
  };
}

export function planRemoveRule(raw: RawFlag, id: string, env: string | undefined): EditPlan<Omit<RuleEditResult, keyof FlagEditResult>> {
  const rules = ruleList(raw, env);
  const index = idsOf(rules).indexOf(id);
  if (index < 0) throw missingRule(raw, id, env);
  return {
    sets: [],
    safety: false,
    textEdit: (text, prefix) => editYamlSeq(text, [...prefix, ...rulesPath(env)], { kind: 'remove', index }),
    textChanges: [{ path: `${rulesPath(env).join('.')}.${id}`, before: rules![index], after: undefined }],
    describe: (after) => ({ action: 'rule-remove', ...(env !== undefined && { env }), ruleId: id, order: idsOf(ruleList(after, env)) }),
  };
}

export function planMoveRule(raw: RawFlag, id: string, opts: Place & { env?: string }): EditPlan<Omit<RuleEditResult, keyof FlagEditResult>> {
  const env = opts.env;
  const ids = idsOf(ruleList(raw, env));
  const from = ids.indexOf(id);
  if (from < 0) throw missingRule(raw, id, env);
  if (opts.before === undefined && opts.position === undefined) throw new FlagsError('USAGE', 'say where to: --before ID or --position N');
  if (opts.before === id) throw new FlagsError('USAGE', `cannot move rule "${id}" before itself`);
  const rest = ids.filter((x) => x !== id);
  const to = opts.before !== undefined ? targetIndex(rest, opts, raw, env, rest.length) : targetIndex(rest, opts, raw, env, rest.length);
  const describe = (after: RawFlag) => ({ action: 'rule-move' as const, ...(env !== undefined && { env }), ruleId: id, order: idsOf(ruleList(after, env)) });
  if (to === from) return { sets: [], safety: false, describe };
  const order = rest.slice();
  order.splice(to, 0, id);
  return {
    sets: [],
    safety: false,
    textEdit: (text, prefix) => editYamlSeq(text, [...prefix, ...rulesPath(env)], { kind: 'move', from, to }),
    textChanges: [{ path: `${rulesPath(env).join('.')} (order)`, before: ids, after: order }],
    describe,
  };
}

// ---- weights ----

/** Sets variant weights in one write (SPEC 6): the result must sum to 100. */
export async function setWeights(dir: string, key: string, weights: readonly (readonly [string, number])[], opts: EditOptions = {}): Promise<WeightsResult> {
  const checked = weights.map(([k, w]) => [k, checkNumber(w, `the weight of variant "${k}"`)] as const);
  return editFlag(dir, key, opts, (raw) => planWeights(raw, checked));
}

export function planWeights(raw: RawFlag, weights: readonly (readonly [string, number])[]): EditPlan<Omit<WeightsResult, keyof FlagEditResult>> {
  const variants = Array.isArray(raw.variants) ? (raw.variants as RawFlag[]) : [];
  if (variants.length === 0) throw new FlagsError('NO_VARIANTS', `flag "${String(raw.key)}" has no variants to weigh`);
  const keys = variants.map((v) => String(v.key));
  const next = variants.map((v) => (typeof v.weight === 'number' ? v.weight : 0));
  const seen = new Set<string>();
  for (const [k, w] of weights) {
    const i = keys.indexOf(k);
    if (i < 0) throw new FlagsError('UNKNOWN_VARIANT', `flag "${String(raw.key)}" has no variant "${k}"${didYouMean(k, keys)}; its variants: ${keys.join(', ')}`);
    if (seen.has(k)) throw new FlagsError('USAGE', `variant "${k}" is given twice`);
    seen.add(k);
    next[i] = w;
  }
  const sum = next.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 100) > 1e-9) {
    const shown = keys.map((k, i) => `${k}=${next[i]}`).join(' ');
    throw new FlagsError('WEIGHTS_NOT_100', `weights would sum to ${+sum.toFixed(6)}, not 100 (${shown}); give every weight so they add up to 100`);
  }
  const sets = next.flatMap((w, i) => (variants[i].weight === w ? [] : [{ path: ['variants', i, 'weight'], value: w }]));
  return {
    sets,
    safety: false,
    describe: (after) => ({
      action: 'weights',
      weights: keys.map((k, i) => ({ key: k, before: variants[i].weight as number, after: (ownAt(after, ['variants', i, 'weight']) as number) ?? next[i] })),
    }),
  };
}

// ---- tags ----

export async function editTags(dir: string, key: string, change: { add?: string[]; remove?: string[] }, opts: EditOptions = {}): Promise<TagsResult> {
  return editFlag(dir, key, opts, (raw) => planTags(raw, change));
}

export function planTags(raw: RawFlag, change: { add?: string[]; remove?: string[] }): EditPlan<Omit<TagsResult, keyof FlagEditResult>> {
  const tags = Array.isArray(raw.tags) ? (raw.tags as unknown[]).map(String) : [];
  for (const t of [...(change.add ?? []), ...(change.remove ?? [])]) if (t.trim() === '') throw new FlagsError('INVALID_VALUE', 'a tag must not be empty');
  const added = [...new Set(change.add ?? [])].filter((t) => !tags.includes(t));
  const removed = [...new Set(change.remove ?? [])].filter((t) => tags.includes(t));
  const describe = (after: RawFlag) => ({ action: 'tag' as const, tags: Array.isArray(after.tags) ? (after.tags as unknown[]).map(String) : [], added, removed });
  if (added.length === 0 && removed.length === 0) return { sets: [], safety: false, describe };
  const final = [...tags.filter((t) => !removed.includes(t)), ...added];
  return {
    sets: [],
    safety: false,
    textEdit: (text, prefix) => {
      let t = text;
      let current = tags.slice();
      for (const tag of removed) {
        t = editYamlSeq(t, [...prefix, 'tags'], { kind: 'remove', index: current.indexOf(tag) });
        current = current.filter((x) => x !== tag);
      }
      for (const tag of added) {
        t = editYamlSeq(t, [...prefix, 'tags'], { kind: 'insert', index: current.length, value: tag });
        current.push(tag);
      }
      return t;
    },
    textChanges: [{ path: 'tags', before: tags, after: final }],
    describe,
  };
}

// ---- per-environment rollout ----

/**
 * `flags rollout KEY P --env E` (SPEC 6): the environment's own fallthrough
 * (or, with `rule`, its own rule). An environment without a fallthrough of its
 * own gets one with the flag's fallthrough value, so "5% in production, 50% in
 * staging" is two commands.
 */
export async function setEnvRollout(dir: string, key: string, percent: number, opts: EditOptions & { env: string; rule?: string }): Promise<EnvRolloutResult> {
  const value = checkNumber(percent, 'rollout percentage');
  return editFlag(dir, key, opts, (raw) => planEnvRollout(raw, value, opts.env, opts.rule));
}

export function planEnvRollout(raw: RawFlag, percent: number, env: string, rule?: string): EditPlan<Omit<EnvRolloutResult, keyof FlagEditResult>> {
  const entry = ownAt(raw, ['environments', env]);
  if (rule !== undefined) {
    const rules = ruleList(raw, env);
    if (rules === undefined) {
      throw new FlagsError('UNKNOWN_RULE', `environment "${env}" of flag "${String(raw.key)}" has no rules of its own (it uses the flag's); roll out the flag's rule without --env, or add one with \`flags rule add ${String(raw.key)} … --env ${env}\``);
    }
    const index = idsOf(rules).indexOf(rule);
    if (index < 0) throw missingRule(raw, rule, env);
    const path = ['environments', env, 'rules', index, 'percentage'];
    const before = ownAt(raw, path);
    return {
      sets: before === percent ? [] : [{ path, value: percent, before: ['value'] }],
      safety: false,
      describe: (after) => ({ action: 'rollout', env, target: { rule }, before: typeof before === 'number' ? before : undefined, percentage: ownAt(after, path) as number }),
    };
  }
  const own = ownAt(raw, ['environments', env, 'fallthrough']);
  const describe = (after: RawFlag) => ({
    action: 'rollout' as const,
    env,
    target: { fallthrough: true as const },
    before: isPlainObject(own) && typeof own.percentage === 'number' ? own.percentage : undefined,
    percentage: ownAt(after, ['environments', env, 'fallthrough', 'percentage']) as number,
  });
  if (isPlainObject(own)) {
    if (own.percentage === percent) return { sets: [], safety: false, describe };
    return { sets: [{ path: ['environments', env, 'fallthrough', 'percentage'], value: percent, before: ['value'] }], safety: false, describe };
  }
  const flagFallthrough = raw.fallthrough;
  if (!isPlainObject(flagFallthrough) || flagFallthrough.value === undefined) {
    throw new FlagsError(
      'NO_FALLTHROUGH',
      `flag "${String(raw.key)}" has no fallthrough value to roll out in "${env}"; add one with \`flags set ${String(raw.key)} fallthrough.value VALUE\``,
    );
  }
  const fallthrough = { percentage: percent, value: flagFallthrough.value as JsonValue };
  if (!isPlainObject(entry)) {
    return { sets: [{ path: ['environments', env], value: { enabled: true, fallthrough }, before: ['createdAt', 'updatedAt'] }], safety: false, describe };
  }
  return { sets: [{ path: ['environments', env, 'fallthrough'], value: fallthrough }], safety: false, describe };
}

// ---- delete ----

export interface DeleteResult {
  action: 'delete';
  key: string;
  file: string;
  /** The whole file was removed (one-flag form), or the flag was cut out of a list file. */
  removedFile: boolean;
  changes: FieldChange[];
}

/** Removes a flag: its file, or its item of a list file. Refused while a live experiment uses it. */
export async function deleteFlag(dir: string, key: string, opts: EditOptions = {}): Promise<DeleteResult> {
  const shown = displayOf(dir, opts.displayDir);
  for (const exp of await readExperiments(dir)) {
    const raw = exp.raw;
    if (!isPlainObject(raw) || raw.flagKey !== key) continue;
    if (raw.status !== 'completed' && raw.status !== 'cancelled') {
      throw new FlagsError(
        'FLAG_IN_USE',
        `refusing to delete flag "${key}": experiment "${String(raw.id)}" (${String(raw.status)}) uses it; ${raw.status === 'draft' ? `cancel the experiment first (flags experiment cancel ${String(raw.id)})` : `complete or cancel the experiment first (flags experiment complete|cancel ${String(raw.id)})`}`,
      );
    }
  }
  const set = await readFlagSet(dir);
  const entries = set.entries.get(key);
  if (!entries || entries.length === 0) throw new FlagsError('FLAG_NOT_FOUND', `no flag "${key}" in ${shown(dir)}${didYouMean(key, [...set.entries.keys()])}`);
  if (entries.length > 1) throw new FlagsError('DUPLICATE_FLAG_KEY', `flag "${key}" is defined in ${entries.length} places; remove the duplicate by hand`);
  const file = entries[0].file;
  const target = await resolveWriteTarget(file, { root: dir, fs: opts.fs, name: shown(file) });
  return withFileLock(target, { timeoutMs: opts.lockTimeoutMs, displayName: shown(file) }, async (lock) => {
    const { bytes, text } = readEditableText(target, shown(file));
    const parsed = parseFlagFile(file, text);
    const found = parsed.entries.filter((e) => e.key === key);
    if (found.length !== 1) throw new FlagsError('FLAG_NOT_FOUND', `flag "${key}" is no longer in ${shown(file)}`);
    const entry = found[0];
    lock.assertHeld();
    if (entry.index === null) {
      unlinkSync(target);
      return { action: 'delete', key, file: target, removedFile: true, changes: [{ path: key, before: entry.raw, after: undefined }] };
    }
    const newText = editFileText(shown(file), () => editYamlSeq(text, ['flags'], { kind: 'remove', index: entry.index! }));
    await writeFileAtomic(target, newText, { root: dir, displayName: shown(file), fs: opts.fs, expect: bytes, beforeRename: () => lock.assertHeld() });
    return { action: 'delete', key, file: target, removedFile: false, changes: [{ path: key, before: entry.raw, after: undefined }] };
  });
}
