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
 * The weights of a new experiment's arms (SPEC 4.1): given treatment weights
 * are kept, treatments without one share the rest evenly with the control,
 * every weight is rounded to two decimals and the control takes the
 * remainder, so the weights sum to exactly 100 (three arms: 33.34, 33.33,
 * 33.33). An arm without a name is named after its key.
 */
export function computeArmWeights(control: Omit<ArmSpec, 'weight'>, treatments: ArmSpec[]): ArmWeightsResult {
  if (treatments.length === 0) return { ok: false, message: 'an experiment needs at least one treatment' };
  const keys = new Set<string>([control.key]);
  for (const t of treatments) {
    if (keys.has(t.key)) return { ok: false, message: `arm key "${t.key}" is used twice` };
    keys.add(t.key);
  }
  // All arithmetic in integer hundredths: 100 − 2 × 33.33 in floating point is 33.340000000000003.
  let givenCents = 0;
  let unweighted = 0;
  for (const t of treatments) {
    if (t.weight === undefined) {
      unweighted++;
      continue;
    }
    if (!Number.isFinite(t.weight) || t.weight < 0) {
      return { ok: false, message: `the weight of "${t.key}" must be a number from 0 to 100, not ${t.weight}` };
    }
    givenCents += Math.round(t.weight * 100);
  }
  if (givenCents > 10000) {
    return { ok: false, message: `treatment weights sum to ${givenCents / 100}, over 100` };
  }
  const shareCents = Math.round((10000 - givenCents) / (unweighted + 1));
  const treatmentCents = treatments.map((t) => (t.weight === undefined ? shareCents : Math.round(t.weight * 100)));
  const controlCents = 10000 - treatmentCents.reduce((a, b) => a + b, 0);
  // A control with no traffic makes every comparison impossible; refuse rather than create a dead experiment.
  if (controlCents <= 0) {
    return { ok: false, message: `treatment weights sum to ${givenCents / 100}, leaving nothing for the control "${control.key}"` };
  }
  return {
    ok: true,
    control: { key: control.key, name: control.name ?? control.key, weight: controlCents / 100 },
    treatments: treatments.map((t, i) => ({ key: t.key, name: t.name ?? t.key, weight: treatmentCents[i] / 100 })),
  };
}
