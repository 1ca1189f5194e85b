/**
 * The experiment lifecycle (SPEC 4.1) and the arm weights of a new experiment.
 * Pure: the caller passes the time and writes the two files.
 */
import type { Experiment, ExperimentStatus } from '../schema/experiment.js';

export const LIFECYCLE_ACTIONS = ['start', 'pause', 'resume', 'complete', 'cancel'] as const;
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

interface TransitionRule {
  from: readonly ExperimentStatus[];
  to: ExperimentStatus;
  /** What the experiment's flag's `enabled` must be afterwards. */
  flagEnabled: boolean;
  stamp?: 'startDate' | 'endDate';
}

const TRANSITIONS: Record<LifecycleAction, TransitionRule> = {
  start: { from: ['draft'], to: 'running', flagEnabled: true, stamp: 'startDate' },
  pause: { from: ['running'], to: 'paused', flagEnabled: false },
  // Resuming keeps the original startDate: the experiment's window opened when it first started.
  resume: { from: ['paused'], to: 'running', flagEnabled: true },
  complete: { from: ['running', 'paused'], to: 'completed', flagEnabled: false, stamp: 'endDate' },
  cancel: { from: ['draft', 'running', 'paused'], to: 'cancelled', flagEnabled: false, stamp: 'endDate' },
};

export type TransitionResult =
  | { ok: true; experiment: Experiment; flagEnabled: boolean }
  | { ok: false; code: 'ILLEGAL_TRANSITION'; message: string; allowed: LifecycleAction[] };

/** The actions allowed from a status, in the order of LIFECYCLE_ACTIONS. */
export function allowedActions(status: ExperimentStatus): LifecycleAction[] {
  return LIFECYCLE_ACTIONS.filter((a) => TRANSITIONS[a].from.includes(status));
}

/**
 * Whether the experiment's flag should be on in this status: only a running
 * experiment serves its split. `validate` compares it with the flag's
 * `enabled` to spot a half-done transition.
 */
export function flagEnabledFor(status: ExperimentStatus): boolean {
  return status === 'running';
}

/**
 * Applies a lifecycle action, returning a new experiment (the input is not
 * changed) and the `enabled` the flag must get; or the refusal, naming the
 * actions allowed from the current status. `now` is an ISO-8601 timestamp.
 *
 * Re-running the same action is refused here like any illegal one. The store
 * (experiment-edits.ts) writes the flag first and the experiment second, so an
 * interrupted transition is still legal and can simply be run again; and when
 * the experiment already has the action's target status, the store repairs the
 * flag instead of calling this.
 */
export function transition(experiment: Experiment, action: LifecycleAction, options: { now: string }): TransitionResult {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(experiment.status)) {
    const allowed = allowedActions(experiment.status);
    const tail =
      allowed.length === 0
        ? `a ${experiment.status} experiment is final: no action is allowed`
        : `allowed from ${experiment.status}: ${allowed.join(', ')}`;
    return {
      ok: false,
      code: 'ILLEGAL_TRANSITION',
      message: `cannot ${action} experiment "${experiment.id}": it is ${experiment.status}; ${tail}`,
      allowed,
    };
  }
  const next: Experiment = { ...experiment, status: rule.to };
  if (rule.stamp) next[rule.stamp] = options.now;
  return { ok: true, experiment: next, flagEnabled: rule.flagEnabled };
}

export interface ArmSpec {
  key: string;
  name?: string;
  /** Percentage; treatments without one share what is left evenly with the control. */
  weight?: number;
}

export interface WeightedArm {
  key: string;
  name: string;
  weight: number;
}

export type ArmWeightsResult =
  | { ok: true; control: WeightedArm; treatments: WeightedArm[] }
  | { ok: false; message: string };

/**
 * The weights of a new experiment's arms (SPEC 4.1): whole percentages, since
 * the variant split has 100 buckets and a decimal weight is a split the
 * bucketing cannot serve (33.34/33.33/33.33 really splits 34/33/33). Given
 * treatment weights are kept; the arms without one (the control and the
 * unweighted treatments) share the rest evenly, the leftover percent points
 * going one each to the control first, then the treatments in order (three
 * arms: 34/33/33). An arm without a name is named after its key.
 */
export function computeArmWeights(control: Omit<ArmSpec, 'weight'>, treatments: ArmSpec[]): ArmWeightsResult {
  if (treatments.length === 0) return { ok: false, message: 'an experiment needs at least one treatment' };
  const keys = new Set<string>([control.key]);
  for (const t of treatments) {
    if (keys.has(t.key)) return { ok: false, message: `arm key "${t.key}" is used twice` };
    keys.add(t.key);
  }
  let given = 0;
  let unweighted = 0;
  for (const t of treatments) {
    if (t.weight === undefined) {
      unweighted++;
      continue;
    }
    if (!Number.isFinite(t.weight) || t.weight < 0) {
      return { ok: false, message: `the weight of "${t.key}" must be a number from 0 to 100, not ${t.weight}` };
    }
    if (!Number.isInteger(t.weight)) {
      return { ok: false, message: `the weight of "${t.key}" must be a whole percentage (the split has 100 buckets, so ${t.weight}% cannot be served), not ${t.weight}` };
    }
    given += t.weight;
  }
  if (given > 100) {
    return { ok: false, message: `treatment weights sum to ${given}, over 100` };
  }
  const rest = 100 - given;
  const sharing = unweighted + 1;
  const base = Math.floor(rest / sharing);
  let leftover = rest - base * sharing;
  const take = () => (leftover-- > 0 ? base + 1 : base);
  const controlWeight = take();
  const weights = treatments.map((t) => (t.weight === undefined ? take() : t.weight));
  // A control with no traffic makes every comparison impossible; refuse rather than create a dead experiment.
  if (controlWeight <= 0) {
    return { ok: false, message: `treatment weights sum to ${given}, leaving nothing for the control "${control.key}"` };
  }
  return {
    ok: true,
    control: { key: control.key, name: control.name ?? control.key, weight: controlWeight },
    treatments: treatments.map((t, i) => ({ key: t.key, name: t.name ?? t.key, weight: weights[i] })),
  };
}

/**
 * The arms of an experiment on an existing flag (SPEC 8): its variant keys,
 * with the flag's weights, whatever the variants' value type. The control is
 * `control` when given (it must be a variant), else the first variant; the
 * treatments, when given, must be exactly the other variants (in any order,
 * without weights: the flag's weights are what users get).
 */
export function armsFromVariants(
  flagKey: string,
  variants: readonly { key: string; name?: string; weight: number }[],
  given: { control?: Omit<ArmSpec, 'weight'>; treatments?: ArmSpec[] },
): ArmWeightsResult {
  if (variants.length < 2) {
    return { ok: false, message: `flag "${flagKey}" has ${variants.length === 0 ? 'no variants' : 'one variant'}; an experiment needs a variant per arm (at least two)` };
  }
  const byKey = new Map(variants.map((v) => [v.key, v]));
  const keys = variants.map((v) => v.key).join(', ');
  const controlKey = given.control?.key ?? variants[0].key;
  if (!byKey.has(controlKey)) return { ok: false, message: `flag "${flagKey}" has no variant "${controlKey}" (its variants: ${keys})` };
  const others = variants.filter((v) => v.key !== controlKey);
  if (given.treatments?.length) {
    for (const t of given.treatments) {
      if (!byKey.has(t.key)) return { ok: false, message: `flag "${flagKey}" has no variant "${t.key}" (its variants: ${keys})` };
      if (t.weight !== undefined && t.weight !== byKey.get(t.key)!.weight) {
        return { ok: false, message: `"${t.key}" has weight ${byKey.get(t.key)!.weight} in flag "${flagKey}"; change it with \`flags weights\`, not here` };
      }
    }
    const named = new Set(given.treatments.map((t) => t.key));
    const missing = others.filter((v) => !named.has(v.key)).map((v) => v.key);
    if (missing.length > 0 || named.has(controlKey)) {
      return { ok: false, message: `every variant of flag "${flagKey}" must be an arm; missing: ${missing.join(', ') || controlKey}` };
    }
  }
  const nameOf = (key: string, given?: string) => given ?? byKey.get(key)!.name ?? key;
  const treatmentNames = new Map((given.treatments ?? []).map((t) => [t.key, t.name]));
  return {
    ok: true,
    control: { key: controlKey, name: nameOf(controlKey, given.control?.name), weight: byKey.get(controlKey)!.weight },
    treatments: others.map((v) => ({ key: v.key, name: nameOf(v.key, treatmentNames.get(v.key)), weight: v.weight })),
  };
}
