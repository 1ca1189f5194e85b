/**
 * `recordExposure` and `recordConversion` for services (SPEC 8): the CLI's
 * `experiment expose` / `convert` semantics, from an already-loaded (live)
 * evaluator and experiment set. A service calls them on every request, so a
 * call never reads or validates a flag or experiment file: one evaluation
 * (exposures only) and one append to the log, nothing more.
 */
import { FlagsError } from '../errors.js';
import type { EvaluationContext, EvaluationResult, FlagEvaluator } from '../evaluation/index.js';
import type { ConversionEvent, ExposureEvent } from '../schema/event.js';
import type { JsonValue } from '../schema/flag.js';
import { experimentMetrics, type Experiment } from '../schema/experiment.js';
import { appendEvent } from './event-log.js';

/** Experiments by id: a Map, or the set `loadExperiments` returns (its `.experiments`). */
export type ExperimentLookup = ReadonlyMap<string, Experiment> | { experiments: ReadonlyMap<string, Experiment> };

export interface RecordOptions {
  /** The event log to append to (SPEC 4.2). */
  log: string;
  experiments: ExperimentLookup;
  /** The clock (default: the system's), for the event's timestamp. */
  now?: () => Date;
}

export interface RecordExposureOptions extends RecordOptions {
  /** The directory evaluator (`createDirectoryEvaluator`), or any FlagEvaluator, already loaded. */
  evaluator: Pick<FlagEvaluator, 'evaluate'>;
}

type Result = EvaluationResult<JsonValue | undefined>;

export type RecordExposureResult =
  | { recorded: true; event: ExposureEvent; evaluation: Result }
  /** The user is not in the experiment (a rule, an override or the kill switch decided): nothing recorded. */
  | { recorded: false; reason: EvaluationResult['reason']; evaluation: Result };

/**
 * Evaluates the experiment's flag for `context` and, only when the split
 * decided (reason SPLIT), appends the exposure with the variant served.
 * Throws a FlagsError for an unknown or not running experiment, a flag that
 * is missing or invalid, or a variant that is not an arm.
 */
export function recordExposure(experimentId: string, context: EvaluationContext, options: RecordExposureOptions): RecordExposureResult {
  const experiment = runningExperiment(experimentId, options.experiments, 'exposures');
  const userId = userIdOf(context);
  const evaluation = options.evaluator.evaluate(experiment.flagKey, context);
  if (evaluation.reason === 'ERROR') {
    throw new FlagsError('FLAG_UNAVAILABLE', `cannot expose user ${userId}: flag ${experiment.flagKey} of experiment ${experimentId} ${evaluation.errorCode === 'FLAG_NOT_FOUND' ? 'does not exist' : 'has errors and is not served'}`);
  }
  if (evaluation.reason !== 'SPLIT') return { recorded: false, reason: evaluation.reason, evaluation };
  const variant = evaluation.variant;
  if (variant === undefined || !(variant === experiment.control.key || experiment.treatment.some((t) => t.key === variant))) {
    throw new FlagsError('UNKNOWN_ARM', `flag ${experiment.flagKey} put user ${userId} in variant "${variant}", which is not an arm of experiment ${experimentId}`);
  }
  const event: ExposureEvent = { type: 'exposure', experimentId, userId, variant, timestamp: (options.now?.() ?? new Date()).toISOString() };
  appendEvent(options.log, event);
  return { recorded: true, event, evaluation };
}

export interface RecordConversionOptions extends RecordOptions {
  /** Default: the experiment's primary metric. */
  metric?: string;
  /** E.g. the order's revenue, for a revenue metric. */
  value?: number;
}

/** Appends a conversion of `context`'s user (or a user id) for a metric of a running experiment. */
export function recordConversion(experimentId: string, user: EvaluationContext | string, options: RecordConversionOptions): ConversionEvent {
  const experiment = runningExperiment(experimentId, options.experiments, 'conversions');
  const userId = typeof user === 'string' ? user : userIdOf(user);
  if (userId === '') throw new FlagsError('INVALID_VALUE', 'the user id must not be empty');
  const metric = options.metric ?? experiment.primaryMetric;
  const metrics = experimentMetrics(experiment).map((m) => m.key);
  if (!metrics.includes(metric)) throw new FlagsError('UNKNOWN_METRIC', `"${metric}" is not a metric of experiment ${experimentId} (${metrics.join(', ')})`);
  if (options.value !== undefined && !Number.isFinite(options.value)) throw new FlagsError('INVALID_VALUE', `the value must be a finite number, got ${options.value}`);
  const event: ConversionEvent = {
    type: 'conversion',
    experimentId,
    userId,
    metric,
    ...(options.value === undefined ? {} : { value: options.value }),
    timestamp: (options.now?.() ?? new Date()).toISOString(),
  };
  appendEvent(options.log, event);
  return event;
}

function runningExperiment(id: string, lookup: ExperimentLookup, what: string): Experiment {
  const map = 'experiments' in lookup && !(lookup instanceof Map) ? lookup.experiments : (lookup as ReadonlyMap<string, Experiment>);
  const experiment = map.get(id);
  if (!experiment) throw new FlagsError('EXPERIMENT_NOT_FOUND', `no experiment "${id}"`);
  if (experiment.status !== 'running') throw new FlagsError('EXPERIMENT_NOT_RUNNING', `experiment ${id} is ${experiment.status}: only running experiments accept ${what}`);
  return experiment;
}

/** The user id the CLI records: `context.user.id` (the bucketing key), as text. */
function userIdOf(context: EvaluationContext): string {
  const id = (context as { user?: { id?: unknown } | null }).user?.id;
  if ((typeof id === 'string' && id !== '') || (typeof id === 'number' && Number.isFinite(id))) return String(id);
  throw new FlagsError('INVALID_VALUE', 'the context needs a user id (context.user.id, a non-empty string or a number): it is what the exposure is recorded for');
}
