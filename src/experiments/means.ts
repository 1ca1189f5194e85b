/**
 * Statistics of a metric's per-user values from sufficient statistics (users,
 * sum, sum of squares): Welch's t-test for a difference of means and the
 * delta-method interval of the relative lift. Used for revenue metrics
 * (SPEC 8). Numbers follow scipy.stats.ttest_ind(equal_var=False) and its
 * confidence_interval(): sample variances with n − 1, the Welch–Satterthwaite
 * degrees of freedom, the two-sided p-value and the interval from Student's t.
 * The t distribution comes from stdlib; the p-value is 2·F(−|t|), an upper
 * tail computed directly.
 */
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import type { Interval } from './stats.js';

export interface SampleMoments {
  n: number;
  mean: number;
  /** Sample variance (divisor n − 1); 0 for n < 2. */
  variance: number;
}

/** Mean and sample variance from n, Σx and Σx². */
export function momentsOf(n: number, sum: number, sumSquares: number): SampleMoments {
  if (n <= 0) return { n: 0, mean: NaN, variance: NaN };
  const mean = sum / n;
  // Σx² − n·mean² can come out a hair below 0 in floating point when every value is equal.
  const variance = n < 2 ? 0 : Math.max(0, (sumSquares - sum * mean) / (n - 1));
  return { n, mean, variance };
}

/** The t with upper-tail probability `p` for `df` degrees of freedom. */
export function upperTQuantile(p: number, df: number): number {
  return -tQuantile(p, df);
}

export interface WelchResult {
  /** mean(a) − mean(b). */
  difference: number;
  standardError: number;
  t: number;
  df: number;
  pValue: number;
  /** (1 − alpha) interval of the difference. */
  interval: Interval;
}

/**
 * Welch's two-sample t-test of mean(a) − mean(b), two-sided, with its
 * (1 − alpha) interval. Null when an arm has fewer than 2 users (no variance)
 * or both variances are 0 and the means differ (no test is defined; scipy
 * gives NaN). Equal constant samples give t = 0, p = 1.
 */
export function welchTTest(a: SampleMoments, b: SampleMoments, alpha: number): WelchResult | null {
  if (a.n < 2 || b.n < 2) return null;
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se = Math.sqrt(va + vb);
  const difference = a.mean - b.mean;
  if (!(se > 0)) {
    if (difference !== 0) return null;
    return { difference, standardError: 0, t: 0, df: a.n + b.n - 2, pValue: 1, interval: [0, 0] };
  }
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const t = difference / se;
  const pValue = Math.min(1, 2 * tCdf(-Math.abs(t), df));
  const half = upperTQuantile(alpha / 2, df) * se;
  return { difference, standardError: se, t, df, pValue, interval: [difference - half, difference + half] };
}

/**
 * Standard error of the relative lift mean(t)/mean(c) − 1 by the delta
 * method: Var ≈ Var(m_t)/m_c² + m_t²·Var(m_c)/m_c⁴ with Var(m) = s²/n.
 * Null when the control mean is 0 (the lift is undefined).
 */
export function relativeLiftStandardError(t: SampleMoments, c: SampleMoments): number | null {
  if (t.n <= 0 || c.n <= 0 || c.mean === 0 || !Number.isFinite(c.mean)) return null;
  const vt = t.variance / t.n;
  const vc = c.variance / c.n;
  return Math.sqrt(vt / c.mean ** 2 + (t.mean ** 2 * vc) / c.mean ** 4);
}

/** (1 − alpha) t interval of one arm's mean (df n − 1); null below 2 users. */
export function meanInterval(m: SampleMoments, alpha: number): Interval | null {
  if (m.n < 2) return null;
  const half = upperTQuantile(alpha / 2, m.n - 1) * Math.sqrt(m.variance / m.n);
  return [m.mean - half, m.mean + half];
}
