/**
 * What a flag does now, read from its definition alone (issue 20): killed,
 * disabled, serving one value on every path, or live. Pure: the history and
 * the code references are the store's; this module only looks at a Flag.
 */
import type { Flag, JsonValue } from '../schema/flag.js';

/** Closed vocabulary, from the most final to live. */
export type FlagState = 'killed' | 'disabled' | 'experiment-ended' | 'one-value' | 'live';

/**
 * Every value the flag can serve, over every context and environment: the
 * walk of SPEC 2 without a context. A rule with no conditions and no partial
 * rollout ends the walk (nothing after it is reachable), as does a split or a
 * full fallthrough.
 */
export function servedValues(flag: Flag): JsonValue[] {
  if (flag.killSwitch) return [flag.defaultValue];
  const out: JsonValue[] = [];
  for (const env of Object.values(flag.environments ?? {})) {
    if (!env.enabled) out.push(flag.defaultValue);
    else if (env.value !== undefined) out.push(env.value);
  }
  // Contexts without an environment, or in one without an entry, always reach the global walk.
  out.push(...globalValues(flag));
  return distinct(out);
}

function globalValues(flag: Flag): JsonValue[] {
  if (!flag.enabled) return [flag.defaultValue];
  const out: JsonValue[] = [];
  for (const rule of flag.rules) {
    out.push(rule.value);
    if (rule.conditions.length === 0 && (rule.percentage === undefined || rule.percentage >= 100)) return out;
  }
  const split = (flag.variants ?? []).filter((v) => v.weight > 0);
  if (split.length > 0) return [...out, ...split.map((v) => v.value)];
  if (flag.fallthrough) {
    out.push(flag.fallthrough.value);
    if (flag.fallthrough.percentage === undefined || flag.fallthrough.percentage >= 100) return out;
  }
  out.push(flag.defaultValue);
  return out;
}

function distinct(values: JsonValue[]): JsonValue[] {
  const seen = new Map<string, JsonValue>();
  for (const v of values) seen.set(canonicalJson(v), v);
  return [...seen.values()];
}

/** The state of a flag; `experimentEnded` when its experiment is completed or cancelled. */
export function flagState(flag: Flag, opts: { experimentEnded?: boolean } = {}): FlagState {
  if (flag.killSwitch) return 'killed';
  if (!flag.enabled && Object.values(flag.environments ?? {}).every((e) => !e.enabled || e.value === undefined)) return 'disabled';
  if (opts.experimentEnded) return 'experiment-ended';
  return servedValues(flag).length === 1 ? 'one-value' : 'live';
}

/** JSON with object keys sorted: two values are the same exactly when their texts are. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
      : v,
  );
}
