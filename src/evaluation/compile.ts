/**
 * A validated flag compiled once into the form evaluation runs: conditions as
 * closures (regexes compiled, versions parsed, `in` lists as Sets), rollout
 * thresholds and cumulative variant weights precomputed, so an evaluation
 * allocates nothing but its result.
 */
import type { Flag, JsonValue } from '../schema/flag.js';
import { cumulativeWeights, rolloutThreshold, type RolloutThreshold } from './bucketing.js';
import { compileCondition, type CompiledCondition } from './conditions.js';

export interface CompiledRule {
  readonly id: string;
  readonly value: JsonValue;
  readonly conditions: readonly CompiledCondition[];
  /** All conditions at once (an empty list holds for every context). */
  readonly matches: CompiledCondition;
  /** null: no percentage, every context whose conditions hold matches. */
  readonly rollout: RolloutThreshold | null;
}

export interface CompiledVariants {
  readonly keys: readonly string[];
  readonly values: readonly JsonValue[];
  readonly cumulative: readonly number[];
}

export interface CompiledEnvironment {
  readonly enabled: boolean;
  /** undefined: the override does not set a value. */
  readonly value: JsonValue | undefined;
}

/** A flag ready for evaluateCompiled. Read-only; independent of later edits to the source flag (values are frozen copies). */
export interface CompiledFlag {
  readonly key: string;
  /** `key + ':'`, the prefix of every bucketing hash input. */
  readonly hashPrefix: string;
  readonly type: Flag['type'];
  readonly killSwitch: boolean;
  readonly enabled: boolean;
  readonly defaultValue: JsonValue;
  /** null when the flag has no environment overrides. */
  readonly environments: ReadonlyMap<string, CompiledEnvironment> | null;
  readonly rules: readonly CompiledRule[];
  /** null when the flag has no variants (or an empty list: nothing to split among). */
  readonly variants: CompiledVariants | null;
  readonly fallthrough: { readonly value: JsonValue; readonly rollout: RolloutThreshold | null } | null;
}

/**
 * Compiles a validated flag. Throws a FlagsError (INVALID_OPERATOR_VALUE,
 * INVALID_REGEX, INVALID_SEMVER) for a condition validation rejects.
 */
/**
 * A served value is handed to every caller: an object or array is copied
 * once, at load, and frozen, so `r.value.limit = 999` by one caller cannot
 * change what the next one gets (it throws in strict mode). The flag given
 * to compileFlag is left as it is.
 */
export function frozen(value: JsonValue): JsonValue {
  if (value === null || typeof value !== 'object') return value;
  return deepFreeze(structuredClone(value));
}

function deepFreeze<T extends object>(o: T): T {
  for (const v of Object.values(o)) if (v !== null && typeof v === 'object') deepFreeze(v);
  return Object.freeze(o);
}

export function compileFlag(flag: Flag): CompiledFlag {
  let environments: Map<string, CompiledEnvironment> | null = null;
  if (flag.environments) {
    // A Map of own entries: an environment named "constructor" or "toString"
    // must find nothing unless the file defines it.
    environments = new Map();
    for (const [name, o] of Object.entries(flag.environments)) environments.set(name, { enabled: o.enabled, value: o.value === undefined ? undefined : frozen(o.value) });
  }
  const variants = flag.variants && flag.variants.length > 0 ? flag.variants : null;
  // Not Object.freeze'd: V8 reads frozen objects and arrays measurably slower
  // (~4 ns per evaluation of a one-rule flag); the readonly types guard them.
  return {
    key: flag.key,
    hashPrefix: flag.key + ':',
    type: flag.type,
    killSwitch: flag.killSwitch === true,
    enabled: flag.enabled,
    defaultValue: frozen(flag.defaultValue),
    environments,
    rules: flag.rules.map((r) => {
      const conditions = r.conditions.map(compileCondition);
      return {
        id: r.id,
        value: frozen(r.value),
        conditions,
        matches: allOf(conditions),
        rollout: r.percentage === undefined ? null : rolloutThreshold(r.percentage),
      };
    }),
    variants: variants
      ? {
          keys: variants.map((v) => v.key),
          values: variants.map((v) => frozen(v.value)),
          cumulative: cumulativeWeights(variants.map((v) => v.weight)),
        }
      : null,
    fallthrough: flag.fallthrough
      ? {
          value: frozen(flag.fallthrough.value),
          rollout: flag.fallthrough.percentage === undefined ? null : rolloutThreshold(flag.fallthrough.percentage),
        }
      : null,
  };
}

const always: CompiledCondition = () => true;

/** One function per rule, so evaluation makes one call whatever the number of conditions. */
function allOf(conditions: readonly CompiledCondition[]): CompiledCondition {
  if (conditions.length === 0) return always;
  if (conditions.length === 1) return conditions[0];
  if (conditions.length === 2) {
    const [a, b] = conditions;
    return (ctx) => a(ctx) && b(ctx);
  }
  return (ctx) => {
    for (let i = 0; i < conditions.length; i++) if (!conditions[i](ctx)) return false;
    return true;
  };
}

export { regexProblem, parseSemver, conditionValueProblem, type ConditionValueProblem } from './operators/index.js';
