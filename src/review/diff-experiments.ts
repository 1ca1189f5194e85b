/**
 * What changed in the experiment definitions between two revisions (issue 12):
 * experiments added and removed, and per changed experiment each field as a
 * path with before → after (arms matched by key). Works on the definitions as
 * written, valid or not, so a broken edit still shows. Pure.
 */
import type { JsonValue } from '../schema/flag.js';
import { canonicalJson } from './diff-flags.js';
import { isPlainObject } from '../objects.js';

export interface ExperimentFieldChange {
  path: string;
  before?: JsonValue;
  after?: JsonValue;
}

export interface ExperimentDiff {
  added: string[];
  removed: string[];
  changed: { id: string; changes: ExperimentFieldChange[] }[];
}

/** Definitions by id (plain data as parsed). */
export type ExperimentDefinitions = ReadonlyMap<string, unknown>;

/** Compares two sides; ids in `skip` (definitions that could not be read on a side) are neither added, removed nor changed. */
export function diffExperiments(before: ExperimentDefinitions, after: ExperimentDefinitions, skip: ReadonlySet<string> = new Set()): ExperimentDiff {
  const sorted = (keys: Iterable<string>) => [...keys].filter((id) => !skip.has(id)).sort();
  const added = sorted([...after.keys()].filter((id) => !before.has(id)));
  const removed = sorted([...before.keys()].filter((id) => !after.has(id)));
  const changed: ExperimentDiff['changed'] = [];
  for (const id of sorted(after.keys())) {
    if (!before.has(id)) continue;
    const changes: ExperimentFieldChange[] = [];
    compare(before.get(id), after.get(id), '', changes);
    if (changes.length > 0) changed.push({ id, changes });
  }
  return { added, removed, changed };
}

export function hasExperimentChanges(d: ExperimentDiff | undefined): boolean {
  return d !== undefined && d.added.length + d.removed.length + d.changed.length > 0;
}


/** Lists of objects with a `key` (arms) are matched by key: `variants[green].weight`. */
function keyed(v: unknown): Map<string, unknown> | null {
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => isPlainObject(x) && typeof x.key === 'string')) return null;
  const m = new Map<string, unknown>();
  for (const x of v as Record<string, unknown>[]) m.set(x.key as string, x);
  return m.size === v.length ? m : null;
}

function compare(a: unknown, b: unknown, at: string, out: ExperimentFieldChange[]): void {
  if (canonicalJson(a as JsonValue) === canonicalJson(b as JsonValue)) return;
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) compare(a[k], b[k], at ? `${at}.${k}` : k, out);
    return;
  }
  const ka = keyed(a);
  const kb = keyed(b);
  if (ka && kb) {
    for (const k of [...new Set([...ka.keys(), ...kb.keys()])]) compare(ka.get(k), kb.get(k), `${at}[${k}]`, out);
    return;
  }
  out.push({ path: at, ...(a !== undefined && { before: a as JsonValue }), ...(b !== undefined && { after: b as JsonValue }) });
}
