/**
 * The text report of `flags experiment results` (SPEC 4.3 and 8): a
 * sample-ratio mismatch first and loud, the primary metric's arms and
 * comparisons, every other metric, what was excluded, then the verdict in one
 * line (always the last). Pure string building.
 */
import type { ChalkInstance } from 'chalk';
import type { MetricResult } from '../../experiments/metric-analysis.js';
import type { ComparisonResult, ExperimentAnalysis } from '../../experiments/results.js';
import type { TimelineDay } from '../../experiments/sufficient-stats.js';
import type { ReaderNotes } from '../../experiments/tally.js';
import type { Experiment } from '../../schema/experiment.js';
import type { CommandContext } from '../context.js';
import {
  comparisonLabel,
  confidenceLabel,
  decidingTest,
  int,
  interval,
  metricFormats,
  metricRole,
  MODE_TEXT,
  p,
  pct,
  plural,
  signedPct,
} from './results-format.js';
import { renderTable } from './table.js';

type Ctx = Pick<CommandContext, 'chalk' | 'color'>;

export interface ResultsReportInput {
  experiment: Experiment;
  analysis: ExperimentAnalysis;
  verdict: string;
  /** The log as the user would write it (relative path). */
  log: string;
  logExists: boolean;
  reader: ReaderNotes;
  timeline: TimelineDay[];
  /** Where the counts came from, when not one log: several files, DuckDB, a warehouse result (`--counts`). */
  source?: string;
}

export function renderResultsReport(ctx: Ctx, input: ResultsReportInput): string {
  const { chalk } = ctx;
  const { experiment: exp, analysis, reader } = input;
  const { results, notes } = analysis;
  const lines: string[] = [];
  const confidence = confidenceLabel(results.alpha);
  const primary = results.metrics[0];

  lines.push(...srmWarning(input).map((l) => chalk.red.bold(l)));
  if (results.srm.mismatch) lines.push('');
  if (notes.multipleArmsWarning) {
    lines.push(chalk.yellow(`warning: ${int(results.excluded.multipleArms)} users (${pct(notes.multipleArmsShare, 1)}) were exposed to more than one arm and are excluded; check that assignment is sticky`));
    lines.push('');
  }

  const since = exp.startDate ? `, started ${exp.startDate}` : '';
  lines.push(`${chalk.bold(`Experiment ${exp.id}`)}${exp.name && exp.name !== exp.id ? ` (${exp.name})` : ''}: ${exp.status}${since}`);
  lines.push(`primary metric ${exp.primaryMetric}; ${input.source ?? `${int(reader.events)} events from ${input.log}${input.logExists ? '' : ' (the log does not exist yet)'}`}`);
  lines.push(`window: ${windowText(results.window)}`);
  lines.push(`analysis: ${MODE_TEXT[results.analysis]}`);
  lines.push('');

  lines.push(chalk.bold('Arms') + (primary.kind === 'revenue' ? ` (${primary.key} per user)` : ''));
  const fmt = metricFormats(primary);
  lines.push(
    renderTable(
      ['arm', 'weight', 'split', 'users', 'converters', primary.kind === 'revenue' ? 'mean' : 'rate', `${confidence} interval`, 'note'],
      results.arms.map((a, i) => [
        `${a.key}${a.role === 'control' ? ' (control)' : ''}`,
        `${a.weight}%`,
        // What the bucketing really serves (34/33/33 for 33.34/33.33/33.33).
        pct(notes.srmShares[i], 0),
        int(a.users),
        int(a.converters),
        primary.arms[i].mean === null ? '-' : fmt.value(primary.arms[i].mean!),
        interval(primary.arms[i].interval, fmt.value),
        a.insufficientData ? chalk.yellow('insufficient data') : '',
      ]),
      { color: ctx.color },
    ),
  );
  lines.push('');

  const adjusted = results.correction === 'none' ? 'not adjusted' : `adjusted by ${CORRECTION_NAMES[results.correction]}`;
  lines.push(chalk.bold(`Treatments against ${results.arms[0].key}`) + ` (lift in ${fmt.liftUnit}; p-values ${adjusted})`);
  lines.push(
    renderTable(
      ['treatment', `lift (${fmt.liftUnit})`, `${confidence} interval`, 'relative lift', `${confidence} interval`, primary.kind === 'revenue' && results.analysis === 'fixed' ? 't' : 'z', 'p', 'adjusted p', 'result'],
      results.comparisons.map((c) => [
        c.treatment,
        c.absoluteLift === null ? '-' : fmt.lift(c.absoluteLift),
        interval(c.interval, fmt.lift),
        c.relativeLift === null ? '-' : signedPct(c.relativeLift),
        interval(c.relativeInterval, signedPct),
        c.z === null ? '-' : c.z.toFixed(2),
        c.pValue === null ? '-' : p(c.pValue),
        c.adjustedPValue === null ? '-' : p(c.adjustedPValue),
        significance(chalk, c, results.winner, primary),
      ]),
      { color: ctx.color },
    ),
  );
  lines.push(decidingTest(results, primary));
  if (results.overall) {
    lines.push(`all ${results.arms.length} arms together: chi-square ${results.overall.chiSquare.toFixed(2)}, df ${results.overall.df}, p = ${p(results.overall.pValue)}`);
  }
  lines.push('');

  for (const m of results.metrics.slice(1)) {
    lines.push(...renderMetric(ctx, m, results.alpha, results.winner));
    lines.push('');
  }

  const ex = results.excluded;
  const excluded = [
    ex.outsideWindow && `${int(ex.outsideWindow)} ${plural(ex.outsideWindow, 'event')} outside the window`,
    ex.multipleArms && `${int(ex.multipleArms)} ${plural(ex.multipleArms, 'user')} exposed to several arms`,
    ex.conversionsBeforeExposure && `${int(ex.conversionsBeforeExposure)} ${plural(ex.conversionsBeforeExposure, 'user')} who converted only before exposure`,
    ex.conversionsWithoutExposure && `${int(ex.conversionsWithoutExposure)} ${plural(ex.conversionsWithoutExposure, 'converter')} never exposed`,
    reader.unknownVariantExposures && `${int(reader.unknownVariantExposures)} ${plural(reader.unknownVariantExposures, 'exposure')} to a variant that is not an arm`,
  ].filter(Boolean);
  lines.push(`excluded: ${excluded.length ? excluded.join('; ') : 'nothing'}`);
  // A shared log is normal; say how much of it was someone else's, so a mistyped experiment id shows up.
  if (reader.otherExperimentEvents > 0) lines.push(`not this experiment: ${int(reader.otherExperimentEvents)} ${plural(reader.otherExperimentEvents, 'event')} of other experiments in the log, skipped`);
  if (ex.malformedLines > 0) {
    const examples = reader.malformedExamples.map((m) => (m.line === undefined ? m.reason : `line ${m.line}: ${m.reason}`)).join('; ');
    lines.push(chalk.yellow(`skipped ${int(ex.malformedLines)} malformed ${plural(ex.malformedLines, 'line')} of the log (${examples}${ex.malformedLines > reader.malformedExamples.length ? '; …' : ''})`));
  }
  lines.push('');
  const verdictColour = results.verdict === 'winner' ? chalk.green.bold : results.verdict === 'sample ratio mismatch' || results.verdict === 'guardrail regression' ? chalk.red.bold : chalk.bold;
  lines.push(verdictColour(`verdict: ${input.verdict}`));
  return lines.join('\n');
}

/** The loud sample-ratio lines (empty without a mismatch); every format starts with them. */
export function srmWarning(input: Pick<ResultsReportInput, 'analysis'>): string[] {
  const { results, notes } = input.analysis;
  if (!results.srm.mismatch) return [];
  const expected = results.arms.map((a, i) => `${a.key} ${pct(notes.srmShares[i], 1)}`).join(' / ');
  const got = results.arms.map((a) => `${a.key} ${int(a.users)} (${results.sampleSize ? pct(a.users / results.sampleSize, 1) : '-'})`).join(' / ');
  return [
    `!!! SAMPLE RATIO MISMATCH: the arms' sizes do not match the split (chi-square ${results.srm.chiSquare.toFixed(2)}, df ${results.srm.df}, p = ${p(results.srm.pValue)})`,
    `!!! expected ${expected}; got ${got}`,
    '!!! assignment or logging is broken, so the arms are not comparable: no winner can be declared',
  ];
}

export function windowText(w: { since: string | null; until: string | null }): string {
  if (w.since === null && w.until === null) return 'all events (no start or end date)';
  return `${w.since ?? 'the beginning'} to ${w.until ?? 'now'}`;
}

function renderMetric(ctx: Ctx, m: MetricResult, alpha: number, winner: string | null): string[] {
  const { chalk } = ctx;
  const fmt = metricFormats(m);
  const confidence = confidenceLabel(alpha);
  const arms = m.arms.map((a) => `${a.key} ${a.mean === null ? '-' : fmt.value(a.mean)}`).join(', ');
  return [
    `${chalk.bold(`Metric ${m.key}`)} (${metricRole(m)}): ${arms}`,
    renderTable(
      ['treatment', `lift (${fmt.liftUnit})`, `${confidence} interval`, 'relative lift', `${confidence} interval`, 'adjusted p', 'result'],
      m.comparisons.map((c) => {
        const label = comparisonLabel(c, winner, false);
        return [
          c.treatment,
          c.absoluteLift === null ? '-' : fmt.lift(c.absoluteLift),
          interval(c.interval, fmt.lift),
          c.relativeLift === null ? '-' : signedPct(c.relativeLift),
          interval(c.relativeInterval, signedPct),
          c.adjustedPValue === null ? '-' : p(c.adjustedPValue),
          label === 'significantly worse' ? chalk.red(m.guardrail ? 'guardrail regression' : label) : label ? chalk.yellow(label) : '',
        ];
      }),
      { color: ctx.color },
    ),
  ];
}

const CORRECTION_NAMES = { holm: 'Holm', bh: 'Benjamini–Hochberg', none: 'nothing' } as const;

function significance(chalk: ChalkInstance, c: ComparisonResult, winner: string | null, primary: MetricResult): string {
  if (c.treatment === winner) return chalk.green('winner');
  if (!c.significant) return '';
  const m = primary.comparisons.find((x) => x.treatment === c.treatment);
  return m?.effect === 'worse' ? chalk.red('significantly worse') : chalk.yellow('significant');
}
