import { describe, expect, it } from 'vitest';
import { meanInterval, momentsOf, relativeLiftStandardError, welchTTest } from '../../src/experiments/means.js';

/**
 * The three worked examples of Wikipedia's "Welch's t-test" article (section
 * "Examples"), whose published rounded results are t = −2.46, df = 25.0,
 * p = 0.021; t = −1.57, df = 9.9, p = 0.149; t = −2.22, df = 24.5, p = 0.036.
 * The full-precision reference values are what scipy.stats.ttest_ind(a, b,
 * equal_var=False) and its confidence_interval() compute; as scipy is not on
 * this machine they were computed from the same definitions in 50-digit
 * arithmetic with mpmath (sample variances with n − 1, Welch–Satterthwaite df,
 * p = I_{df/(df+t²)}(df/2, 1/2), the t quantile by root finding), and they
 * round to the published values above.
 */
const EXAMPLES = [
  {
    name: 'Wikipedia example 1 (equal sizes, similar variances)',
    a: [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4],
    b: [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4],
    t: -2.4553563982860051, df: 24.988529290231414, p: 0.021378001462867032,
    ci: [-3.9840962671409281, -0.34923706619240523], rel: [-0.17096903457599465, -0.017546046630501873],
  },
  {
    name: 'Wikipedia example 2 (unequal sizes, unequal variances)',
    a: [17.2, 20.9, 22.6, 18.1, 21.7, 21.4, 23.5, 24.2, 14.7, 21.8],
    b: [21.5, 22.8, 21.0, 23.0, 21.6, 23.6, 22.5, 20.7, 23.4, 21.8, 20.7, 21.7, 21.5, 22.5, 23.6, 21.5, 22.5, 23.5, 21.5, 21.8],
    t: -1.5654335235985052, df: 9.9047412486508289, p: 0.14884169660532799,
    ci: [-3.6984213253751654, 0.64842132537516538], rel: [-0.16677518178998764, 0.028984352786147569],
  },
  {
    name: 'Wikipedia example 3 (unequal sizes, the larger sample more variable)',
    a: [19.8, 20.4, 19.6, 17.8, 18.5, 18.9, 18.3, 18.9, 19.5, 22.0],
    b: [28.2, 26.6, 20.1, 23.3, 25.2, 22.1, 17.7, 27.6, 20.6, 13.7, 23.2, 17.5, 20.6, 18.0, 23.9, 21.6, 24.3, 20.4, 23.9, 13.3],
    t: -2.2255120399698532, df: 24.524634944257348, p: 0.035484530830010218,
    ci: [-4.2764586501205559, -0.16354134987944412], rel: [-0.18977661458590989, -0.015874149656795062],
  },
];

/** Moments the way the analysis gets them: from users, Σx and Σx² only. */
function fromSums(xs: number[]) {
  return momentsOf(xs.length, xs.reduce((s, x) => s + x, 0), xs.reduce((s, x) => s + x * x, 0));
}

describe("Welch's t-test from sufficient statistics agrees with scipy to 1e-9", () => {
  it.each(EXAMPLES)('$name', (ex) => {
    const a = fromSums(ex.a);
    const b = fromSums(ex.b);
    const w = welchTTest(a, b, 0.05)!;
    expect(Math.abs(w.t - ex.t)).toBeLessThan(1e-9);
    expect(Math.abs(w.df - ex.df)).toBeLessThan(1e-9);
    expect(Math.abs(w.pValue - ex.p)).toBeLessThan(1e-9);
    expect(Math.abs(w.interval[0] - ex.ci[0])).toBeLessThan(1e-9);
    expect(Math.abs(w.interval[1] - ex.ci[1])).toBeLessThan(1e-9);
    // The delta-method relative interval with the same t quantile.
    const se = relativeLiftStandardError(a, b)!;
    const crit = (w.interval[1] - w.difference) / w.standardError;
    const rel = a.mean / b.mean - 1;
    expect(Math.abs(rel - crit * se - ex.rel[0])).toBeLessThan(1e-9);
    expect(Math.abs(rel + crit * se - ex.rel[1])).toBeLessThan(1e-9);
  });

  it('is antisymmetric: swapping the samples flips t and the interval, keeps p and df', () => {
    const [ex] = EXAMPLES;
    const w = welchTTest(fromSums(ex.b), fromSums(ex.a), 0.05)!;
    expect(w.t).toBeCloseTo(-ex.t, 12);
    expect(w.df).toBeCloseTo(ex.df, 10);
    expect(w.pValue).toBeCloseTo(ex.p, 12);
    expect(w.interval[0]).toBeCloseTo(-ex.ci[1], 10);
  });

  it('keeps a tiny p-value (upper tail computed directly, not 1 − cdf)', () => {
    const w = welchTTest({ n: 10000, mean: 1.5, variance: 1 }, { n: 10000, mean: 1, variance: 1 }, 0.05)!;
    expect(w.t).toBeCloseTo(35.355, 3);
    expect(w.pValue).toBeGreaterThan(0);
    expect(w.pValue).toBeLessThan(1e-200);
  });

  it('is undefined below two users or with no variance and different means; equal constants give p = 1', () => {
    expect(welchTTest(fromSums([1]), fromSums([1, 2, 3]), 0.05)).toBeNull();
    expect(welchTTest(fromSums([2, 2, 2]), fromSums([1, 1]), 0.05)).toBeNull();
    expect(welchTTest(fromSums([0, 0, 0]), fromSums([0, 0]), 0.05)).toMatchObject({ t: 0, pValue: 1 });
  });

  it("an arm's mean interval is the one-sample t interval", () => {
    // Example 1's first sample: mean 20.82, s² = (6612.23 − 312.3²/15)/14; t(0.975, 14) = 2.1447866879178038 (mpmath).
    const m = fromSums(EXAMPLES[0].a);
    const half = 2.1447866879178038 * Math.sqrt(m.variance / 15);
    const i = meanInterval(m, 0.05)!;
    expect(i[0]).toBeCloseTo(20.82 - half, 9);
    expect(i[1]).toBeCloseTo(20.82 + half, 9);
  });
});
