/**
 * Salvage: the named checks on a flag the schema rejected. A repaired copy
 * lets one typo not hide the flag's other problems; findings at the repaired
 * places are dropped by the caller (validate-entry.ts).
 */
import type * as zc from 'zod/v4/core';
import { isPlainObject, ownAt } from '../objects.js';
import { flagSchemas, type Flag } from './flag.js';
import { flagShapeAt } from './flag-shape.js';
import { formatPath, type PathSegment } from './locate.js';
import { suggest } from './suggest.js';

export interface SalvagedFlag {
  flag: Flag;
  /** Paths replaced by placeholders: findings at or around them are not about the user's data. */
  touched: PathSegment[][];
  /** False when a placeholder stands in for something the warnings read (enabled, killSwitch…). */
  warningsReliable: boolean;
}

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
  if (!isPlainObject(raw)) return null;
  let data: Record<string, unknown>;
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
    const reparsed = flagSchemas().FlagSchema.safeParse(state.data);
    if (reparsed.success) return { flag: reparsed.data, touched: state.touched, warningsReliable: state.warningsReliable };
    current = reparsed.error.issues;
  }
  return null;
}

function repairRound(state: { data: Record<string, unknown>; touched: PathSegment[][]; warningsReliable: boolean }, issues: readonly zc.$ZodIssue[]): boolean {
  const { data, touched } = state;
  const renamed: PathSegment[][] = [];
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const p = issue.path as PathSegment[];
    const holder = ownAt(data, p);
    if (!isPlainObject(holder)) continue;
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

function setAt(data: Record<string, unknown>, p: readonly PathSegment[], value: unknown): void {
  const holder = ownAt(data, p.slice(0, -1));
  if (holder !== null && typeof holder === 'object') (holder as Record<string, unknown>)[p[p.length - 1] as string] = value;
}

function deleteAt(data: Record<string, unknown>, p: readonly PathSegment[]): void {
  const holder = ownAt(data, p.slice(0, -1));
  if (holder !== null && typeof holder === 'object') delete (holder as Record<string, unknown>)[p[p.length - 1] as string];
}

/** Is one path inside the other (or equal)? */
export function related(a: readonly PathSegment[], b: readonly PathSegment[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (String(a[i]) !== String(b[i])) return false;
  return true;
}
