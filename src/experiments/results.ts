/**
 * From a tally to SPEC 4.3's results object: per-arm rates, each treatment
 * against control, the multiple-comparison adjustment, the sample-ratio check,
 * the winner rule and the verdict. Pure.
 *
 * Undefined quantities are null, never NaN: an arm without users has rate
 * null and no interval; a comparison involving such an arm has null lift, z
 * and p; a control rate of 0 makes the relative lift and its interval null.
 */
import { armWeights, type Experiment } from '../schema/experiment.js';
import type { TallySummary } from './tally.js';
import {
  adjustPValues,
  chiSquareGoodnessOfFit,
  chiSquareIndependence,
  hasInsufficientData,
  relativeLiftInterval,
  requiredSampleSizePerArm,
  twoProportionZTest,
  waldDifferenceInterval,
  wilsonInterval,
  type ChiSquareResult,
  type Correction,
  type Interval,
} from './stats.js';

/** Sample-ratio mismatch threshold (SPEC 4.3). */
export const SRM_P_THRESHOLD = 0.001;
/** Share of exposed users in several arms at which the report warns (SPEC 4.3). */
export const MULTI_ARM_WARNING_SHARE = 0.01;

export type Verdict = 'winner' | 'not significant yet' | 'sample ratio mismatch' | 'insufficient data';

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
  z: number | null;
  pValue: number | null;
  adjustedPValue: number | null;
  interval: Interval | null;
  relativeInterval: Interval | null;
  significant: boolean;
}

/** Exactly the `--json` object of SPEC 4.3. */
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
  };
  winner: string | null;
  verdict: Verdict;
  sampleSize: number;
  controlConversion: number | null;
  treatmentConversions: Record<string, number | null>;
  statisticalSignificance: number | null;
}

/** What the text report needs beyond the JSON object. */
export interface AnalysisNotes {
  /** Exposures to a variant that is not an arm (events, ignored). */
  unknownVariantExposures: number;
  otherExperimentEvents: number;
  malformedExamples: TallySummary['malformedExamples'];
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
 * Analyzes a tally of `experiment` (SPEC 4.3). Returns the results object
 * exactly as `--json` prints it, and notes for the text report.
 */
export function analyzeExperiment(experiment: Experiment, tally: TallySummary, options: AnalyzeOptions): ExperimentAnalysis {
  const { alpha, correction } = options;
  const configured = armWeights(experiment);
  const counts = new Map(tally.arms.map((a) => [a.key, a]));

  const arms: ArmResult[] = configured.map((c, i) => {
    const t = counts.get(c.key);
    const users = t?.users ?? 0;
    const converters = t?.converters ?? 0;
    return {
      key: c.key,
      role: i === 0 ? 'control' : 'treatment',
      weight: c.weight,
      users,
      converters,
      rate: users > 0 ? converters / users : null,
      rateInterval: wilsonInterval(converters, users),
      insufficientData: hasInsufficientData(converters, users),
    };
  });
  const control = arms[0];
  const treatments = arms.slice(1);

  const raw = treatments.map((t) => compare(t, control, alpha));
  // An undefined comparison (an arm without users) still counts in the family
  // as p = 1: the planned comparisons are the family, not the ones that happened to have data.
  const adjusted = adjustPValues(raw.map((c) => c.pValue ?? 1), correction);
  const comparisons: ComparisonResult[] = raw.map((c, i) => {
    const adjustedPValue = c.pValue === null ? null : adjusted[i];
    // Spelled out to keep SPEC 4.3's key order in the JSON.
    return {
      treatment: c.treatment,
      absoluteLift: c.absoluteLift,
      relativeLift: c.relativeLift,
      z: c.z,
      pValue: c.pValue,
      adjustedPValue,
      interval: c.interval,
      relativeInterval: c.relativeInterval,
      significant: adjustedPValue !== null && adjustedPValue < alpha,
    };
  });

  const overall = arms.length >= 3 ? chiSquareIndependence(arms.map((a) => a.converters), arms.map((a) => a.users)) : null;

  const shares =
    options.srmShares === 'weights'
      ? configured.map((c) => c.weight / 100)
      : bucketShares(configured, options.variants);
  const gof = chiSquareGoodnessOfFit(arms.map((a) => a.users), shares);
  const srm = { ...gof, mismatch: gof.pValue < SRM_P_THRESHOLD };

  // The winner needs its own data and the control's: a comparison is only as good as its weaker arm.
  let winner: string | null = null;
  let best = 0;
  comparisons.forEach((c, i) => {
    const eligible = c.significant && !treatments[i].insufficientData && !control.insufficientData;
    if (eligible && c.absoluteLift !== null && c.absoluteLift > best) {
      best = c.absoluteLift;
      winner = c.treatment;
    }
  });
  let verdict: Verdict;
  if (srm.mismatch) {
    // A broken split means the arms are not comparable: no winner, whatever the p-values say.
    winner = null;
    verdict = 'sample ratio mismatch';
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
      multipleArms: tally.multipleArms,
      conversionsBeforeExposure: tally.conversionsBeforeExposure,
      conversionsWithoutExposure: tally.conversionsWithoutExposure,
      malformedLines: tally.malformedLines,
    },
    winner,
    verdict,
    sampleSize: arms.reduce((sum, a) => sum + a.users, 0),
    controlConversion: control.rate,
    treatmentConversions: Object.fromEntries(treatments.map((t) => [t.key, t.rate])),
    statisticalSignificance: adjustedPs.length === 0 ? null : 1 - Math.min(...adjustedPs),
  };

  const exposed = tally.exposedUsers;
  const multipleArmsShare = exposed > 0 ? tally.multipleArms / exposed : 0;
  // The sample size is for the test as it will be judged: Holm's and BH's first
  // step compare the smallest p with alpha/m, so size for that.
  const sizingAlpha = correction === 'none' ? alpha : alpha / Math.max(1, treatments.length);
  const sampleSizes = treatments.map((t) => {
    if (control.rate === null || t.rate === null) return { treatment: t.key, requiredPerArm: null, additionalPerArm: null };
    const requiredPerArm = requiredSampleSizePerArm(control.rate, t.rate, { alpha: sizingAlpha });
    const additionalPerArm = requiredPerArm === null ? null : Math.max(0, requiredPerArm - Math.min(control.users, t.users));
    return { treatment: t.key, requiredPerArm, additionalPerArm };
  });
  return {
    results,
    notes: {
      unknownVariantExposures: tally.unknownVariantExposures,
      otherExperimentEvents: tally.otherExperimentEvents,
      malformedExamples: tally.malformedExamples,
      multipleArmsShare,
      multipleArmsWarning: multipleArmsShare >= MULTI_ARM_WARNING_SHARE,
      srmShares: shares,
      sampleSizes,
    },
  };
}

function compare(t: ArmResult, c: ArmResult, alpha: number): Omit<ComparisonResult, 'adjustedPValue' | 'significant'> {
  if (t.users === 0 || c.users === 0 || t.rate === null || c.rate === null) {
    return { treatment: t.key, absoluteLift: null, relativeLift: null, z: null, pValue: null, interval: null, relativeInterval: null };
  }
  const absoluteLift = t.rate - c.rate;
  const { z, pValue } = twoProportionZTest(t.converters, t.users, c.converters, c.users);
  return {
    treatment: t.key,
    absoluteLift,
    relativeLift: c.rate > 0 ? absoluteLift / c.rate : null,
    z,
    pValue,
    interval: waldDifferenceInterval(t.converters, t.users, c.converters, c.users, alpha),
    relativeInterval: relativeLiftInterval(t.converters, t.users, c.converters, c.users, alpha),
  };
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
  const order = variants ?? arms;
  const buckets = new Map<string, number>();
  for (let b = 0; b < 100; b++) {
    let cumulative = 0;
    let chosen = order[0]?.key;
    for (const v of order) {
      cumulative += v.weight;
      if (b < cumulative) {
        chosen = v.key;
        break;
      }
    }
    if (chosen !== undefined) buckets.set(chosen, (buckets.get(chosen) ?? 0) + 1);
  }
  return arms.map((a) => (buckets.get(a.key) ?? 0) / 100);
}

/**
 * The one-line verdict of the text report, in plain words, e.g.
 * `green beats blue: +2.2 points (+22%), adjusted p = 0.003` or
 * `not significant yet: need roughly 4,100 more users per arm at this effect size`.
 */
export function describeVerdict(analysis: ExperimentAnalysis): string {
  const { results, notes } = analysis;
  const control = results.arms[0];
  if (results.verdict === 'sample ratio mismatch') {
    return `sample ratio mismatch (p = ${formatP(results.srm.pValue)}): the arms' sizes do not match the split the flag's bucketing produces, so no winner can be declared; check the assignment before trusting any lift`;
  }
  if (results.verdict === 'winner') {
    const c = results.comparisons.find((x) => x.treatment === results.winner)!;
    return `${c.treatment} beats ${control.key}: ${formatLift(c)}, adjusted p = ${formatP(c.adjustedPValue!)}`;
  }
  if (results.verdict === 'insufficient data') {
    const thin = results.arms.filter((a) => a.insufficientData).map((a) => a.key);
    return `insufficient data: ${thin.join(', ')} ${thin.length === 1 ? 'needs' : 'need'} at least 100 users and 25 converters (and 5 non-converters) per arm`;
  }
  // Not significant: a treatment that is significantly worse is news too.
  const worse = results.comparisons.find((c) => c.significant && c.absoluteLift !== null && c.absoluteLift < 0);
  if (worse) {
    return `no winner: ${worse.treatment} is worse than ${control.key}: ${formatLift(worse)}, adjusted p = ${formatP(worse.adjustedPValue!)}`;
  }
  // Size for the most promising comparison (smallest p).
  let pick = -1;
  results.comparisons.forEach((c, i) => {
    if (c.pValue !== null && (pick < 0 || c.pValue < results.comparisons[pick].pValue!)) pick = i;
  });
  const more = pick < 0 ? null : notes.sampleSizes[pick].additionalPerArm;
  if (more === null) return 'not significant yet: no difference between the arms so far';
  if (more === 0) return 'not significant yet: the arms are large enough for this effect size, which may be chance';
  return `not significant yet: need roughly ${more.toLocaleString('en-US')} more users per arm at this effect size`;
}

function formatLift(c: ComparisonResult): string {
  const points = (c.absoluteLift! * 100).toFixed(1);
  const sign = c.absoluteLift! >= 0 ? '+' : '';
  const rel = c.relativeLift === null ? '' : ` (${c.relativeLift >= 0 ? '+' : ''}${(c.relativeLift * 100).toFixed(0)}%)`;
  return `${sign}${points} points${rel}`;
}

function formatP(p: number): string {
  if (p < 0.001) return p.toExponential(1);
  return p.toFixed(3);
}
