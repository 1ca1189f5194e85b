/**
 * What every SQL counting path (`flags experiment sql`, `--engine duckdb`,
 * `--counts`) counts for an experiment: its arms, every metric (the primary
 * first) and the analysis window. Pure.
 */
import { experimentMetrics, type Experiment } from '../schema/experiment.js';
import type { StatsQueryPlan } from './warehouse-sql.js';
import { analysisWindow, type AnalysisWindow } from './window.js';

/**
 * The plan for `experiment` over `window` (default: the experiment's own
 * startDate–endDate). The window is inclusive at both ends in milliseconds;
 * the SQL compares with an exclusive end, hence the + 1.
 */
export function statsQueryPlan(experiment: Experiment, window?: AnalysisWindow): StatsQueryPlan {
  const w = window ?? ownWindow(experiment);
  return {
    experimentId: experiment.id,
    arms: [experiment.control.key, ...experiment.treatment.map((t) => t.key)],
    metrics: experimentMetrics(experiment).map((m) => ({ key: m.key, kind: m.kind })),
    primaryMetric: experiment.primaryMetric,
    window: { start: w.since ?? null, end: w.until === undefined ? null : w.until + 1 },
  };
}

function ownWindow(experiment: Experiment): AnalysisWindow {
  const r = analysisWindow(experiment, {});
  // Dates are validated with the definition; an unparsable one leaves that end open.
  return r.ok ? r.window : {};
}
