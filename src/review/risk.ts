/**
 * Risk of a flag change, for ordering a review (SPEC 3 `flags diff`):
 * - high: kill switch on/off, enable/disable, a production environment change,
 *   a removed flag, a type change, a rollout or weight change that moves more
 *   than 10% of contexts;
 * - medium: rules, conditions, values, defaults, other environments, smaller
 *   rollout or weight changes;
 * - low: metadata (name, description, tags, owner, timestamps).
 * Pure: decided from the two versions of the flag alone, never from samples,
 * so the same change always gets the same risk.
 */
import type { Flag } from '../schema/flag.js';
import type { FieldChange, FlagChange } from './diff-flags.js';

export type Risk = 'high' | 'medium' | 'low';

export const RISK_ORDER: Readonly<Record<Risk, number>> = { high: 0, medium: 1, low: 2 };

/** Environment names that count as production. */
export const PRODUCTION_ENVIRONMENTS: ReadonlySet<string> = new Set(['production', 'prod', 'prd']);

/** A rollout or weight change moving more than this many percent of contexts is high risk. */
export const ROLLOUT_HIGH_RISK_PERCENT = 10;

export interface ChangeRisk {
  risk: Risk;
  /** Why, in a few words ("rollout 10% → 50%: moves 40% of contexts"). */
  reason: string;
}

export interface FlagRisk {
  risk: Risk;
  /** One reason per distinct cause, highest risk first. */
  reasons: string[];
  /** The risk of each change, in the order of `changes`. */
  changes: ChangeRisk[];
}

export function isProductionEnvironment(name: string): boolean {
  return PRODUCTION_ENVIRONMENTS.has(name.toLowerCase());
}

/** The environment a path like `environments.production.enabled` or `environments["a.b"]` is about. */
export function environmentOfPath(path: string): string | undefined {
  const m = /^environments(?:\.([A-Za-z0-9_-]+)|\[("(?:[^"\\]|\\.)*")\])/.exec(path);
  if (!m) return undefined;
  return m[1] ?? (JSON.parse(m[2]) as string);
}

/** The risk of one flag's changes: the highest of its field changes. */
export function assessFlagRisk(change: FlagChange): FlagRisk {
  const changes = change.changes.map((c) => assessChange(c, change.before, change.after));
  let risk: Risk = 'low';
  for (const c of changes) if (RISK_ORDER[c.risk] < RISK_ORDER[risk]) risk = c.risk;
  const reasons = [...new Set([...changes].sort((a, b) => RISK_ORDER[a.risk] - RISK_ORDER[b.risk]).map((c) => c.reason))];
  return { risk, reasons, changes };
}

/** Sorts items with a risk highest first, then by key (stable for equal keys). */
export function sortByRisk<T extends { key: string; risk: Risk }>(items: T[]): T[] {
  return [...items].sort((a, b) => RISK_ORDER[a.risk] - RISK_ORDER[b.risk] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const METADATA = new Set(['key', 'name', 'description', 'tags', 'owner', 'createdAt', 'updatedAt']);

export function assessChange(c: FieldChange, before: Flag, after: Flag): ChangeRisk {
  const path = c.path;
  if (path === 'killSwitch') return { risk: 'high', reason: c.after === true ? 'kill switch on' : 'kill switch off' };
  if (path === 'enabled') return { risk: 'high', reason: c.after === true ? 'enabled' : 'disabled' };
  // Every typed caller (getString, getNumber…) gets its own default and TYPE_MISMATCH after a type change.
  if (path === 'type') return { risk: 'high', reason: `type ${String(c.before)} → ${String(c.after)}` };
  if (METADATA.has(path)) return { risk: 'low', reason: 'metadata' };

  const env = environmentOfPath(path);
  if (env !== undefined) {
    return isProductionEnvironment(env)
      ? { risk: 'high', reason: `${env} environment override changed` }
      : { risk: 'medium', reason: `${env} environment override changed` };
  }

  if (path === 'fallthrough' || path === 'fallthrough.percentage') {
    const moved = Math.abs(fallthroughCoverage(after) - fallthroughCoverage(before));
    if (path === 'fallthrough.percentage' || moved > 0) {
      return rolloutRisk(`fallthrough rollout ${pct(fallthroughCoverage(before))} → ${pct(fallthroughCoverage(after))}`, moved);
    }
  }

  const rule = /^(rules\[.*\])(?:\.(percentage|description|value|conditions))?/.exec(path);
  if (rule) {
    const [, which, field] = rule;
    if (field === 'percentage') {
      // A rule without a percentage matches all of its contexts: absent is 100%.
      const b = c.before === undefined ? 100 : (c.before as number);
      const a = c.after === undefined ? 100 : (c.after as number);
      return rolloutRisk(`${which} rollout ${pct(b)} → ${pct(a)}`, Math.abs(a - b));
    }
    if (field === 'description') return { risk: 'low', reason: 'metadata' };
    if (field === undefined) return { risk: 'medium', reason: `${which} ${c.before === undefined ? 'added' : c.after === undefined ? 'removed' : 'changed'}` };
    return { risk: 'medium', reason: `${which} ${field} changed` };
  }
  if (path === 'rules') return { risk: 'medium', reason: 'rules reordered' };

  if (/^variants\[.*\]\.name$/.test(path)) return { risk: 'low', reason: 'metadata' };
  if (/^variants\[.*\]\.value$/.test(path)) return { risk: 'medium', reason: 'variant value changed' };
  if (path.startsWith('variants')) {
    const moved = variantBucketsMoved(before, after);
    return rolloutRisk(path === 'variants' ? 'variants reordered' : 'variant split changed', moved);
  }

  if (path === 'defaultValue') return { risk: 'medium', reason: 'default value changed' };
  if (path.startsWith('fallthrough')) return { risk: 'medium', reason: 'fallthrough value changed' };
  return { risk: 'medium', reason: `${path} changed` };
}

function rolloutRisk(what: string, moved: number): ChangeRisk {
  const reason = `${what}: moves ${pct(moved)} of the contexts that reach it`;
  return { risk: moved > ROLLOUT_HIGH_RISK_PERCENT ? 'high' : 'medium', reason };
}

/** The share (0–100) of contexts reaching the fallthrough that it serves: 0 without one, 100 without a percentage. */
function fallthroughCoverage(flag: Flag): number {
  if (flag.fallthrough === undefined) return 0;
  return flag.fallthrough.percentage ?? 100;
}

/**
 * The percentage of variant buckets (b = h % 100, SPEC 2) whose variant differs
 * between the two versions: exact, since every context falls in one of the 100
 * buckets. A side without variants assigns none, so every bucket moves.
 */
export function variantBucketsMoved(before: Flag, after: Flag): number {
  const b = before.variants ?? [];
  const a = after.variants ?? [];
  if (b.length === 0 && a.length === 0) return 0;
  if (b.length === 0 || a.length === 0) return 100;
  let moved = 0;
  for (let bucket = 0; bucket < 100; bucket++) if (variantKeyAt(b, bucket) !== variantKeyAt(a, bucket)) moved++;
  return moved;
}

function variantKeyAt(variants: NonNullable<Flag['variants']>, bucket: number): string {
  let sum = 0;
  for (const v of variants) {
    sum += v.weight;
    if (bucket < sum) return v.key;
  }
  return variants[0].key;
}

function pct(n: number): string {
  return `${Math.round(n * 100) / 100}%`;
}
