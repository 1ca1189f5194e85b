/**
 * A validated flag compiled once into the form evaluation runs: conditions as
 * closures (regexes compiled, versions parsed, `in` lists as Sets), rollout
 * thresholds and cumulative variant weights precomputed, so an evaluation
 * allocates nothing but its result.
 */
import type { Fallthrough, Flag, JsonValue, Rule } from '../schema/flag.js';
import { cumulativeWeights, rolloutThreshold, type RolloutThreshold } from './bucketing.js';
import { allOf, compileAttributePath, equalsShape, compileCondition, compileSegments, type AttributeGetter, type CompiledCondition } from './conditions.js';
import type { SegmentsInput, SegmentTable } from './segments.js';
import type { Scalar } from './operators/index.js';

export interface CompiledRule {
  readonly id: string;
  readonly value: JsonValue;
  readonly conditions: readonly CompiledCondition[];
  /** All conditions at once (an empty list holds for every context). */
  readonly matches: CompiledCondition;
  /** null: no percentage, every context whose conditions hold matches. */
  readonly rollout: RolloutThreshold | null;
  /**
   * A rule of one `equals` on a two-step path (`tenant.type`) as data:
   * evaluation tests `context[equalsHead][equalsTail]` against equalsValue
   * itself (conditions.ts equalsAt), the same answer as `matches`. null: any
   * other rule, decided by `matches` (equalsTail and equalsValue then unused).
   */
  readonly equalsHead: string | null;
  readonly equalsTail: string;
  readonly equalsValue: Scalar;
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
  /**
   * SPEC 6: the flag with this environment's `rules` and/or `fallthrough` in
   * place of its own; null when the environment has neither.
   */
  readonly targeting: CompiledFlag | null;
}

export interface CompileOptions {
  /** The segments `in_segment` / `not_in_segment` conditions refer to (SPEC 6). */
  segments?: SegmentsInput;
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
  /** SPEC 6 `bucketBy`: the attribute whose value is the bucket key; null: the seed's key. */
  readonly bucketBy: AttributeGetter | null;
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

export function compileFlag(flag: Flag, options: CompileOptions = {}): CompiledFlag {
  const segments = options.segments === undefined ? undefined : compileSegments(options.segments);
  const variants = flag.variants && flag.variants.length > 0 ? flag.variants : null;
  // Not Object.freeze'd: V8 reads frozen objects and arrays measurably slower
  // (~4 ns per evaluation of a one-rule flag); the readonly types guard them.
  const base: CompiledFlag = {
    key: flag.key,
    hashPrefix: flag.key + ':',
    type: flag.type,
    killSwitch: flag.killSwitch === true,
    enabled: flag.enabled,
    defaultValue: frozen(flag.defaultValue),
    environments: null,
    rules: compileRules(flag.rules, segments),
    variants: variants
      ? {
          keys: variants.map((v) => v.key),
          values: variants.map((v) => frozen(v.value)),
          cumulative: cumulativeWeights(variants.map((v) => v.weight)),
        }
      : null,
    fallthrough: compileFallthrough(flag.fallthrough),
    bucketBy: flag.bucketBy === undefined ? null : compileAttributePath(flag.bucketBy),
  };
  if (!flag.environments) return base;
  // A Map of own entries: an environment named "constructor" or "toString"
  // must find nothing unless the file defines it.
  const environments = new Map<string, CompiledEnvironment>();
  for (const [name, o] of Object.entries(flag.environments)) {
    const own = o.rules !== undefined || o.fallthrough !== undefined;
    // The environment's own targeting is the whole flag with its rules and
    // fallthrough swapped in, so evaluation runs the same steps 5–8 on it.
    const targeting: CompiledFlag | null = own
      ? {
          ...base,
          rules: o.rules === undefined ? base.rules : compileRules(o.rules, segments),
          fallthrough: o.fallthrough === undefined ? base.fallthrough : compileFallthrough(o.fallthrough),
        }
      : null;
    environments.set(name, { enabled: o.enabled, value: o.value === undefined ? undefined : frozen(o.value), targeting });
  }
  return { ...base, environments };
}

function compileRules(rules: readonly Rule[], segments: SegmentTable | undefined): CompiledRule[] {
  return rules.map((r) => {
    const conditions = r.conditions.map((c) => compileCondition(c, segments));
    const eq = conditions.length === 1 ? equalsShape(r.conditions[0]) : null;
    return {
      equalsHead: eq === null ? null : eq.head,
      equalsTail: eq === null ? '' : eq.tail,
      equalsValue: eq === null ? false : eq.expected,
      id: r.id,
      value: frozen(r.value),
      conditions,
      matches: allOf(conditions),
      rollout: r.percentage === undefined ? null : rolloutThreshold(r.percentage),
    };
  });
}

function compileFallthrough(f: Fallthrough | undefined): CompiledFlag['fallthrough'] {
  return f ? { value: frozen(f.value), rollout: f.percentage === undefined ? null : rolloutThreshold(f.percentage) } : null;
}

export { regexProblem, parseSemver, conditionValueProblem, type ConditionValueProblem } from './operators/index.js';
