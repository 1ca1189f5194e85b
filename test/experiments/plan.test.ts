import { describe, expect, it } from 'vitest';
import { planExperiment } from '../../src/experiments/plan.js';

/**
 * The textbook two-proportion sample size (e.g. Fleiss, Levin & Paik,
 * "Statistical Methods for Rates and Proportions", without continuity
 * correction):
 *   n = (z_{1−α/2}·√(2·p̄q̄) + z_{1−β}·√(p₁q₁ + p₂q₂))² / (p₂ − p₁)²,  p̄ = (p₁ + p₂)/2,
 * rounded up. The expected values were evaluated independently with Python's
 * statistics.NormalDist().inv_cdf for the quantiles.
 */
function textbook(p1: number, p2: number, za: number, zb: number): number {
  const pbar = (p1 + p2) / 2;
  return Math.ceil((za * Math.sqrt(2 * pbar * (1 - pbar)) + zb * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / (p2 - p1) ** 2);
}
const Z975 = 1.959963984540054;
const Z80 = 0.8416212335729143;

describe('experiment plan', () => {
  it.each([
    // baseline, mde, arms, alpha, power, users per arm (Python), textbook here
    [0.1, 0.02, 2, 0.05, 0.8, 3841, textbook(0.1, 0.12, Z975, Z80)],
    [0.05, 0.01, 2, 0.05, 0.8, 8158, textbook(0.05, 0.06, Z975, Z80)],
    // three arms: each comparison at 0.05/2 (Holm's first step); 90% power
    [0.2, 0.05, 3, 0.05, 0.9, 1730, textbook(0.2, 0.25, 2.241402727604947, 1.2815515655446004)],
    // a decrease to detect, alpha 0.01
    [0.3, -0.03, 2, 0.01, 0.8, 5288, textbook(0.3, 0.27, 2.5758293035489004, Z80)],
  ])('baseline %s, mde %s, %s arms, alpha %s, power %s → %s per arm', (baseline, mde, arms, alpha, power, expected, formula) => {
    const plan = planExperiment({ baseline, mde, arms, alpha, power });
    expect(plan.usersPerArm).toBe(expected);
    expect(plan.usersPerArm).toBe(formula);
    expect(plan.totalUsers).toBe(expected * arms);
    expect(plan.days).toBeNull();
  });

  it('days: all arms together at the daily traffic, rounded up', () => {
    expect(planExperiment({ baseline: 0.1, mde: 0.02, arms: 2, alpha: 0.05, power: 0.8, dailyUsers: 1000 }).days).toBe(Math.ceil(7682 / 1000));
  });
});
