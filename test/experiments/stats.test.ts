import { describe, expect, it } from 'vitest';
import {
  adjustPValues,
  chiSquareGoodnessOfFit,
  chiSquareIndependence,
  chiSquareUpperTail,
  hasInsufficientData,
  relativeLiftInterval,
  requiredSampleSizePerArm,
  twoProportionZTest,
  twoSidedNormalP,
  upperNormalQuantile,
  waldDifferenceInterval,
  wilsonInterval,
} from '../../src/experiments/stats.js';

const TOL = 1e-9;

describe('two-proportion z-test (pooled SE)', () => {
  // 5/83 vs 12/99: statsmodels test_proportion.py (proportions_ztest), published values.
  // 120/1000 vs 100/1000: by hand, p̄ = 220/2000 = 0.11, SE = √(0.11·0.89·(2/1000)),
  // z = 0.02 / SE = 1.4293008498232314, p = erfc(|z|/√2) = 0.1529177818639462 (python3 math).
  it.each([
    [5, 83, 12, 99, -1.4078304151258787, 0.15918129181156992],
    [120, 1000, 100, 1000, 1.4293008498232314, 0.1529177818639462],
    [100, 1000, 120, 1000, -1.4293008498232314, 0.1529177818639462],
  ])('%i/%i vs %i/%i gives z = %d, p = %d', (x1, n1, x2, n2, z, p) => {
    const r = twoProportionZTest(x1, n1, x2, n2);
    expect(r.z).toBeCloseTo(z, 12);
    expect(Math.abs(r.pValue - p)).toBeLessThan(TOL);
  });

  it('gives z = 0 and p = 1 when nobody (or everybody) converted, not NaN', () => {
    expect(twoProportionZTest(0, 500, 0, 400)).toEqual({ z: 0, pValue: 1 });
    expect(twoProportionZTest(50, 50, 70, 70)).toEqual({ z: 0, pValue: 1 });
  });
});

describe('normal tails keep their precision', () => {
  // erfc(30/√2) = 9.813427854297528e-198 (python3 math.erfc); 1 − cdf(30) would be exactly 0.
  it.each([
    [30, 9.813427854297528e-198],
    [-30, 9.813427854297528e-198],
    [0, 1],
  ])('two-sided p of z = %d is %d', (z, p) => {
    const got = twoSidedNormalP(z);
    expect(Math.abs(got - p) / p).toBeLessThan(1e-9);
  });

  it('the 0.975 quantile is 1.959963984540054', () => {
    expect(upperNormalQuantile(0.025)).toBeCloseTo(1.959963984540054, 14);
  });
});

describe('Wilson interval', () => {
  // R binom.confint(method = "wilson"), as stored in statsmodels
  // stats/tests/results/results_proportion.py (res_binom[...], last column).
  it.each([
    [18, 20, 0.6989663547715128, 0.972133518786232],
    [4, 20, 0.0806576625797981, 0.4160174322518935],
    [4, 200, 0.00780442641634947, 0.05028708690582643],
    [190, 200, 0.910421851861224, 0.972617354399236],
    [0, 30, 0, 0.11351339317396872], // R gives 0.11351339 (8 digits); the rest from the formula in python3
    [30, 30, 0.8864866068260312, 1], // R gives 0.8864866 (7 digits)
  ])('%i/%i → [%d, %d]', (x, n, lo, hi) => {
    const ci = wilsonInterval(x, n)!;
    expect(Math.abs(ci[0] - lo)).toBeLessThan(TOL);
    expect(Math.abs(ci[1] - hi)).toBeLessThan(TOL);
    expect(ci[0]).toBeGreaterThanOrEqual(0);
    expect(ci[1]).toBeLessThanOrEqual(1);
  });

  it('is null without observations', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});

describe('Wald interval of the difference (unpooled SE)', () => {
  // 7/34 − 1/34 at 95%: statsmodels test_proportion.py, (0.02916942, 0.32377176).
  // 120/1000 − 100/1000 at 90%: d = 0.02, SE = √(0.12·0.88/1000 + 0.1·0.9/1000), z_0.95 = 1.6448536269514722
  // → (−0.003004440867386094, 0.04300444086738607) (python3, statistics.NormalDist).
  it.each([
    [7, 34, 1, 34, 0.05, 0.02916942, 0.32377176, 1e-8],
    [120, 1000, 100, 1000, 0.1, -0.003004440867386094, 0.04300444086738607, TOL],
  ])('%i/%i − %i/%i at alpha %d', (x1, n1, x2, n2, alpha, lo, hi, tol) => {
    const [l, h] = waldDifferenceInterval(x1, n1, x2, n2, alpha);
    expect(Math.abs(l - lo)).toBeLessThan(tol);
    expect(Math.abs(h - hi)).toBeLessThan(tol);
  });
});

describe('relative lift interval (delta method)', () => {
  // 120/1000 vs control 100/1000: lift 0.2; Var = 0.12·0.88/1000/0.1² + 0.12²·0.1·0.9/1000/0.1⁴ = 0.02352,
  // 0.2 ∓ 1.959963984540054·√0.02352 = (−0.10058461614448233, 0.5005846161444822) (python3).
  it('matches the formula', () => {
    const [lo, hi] = relativeLiftInterval(120, 1000, 100, 1000, 0.05)!;
    expect(Math.abs(lo - -0.10058461614448233)).toBeLessThan(TOL);
    expect(Math.abs(hi - 0.5005846161444822)).toBeLessThan(TOL);
  });

  it('is null when the control rate is 0', () => {
    expect(relativeLiftInterval(10, 100, 0, 100, 0.05)).toBeNull();
  });
});

describe('chi-square', () => {
  // Closed forms of the χ² upper tail: df = 1: erfc(√(x/2)); df = 2: e^(−x/2);
  // df = 3: erfc(√(x/2)) + √(2x/π)·e^(−x/2). Values from python3's math module.
  it.each([
    [3.2, 1, 0.07363827012030266],
    [5.3, 2, 0.0706512130604296],
    [11.119387686288603, 3, 0.01109751136658137],
    [0, 4, 1],
  ])('P(χ² ≥ %d; df %i) = %d', (x, df, p) => {
    expect(Math.abs(chiSquareUpperTail(x, df) - p)).toBeLessThan(TOL);
  });

  it('keeps tiny upper tails: P(χ² ≥ 1000; df 2) = e^−500', () => {
    const got = chiSquareUpperTail(1000, 2);
    expect(got).toBeGreaterThan(0);
    expect(Math.abs(got - Math.exp(-500)) / Math.exp(-500)).toBeLessThan(1e-9);
  });

  // statsmodels test_proportion.py (proportions_chisquare): counts [73, 90, 114, 75] of [86, 93, 136, 82].
  it('test of independence matches statsmodels', () => {
    const r = chiSquareIndependence([73, 90, 114, 75], [86, 93, 136, 82]);
    expect(Math.abs(r.chiSquare - 11.11938768628861)).toBeLessThan(TOL);
    expect(r.df).toBe(3);
    expect(Math.abs(r.pValue - 0.011097511366581344)).toBeLessThan(TOL);
  });

  it('test of independence is 0 / p = 1 when nobody converted', () => {
    expect(chiSquareIndependence([0, 0, 0], [100, 100, 100])).toEqual({ chiSquare: 0, df: 2, pValue: 1 });
    // No data yet in any of three arms: still df 2 (issue 12: the report read "df 1").
    expect(chiSquareIndependence([0, 0, 0], [0, 0, 0])).toEqual({ chiSquare: 0, df: 2, pValue: 1 });
  });

  // [480, 520] against 50/50: χ² = 2·20²/500 = 1.6, df 1, p = erfc(√0.8) = 0.20590321073206833.
  // [1000, 1000, 1000] against 34/33/33 (shares need not sum to 1): E = 1020, 990, 990;
  // χ² = 400/1020 + 100/990 + 100/990 = 0.5942959001782531, df 2, p = e^(−χ²/2).
  it.each([
    [[480, 520], [0.5, 0.5], 1.6, 1, 0.20590321073206833],
    [[1000, 1000, 1000], [34, 33, 33], 400 / 1020 + 200 / 990, 2, Math.exp(-(400 / 1020 + 200 / 990) / 2)],
  ])('goodness of fit %j vs %j', (obs, shares, chi, df, p) => {
    const r = chiSquareGoodnessOfFit(obs, shares);
    expect(Math.abs(r.chiSquare - chi)).toBeLessThan(TOL);
    expect(r.df).toBe(df);
    expect(Math.abs(r.pValue - p)).toBeLessThan(TOL);
  });

  it('goodness of fit: users in an arm with share 0 are an outright mismatch', () => {
    expect(chiSquareGoodnessOfFit([10, 10, 1], [0.5, 0.5, 0]).pValue).toBe(0);
    expect(chiSquareGoodnessOfFit([10, 10, 0], [0.5, 0.5, 0])).toEqual({ chiSquare: 0, df: 1, pValue: 1 });
  });
});

describe('p-value adjustment', () => {
  // By hand. Holm: sorted 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → running max 0.06.
  // BH: sorted 0.005·4/1 = 0.02, 0.01·4/2 = 0.02, 0.03·4/3 = 0.04, 0.04·4/4 = 0.04 → running min from the top.
  // Capping: Holm 0.4·2 = 0.8, 0.6·1 → max(0.8, 0.6) = 0.8; 0.7·2 = 1.4 → 1.
  it.each([
    ['holm', [0.01, 0.04, 0.03, 0.005], [0.03, 0.06, 0.06, 0.02]],
    ['bh', [0.01, 0.04, 0.03, 0.005], [0.02, 0.04, 0.04, 0.02]],
    ['none', [0.01, 0.04, 0.03, 0.005], [0.01, 0.04, 0.03, 0.005]],
    ['holm', [0.6, 0.4], [0.8, 0.8]],
    ['holm', [0.7, 0.9], [1, 1]],
    ['bh', [0.9, 0.8, 0.85], [0.9, 0.9, 0.9]],
    ['bh', [0.02], [0.02]],
    ['holm', [], []],
  ] as const)('%s %j → %j', (method, ps, expected) => {
    const got = adjustPValues(ps, method);
    expect(got).toHaveLength(expected.length);
    got.forEach((g, i) => expect(g).toBeCloseTo(expected[i], 12));
  });
});

describe('insufficient data', () => {
  it.each([
    [0, 0, true],
    [30, 99, true], // n < 100
    [24, 1000, true], // x < 25
    [25, 1000, false],
    [96, 100, true], // n(1 − p) = 4 < 5
    [95, 100, false],
  ])('%i of %i → %s', (x, n, expected) => {
    expect(hasInsufficientData(x, n)).toBe(expected);
  });
});

describe('required sample size (80% power)', () => {
  // n = (z_{α/2}√(2p̄q̄) + z_β√(p_c q_c + p_t q_t))² / d², python3 with statistics.NormalDist:
  // 0.10 → 0.12 at 0.05: 3840.85 → 3841; 0.10 → 0.11: 14750.79 → 14751; 0.20 → 0.25 at 0.025: 1324.65 → 1325.
  it.each([
    [0.1, 0.12, 0.05, 3841],
    [0.12, 0.1, 0.05, 3841],
    [0.1, 0.11, 0.05, 14751],
    [0.2, 0.25, 0.025, 1325],
  ])('%d → %d at alpha %d needs %i per arm', (pc, pt, alpha, n) => {
    expect(requiredSampleSizePerArm(pc, pt, { alpha })).toBe(n);
  });

  it('is null without an effect', () => {
    expect(requiredSampleSizePerArm(0.1, 0.1, { alpha: 0.05 })).toBeNull();
  });
});
