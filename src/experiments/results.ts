/**
 * From sufficient statistics to the results object (SPEC 4.3 and 8): every
 * metric analysed, the primary metric's SPEC 4.3 fields kept as they were,
 * the sample-ratio check, the winner rule, guardrails and the verdict. Pure,
 * and it reads nothing but the `SufficientStats` every counting path
 * produces, so all paths give the same report.
 *
 * Undefined quantities are null, never NaN: an arm without users has rate
 * null and no interval; a comparison involving such an arm has null lift, z
 * and p; a control rate of 0 makes the relative lift and its interval null.
 */
import { servedSplit } from '../schema/checks.js';
import { armWeights, experimentMetrics, type Experiment } from '../schema/experiment.js';
import { analyzeMetric, type AnalysisMode, type MetricResult } from './metric-analysis.js';
import {
  chiSquareGoodnessOfFit,
  chiSquareIndependence,
  hasInsufficientData,
  requiredSampleSizePerArm,
  type ChiSquareResult,
  type Correction,
  type Interval,
} from './stats.js';
import type { ArmMetricStats, SufficientStats } from './sufficient-stats.js';

export { describeVerdict } from './verdict.js';
export type { AnalysisMode, MetricResult } from './metric-analysis.js';

/** Sample-ratio mismatch threshold (SPEC 4.3). */
export const SRM_P_THRESHOLD = 0.001;
/** Share of exposed users in several arms at which the report warns (SPEC 4.3). */
export const MULTI_ARM_WARNING_SHARE = 0.01;

export type Verdict = 'winner' | 'not significant yet' | 'sample ratio mismatch' | 'insufficient data' | 'guardrail regression';

export interface ArmResult {
  key: string;
  role: 'control' | 'treatment';
  weight: number;
  users: number;
  converters: number;
  rate: number | null;
  rateInterval: Interval | null;
  insufficientData: boolean;
}

export interface ComparisonResult {
  treatment: string;
  absoluteLift: number | null;
  relativeLift: number | null;
  /** The test statistic: z for a conversion metric, Welch's t for revenue, estimate/se in sequential mode. */
  z: number | null;
  pValue: number | null;
  adjustedPValue: number | null;
  interval: Interval | null;
  relativeInterval: Interval | null;
  significant: boolean;
}

/** The `--json` object: SPEC 4.3's fields for the primary metric, then SPEC 8's. */
export interface ExperimentResults {
  experimentId: string;
  status: Experiment['status'];
  alpha: number;
  correction: Correction;
  arms: ArmResult[];
  comparisons: ComparisonResult[];
  overall: ChiSquareResult | null;
  srm: ChiSquareResult & { mismatch: boolean };
  excluded: {
    multipleArms: number;
    conversionsBeforeExposure: number;
    conversionsWithoutExposure: number;
    malformedLines: number;
    outsideWindow: number;
  };
  winner: string | null;
  verdict: Verdict;
  sampleSize: number;
  controlConversion: number | null;
  treatmentConversions: Record<string, number | null>;
  /**
   * 1 − the smallest adjusted p-value of the primary metric; null when there
   * is no p-value or when a sample-ratio mismatch makes every p-value
   * meaningless (the arms are not comparable).
   */
  statisticalSignificance: number | null;
  /** 'fixed' (one look, the default) or 'sequential' (always-valid intervals and p-values). */
  analysis: AnalysisMode;
  /** The analysis window actually applied, ISO timestamps; null ends are open. */
  window: { since: string | null; until: string | null };
  metrics: MetricResult[];
  /** Guardrail metrics that moved significantly in their bad direction, per treatment. */
  guardrailRegressions: { metric: string; treatment: string }[];
}

/** What the text report needs beyond the JSON object. */
export interface AnalysisNotes {
  /** Multi-arm users over all exposed users (0 when nobody was exposed). */
  multipleArmsShare: number;
  multipleArmsWarning: boolean;
  /** The expected share of each arm used by the sample-ratio test, control first. */
  srmShares: number[];
  /** Per treatment, in order: users per arm needed at the observed effect size (80% power), and how many more that is. */
  sampleSizes: { treatment: string; requiredPerArm: number | null; additionalPerArm: number | null }[];
}

export interface ExperimentAnalysis {
  results: ExperimentResults;
  notes: AnalysisNotes;
}

export interface AnalyzeOptions {
  /** Significance level, 0 < alpha < 1 (the CLI's `--alpha`, default 0.05). */
  alpha: number;
  correction: Correction;
  /** Default: the definition's `analysis`, else 'fixed'. */
  mode?: AnalysisMode;
  /** The window the counts were taken in, echoed in the results. */
  window?: { since?: string; until?: string };
  /**
   * The flag's variants in file order, when known. With fractional weights the
   * flag's split is not the configured one (see srmShares); passing them makes
   * the sample-ratio test use the flag's real order.
   */
  variants?: readonly { key: string; weight: number }[];
  /**
   * What the sample-ratio test expects: 'buckets' (default) the split the
   * flag's variant bucketing actually produces, 'weights' the configured
   * weights (for logs whose assignment was done elsewhere, `expose --variant`).
   */
  srmShares?: 'buckets' | 'weights';
}

/**
 * Analyzes the counts of `experiment` (SPEC 4.3 and 8). Returns the results
 * object exactly as `--json` prints it, and notes for the text report.
 */
export function analyzeExperiment(experiment: Experiment, stats: SufficientStats, options: AnalyzeOptions): ExperimentAnalysis {
  const { alpha, correction } = options;
  const mode: AnalysisMode = options.mode ?? experiment.analysis ?? 'fixed';
  const configured = armWeights(experiment);
  const shares =
    options.srmShares === 'weights'
      ? configured.map((c) => c.weight / 100)
      : bucketShares(configured, options.variants);

  const metrics = experimentMetrics(experiment).map((m) =>
    analyzeMetric(m, configured.map((c) => statsOf(stats, c.key, m.key)), { alpha, correction, mode }),
  );
  const primary = metrics[0];

  const arms: ArmResult[] = configured.map((c, i) => {
    const a = primary.arms[i];
    // The rate is the share of converting users for either kind of metric; revenue's mean is in `metrics`.
    const rate = a.users > 0 ? a.converters / a.users : null;
    return {
      key: c.key,
      role: i === 0 ? 'control' : 'treatment',
      weight: c.weight,
      users: a.users,
      converters: a.converters,
      rate,
      rateInterval: primary.kind === 'conversion' ? a.interval : null,
      insufficientData: hasInsufficientData(a.converters, a.users),
    };
  });
  const control = arms[0];
  const treatments = arms.slice(1);
  const comparisons: ComparisonResult[] = primary.comparisons.map((c) => ({
    treatment: c.treatment,
    absoluteLift: c.absoluteLift,
    relativeLift: c.relativeLift,
    z: c.statistic,
    pValue: c.pValue,
    adjustedPValue: c.adjustedPValue,
    interval: c.interval,
    relativeInterval: c.relativeInterval,
    significant: c.significant,
  }));

  const overall = arms.length >= 3 ? chiSquareIndependence(arms.map((a) => a.converters), arms.map((a) => a.users)) : null;
  const gof = chiSquareGoodnessOfFit(arms.map((a) => a.users), shares);
  const srm = { ...gof, mismatch: gof.pValue < SRM_P_THRESHOLD };

  // The winner needs its own data and the control's: a comparison is only as good as its weaker arm.
  const sign = primary.direction === 'decrease' ? -1 : 1;
  let winner: string | null = null;
  let best = 0;
  primary.comparisons.forEach((c, i) => {
    const eligible = c.effect === 'better' && !treatments[i].insufficientData && !control.insufficientData;
    if (eligible && sign * c.absoluteLift! > best) {
      best = sign * c.absoluteLift!;
      winner = c.treatment;
    }
  });
  const guardrailRegressions = metrics
    .filter((m) => m.guardrail)
    .flatMap((m) => m.comparisons.filter((c) => c.effect === 'worse').map((c) => ({ metric: m.key, treatment: c.treatment })));
  let verdict: Verdict;
  if (srm.mismatch) {
    // A broken split means the arms are not comparable: no winner, whatever the p-values say.
    winner = null;
    verdict = 'sample ratio mismatch';
  } else if (guardrailRegressions.length > 0) {
    // A treatment that hurts a guardrail is not shipped on the strength of the primary metric.
    winner = null;
    verdict = 'guardrail regression';
  } else if (winner !== null) {
    verdict = 'winner';
  } else if (arms.some((a) => a.insufficientData)) {
    verdict = 'insufficient data';
  } else {
    verdict = 'not significant yet';
  }

  const adjustedPs = comparisons.flatMap((c) => (c.adjustedPValue === null ? [] : [c.adjustedPValue]));
  const results: ExperimentResults = {
    experimentId: experiment.id,
    status: experiment.status,
    alpha,
    correction,
    arms,
    comparisons,
    overall,
    srm,
    excluded: {
      multipleArms: stats.excluded.multipleArms,
      conversionsBeforeExposure: stats.excluded.conversionsBeforeExposure,
      conversionsWithoutExposure: stats.excluded.conversionsWithoutExposure,
      malformedLines: stats.excluded.malformedLines,
      outsideWindow: stats.excluded.outsideWindow,
    },
    winner,
    verdict,
    sampleSize: arms.reduce((sum, a) => sum + a.users, 0),
    controlConversion: control.rate,
    treatmentConversions: Object.fromEntries(treatments.map((t) => [t.key, t.rate])),
    statisticalSignificance: adjustedPs.length === 0 || srm.mismatch ? null : 1 - Math.min(...adjustedPs),
    analysis: mode,
    window: { since: options.window?.since ?? null, until: options.window?.until ?? null },
    metrics,
    guardrailRegressions,
  };

  const exposed = results.sampleSize + stats.excluded.multipleArms;
  const multipleArmsShare = exposed > 0 ? stats.excluded.multipleArms / exposed : 0;
  // The sample size is for the test as it will be judged: Holm's and BH's first
  // step compare the smallest p with alpha/m, so size for that.
  const sizingAlpha = correction === 'none' ? alpha : alpha / Math.max(1, treatments.length);
  const sampleSizes = treatments.map((t) => {
    if (primary.kind !== 'conversion' || control.rate === null || t.rate === null) return { treatment: t.key, requiredPerArm: null, additionalPerArm: null };
    const requiredPerArm = requiredSampleSizePerArm(control.rate, t.rate, { alpha: sizingAlpha });
    const additionalPerArm = requiredPerArm === null ? null : Math.max(0, requiredPerArm - Math.min(control.users, t.users));
    return { treatment: t.key, requiredPerArm, additionalPerArm };
  });
  return {
    results,
    notes: {
      multipleArmsShare,
      multipleArmsWarning: multipleArmsShare >= MULTI_ARM_WARNING_SHARE,
      srmShares: shares,
      sampleSizes,
    },
  };
}

/** One arm × metric from the counts; an arm or metric the counts lack has no users. */
function statsOf(stats: SufficientStats, arm: string, metric: string): ArmMetricStats {
  const found = stats.metrics.find((m) => m.arm === arm && m.metric === metric);
  if (found) return found;
  const users = stats.arms.find((a) => a.key === arm)?.users ?? 0;
  return { arm, metric, users, converters: 0, sum: 0, sumSquares: 0 };
}

/**
 * The share of users each arm really gets from the flag's variant bucketing
 * (SPEC 2): bucket b = 0…99 goes to the first variant whose running weight
 * sum exceeds b. With whole weights this is the configured split; with the
 * three-arm default 33.34/33.33/33.33 it is 34/33/33, and testing against the
 * configured split would raise a false sample-ratio alarm once an experiment
 * has ~100,000 users. Arms the flag does not list get share 0.
 */
export function bucketShares(
  arms: readonly { key: string; weight: number }[],
  variants?: readonly { key: string; weight: number }[],
): number[] {
  const buckets = servedSplit(variants ?? arms);
  return arms.map((a) => (buckets.get(a.key) ?? 0) / 100);
}

