import { describe, expect, it } from 'vitest';
import { analyzeMetric } from '../../src/experiments/metric-analysis.js';
import { sequentialHalfWidth, sequentialPValue, sequentialRho } from '../../src/experiments/sequential.js';
import type { ArmMetricStats } from '../../src/experiments/sufficient-stats.js';
import { rng } from '../helpers/rng.js';

describe('the asymptotic confidence sequence', () => {
  it('uses the Waudby-Smith et al. / GrowthBook tuning and boundary', () => {
    // ρ² = (−2 ln α + ln(−2 ln α + 1)) / N*, α = 0.05, N* = 5000: (5.991465 + 1.944690)/5000.
    expect(sequentialRho(0.05) ** 2).toBeCloseTo((-2 * Math.log(0.05) + Math.log(-2 * Math.log(0.05) + 1)) / 5000, 15);
    // Hand evaluation of s·√(2(nρ²+1)/(n²ρ²)·ln(√(nρ²+1)/α)) with se = 0.01, n = 8000 (double precision).
    expect(sequentialHalfWidth(0.01, 8000, 0.05)).toBeCloseTo(0.0304740361687683, 14);
    expect(sequentialPValue(0.03, 0.01, 8000, 0.05)).toBeCloseTo(0.05710509820418787, 14);
  });

  it('is wider than the fixed-horizon interval at every n (the price of peeking)', () => {
    for (const n of [100, 1000, 5000, 50000, 1e6]) expect(sequentialHalfWidth(1, n, 0.05)).toBeGreaterThan(1.959963984540054);
  });

  it('its p-value is below alpha exactly when its interval excludes 0', () => {
    for (const est of [0.001, 0.01, 0.02, 0.0304, 0.0305, 0.05, -0.04]) {
      const half = sequentialHalfWidth(0.01, 8000, 0.05);
      expect(sequentialPValue(est, 0.01, 8000, 0.05) < 0.05).toBe(Math.abs(est) > half);
    }
  });
});

const METRIC = { key: 'purchase', kind: 'conversion' as const, direction: 'increase' as const, guardrail: false, primary: true };

function arm(name: string, users: number, converters: number): ArmMetricStats {
  return { arm: name, metric: 'purchase', users, converters, sum: converters, sumSquares: converters };
}

describe('an A/A experiment inspected 20 times (seeded simulation)', () => {
  // 1,500 experiments, both arms converting at 10%, 250 new users per arm between looks,
  // stopped at the first look that says "significant". Pure math: no I/O.
  const EXPERIMENTS = 1500;
  const LOOKS = 20;
  const PER_LOOK = 250;
  const ALPHA = 0.05;
  const random = rng(20261130);
  let fixedRejections = 0;
  let sequentialRejections = 0;
  for (let e = 0; e < EXPERIMENTS; e++) {
    let [nc, xc, nt, xt] = [0, 0, 0, 0];
    let fixedStopped = false;
    let sequentialStopped = false;
    for (let look = 0; look < LOOKS; look++) {
      for (let u = 0; u < PER_LOOK; u++) {
        if (random() < 0.1) xc++;
        if (random() < 0.1) xt++;
      }
      nc += PER_LOOK;
      nt += PER_LOOK;
      const arms = [arm('a', nc, xc), arm('b', nt, xt)];
      if (!fixedStopped && analyzeMetric(METRIC, arms, { alpha: ALPHA, correction: 'holm', mode: 'fixed' }).comparisons[0].significant) fixedStopped = true;
      if (!sequentialStopped && analyzeMetric(METRIC, arms, { alpha: ALPHA, correction: 'holm', mode: 'sequential' }).comparisons[0].significant) sequentialStopped = true;
    }
    if (fixedStopped) fixedRejections++;
    if (sequentialStopped) sequentialRejections++;
  }
  const monteCarloError = Math.sqrt((ALPHA * (1 - ALPHA)) / EXPERIMENTS);

  it('with --sequential rejects at most alpha (within 3 Monte-Carlo standard errors)', () => {
    expect(sequentialRejections / EXPERIMENTS).toBeLessThanOrEqual(ALPHA + 3 * monteCarloError);
  });

  it('without it, peeking rejects far more often than alpha', () => {
    // Theory for 20 equally spaced looks at α = 0.05: about 25%.
    expect(fixedRejections / EXPERIMENTS).toBeGreaterThan(3 * ALPHA);
  });
});
