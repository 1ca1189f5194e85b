/**
 * Glue between SufficientStats (the contract of every counting path) and the
 * analysis as it stands on this branch (TallySummary → analyzeExperiment),
 * plus the experiment's metrics and analysis window as the SQL paths need
 * them. Kept in one file so it can be replaced when the streaming tally and
 * the analysis speak SufficientStats themselves (issue 17). Pure.
 */
import { parseEventLine, parseEventTimestamp } from '../schema/event.js';
import type { Experiment } from '../schema/experiment.js';
import type { SufficientStats } from './sufficient-stats.js';
import { tallyEvent, tallyMalformed, type TallyState, type TallySummary } from './tally.js';
import type { StatsQueryPlan } from './warehouse-sql.js';

type MetricKind = 'conversion' | 'revenue';

/** Every metric of the experiment, the primary first: declared `metrics` (SPEC 8) and the seed's primary/secondary. */
export function experimentMetrics(experiment: Experiment): { key: string; kind: MetricKind }[] {
  const declared = ((experiment as { metrics?: { key: string; kind?: string }[] }).metrics ?? []).filter((m) => typeof m?.key === 'string');
  const kindOf = (key: string): MetricKind => (declared.find((m) => m.key === key)?.kind === 'revenue' ? 'revenue' : 'conversion');
  const keys = [experiment.primaryMetric, ...(experiment.secondaryMetrics ?? []), ...declared.map((m) => m.key)];
  return [...new Set(keys)].map((key) => ({ key, kind: kindOf(key) }));
}

/**
 * The analysis window in epoch ms, [start, end): from the definition's
 * startDate (inclusive) and endDate (inclusive to the millisecond; a bare
 * date includes that whole UTC day).
 */
export function analysisWindow(experiment: Pick<Experiment, 'startDate' | 'endDate'>): { start: number | null; end: number | null } {
  const at = (d: string | undefined, endOfDay: boolean): number | null => {
    if (d === undefined) return null;
    if (/^\d{4}-\d{2}-\d{2}$/.test(d)) return parseEventTimestamp(`${d}T00:00:00Z`) + (endOfDay ? 86_400_000 : 0);
    const ms = parseEventTimestamp(d);
    return Number.isNaN(ms) ? null : ms + (endOfDay ? 1 : 0);
  };
  return { start: at(experiment.startDate, false), end: at(experiment.endDate, true) };
}

export function statsQueryPlan(experiment: Experiment): StatsQueryPlan {
  return {
    experimentId: experiment.id,
    arms: [experiment.control.key, ...experiment.treatment.map((t) => t.key)],
    metrics: experimentMetrics(experiment),
    primaryMetric: experiment.primaryMetric,
    window: analysisWindow(experiment),
  };
}

/** The streaming tally's counts as SufficientStats (its primary metric only). */
export function tallyToSufficientStats(summary: TallySummary, primaryMetric: string, outsideWindow: number): SufficientStats {
  return {
    experimentId: summary.experimentId,
    arms: summary.arms.map((a) => ({ key: a.key, users: a.users })),
    metrics: summary.arms.map((a) => ({ arm: a.key, metric: primaryMetric, users: a.users, converters: a.converters, sum: a.converters, sumSquares: a.converters })),
    excluded: {
      multipleArms: summary.multipleArms,
      conversionsBeforeExposure: summary.conversionsBeforeExposure,
      conversionsWithoutExposure: summary.conversionsWithoutExposure,
      outsideWindow,
      malformedLines: summary.malformedLines,
    },
  };
}

/** SufficientStats as the TallySummary the current analysis takes (primary metric's converters per arm). */
export function sufficientStatsToTally(stats: SufficientStats, primaryMetric: string, extra: Partial<TallySummary> = {}): TallySummary {
  const converters = (arm: string) => stats.metrics.find((m) => m.arm === arm && m.metric === primaryMetric)?.converters ?? 0;
  const users = stats.arms.reduce((sum, a) => sum + a.users, 0);
  return {
    experimentId: stats.experimentId,
    arms: stats.arms.map((a) => ({ key: a.key, users: a.users, converters: converters(a.key) })),
    multipleArms: stats.excluded.multipleArms,
    conversionsBeforeExposure: stats.excluded.conversionsBeforeExposure,
    conversionsWithoutExposure: stats.excluded.conversionsWithoutExposure,
    malformedLines: stats.excluded.malformedLines,
    malformedExamples: [],
    unknownVariantExposures: 0,
    otherExperimentEvents: 0,
    events: 0,
    exposedUsers: users + stats.excluded.multipleArms,
    ...extra,
  };
}

/**
 * The streaming reader with the analysis window applied: one log line into
 * the tally, or into `outside` when it is an event of this experiment outside
 * [start, end). `where` names the file of a malformed line when several are read.
 */
export function tallyLineInWindow(
  state: TallyState,
  window: { start: number | null; end: number | null },
  counter: { outsideWindow: number },
  line: string,
  lineNumber: number,
  where = '',
): void {
  state.lineNumber++;
  if (line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === '')) return;
  const parsed = parseEventLine(line);
  if (!parsed.ok) return where ? tallyMalformed(state, `${where}:${lineNumber}: ${parsed.reason}`) : tallyMalformed(state, parsed.reason, lineNumber);
  if (
    parsed.event.experimentId === state.options.experimentId &&
    ((window.start !== null && parsed.time < window.start) || (window.end !== null && parsed.time >= window.end))
  ) {
    counter.outsideWindow++;
    return;
  }
  tallyEvent(state, parsed.event, parsed.time);
}
