/**
 * `flags experiment expose ID --user U [--set PATH=VALUE]… [--variant V]` and
 * `flags experiment convert ID --user U [--metric M] [--value N]` (SPEC 4.2):
 * append one event to the log, only for running experiments.
 *
 * expose evaluates the experiment's flag exactly as `flags eval` does, so the
 * recorded arm is the one the user really gets; a user the split did not
 * decide (a rule, a kill switch, an environment override) is not in the
 * experiment and nothing is recorded.
 */
import { createFlagEvaluator } from '../../evaluation/index.js';
import { FlagsError, UsageError } from '../../errors.js';
import type { ConversionEvent, ExposureEvent } from '../../schema/event.js';
import { experimentMetrics, type Experiment } from '../../schema/experiment.js';
import { appendEvent } from '../../store/event-log.js';
import { parseNumberOption } from '../../store/flag-values.js';
import { applySet, type PlainObject } from '../context-args.js';
import type { CommandContext } from '../context.js';
import { describeNotInExperiment, renderConversionRecorded, renderExposureRecorded } from '../render/experiment.js';
import { eventLogPath, eventLogWriteOptions, findExperiment, loadExperiments, nowIso } from './experiment-common.js';

export interface ExposeOptions {
  user: string;
  set?: string[];
  variant?: string;
  log?: string;
}

export interface ConvertOptions {
  user: string;
  metric?: string;
  value?: string;
  log?: string;
}

export async function runExperimentExpose(ctx: CommandContext, id: string, opts: ExposeOptions): Promise<void> {
  checkUser(opts.user);
  if (opts.variant !== undefined && opts.set?.length) throw new UsageError('--set has no effect with --variant (the arm is given, nothing is evaluated)');
  const { flags, experiments } = await loadExperiments(ctx);
  const experiment = runningExperiment(ctx, experiments, id, 'exposures');
  const arms = [experiment.control.key, ...experiment.treatment.map((t) => t.key)];
  const log = eventLogPath(ctx, opts.log);

  let variant: string;
  let evaluation: Record<string, unknown> | undefined;
  if (opts.variant !== undefined) {
    if (!arms.includes(opts.variant)) {
      throw new FlagsError('UNKNOWN_ARM', `"${opts.variant}" is not an arm of experiment ${id} (its arms: ${arms.join(', ')})`);
    }
    variant = opts.variant;
  } else {
    const context = exposureContext(opts.user, opts.set ?? []);
    const evaluator = createFlagEvaluator(flags.flags.values(), { invalid: flags.invalidKeys, segments: flags.segments?.segments.values() });
    const result = evaluator.evaluate(experiment.flagKey, context);
    evaluation = { key: experiment.flagKey, ...result };
    if (result.reason === 'ERROR') {
      const why = result.errorCode === 'FLAG_NOT_FOUND' ? 'does not exist' : 'has errors and is not served; run `flags validate`';
      throw new FlagsError('FLAG_UNAVAILABLE', `cannot expose user ${opts.user}: flag ${experiment.flagKey} of experiment ${id} ${why}`);
    }
    if (result.reason !== 'SPLIT') {
      const message = describeNotInExperiment(experiment, opts.user, result, context.environment);
      if (ctx.json) return ctx.printJson({ recorded: false, experimentId: id, userId: opts.user, evaluation, message });
      ctx.out(message);
      return;
    }
    if (result.variant === undefined || !arms.includes(result.variant)) {
      // Validation reports a flag whose variants differ from the arms; recording such an exposure would only add noise.
      throw new FlagsError('UNKNOWN_ARM', `flag ${experiment.flagKey} put user ${opts.user} in variant "${result.variant}", which is not an arm of experiment ${id} (${arms.join(', ')}); run \`flags validate\``);
    }
    variant = result.variant;
  }

  const event: ExposureEvent = { type: 'exposure', experimentId: id, userId: opts.user, variant, timestamp: nowIso(ctx) };
  appendEvent(log, event, eventLogWriteOptions(ctx, opts.log));
  if (ctx.json) return ctx.printJson({ recorded: true, experimentId: id, userId: opts.user, event, ...(evaluation && { evaluation }), log: ctx.relative(log) });
  ctx.out(renderExposureRecorded(ctx, event, log));
}

export async function runExperimentConvert(ctx: CommandContext, id: string, opts: ConvertOptions): Promise<void> {
  checkUser(opts.user);
  const value = opts.value === undefined ? undefined : parseNumberOption(opts.value, '--value');
  const { experiments } = await loadExperiments(ctx);
  const experiment = runningExperiment(ctx, experiments, id, 'conversions');
  const metric = opts.metric ?? experiment.primaryMetric;
  // Declared metrics (guardrails included, SPEC 8) accept conversions too.
  const metrics = experimentMetrics(experiment).map((m) => m.key);
  if (!metrics.includes(metric)) {
    throw new FlagsError('UNKNOWN_METRIC', `"${metric}" is not a metric of experiment ${id} (primary: ${experiment.primaryMetric}${metrics.length > 1 ? `; secondary: ${metrics.slice(1).join(', ')}` : ''})`);
  }
  const log = eventLogPath(ctx, opts.log);
  const event: ConversionEvent = { type: 'conversion', experimentId: id, userId: opts.user, metric, ...(value === undefined ? {} : { value }), timestamp: nowIso(ctx) };
  appendEvent(log, event, eventLogWriteOptions(ctx, opts.log));
  if (ctx.json) return ctx.printJson({ recorded: true, experimentId: id, userId: opts.user, event, log: ctx.relative(log) });
  ctx.out(renderConversionRecorded(ctx, event, log));
}

function runningExperiment(ctx: CommandContext, set: Parameters<typeof findExperiment>[1], id: string, what: string): Experiment {
  const experiment = findExperiment(ctx, set, id);
  if (experiment.status !== 'running') {
    const hint =
      experiment.status === 'draft'
        ? ` (start it with \`flags experiment start ${id}\`)`
        : experiment.status === 'paused'
          ? ` (resume it with \`flags experiment resume ${id}\`)`
          : '';
    throw new FlagsError('EXPERIMENT_NOT_RUNNING', `experiment ${id} is ${experiment.status}: only running experiments accept ${what}${hint}; nothing recorded`);
  }
  return experiment;
}

/** `{ user: { id: U } }` plus the `--set` attributes; `--user` is the one way to give the user id. */
function exposureContext(userId: string, sets: string[]): PlainObject {
  const context: PlainObject = { user: { id: userId } };
  for (const s of sets) applySet(context, s);
  const user = context.user as PlainObject | undefined;
  if (user?.id !== userId) throw new UsageError('--set must not change user.id (give the user with --user)');
  return context;
}

function checkUser(user: string): void {
  if (user.trim() === '') throw new UsageError('--user must not be empty');
}

