/**
 * What a generated module describes (issue 20, `flags generate`), independent
 * of the language: each flag's key, type and the shape of its values. A
 * language is one template (templates/*.ts) rendering this model. Pure.
 */
import type { Flag, FlagType, JsonValue } from '../schema/flag.js';

/** The shape of JSON values, inferred from a json flag's values. */
export type Shape =
  | { kind: 'boolean' | 'number' | 'string' | 'null' | 'unknown' }
  | { kind: 'array'; of: Shape }
  | { kind: 'object'; fields: [string, Shape][] }
  | { kind: 'union'; of: Shape[] };

export interface FlagModel {
  key: string;
  type: FlagType;
  /** For json flags, inferred from every value the flag can serve; the type's own shape otherwise. */
  shape: Shape;
  description: string;
  owner: string;
  defaultValue: JsonValue;
  /** Variant keys, when the flag has a split. */
  variants: string[];
  expiresAt?: string;
}

export interface CodegenModel {
  flags: FlagModel[];
}

/** Every value a flag file names (default, rules, fallthrough, variants, environments). */
function valuesOf(flag: Flag): JsonValue[] {
  const out: JsonValue[] = [flag.defaultValue];
  for (const r of flag.rules) out.push(r.value);
  if (flag.fallthrough) out.push(flag.fallthrough.value);
  for (const v of flag.variants ?? []) out.push(v.value);
  for (const e of Object.values(flag.environments ?? {})) if (e.value !== undefined) out.push(e.value);
  return out;
}

export function shapeOf(value: JsonValue): Shape {
  if (value === null) return { kind: 'null' };
  if (Array.isArray(value)) return { kind: 'array', of: value.length === 0 ? { kind: 'unknown' } : unionOf(value.map(shapeOf)) };
  if (typeof value === 'object') return { kind: 'object', fields: Object.keys(value).sort().map((k) => [k, shapeOf(value[k])]) };
  return { kind: typeof value as 'boolean' | 'number' | 'string' };
}

/** Distinct shapes as one (a single shape stays itself); nested unions are flattened. */
export function unionOf(shapes: Shape[]): Shape {
  const seen = new Map<string, Shape>();
  // Lists merge into one list of the union of their elements ([] and [1] are both number[]).
  const elements: Shape[] = [];
  const add = (s: Shape) => {
    if (s.kind === 'union') s.of.forEach(add);
    else if (s.kind === 'array') elements.push(s.of);
    else seen.set(JSON.stringify(s), s);
  };
  shapes.forEach(add);
  if (elements.length > 0) {
    const list: Shape = { kind: 'array', of: unionOf(elements) };
    seen.set(JSON.stringify(list), list);
  }
  // An empty list's element type says nothing once another list says more.
  if (seen.size > 1) seen.delete(JSON.stringify({ kind: 'unknown' }));
  const list = [...seen.values()];
  return list.length === 1 ? list[0] : { kind: 'union', of: list };
}

/** The model of a flag set: valid flags only, sorted by key so the output is stable. */
export function buildCodegenModel(flags: Iterable<Flag>): CodegenModel {
  const list = [...flags].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    flags: list.map((f) => ({
      key: f.key,
      type: f.type,
      shape: f.type === 'json' ? unionOf(valuesOf(f).map(shapeOf)) : { kind: f.type },
      description: f.description,
      owner: f.owner,
      defaultValue: f.defaultValue,
      variants: (f.variants ?? []).map((v) => v.key),
      ...(f.expiresAt !== undefined && { expiresAt: f.expiresAt }),
    })),
  };
}
