/**
 * The one-line verdict of a report, in plain words (text, markdown and HTML
 * share it).
 */
import type { ComparisonResult, ExperimentAnalysis } from './results.js';

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
  if (results.verdict === 'guardrail regression') {
    const parts = results.guardrailRegressions.map(({ metric, treatment }) => {
      const m = results.metrics.find((x) => x.key === metric)!;
      const c = m.comparisons.find((x) => x.treatment === treatment)!;
      const lift = m.kind === 'revenue' ? `${c.absoluteLift! >= 0 ? '+' : ''}${c.absoluteLift!.toFixed(2)} per user` : formatLift({ absoluteLift: c.absoluteLift, relativeLift: c.relativeLift } as ComparisonResult);
      return `${treatment} makes ${metric} worse: ${lift}, adjusted p = ${formatP(c.adjustedPValue!)}`;
    });
    return `guardrail regression: ${parts.join('; ')}; no winner while a guardrail regresses`;
  }
  if (results.verdict === 'winner') {
    const c = results.comparisons.find((x) => x.treatment === results.winner)!;
    if (results.metrics[0]?.kind === 'revenue') {
      const rel = c.relativeLift === null ? '' : ` (${c.relativeLift >= 0 ? '+' : ''}${(c.relativeLift * 100).toFixed(0)}%)`;
      return `${c.treatment} beats ${control.key}: ${c.absoluteLift! >= 0 ? '+' : ''}${c.absoluteLift!.toFixed(2)} ${results.metrics[0].key} per user${rel}, adjusted p = ${formatP(c.adjustedPValue!)}`;
    }
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
  if (pick >= 0 && results.metrics[0]?.kind === 'revenue') {
    const c = results.comparisons[pick];
    return `not significant yet: ${c.treatment} ${c.absoluteLift! >= 0 ? '+' : ''}${c.absoluteLift!.toFixed(2)} ${results.metrics[0].key} per user is within what chance gives (adjusted p = ${formatP(c.adjustedPValue!)})`;
  }
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
