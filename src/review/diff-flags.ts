/**
 * The semantic difference between two flag sets (SPEC 3 `flags diff`): flags
 * are paired by key, never by file, so a moved or renamed file is no change;
 * inside a flag, rules are matched by `id` and variants by `key`, so a reorder
 * reads as a reorder and not as every rule rewritten. Pure: plain data in,
 * plain data out.
 */
import type { Condition, Flag, JsonValue, Rule, Variant } from '../schema/flag.js';

/**
 * One changed field. `before` is absent when the field (or rule, variant,
 * environment) was added, `after` when it was removed. A reorder of rules or
 * variants is the entry `rules` / `variants` with the id lists before and after.
 */
export interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

export interface FlagChange {
  key: string;
  before: Flag;
  after: Flag;
  changes: FieldChange[];
}

export interface FlagSetDiff {
  /** Keys served by the new set only, sorted. */
  added: string[];
  /** Keys served by the old set only, sorted. */
  removed: string[];
  /** Flags in both whose fields differ, sorted by key. */
  changed: FlagChange[];
  /** Keys defined in the new set but not served there (invalid or duplicated): not compared. */
  skipped: string[];
}

export interface FlagSetSide {
  flags: ReadonlyMap<string, Flag>;
  /** Keys that exist but are not served (invalid, duplicated). */
  invalidKeys?: ReadonlySet<string>;
}

/**
 * Pairs the flags of two sets by key. A key that is invalid in the new set is
 * neither removed nor changed: it is reported in `skipped`, since calling a
 * typo'd file a removal would send a reviewer after the wrong problem.
 */
export function diffFlagSets(before: FlagSetSide, after: FlagSetSide): FlagSetDiff {
  const skippedSet = new Set(after.invalidKeys ?? []);
  const added: string[] = [];
  const removed: string[] = [];
  const changed: FlagChange[] = [];
  for (const [key, flag] of after.flags) {
    const old = before.flags.get(key);
    if (old === undefined) {
      added.push(key);
      continue;
    }
    const changes = diffFlag(old, flag);
    if (changes.length > 0) changed.push({ key, before: old, after: flag, changes });
  }
  for (const key of before.flags.keys()) {
    if (!after.flags.has(key) && !skippedSet.has(key)) removed.push(key);
  }
  const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  added.sort(byKey);
  removed.sort(byKey);
  changed.sort((a, b) => byKey(a.key, b.key));
  const skipped = [...skippedSet].filter((k) => !after.flags.has(k)).sort(byKey);
  return { added, removed, changed, skipped };
}

/** The fields in the order changes are listed: state first, then targeting, then metadata. */
const FIELD_ORDER = [
  'killSwitch',
  'enabled',
  'type',
  'defaultValue',
  'environments',
  'rules',
  'variants',
  'fallthrough',
  'key',
  'name',
  'description',
  'tags',
  'owner',
  'createdAt',
  'updatedAt',
] as const;

/** Every changed field of one flag, as readable paths. */
export function diffFlag(before: Flag, after: Flag): FieldChange[] {
  const out: FieldChange[] = [];
  const b = before as unknown as Record<string, unknown>;
  const a = after as unknown as Record<string, unknown>;
  const known = new Set<string>(FIELD_ORDER);
  // Any field the schema gains later is still compared, as a whole value.
  const extra = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => !known.has(k)).sort();
  for (const field of [...FIELD_ORDER, ...extra]) {
    switch (field) {
      case 'killSwitch':
        // Absent and false mean the same (the schema default).
        if ((before.killSwitch ?? false) !== (after.killSwitch ?? false)) out.push({ path: 'killSwitch', before: before.killSwitch ?? false, after: after.killSwitch ?? false });
        break;
      case 'environments':
        diffEnvironments(before.environments ?? {}, after.environments ?? {}, out);
        break;
      case 'rules':
        diffRules(before.rules, after.rules, out);
        break;
      case 'variants':
        diffVariants(before.variants ?? [], after.variants ?? [], out);
        break;
      case 'fallthrough':
        diffObject('fallthrough', before.fallthrough, after.fallthrough, ['percentage', 'value'], out);
        break;
      default:
        pushIfDifferent(field, b[field], a[field], out);
    }
  }
  return out;
}

function pushIfDifferent(path: string, before: unknown, after: unknown, out: FieldChange[]): void {
  if (deepEqual(before, after)) return;
  const change: FieldChange = { path };
  if (before !== undefined) change.before = before;
  if (after !== undefined) change.after = after;
  out.push(change);
}

/** An optional object compared field by field when present on both sides, as a whole when added or removed. */
function diffObject(path: string, before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined, fields: string[], out: FieldChange[]): void {
  if (before === undefined || after === undefined) {
    pushIfDifferent(path, before, after, out);
    return;
  }
  const all = [...fields, ...[...new Set([...Object.keys(before), ...Object.keys(after)])].filter((f) => !fields.includes(f)).sort()];
  for (const f of all) pushIfDifferent(`${path}.${f}`, before[f], after[f], out);
}

function diffEnvironments(before: Record<string, unknown>, after: Record<string, unknown>, out: FieldChange[]): void {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const name of names) {
    const b = Object.hasOwn(before, name) ? (before[name] as Record<string, unknown>) : undefined;
    const a = Object.hasOwn(after, name) ? (after[name] as Record<string, unknown>) : undefined;
    const base = `environments${member(name)}`;
    if (b === undefined || a === undefined) {
      diffObject(base, b, a, ['enabled', 'value'], out);
      continue;
    }
    // SPEC 6: an environment's own rules and fallthrough, field by field like the
    // flag's (`environments.production.fallthrough.percentage`).
    const { rules: br, fallthrough: bf, ...bRest } = b;
    const { rules: ar, fallthrough: af, ...aRest } = a;
    diffObject(base, bRest, aRest, ['enabled', 'value'], out);
    diffObject(`${base}.fallthrough`, bf as Record<string, unknown> | undefined, af as Record<string, unknown> | undefined, ['percentage', 'value'], out);
    if (Array.isArray(br) && Array.isArray(ar)) diffRules(br as Rule[], ar as Rule[], out, `${base}.`);
    else pushIfDifferent(`${base}.rules`, br, ar, out);
  }
}

function diffRules(before: Rule[], after: Rule[], out: FieldChange[], prefix = ''): void {
  const old = new Map(before.map((r) => [r.id, r]));
  const now = new Map(after.map((r) => [r.id, r]));
  diffOrder(`${prefix}rules`, before.map((r) => r.id), after.map((r) => r.id), out);
  for (const rule of after) {
    const prev = old.get(rule.id);
    const base = `${prefix}rules${index(rule.id)}`;
    if (prev === undefined) {
      out.push({ path: base, after: rule });
      continue;
    }
    pushIfDifferent(`${base}.description`, prev.description, rule.description, out);
    diffConditions(base, prev.conditions, rule.conditions, out);
    pushIfDifferent(`${base}.percentage`, prev.percentage, rule.percentage, out);
    pushIfDifferent(`${base}.value`, prev.value, rule.value, out);
  }
  for (const rule of before) if (!now.has(rule.id)) out.push({ path: `${prefix}rules${index(rule.id)}`, before: rule });
}

/**
 * Conditions have no id: they are compared by position, field by field
 * (`rules[beta].conditions[0].value`), which is what a reviewer reads in the file.
 */
function diffConditions(base: string, before: Condition[], after: Condition[], out: FieldChange[]): void {
  const n = Math.max(before.length, after.length);
  for (let i = 0; i < n; i++) {
    const path = `${base}.conditions[${i}]`;
    const b = before[i] as Record<string, unknown> | undefined;
    const a = after[i] as Record<string, unknown> | undefined;
    diffObject(path, b, a, ['attribute', 'operator', 'value'], out);
  }
}

function diffVariants(before: Variant[], after: Variant[], out: FieldChange[]): void {
  const old = new Map(before.map((v) => [v.key, v]));
  const now = new Map(after.map((v) => [v.key, v]));
  // Variant order matters: the split walks cumulative weights in file order.
  diffOrder('variants', before.map((v) => v.key), after.map((v) => v.key), out);
  for (const variant of after) {
    const prev = old.get(variant.key);
    const base = `variants${index(variant.key)}`;
    if (prev === undefined) {
      out.push({ path: base, after: variant });
      continue;
    }
    for (const f of ['name', 'value', 'weight'] as const) pushIfDifferent(`${base}.${f}`, prev[f], variant[f], out);
  }
  for (const variant of before) if (!now.has(variant.key)) out.push({ path: `variants${index(variant.key)}`, before: variant });
}

/**
 * A reorder entry when the ids both sides share appear in another order. An
 * added or removed id alone is not a reorder: its own entry says so.
 */
function diffOrder(path: string, before: string[], after: string[], out: FieldChange[]): void {
  const common = new Set(before.filter((id) => after.includes(id)));
  const b = before.filter((id) => common.has(id));
  const a = after.filter((id) => common.has(id));
  if (b.some((id, i) => id !== a[i])) out.push({ path, before, after });
}

/** `.name` for plain names, `["odd name"]` otherwise, so every path parses back unambiguously. */
function member(name: string): string {
  return /^[A-Za-z0-9_-]+$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}

/** `[id]` for ids without brackets or quotes, `["…"]` otherwise. */
function index(id: string): string {
  return /^[^[\]"]+$/.test(id) ? `[${id}]` : `[${JSON.stringify(id)}]`;
}

/** Structural equality of JSON-like values; object key order does not matter. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ak = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const bk = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ak.length !== bk.length) return false;
  return ak.every((k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** A JSON text with sorted object keys: equal values give equal strings. */
export function canonicalJson(value: JsonValue | undefined): string {
  if (value === undefined) return 'undefined';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
}
