/**
 * `flags experiment plan` (SPEC 8): how many users a conversion experiment
 * needs per arm to detect an absolute lift of `mde` over `baseline` with the
 * given power, by the textbook two-proportion formula (requiredSampleSizePerArm),
 * and how many days that takes at a daily traffic. Pure.
 */
import { requiredSampleSizePerArm } from './stats.js';

export interface PlanInput {
  /** Control conversion rate, 0 < baseline < 1. */
  baseline: number;
  /** Absolute lift to detect, as a proportion (0.02 = 2 points); baseline + mde in (0, 1). */
  mde: number;
  /** Arms including the control, ≥ 2. */
  arms: number;
  alpha: number;
  power: number;
  /** Users entering per day, all arms together. */
  dailyUsers?: number;
}

export interface Plan {
  baseline: number;
  target: number;
  mde: number;
  arms: number;
  alpha: number;
  /** The level each comparison is sized at: alpha / (arms − 1), Holm's and BH's first step. */
  alphaPerComparison: number;
  power: number;
  usersPerArm: number;
  totalUsers: number;
  dailyUsers: number | null;
  days: number | null;
}

export function planExperiment(input: PlanInput): Plan {
  const target = input.baseline + input.mde;
  const alphaPerComparison = input.alpha / (input.arms - 1);
  const usersPerArm = requiredSampleSizePerArm(input.baseline, target, { alpha: alphaPerComparison, power: input.power })!;
  const totalUsers = usersPerArm * input.arms;
  const daily = input.dailyUsers ?? null;
  return {
    baseline: input.baseline,
    target,
    mde: input.mde,
    arms: input.arms,
    alpha: input.alpha,
    alphaPerComparison,
    power: input.power,
    usersPerArm,
    totalUsers,
    dailyUsers: daily,
    days: daily === null ? null : Math.ceil(totalUsers / daily),
  };
}
