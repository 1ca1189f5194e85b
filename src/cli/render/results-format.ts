/**
 * Number formats and wording shared by the three results reports (text,
 * markdown, HTML), so the same number reads the same everywhere.
 */
import type { MetricComparison, MetricResult } from '../../experiments/metric-analysis.js';
import type { ExperimentResults } from '../../experiments/results.js';
import type { Interval } from '../../experiments/stats.js';

export function int(n: number): string {
  return n.toLocaleString('en-US');
}
export function pct(x: number, digits: number): string {
  return `${(x * 100).toFixed(digits)}%`;
}
export function signedPct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
}
/** Percentage points: an absolute difference of two rates. */
export function points(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}`;
}
/** A difference of means (revenue per user). */
export function signedAmount(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
}
/** p-values: four decimals, scientific notation below 0.0001 so a tiny p never reads as 0. */
export function p(x: number): string {
  return x < 0.0001 ? x.toExponential(1) : x.toFixed(4);
}
export function interval(i: Interval | null, f: (x: number) => string): string {
  return i === null ? '-' : `[${f(i[0])}, ${f(i[1])}]`;
}
export function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

/** "95%", "99%", "99.9%": the level every interval of the report is at. */
export function confidenceLabel(alpha: number): string {
  return `${Math.round((1 - alpha) * 100 * 10000) / 10000}%`;
}

/** How a metric's value and lift are written: rates in % and points, revenue as amounts. */
export function metricFormats(m: Pick<MetricResult, 'kind'>): { value: (x: number) => string; lift: (x: number) => string; liftUnit: string } {
  return m.kind === 'revenue'
    ? { value: (x) => x.toFixed(2), lift: signedAmount, liftUnit: 'amount per user' }
    : { value: (x) => pct(x, 2), lift: points, liftUnit: 'points' };
}

export function metricRole(m: MetricResult): string {
  const parts = [m.kind, m.primary ? 'primary' : m.guardrail ? 'guardrail' : 'secondary, exploratory'];
  if (m.direction === 'decrease') parts.push('lower is better');
  return parts.join(', ');
}

/** Which test decides "significant", in words (issue: say it when the absolute and relative intervals disagree). */
export function decidingTest(results: Pick<ExperimentResults, 'alpha' | 'correction' | 'analysis'>, m: Pick<MetricResult, 'test'>): string {
  const adj = results.correction === 'none' ? 'p' : `${results.correction === 'holm' ? 'Holm' : 'Benjamini–Hochberg'}-adjusted p`;
  const test =
    m.test === 'confidence-sequence'
      ? 'the always-valid p-value of the confidence sequence (its absolute interval excludes 0 exactly then)'
      : m.test === 'welch-t-test'
        ? "Welch's t-test on the difference of means"
        : 'the two-proportion z-test (pooled standard error)';
  return `"significant" means ${adj} < ${results.alpha} from ${test}; the relative interval (delta method) is shown for scale and may include 0 when the test does not`;
}

export function comparisonLabel(c: MetricComparison, winner: string | null, primary: boolean): string {
  if (primary && c.treatment === winner) return 'winner';
  if (c.effect === 'worse') return 'significantly worse';
  if (c.effect === 'better') return 'significantly better';
  return '';
}

export const MODE_TEXT = {
  fixed: 'fixed-horizon: valid for one look at the planned sample size; looking daily and stopping at the first significant day inflates false positives (use --sequential)',
  sequential: 'sequential: always-valid intervals and p-values (asymptotic confidence sequence), so looking every day does not inflate false positives; intervals are wider than fixed-horizon ones',
} as const;
