/**
 * Start-up (issue 21.1): a flag that is plainly valid is accepted without
 * zod. `parseValidFlag` returns what `FlagSchema.safeParse(raw).data` would
 * (the same fields in the schema's order, copies of every object and list,
 * `killSwitch` filled in) when it can tell for certain that the schema accepts
 * `raw`, and undefined otherwise: then the schema decides, and writes the
 * findings. So a valid flag never builds the schemas (about 5 ms of every
 * `flags list`), and an invalid one gets exactly the findings it got before.
 * test/schema/flag-fast.test.ts compares it with the schema on generated flags.
 */
import { regexes } from 'zod/v4/core';
import { CONDITION_OPERATORS, FLAG_TYPES, KEY_PATTERN, type Flag, type JsonValue } from './flag.js';

/** The patterns the schema's `z.iso.datetime({ offset: true })` and `z.iso.date()` test (flag.ts TimestampSchema). */
let isoDateTime: RegExp | undefined;
const isTimestamp = (v: unknown): v is string =>
  typeof v === 'string' && ((isoDateTime ??= regexes.datetime({ offset: true, local: false, precision: null })).test(v) || regexes.date.test(v));

const FLAG_TYPE_SET: ReadonlySet<unknown> = new Set(FLAG_TYPES);
const OPERATOR_SET: ReadonlySet<unknown> = new Set(CONDITION_OPERATORS);

/** Thrown inside the walk when the answer is not certain; caught by parseValidFlag. */
const UNSURE = Symbol('unsure');

function plain(v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw UNSURE;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) throw UNSURE;
  return v as Record<string, unknown>;
}

/** `obj` holds only these fields, every one an enumerable string key with a defined value. */
function onlyFields(obj: Record<string, unknown>, fields: ReadonlySet<string>): void {
  const keys = Reflect.ownKeys(obj);
  for (const k of keys) {
    if (typeof k !== 'string' || !fields.has(k) || obj[k] === undefined || !Object.prototype.propertyIsEnumerable.call(obj, k)) throw UNSURE;
  }
}

const str = (v: unknown): string => (typeof v === 'string' ? v : fail());
const nonEmpty = (v: unknown): string => (typeof v === 'string' && v.length > 0 ? v : fail());
const bool = (v: unknown): boolean => (typeof v === 'boolean' ? v : fail());
const percentage = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 100 ? v : fail());
function fail(): never {
  throw UNSURE;
}

function json(v: unknown, depth = 0): JsonValue {
  if (typeof v === 'string' || typeof v === 'boolean' || v === null) return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : fail();
  // Deep values are the schema's to judge (it recurses; so would a stack overflow here).
  if (depth > 64) throw UNSURE;
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) throw UNSURE;
    const out: JsonValue[] = [];
    for (let i = 0; i < v.length; i++) {
      if (!(i in v)) throw UNSURE;
      out.push(json(v[i], depth + 1));
    }
    return out;
  }
  const obj = plain(v);
  const out: Record<string, JsonValue> = {};
  for (const k of Reflect.ownKeys(obj)) {
    if (typeof k !== 'string' || k === '__proto__' || !Object.prototype.propertyIsEnumerable.call(obj, k)) throw UNSURE;
    out[k] = json(obj[k], depth + 1);
  }
  return out;
}

const CONDITION_FIELDS = new Set(['attribute', 'operator', 'value']);
function condition(v: unknown): Flag['rules'][number]['conditions'][number] {
  const c = plain(v);
  onlyFields(c, CONDITION_FIELDS);
  if (!OPERATOR_SET.has(c.operator)) throw UNSURE;
  const out: Record<string, unknown> = {};
  if ('attribute' in c) out.attribute = nonEmpty(c.attribute);
  out.operator = c.operator;
  if ('value' in c) out.value = json(c.value);
  return out as Flag['rules'][number]['conditions'][number];
}

const RULE_FIELDS = new Set(['id', 'description', 'conditions', 'percentage', 'value']);
function rule(v: unknown): Flag['rules'][number] {
  const r = plain(v);
  onlyFields(r, RULE_FIELDS);
  const out: Record<string, unknown> = { id: nonEmpty(r.id) };
  if ('description' in r) out.description = str(r.description);
  out.conditions = list(r.conditions, condition);
  if ('percentage' in r) out.percentage = percentage(r.percentage);
  if (!('value' in r)) throw UNSURE;
  out.value = json(r.value);
  return out as Flag['rules'][number];
}

const FALLTHROUGH_FIELDS = new Set(['percentage', 'value']);
function fallthrough(v: unknown): NonNullable<Flag['fallthrough']> {
  const f = plain(v);
  onlyFields(f, FALLTHROUGH_FIELDS);
  const out: Record<string, unknown> = {};
  if ('percentage' in f) out.percentage = percentage(f.percentage);
  if (!('value' in f)) throw UNSURE;
  out.value = json(f.value);
  return out as NonNullable<Flag['fallthrough']>;
}

const VARIANT_FIELDS = new Set(['key', 'name', 'value', 'weight']);
function variant(v: unknown): NonNullable<Flag['variants']>[number] {
  const x = plain(v);
  onlyFields(x, VARIANT_FIELDS);
  if (!('value' in x)) throw UNSURE;
  return { key: nonEmpty(x.key), name: str(x.name), value: json(x.value), weight: percentage(x.weight) };
}

const ENVIRONMENT_FIELDS = new Set(['enabled', 'value', 'rules', 'fallthrough']);
function environment(v: unknown): NonNullable<Flag['environments']>[string] {
  const e = plain(v);
  onlyFields(e, ENVIRONMENT_FIELDS);
  const out: Record<string, unknown> = { enabled: bool(e.enabled) };
  if ('value' in e) out.value = json(e.value);
  if ('rules' in e) out.rules = list(e.rules, rule);
  if ('fallthrough' in e) out.fallthrough = fallthrough(e.fallthrough);
  return out as NonNullable<Flag['environments']>[string];
}

function list<T>(v: unknown, item: (x: unknown) => T): T[] {
  if (!Array.isArray(v) || Object.getPrototypeOf(v) !== Array.prototype) throw UNSURE;
  const out: T[] = [];
  for (let i = 0; i < v.length; i++) {
    if (!(i in v)) throw UNSURE;
    out.push(item(v[i]));
  }
  return out;
}

const FLAG_FIELD_SET = new Set<string>([
  'key', 'name', 'description', 'type', 'defaultValue', 'enabled', 'rules', 'fallthrough', 'variants', 'bucketBy',
  'tags', 'owner', 'killSwitch', 'environments', 'createdAt', 'updatedAt', 'expiresAt', 'temporary',
]);

/** What the flag schema makes of `raw` when it certainly accepts it; undefined when the schema must decide. */
export function parseValidFlag(raw: unknown): Flag | undefined {
  try {
    const f = plain(raw);
    onlyFields(f, FLAG_FIELD_SET);
    const key = str(f.key);
    if (!KEY_PATTERN.test(key)) throw UNSURE;
    const out: Record<string, unknown> = { key, name: str(f.name), description: str(f.description) };
    if (!FLAG_TYPE_SET.has(f.type)) throw UNSURE;
    out.type = f.type;
    if (!('defaultValue' in f)) throw UNSURE;
    out.defaultValue = json(f.defaultValue);
    out.enabled = bool(f.enabled);
    out.rules = list(f.rules, rule);
    if ('fallthrough' in f) out.fallthrough = fallthrough(f.fallthrough);
    if ('variants' in f) out.variants = list(f.variants, variant);
    if ('bucketBy' in f) out.bucketBy = nonEmpty(f.bucketBy);
    out.tags = list(f.tags, str);
    out.owner = str(f.owner);
    out.killSwitch = 'killSwitch' in f ? bool(f.killSwitch) : false;
    if ('environments' in f) {
      const envs = plain(f.environments);
      const copy: Record<string, unknown> = {};
      for (const k of Reflect.ownKeys(envs)) {
        if (typeof k !== 'string' || k === '__proto__' || !Object.prototype.propertyIsEnumerable.call(envs, k)) throw UNSURE;
        copy[k] = environment(envs[k]);
      }
      out.environments = copy;
    }
    for (const field of ['createdAt', 'updatedAt', 'expiresAt'] as const) {
      if (field in f) out[field] = isTimestamp(f[field]) ? f[field] : fail();
    }
    if ('temporary' in f) out.temporary = bool(f.temporary);
    return out as Flag;
  } catch (e) {
    if (e === UNSURE) return undefined;
    throw e;
  }
}
