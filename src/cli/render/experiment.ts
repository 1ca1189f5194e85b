/**
 * Experiments as text: edit messages, the list, one definition, event
 * messages and the results report (SPEC 4). Pure string building; the
 * commands decide what to print where. Only types come from the core, so
 * `list` and `show` do not load the statistics.
 */
import type { ChalkInstance } from 'chalk';
import type { Diagnostic } from '../../errors.js';
import type { EvaluationResult } from '../../evaluation/index.js';
import type { LifecycleAction } from '../../experiments/lifecycle.js';
import type { ComparisonResult, ExperimentAnalysis } from '../../experiments/results.js';
import type { Interval } from '../../experiments/stats.js';
import type { LogEvent } from '../../schema/event.js';
import { armWeights, type Experiment, type ExperimentStatus } from '../../schema/experiment.js';
import type { Flag } from '../../schema/flag.js';
import type { CreateExperimentResult, ExperimentActionResult } from '../../store/experiment-edits.js';
import type { CommandContext } from '../context.js';
import { renderDiagnosticLine } from './diagnostics.js';
import { renderValue } from './flag.js';
import { renderTable } from './table.js';

type Ctx = Pick<CommandContext, 'chalk' | 'color' | 'relative'>;

// ---- edits ----

export function renderCreateMessage(ctx: Ctx, r: CreateExperimentResult): string {
  const split = armWeights(r.experiment).map((a) => `${a.key} ${a.weight}%`).join(', ');
  return [
    `Created experiment ${r.id} (draft) in ${ctx.relative(r.file)}`,
    `Created flag ${r.flagKey} in ${ctx.relative(r.flagFile)}: ${split} (disabled until \`flags experiment start ${r.id}\`)`,
  ].join('\n');
}

const PAST: Record<LifecycleAction, string> = { start: 'started', pause: 'paused', resume: 'resumed', complete: 'completed', cancel: 'cancelled' };

/**
 * `Experiment x started (draft → running); flag f enabled`, or for a repair
 * `Experiment x is already running; flag f was disabled: enabled it to match`.
 */
export function renderActionMessage(ctx: Ctx, r: ExperimentActionResult): string {
  const state = r.flagEnabled ? 'enabled' : 'disabled';
  const other = r.flagEnabled ? 'disabled' : 'enabled';
  let flagPart: string;
  if (r.flag === null) flagPart = `flag ${r.flagKey} does not exist (nothing to turn off)`;
  else if (r.repair) flagPart = r.flag.changed ? `flag ${r.flagKey} was ${other}: ${state} it to match` : `flag ${r.flagKey} is ${state} (nothing changed)`;
  else flagPart = r.flag.changed ? `flag ${r.flagKey} ${state}` : `flag ${r.flagKey} already ${state}`;
  // A kill switch or an environment keeps users out of the split even with the flag on: say so now, not when `expose` records nothing.
  const note =
    r.flag && r.flagEnabled && r.flag.effective.reason === 'KILL_SWITCH'
      ? `, but its kill switch is on: every user gets the default (${r.experiment.control.key}) and nobody enters the split until \`flags revive ${r.flagKey}\``
      : '';
  const head = r.repair ? `Experiment ${r.id} is already ${r.status}; ` : `Experiment ${r.id} ${PAST[r.action]} (${r.from} → ${r.status}); `;
  return ctx.chalk.bold(head) + flagPart + note;
}

// ---- list and show ----

export function renderStatus(chalk: ChalkInstance, status: ExperimentStatus): string {
  switch (status) {
    case 'running':
      return chalk.green(status);
    case 'paused':
      return chalk.yellow(status);
    case 'cancelled':
      return chalk.red(status);
    default:
      return status;
  }
}

export function renderArms(exp: Experiment): string {
  return armWeights(exp).map((a) => `${a.key} ${a.weight}%`).join(', ');
}

export function renderExperimentList(ctx: Ctx, list: Experiment[]): string {
  if (list.length === 0) return 'No experiments (create one with `flags experiment create`)';
  return renderTable(
    ['id', 'status', 'flag', 'arms (control first)', 'started'],
    list.map((e) => [e.id, renderStatus(ctx.chalk, e.status), e.flagKey, renderArms(e), e.startDate ?? '-']),
    { color: ctx.color },
  );
}

const NEXT: Record<ExperimentStatus, string> = {
  draft: 'start, cancel',
  running: 'pause, complete, cancel',
  paused: 'resume, complete, cancel',
  completed: 'none (final)',
  cancelled: 'none (final)',
};

export function renderExperimentDetails(ctx: Ctx, exp: Experiment, flag: Flag | undefined, findings: Diagnostic[]): string {
  const { chalk } = ctx;
  const label = (s: string) => chalk.bold(s.padEnd(10));
  const lines: string[] = [];
  lines.push(chalk.bold(exp.id) + (exp.name && exp.name !== exp.id ? `  ${exp.name}` : ''));
  if (exp.description) lines.push(exp.description);
  lines.push('');
  const dates = [exp.startDate && `started ${exp.startDate}`, exp.endDate && `ended ${exp.endDate}`].filter(Boolean).join(', ');
  lines.push(`${label('status')}${renderStatus(chalk, exp.status)}${dates ? `  (${dates})` : ''}`);
  const flagState = flag === undefined ? chalk.red('missing or invalid') : flag.killSwitch ? chalk.red('killed') : flag.enabled ? chalk.green('enabled') : chalk.yellow('disabled');
  lines.push(`${label('flag')}${exp.flagKey} (${flagState})`);
  lines.push(`${label('metrics')}${exp.primaryMetric} (primary)${exp.secondaryMetrics?.length ? ', ' + exp.secondaryMetrics.join(', ') : ''}`);
  lines.push(`${label('next')}${NEXT[exp.status]}`);
  lines.push('');
  lines.push(chalk.bold('arms'));
  const names = new Map([[exp.control.key, exp.control.name], ...exp.treatment.map((t) => [t.key, t.name] as const)]);
  const weights = armWeights(exp);
  const width = Math.max(...weights.map((a) => a.key.length));
  weights.forEach((a, i) => {
    const name = names.get(a.key);
    lines.push(`  ${chalk.cyan(a.key.padEnd(width))}  ${(i === 0 ? 'control' : 'treatment').padEnd(9)}  ${`${a.weight}%`.padStart(6)}${name && name !== a.key ? `  ${name}` : ''}`);
  });
  for (const d of findings) lines.push(`${d.severity === 'error' ? chalk.red('error:') : chalk.yellow('warning:')} ${renderDiagnosticLine(d, chalk)}`);
  return lines.join('\n');
}

// ---- events ----

export function renderExposureRecorded(ctx: Ctx, event: LogEvent, log: string): string {
  return `Exposure recorded: user ${event.userId} → ${ctx.chalk.bold(event.variant ?? '')} (experiment ${event.experimentId}, ${ctx.relative(log)})`;
}

export function renderConversionRecorded(ctx: Ctx, event: LogEvent, log: string): string {
  const value = event.value === undefined ? '' : ` = ${event.value}`;
  return `Conversion recorded: user ${event.userId}, ${ctx.chalk.bold(event.metric ?? '')}${value} (experiment ${event.experimentId}, ${ctx.relative(log)})`;
}

/** Why a user is not in the experiment, from the evaluation of its flag, in the evaluator's words. */
export function describeNotInExperiment(exp: Experiment, userId: string, r: EvaluationResult<unknown>, environment?: unknown): string {
  const served = `flag ${exp.flagKey} serves ${renderValue(r.value)}`;
  const env = typeof environment === 'string' ? ` ${environment}` : '';
  let why: string;
  switch (r.reason) {
    case 'RULE_MATCH':
      why = `${served} by rule ${r.ruleId} (RULE_MATCH)`;
      break;
    case 'KILL_SWITCH':
      why = `${served}: its kill switch is on (KILL_SWITCH)`;
      break;
    case 'ENVIRONMENT_OVERRIDE':
      why = `${served} by the override for environment${env} (ENVIRONMENT_OVERRIDE)`;
      break;
    case 'ENVIRONMENT_DISABLED':
      why = `${served}: it is disabled in environment${env} (ENVIRONMENT_DISABLED)`;
      break;
    case 'DISABLED':
      why = `${served}: the flag is disabled although the experiment is running (repair with \`flags experiment resume ${exp.id}\`)`;
      break;
    default:
      why = `${served} (${r.reason})`;
  }
  return `User ${userId} is not in experiment ${exp.id}: ${why}; nothing recorded`;
}

// ---- results ----

export interface ResultsReportInput {
  experiment: Experiment;
  analysis: ExperimentAnalysis;
  verdict: string;
  log: string;
  logExists: boolean;
  /** Valid events of this experiment in the log. */
  events: number;
  /** Replaces "N events from LOG" when the counts came from elsewhere (several logs, DuckDB, a warehouse result). */
  source?: string;
}

/**
 * The text report of `results` (SPEC 4.3): a sample-ratio mismatch first and
 * loud, the arms, each treatment against control, what was excluded, then
 * the verdict in one line.
 */
export function renderResultsReport(ctx: Ctx, input: ResultsReportInput): string {
  const { chalk } = ctx;
  const { experiment: exp, analysis } = input;
  const { results, notes } = analysis;
  const lines: string[] = [];
  const confidence = `${round((1 - results.alpha) * 100, 4)}%`;

  if (results.srm.mismatch) {
    const expected = results.arms.map((a, i) => `${a.key} ${pct(notes.srmShares[i], 1)}`).join(' / ');
    const got = results.arms.map((a) => `${a.key} ${int(a.users)} (${results.sampleSize ? pct(a.users / results.sampleSize, 1) : '-'})`).join(' / ');
    const loud = (s: string) => chalk.red.bold(s);
    lines.push(loud(`!!! SAMPLE RATIO MISMATCH: the arms' sizes do not match the split (chi-square ${fixed(results.srm.chiSquare, 2)}, df ${results.srm.df}, p = ${p(results.srm.pValue)})`));
    lines.push(loud(`!!! expected ${expected}; got ${got}`));
    lines.push(loud('!!! assignment or logging is broken, so the arms are not comparable: no winner can be declared'));
    lines.push('');
  }
  if (notes.multipleArmsWarning) {
    lines.push(chalk.yellow(`warning: ${int(results.excluded.multipleArms)} users (${pct(notes.multipleArmsShare, 1)}) were exposed to more than one arm and are excluded; check that assignment is sticky`));
    lines.push('');
  }

  const since = exp.startDate ? `, started ${exp.startDate}` : '';
  lines.push(`${chalk.bold(`Experiment ${exp.id}`)}${exp.name && exp.name !== exp.id ? ` (${exp.name})` : ''}: ${exp.status}${since}`);
  lines.push(`primary metric ${exp.primaryMetric}; ${input.source ?? `${int(input.events)} events from ${ctx.relative(input.log)}${input.logExists ? '' : ' (the log does not exist yet)'}`}`);
  lines.push('');

  lines.push(chalk.bold('Arms'));
  lines.push(
    renderTable(
      ['arm', 'weight', 'users', 'converters', 'rate', '95% interval', 'note'],
      results.arms.map((a) => [
        `${a.key}${a.role === 'control' ? ' (control)' : ''}`,
        `${a.weight}%`,
        int(a.users),
        int(a.converters),
        a.rate === null ? '-' : pct(a.rate, 2),
        interval(a.rateInterval, (x) => pct(x, 2)),
        a.insufficientData ? chalk.yellow('insufficient data') : '',
      ]),
      { color: ctx.color },
    ),
  );
  lines.push('');

  lines.push(chalk.bold(`Treatments against ${results.arms[0].key}`) + ` (lift in percentage points; p-values adjusted by ${CORRECTION_NAMES[results.correction]})`);
  lines.push(
    renderTable(
      ['treatment', 'lift (points)', `${confidence} interval`, 'relative lift', `${confidence} interval`, 'z', 'p', 'adjusted p', 'result'],
      results.comparisons.map((c) => [
        c.treatment,
        c.absoluteLift === null ? '-' : points(c.absoluteLift),
        interval(c.interval, points),
        c.relativeLift === null ? '-' : signedPct(c.relativeLift),
        interval(c.relativeInterval, signedPct),
        c.z === null ? '-' : fixed(c.z, 2),
        c.pValue === null ? '-' : p(c.pValue),
        c.adjustedPValue === null ? '-' : p(c.adjustedPValue),
        significance(chalk, c, results.winner),
      ]),
      { color: ctx.color },
    ),
  );
  if (results.overall) {
    lines.push(`all ${results.arms.length} arms together: chi-square ${fixed(results.overall.chiSquare, 2)}, df ${results.overall.df}, p = ${p(results.overall.pValue)}`);
  }
  lines.push('');

  const ex = results.excluded;
  const excluded = [
    ex.multipleArms && `${int(ex.multipleArms)} ${plural(ex.multipleArms, 'user')} exposed to several arms`,
    ex.conversionsBeforeExposure && `${int(ex.conversionsBeforeExposure)} ${plural(ex.conversionsBeforeExposure, 'user')} who converted only before exposure`,
    ex.conversionsWithoutExposure && `${int(ex.conversionsWithoutExposure)} ${plural(ex.conversionsWithoutExposure, 'converter')} never exposed`,
    notes.unknownVariantExposures && `${int(notes.unknownVariantExposures)} ${plural(notes.unknownVariantExposures, 'exposure')} to a variant that is not an arm`,
  ].filter(Boolean);
  lines.push(`excluded: ${excluded.length ? excluded.join('; ') : 'nothing'}`);
  // A shared log is normal; say how much of it was someone else's, so a mistyped experiment id shows up.
  if (notes.otherExperimentEvents > 0) lines.push(`not this experiment: ${int(notes.otherExperimentEvents)} ${plural(notes.otherExperimentEvents, 'event')} of other experiments in the log, skipped`);
  if (ex.malformedLines > 0) {
    const examples = notes.malformedExamples.map((m) => (m.line === undefined ? m.reason : `line ${m.line}: ${m.reason}`)).join('; ');
    lines.push(chalk.yellow(`skipped ${int(ex.malformedLines)} malformed ${plural(ex.malformedLines, 'line')} of the log (${examples}${ex.malformedLines > notes.malformedExamples.length ? '; …' : ''})`));
  }
  lines.push('');
  const verdictColour = results.verdict === 'winner' ? chalk.green.bold : results.verdict === 'sample ratio mismatch' ? chalk.red.bold : chalk.bold;
  lines.push(verdictColour(`verdict: ${input.verdict}`));
  return lines.join('\n');
}

const CORRECTION_NAMES = { holm: 'Holm', bh: 'Benjamini–Hochberg', none: 'nothing (no correction)' } as const;

function significance(chalk: ChalkInstance, c: ComparisonResult, winner: string | null): string {
  if (c.treatment === winner) return chalk.green('winner');
  if (!c.significant) return '';
  return c.absoluteLift !== null && c.absoluteLift < 0 ? chalk.red('significantly worse') : chalk.yellow('significant');
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
function fixed(x: number, digits: number): string {
  return x.toFixed(digits);
}
function int(n: number): string {
  return n.toLocaleString('en-US');
}
function pct(x: number, digits: number): string {
  return `${(x * 100).toFixed(digits)}%`;
}
function signedPct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
}
/** Percentage points: an absolute difference of two rates. */
function points(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}`;
}
/** p-values: four decimals, scientific notation below 0.0001 so a tiny p never reads as 0. */
function p(x: number): string {
  return x < 0.0001 ? x.toExponential(1) : x.toFixed(4);
}
function interval(i: Interval | null, f: (x: number) => string): string {
  return i === null ? '-' : `[${f(i[0])}, ${f(i[1])}]`;
}
function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
