import { describe, expect, it } from 'vitest';
import { analyzeExperiment, bucketShares, describeVerdict } from '../../src/experiments/results.js';
import { adjustPValues, chiSquareIndependence } from '../../src/experiments/stats.js';
import type { ExcludedCounts, SufficientStats } from '../../src/experiments/sufficient-stats.js';
import { ExperimentSchema, type Experiment } from '../../src/schema/experiment.js';

function experiment(treatments: [string, number][], control = 'blue'): Experiment {
  return ExperimentSchema.parse({
    id: 'exp',
    name: 'Exp',
    description: '',
    flagKey: 'exp-flag',
    control: { key: control, name: control },
    treatment: treatments.map(([key, weight]) => ({ key, name: key, weight })),
    primaryMetric: 'purchase',
    status: 'running',
  });
}

/** Counts with the given [users, converters] per arm, control first, for the primary metric (a conversion metric). */
function tally(arms: [string, number, number][], excluded: Partial<ExcludedCounts> = {}): SufficientStats {
  return {
    experimentId: 'exp',
    arms: arms.map(([key, n]) => ({ key, users: n })),
    metrics: arms.map(([arm, n, x]) => ({ arm, metric: 'purchase', users: n, converters: x, sum: x, sumSquares: x })),
    excluded: { multipleArms: 0, conversionsBeforeExposure: 0, conversionsWithoutExposure: 0, outsideWindow: 0, malformedLines: 0, ...excluded },
  };
}

const OPTS = { alpha: 0.05, correction: 'holm' as const };

describe('analyzeExperiment: the SPEC 4.3 object', () => {
  it('has exactly the documented fields', () => {
    const { results } = analyzeExperiment(experiment([['green', 50]]), tally([['blue', 1000, 100], ['green', 1000, 150]]), OPTS);
    expect(Object.keys(results)).toEqual([
      'experimentId', 'status', 'alpha', 'correction', 'arms', 'comparisons', 'overall', 'srm', 'excluded',
      'winner', 'verdict', 'sampleSize', 'controlConversion', 'treatmentConversions', 'statisticalSignificance',
      // SPEC 8 adds these after the seed's fields.
      'analysis', 'window', 'metrics', 'guardrailRegressions',
    ]);
    expect(Object.keys(results.arms[0])).toEqual(['key', 'role', 'weight', 'users', 'converters', 'rate', 'rateInterval', 'insufficientData']);
    expect(Object.keys(results.comparisons[0])).toEqual([
      'treatment', 'absoluteLift', 'relativeLift', 'z', 'pValue', 'adjustedPValue', 'interval', 'relativeInterval', 'significant',
    ]);
    expect(Object.keys(results.srm)).toEqual(['chiSquare', 'df', 'pValue', 'mismatch']);
    expect(Object.keys(results.excluded)).toEqual(['multipleArms', 'conversionsBeforeExposure', 'conversionsWithoutExposure', 'malformedLines', 'outsideWindow']);
  });

  // The statsmodels pair 5/83 vs 12/99, as treatment vs control.
  it('uses the published z-test value for treatment − control', () => {
    const { results } = analyzeExperiment(experiment([['green', 50]]), tally([['blue', 99, 12], ['green', 83, 5]]), { ...OPTS, srmShares: 'weights' });
    const c = results.comparisons[0];
    expect(c.z).toBeCloseTo(-1.4078304151258787, 12);
    expect(Math.abs(c.pValue! - 0.15918129181156992)).toBeLessThan(1e-9);
    expect(c.adjustedPValue).toBe(c.pValue); // one comparison: Holm changes nothing
    expect(c.absoluteLift).toBeCloseTo(5 / 83 - 12 / 99, 15);
    expect(c.relativeLift).toBeCloseTo((5 / 83 - 12 / 99) / (12 / 99), 15);
  });

  it('declares a clear winner with the seed fields filled in', () => {
    const { results } = analyzeExperiment(experiment([['green', 50]]), tally([['blue', 1000, 100], ['green', 1000, 150]]), OPTS);
    expect(results.winner).toBe('green');
    expect(results.verdict).toBe('winner');
    expect(results.comparisons[0].significant).toBe(true);
    expect(results.overall).toBeNull(); // two arms
    expect(results.sampleSize).toBe(2000);
    expect(results.controlConversion).toBe(0.1);
    expect(results.treatmentConversions).toEqual({ green: 0.15 });
    expect(results.statisticalSignificance).toBeCloseTo(1 - results.comparisons[0].adjustedPValue!, 15);
    expect(results.arms.map((a) => [a.role, a.weight])).toEqual([['control', 50], ['treatment', 50]]);
    expect(results.srm.mismatch).toBe(false);
  });

  it('refuses a winner under sample-ratio mismatch, however good the lift', () => {
    // 1000 vs 1200 users on a 50/50 split: χ² = 2·100²/1100 = 18.18, p = erfc(√9.09) ≈ 2e-5 < 0.001.
    const { results } = analyzeExperiment(experiment([['green', 50]]), tally([['blue', 1000, 100], ['green', 1200, 300]]), OPTS);
    expect(results.srm.chiSquare).toBeCloseTo(20000 / 1100, 9);
    expect(results.srm.df).toBe(1);
    expect(results.srm.pValue).toBeLessThan(0.001);
    expect(results.srm.mismatch).toBe(true);
    expect(results.comparisons[0].significant).toBe(true);
    expect(results.winner).toBeNull();
    expect(results.verdict).toBe('sample ratio mismatch');
  });

  it('says "insufficient data" when an arm is too small, even when significant', () => {
    const { results } = analyzeExperiment(experiment([['green', 50]]), tally([['blue', 90, 2], ['green', 90, 30]]), OPTS);
    expect(results.comparisons[0].significant).toBe(true);
    expect(results.arms.map((a) => a.insufficientData)).toEqual([true, true]);
    expect(results.winner).toBeNull();
    expect(results.verdict).toBe('insufficient data');
  });

  it('says "not significant yet" and sizes the experiment', () => {
    const analysis = analyzeExperiment(experiment([['green', 50]]), tally([['blue', 1000, 100], ['green', 1000, 120]]), OPTS);
    expect(analysis.results.verdict).toBe('not significant yet');
    expect(analysis.results.winner).toBeNull();
    // 0.10 → 0.12 needs 3841 per arm at alpha 0.05 (see stats.test.ts): 2841 more.
    expect(analysis.notes.sampleSizes).toEqual([{ treatment: 'green', requiredPerArm: 3841, additionalPerArm: 2841 }]);
    expect(describeVerdict(analysis)).toBe('not significant yet: need roughly 2,841 more users per arm at this effect size');
  });

  it('does not crown a significantly worse treatment', () => {
    const analysis = analyzeExperiment(experiment([['green', 50]]), tally([['blue', 1000, 150], ['green', 1000, 100]]), OPTS);
    expect(analysis.results.comparisons[0].significant).toBe(true);
    expect(analysis.results.winner).toBeNull();
    expect(analysis.results.verdict).toBe('not significant yet');
    expect(describeVerdict(analysis)).toBe('no winner: green is worse than blue: -5.0 points (-33%), adjusted p = 7.2e-4');
  });

  it('writes the winner line in plain words', () => {
    const analysis = analyzeExperiment(experiment([['green', 50]]), tally([['blue', 2000, 200], ['green', 2000, 244]]), OPTS);
    expect(analysis.results.comparisons[0].adjustedPValue).toBeGreaterThan(0.001);
    expect(describeVerdict(analysis)).toBe(
      `green beats blue: +2.2 points (+22%), adjusted p = ${analysis.results.comparisons[0].adjustedPValue!.toFixed(3)}`,
    );
  });
});

describe('several treatments', () => {
  const exp = experiment([['green', 25], ['red', 25], ['gold', 25]]);
  const arms: [string, number, number][] = [['blue', 2000, 200], ['green', 2000, 260], ['red', 2000, 215], ['gold', 2000, 290]];

  it.each(['holm', 'bh', 'none'] as const)('adjusts the p-values with %s and picks the largest significant lift', (correction) => {
    const { results } = analyzeExperiment(exp, tally(arms), { alpha: 0.05, correction });
    const raw = results.comparisons.map((c) => c.pValue!);
    expect(results.comparisons.map((c) => c.adjustedPValue)).toEqual(adjustPValues(raw, correction));
    expect(results.winner).toBe('gold');
    expect(results.statisticalSignificance).toBe(1 - Math.min(...adjustPValues(raw, correction)));
  });

  it('adds the overall chi-square test of independence with k − 1 df', () => {
    const { results } = analyzeExperiment(exp, tally(arms), OPTS);
    expect(results.overall).toEqual(chiSquareIndependence([200, 260, 215, 290], [2000, 2000, 2000, 2000]));
    expect(results.overall!.df).toBe(3);
  });
});

describe('sample-ratio test against the split the flag really serves', () => {
  // 33.34/33.33/33.33 buckets as 34/33/33 (b = 0…33, 34…66, 67…99).
  const exp = experiment([['green', 33.33], ['red', 33.33]]);

  it('computes the bucket shares of the seed variant bucketing', () => {
    expect(bucketShares([{ key: 'a', weight: 33.34 }, { key: 'b', weight: 33.33 }, { key: 'c', weight: 33.33 }])).toEqual([0.34, 0.33, 0.33]);
    expect(bucketShares([{ key: 'a', weight: 50 }, { key: 'b', weight: 50 }])).toEqual([0.5, 0.5]);
    expect(bucketShares([{ key: 'a', weight: 50 }, { key: 'b', weight: 0.5 }, { key: 'c', weight: 49.5 }])).toEqual([0.5, 0.01, 0.49]);
    // The flag's order decides, not the experiment's.
    expect(
      bucketShares(
        [{ key: 'a', weight: 33.34 }, { key: 'b', weight: 33.33 }, { key: 'c', weight: 33.33 }],
        [{ key: 'b', weight: 33.33 }, { key: 'a', weight: 33.34 }, { key: 'c', weight: 33.33 }],
      ),
    ).toEqual([0.33, 0.34, 0.33]);
  });

  it('does not raise a false alarm at 100,000 users', () => {
    const t = tally([['blue', 34000, 3400], ['green', 33000, 3300], ['red', 33000, 3300]]);
    expect(analyzeExperiment(exp, t, OPTS).results.srm).toEqual({ chiSquare: 0, df: 2, pValue: 1, mismatch: false });
    // Against the configured weights: χ² = 660²/33340 + 2·330²/33330 = 19.599…, p = e^(−χ²/2) ≈ 5.5e-5.
    const literal = analyzeExperiment(exp, t, { ...OPTS, srmShares: 'weights' }).results.srm;
    expect(literal.chiSquare).toBeCloseTo(660 ** 2 / 33340 + (2 * 330 ** 2) / 33330, 9);
    expect(literal.pValue).toBeCloseTo(Math.exp(-literal.chiSquare / 2), 12);
    expect(literal.mismatch).toBe(true);
  });
});

describe('edge cases stay JSON-clean', () => {
  it('an experiment with no events', () => {
    const analysis = analyzeExperiment(experiment([['green', 50]]), tally([['blue', 0, 0], ['green', 0, 0]]), OPTS);
    const { results } = analysis;
    expect(JSON.stringify(results)).not.toMatch(/NaN|Infinity/);
    expect(results.arms[0]).toMatchObject({ users: 0, rate: null, rateInterval: null, insufficientData: true });
    expect(results.comparisons[0]).toEqual({
      treatment: 'green', absoluteLift: null, relativeLift: null, z: null, pValue: null, adjustedPValue: null,
      interval: null, relativeInterval: null, significant: false,
    });
    expect(results.srm).toEqual({ chiSquare: 0, df: 1, pValue: 1, mismatch: false });
    expect(results.verdict).toBe('insufficient data');
    expect(results.sampleSize).toBe(0);
    expect(results.controlConversion).toBeNull();
    expect(results.treatmentConversions).toEqual({ green: null });
    expect(results.statisticalSignificance).toBeNull();
    expect(typeof describeVerdict(analysis)).toBe('string');
  });

  it('a control rate of 0 makes the relative lift null, not Infinity', () => {
    const { results } = analyzeExperiment(experiment([['green', 50]]), tally([['blue', 500, 0], ['green', 500, 30]]), OPTS);
    const c = results.comparisons[0];
    expect(c.relativeLift).toBeNull();
    expect(c.relativeInterval).toBeNull();
    expect(c.absoluteLift).toBeCloseTo(0.06, 15);
    expect(c.pValue).toBeGreaterThan(0);
    expect(JSON.stringify(results)).not.toMatch(/NaN|Infinity/);
  });

  it('nobody converted anywhere: z = 0, p = 1', () => {
    const { results } = analyzeExperiment(experiment([['green', 25], ['red', 25]]), tally([['blue', 500, 0], ['green', 250, 0], ['red', 250, 0]]), OPTS);
    expect(results.comparisons.map((c) => [c.z, c.pValue])).toEqual([[0, 1], [0, 1]]);
    expect(results.overall).toEqual({ chiSquare: 0, df: 2, pValue: 1 });
    expect(JSON.stringify(results)).not.toMatch(/NaN|Infinity/);
  });

  it('passes the excluded counts through and warns at 1% multi-arm users', () => {
    const t = tally([['blue', 495, 50], ['green', 495, 60]], {
      multipleArms: 10,
      conversionsBeforeExposure: 3,
      conversionsWithoutExposure: 4,
      malformedLines: 5,
      outsideWindow: 7,
    });
    const { results, notes } = analyzeExperiment(experiment([['green', 50]]), t, OPTS);
    expect(results.excluded).toEqual({ multipleArms: 10, conversionsBeforeExposure: 3, conversionsWithoutExposure: 4, malformedLines: 5, outsideWindow: 7 });
    // 10 multi-arm users of 1000 exposed (990 in the arms).
    expect(notes.multipleArmsShare).toBe(0.01);
    expect(notes.multipleArmsWarning).toBe(true);
    const fewer = analyzeExperiment(experiment([['green', 50]]), tally([['blue', 495, 50], ['green', 496, 60]], { multipleArms: 9 }), OPTS);
    expect(fewer.notes.multipleArmsWarning).toBe(false);
  });
});
