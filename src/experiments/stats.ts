/**
 * The statistics of SPEC 4.3, as small pure functions over counts.
 *
 * Formulas follow statsmodels (proportion_confint 'wilson', proportions_ztest,
 * confint_proportions_2indep 'wald', proportions_chisquare, multipletests) so
 * the numbers agree with it to 1e-9. Distributions come from stdlib, and every
 * p-value is an upper tail computed directly (Φ(−|z|), the regularized upper
 * incomplete gamma), never 1 − cdf, which would round tiny p-values to 0.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import gammainc from '@stdlib/math-base-special-gammainc';

export type Interval = [number, number];

export const CORRECTIONS = ['holm', 'bh', 'none'] as const;
export type Correction = (typeof CORRECTIONS)[number];

/** The z with upper-tail probability `p` (1.959963984540054 for 0.025). */
export function upperNormalQuantile(p: number): number {
  // −Φ⁻¹(p) rather than Φ⁻¹(1 − p): 1 − p loses digits when p is small.
  return -normalQuantile(p, 0, 1);
}

/** Two-sided p-value of a standard normal statistic: 2·Φ(−|z|). */
export function twoSidedNormalP(z: number): number {
  return 2 * normalCdf(-Math.abs(z), 0, 1);
}

/** P(X ≥ x) for X ~ χ²(df): the regularized upper incomplete gamma Q(df/2, x/2). */
export function chiSquareUpperTail(x: number, df: number): number {
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  return gammainc(x / 2, df / 2, true, true);
}

/** Wilson score interval of x/n at the given confidence (default 0.95); null when n = 0. */
export function wilsonInterval(x: number, n: number, confidence = 0.95): Interval | null {
  if (n <= 0) return null;
  const crit = upperNormalQuantile((1 - confidence) / 2);
  const p = x / n;
  const crit2 = crit * crit;
  const denom = 1 + crit2 / n;
  const center = (p + crit2 / (2 * n)) / denom;
  const dist = (crit * Math.sqrt((p * (1 - p)) / n + crit2 / (4 * n * n))) / denom;
  // The interval lies in [0, 1] in exact arithmetic; clamp the rounding at x = 0 and x = n.
  return [Math.max(0, center - dist), Math.min(1, center + dist)];
}

export interface ZTestResult {
  z: number;
  pValue: number;
}

/**
 * Two-proportion z-test of x1/n1 − x2/n2 with the pooled standard error,
 * two-sided. When the pooled rate is 0 or 1 the two rates are equal and
 * there is no evidence of a difference: z = 0, p = 1 (statsmodels gives NaN).
 * Both n must be positive.
 */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): ZTestResult {
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (!(se > 0)) return { z: 0, pValue: 1 };
  const z = (p1 - p2) / se;
  return { z, pValue: twoSidedNormalP(z) };
}

/** (1 − alpha) Wald interval of x1/n1 − x2/n2 with the unpooled standard error. Both n must be positive. */
export function waldDifferenceInterval(x1: number, n1: number, x2: number, n2: number, alpha: number): Interval {
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const d = p1 - p2;
  const half = upperNormalQuantile(alpha / 2) * Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  return [d - half, d + half];
}

/**
 * (1 − alpha) interval of the relative lift (p_t − p_c) / p_c by the delta
 * method on p_t / p_c: Var ≈ Var(p_t)/p_c² + p_t²·Var(p_c)/p_c⁴, with the
 * binomial variances p(1 − p)/n. Null when p_c = 0 (the lift is undefined).
 */
export function relativeLiftInterval(xt: number, nt: number, xc: number, nc: number, alpha: number): Interval | null {
  if (nt <= 0 || nc <= 0 || xc <= 0) return null;
  const pt = xt / nt;
  const pc = xc / nc;
  const rel = pt / pc - 1;
  const variance = (pt * (1 - pt)) / nt / (pc * pc) + (pt * pt * (pc * (1 - pc))) / nc / (pc * pc * pc * pc);
  const half = upperNormalQuantile(alpha / 2) * Math.sqrt(variance);
  return [rel - half, rel + half];
}

/**
 * P-values adjusted for multiple comparisons, in the input order: Holm's
 * step-down (family-wise error), Benjamini–Hochberg's step-up (false
 * discovery rate), or none. Monotone in the sorted order and capped at 1, as
 * statsmodels' multipletests.
 */
export function adjustPValues(pValues: readonly number[], correction: Correction): number[] {
  const m = pValues.length;
  if (correction === 'none' || m === 0) return pValues.slice();
  // Stable sort of indices by p, so ties keep input order.
  const order = pValues.map((_, i) => i).sort((a, b) => pValues[a] - pValues[b] || a - b);
  const adjusted = new Array<number>(m);
  if (correction === 'holm') {
    let running = 0;
    order.forEach((idx, rank) => {
      running = Math.max(running, Math.min(1, (m - rank) * pValues[idx]));
      adjusted[idx] = running;
    });
  } else {
    let running = 1;
    for (let rank = m - 1; rank >= 0; rank--) {
      const idx = order[rank];
      running = Math.min(running, (m / (rank + 1)) * pValues[idx]);
      adjusted[idx] = Math.min(1, running);
    }
  }
  return adjusted;
}

export interface ChiSquareResult {
  chiSquare: number;
  df: number;
  pValue: number;
}

/**
 * Pearson's chi-square goodness of fit of observed counts against expected
 * shares (any positive scale; normalized here), df = categories − 1.
 * Categories with a zero share are left out when empty; one that is not empty
 * cannot come from the expected split at all: chi-square is Infinity, p = 0.
 */
export function chiSquareGoodnessOfFit(observed: readonly number[], shares: readonly number[]): ChiSquareResult {
  const total = observed.reduce((a, b) => a + b, 0);
  const shareTotal = shares.reduce((a, b) => a + b, 0);
  let chi = 0;
  let categories = 0;
  for (let i = 0; i < observed.length; i++) {
    if (shares[i] <= 0) {
      if (observed[i] > 0) chi = Infinity;
      continue;
    }
    categories++;
    const expected = (total * shares[i]) / shareTotal;
    if (expected > 0) chi += ((observed[i] - expected) ** 2) / expected;
  }
  const df = Math.max(categories - 1, 1);
  // No users at all: nothing to mismatch.
  if (total === 0) return { chiSquare: 0, df, pValue: 1 };
  return { chiSquare: chi, df, pValue: chiSquareUpperTail(chi, df) };
}

/**
 * Pearson's chi-square test that k proportions x_i/n_i are equal (the k × 2
 * table converted / not converted), df = k − 1; statsmodels'
 * proportions_chisquare. Arms without users are left out; when nobody or
 * everybody converted the rates are all equal: chi-square 0, p = 1.
 */
export function chiSquareIndependence(converters: readonly number[], users: readonly number[]): ChiSquareResult {
  const rows: number[] = [];
  for (let i = 0; i < users.length; i++) if (users[i] > 0) rows.push(i);
  // With fewer than two arms holding users there is no test; report the planned k − 1
  // degrees of freedom (three arms without data: df 2, not 1).
  const df = rows.length >= 2 ? rows.length - 1 : Math.max(users.length - 1, 1);
  let n = 0;
  let x = 0;
  for (const i of rows) {
    n += users[i];
    x += converters[i];
  }
  if (rows.length < 2 || x === 0 || x === n) return { chiSquare: 0, df, pValue: 1 };
  const pooled = x / n;
  let chi = 0;
  for (const i of rows) {
    const e1 = users[i] * pooled;
    const e0 = users[i] - e1;
    chi += (converters[i] - e1) ** 2 / e1 + (users[i] - converters[i] - e0) ** 2 / e0;
  }
  return { chiSquare: chi, df, pValue: chiSquareUpperTail(chi, df) };
}

/** SPEC 4.3's rule: n < 100, x < 25, n·p < 5 or n·(1 − p) < 5 is too little to judge an arm. */
export function hasInsufficientData(x: number, n: number): boolean {
  if (n <= 0) return true;
  const p = x / n;
  return n < 100 || x < 25 || n * p < 5 || n * (1 - p) < 5;
}

/**
 * Users per arm needed to detect the difference between rates pc and pt with
 * a two-sided test at `alpha` and the given power (default 0.8), by the
 * standard normal-approximation formula
 *   n = (z_{α/2}·√(2·p̄(1−p̄)) + z_β·√(pc(1−pc) + pt(1−pt)))² / (pt − pc)²,
 * p̄ = (pc + pt)/2, rounded up. Null when the rates are equal (no effect to detect).
 */
export function requiredSampleSizePerArm(pc: number, pt: number, options: { alpha: number; power?: number }): number | null {
  const d = pt - pc;
  if (d === 0 || !Number.isFinite(d)) return null;
  const za = upperNormalQuantile(options.alpha / 2);
  const zb = upperNormalQuantile(1 - (options.power ?? 0.8));
  const pbar = (pc + pt) / 2;
  const root = za * Math.sqrt(2 * pbar * (1 - pbar)) + zb * Math.sqrt(pc * (1 - pc) + pt * (1 - pt));
  return Math.ceil((root * root) / (d * d));
}
