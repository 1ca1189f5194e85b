/**
 * One metric of an experiment, every treatment against the control (SPEC 8):
 * a conversion metric by the two-proportion z-test of SPEC 4.3, a revenue
 * metric by Welch's t-test on the per-user sums, or either by the always-valid
 * confidence sequence with `--sequential`. P-values are adjusted across the
 * treatments within the metric. Pure: sufficient statistics in, numbers out.
 */
import type { ExperimentMetric } from '../schema/experiment.js';
import { meanInterval, momentsOf, relativeLiftStandardError, welchTTest, type SampleMoments } from './means.js';
import { sequentialHalfWidth, sequentialPValue } from './sequential.js';
import {
  adjustPValues,
  relativeLiftInterval,
  twoProportionZTest,
  waldDifferenceInterval,
  wilsonInterval,
  type Correction,
  type Interval,
} from './stats.js';
import type { ArmMetricStats } from './sufficient-stats.js';

export type AnalysisMode = 'fixed' | 'sequential';

/** Which test decides "significant" for a metric; the report names it. */
export type MetricTest = 'z-test' | 'welch-t-test' | 'confidence-sequence';

export interface MetricArm {
  key: string;
  users: number;
  converters: number;
  /** Conversion: the rate; revenue: the mean per user (0 for users without a conversion). */
  mean: number | null;
  /** (1 − alpha) interval of the mean: Wilson for a rate, Student's t for revenue (descriptive in both modes). */
  interval: Interval | null;
}

export interface MetricComparison {
  treatment: string;
  absoluteLift: number | null;
  relativeLift: number | null;
  /** z (conversion, fixed), t (revenue, fixed) or estimate/se (sequential). */
  statistic: number | null;
  /** Welch–Satterthwaite degrees of freedom (revenue, fixed), else null. */
  df: number | null;
  pValue: number | null;
  adjustedPValue: number | null;
  interval: Interval | null;
  relativeInterval: Interval | null;
  significant: boolean;
  /** A significant move in the metric's good or bad direction; null when not significant. */
  effect: 'better' | 'worse' | null;
}

export interface MetricResult {
  key: string;
  kind: ExperimentMetric['kind'];
  primary: boolean;
  guardrail: boolean;
  direction: ExperimentMetric['direction'];
  test: MetricTest;
  arms: MetricArm[];
  comparisons: MetricComparison[];
}

export interface MetricAnalysisOptions {
  alpha: number;
  correction: Correction;
  mode: AnalysisMode;
}

/** `arms`: this metric's stats per arm, control first. */
export function analyzeMetric(metric: ExperimentMetric, arms: readonly ArmMetricStats[], options: MetricAnalysisOptions): MetricResult {
  const { alpha, correction, mode } = options;
  const revenue = metric.kind === 'revenue';
  const moments = arms.map((a) => (revenue ? momentsOf(a.users, a.sum, a.sumSquares) : binomialMoments(a)));
  const armResults: MetricArm[] = arms.map((a, i) => ({
    key: a.arm,
    users: a.users,
    converters: a.converters,
    mean: a.users > 0 ? moments[i].mean : null,
    interval: revenue ? meanInterval(moments[i], alpha) : wilsonInterval(a.converters, a.users, 1 - alpha),
  }));
  const control = arms[0];
  const raw = arms.slice(1).map((t, j) => {
    const c = moments[0];
    const m = moments[j + 1];
    if (mode === 'sequential') return sequentialComparison(t.arm, m, c, alpha, revenue);
    return revenue ? welchComparison(t.arm, m, c, alpha) : conversionComparison(t, control, alpha);
  });
  // An undefined comparison still counts in the family as p = 1: the planned comparisons are the family.
  const adjusted = adjustPValues(raw.map((c) => c.pValue ?? 1), correction);
  const sign = metric.direction === 'decrease' ? -1 : 1;
  const comparisons = raw.map((c, i): MetricComparison => {
    const adjustedPValue = c.pValue === null ? null : adjusted[i];
    const significant = adjustedPValue !== null && adjustedPValue < alpha;
    const effect = !significant || c.absoluteLift === null || c.absoluteLift === 0 ? null : sign * c.absoluteLift > 0 ? 'better' : 'worse';
    return { ...c, adjustedPValue, significant, effect };
  });
  return {
    key: metric.key,
    kind: metric.kind,
    primary: metric.primary,
    guardrail: metric.guardrail,
    direction: metric.direction,
    test: mode === 'sequential' ? 'confidence-sequence' : revenue ? 'welch-t-test' : 'z-test',
    arms: armResults,
    comparisons,
  };
}

type RawComparison = Omit<MetricComparison, 'adjustedPValue' | 'significant' | 'effect'>;

function empty(treatment: string): RawComparison {
  return { treatment, absoluteLift: null, relativeLift: null, statistic: null, df: null, pValue: null, interval: null, relativeInterval: null };
}

/** A 0/1 metric's moments with the binomial variance p(1 − p) that SPEC 4.3's Wald and delta formulas use. */
function binomialMoments(a: ArmMetricStats): SampleMoments {
  if (a.users <= 0) return { n: 0, mean: NaN, variance: NaN };
  const p = a.converters / a.users;
  return { n: a.users, mean: p, variance: p * (1 - p) };
}

function conversionComparison(t: ArmMetricStats, c: ArmMetricStats, alpha: number): RawComparison {
  if (t.users === 0 || c.users === 0) return empty(t.arm);
  const pt = t.converters / t.users;
  const pc = c.converters / c.users;
  const { z, pValue } = twoProportionZTest(t.converters, t.users, c.converters, c.users);
  return {
    treatment: t.arm,
    absoluteLift: pt - pc,
    relativeLift: pc > 0 ? (pt - pc) / pc : null,
    statistic: z,
    df: null,
    pValue,
    interval: waldDifferenceInterval(t.converters, t.users, c.converters, c.users, alpha),
    relativeInterval: relativeLiftInterval(t.converters, t.users, c.converters, c.users, alpha),
  };
}

function welchComparison(key: string, t: SampleMoments, c: SampleMoments, alpha: number): RawComparison {
  if (t.n === 0 || c.n === 0) return empty(key);
  const absoluteLift = t.mean - c.mean;
  const relativeLift = c.mean !== 0 ? absoluteLift / c.mean : null;
  const w = welchTTest(t, c, alpha);
  if (!w) return { ...empty(key), absoluteLift, relativeLift };
  const relSe = relativeLiftStandardError(t, c);
  // The relative interval uses the same t quantile (Welch df) as the absolute one, so both are judged alike.
  const crit = w.standardError > 0 ? (w.interval[1] - w.difference) / w.standardError : 0;
  return {
    treatment: key,
    absoluteLift,
    relativeLift,
    statistic: w.t,
    df: w.df,
    pValue: w.pValue,
    interval: w.interval,
    relativeInterval: relSe === null || relativeLift === null ? null : [relativeLift - crit * relSe, relativeLift + crit * relSe],
  };
}

function sequentialComparison(key: string, t: SampleMoments, c: SampleMoments, alpha: number, revenue: boolean): RawComparison {
  if (t.n === 0 || c.n === 0 || (revenue && (t.n < 2 || c.n < 2))) return empty(key);
  const n = t.n + c.n;
  const absoluteLift = t.mean - c.mean;
  const se = Math.sqrt(t.variance / t.n + c.variance / c.n);
  const relativeLift = c.mean !== 0 ? absoluteLift / c.mean : null;
  const half = sequentialHalfWidth(se, n, alpha);
  const relSe = relativeLiftStandardError(t, c);
  return {
    treatment: key,
    absoluteLift,
    relativeLift,
    statistic: se > 0 ? absoluteLift / se : 0,
    df: null,
    pValue: sequentialPValue(absoluteLift, se, n, alpha),
    interval: [absoluteLift - half, absoluteLift + half],
    relativeInterval:
      relSe === null || relativeLift === null ? null : [relativeLift - sequentialHalfWidth(relSe, n, alpha), relativeLift + sequentialHalfWidth(relSe, n, alpha)],
  };
}
