/**
 * Experiments as text: edit messages, the list, one definition, event
 * messages (SPEC 4); the results reports are in experiment-results.ts. Pure string building; the
 * commands decide what to print where. Only types come from the core, so
 * `list` and `show` do not load the statistics.
 */
import type { ChalkInstance } from 'chalk';
import type { Diagnostic } from '../../errors.js';
import type { EvaluationResult } from '../../evaluation/index.js';
import type { LifecycleAction } from '../../experiments/lifecycle.js';
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
  if (r.existingFlag) {
    return [
      `Created experiment ${r.id} (draft) in ${ctx.relative(r.file)}`,
      `Using flag ${r.flagKey} (${ctx.relative(r.flagFile)}, unchanged): its variants are the arms: ${split}${r.flag.enabled ? '' : ` (disabled until \`flags experiment start ${r.id}\`)`}`,
    ].join('\n');
  }
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
