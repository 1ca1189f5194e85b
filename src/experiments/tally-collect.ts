/**
 * The read-out of the tally (tally.ts): one walk over the user records,
 * attributing each single-arm user to the arm of its first exposure, into
 * the SufficientStats every counting path produces and the seed's summary.
 * Reads the state, never changes it.
 */
import type { ArmMetricStats, SufficientStats, TimelineDay } from './sufficient-stats.js';
import type { TallyState, TallySummary } from './tally.js';

const DAY_MS = 86_400_000;

export function collectTally(state: TallyState): { stats: SufficientStats; summary: TallySummary } {
  const { arms } = state.options;
  const k = arms.length;
  const { metricKeys, primary } = state;
  const users = new Array<number>(k).fill(0);
  // Per metric × arm: converters, sum, sum of squares.
  const conv = metricKeys.map(() => new Array<number>(k).fill(0));
  const sum = metricKeys.map(() => new Array<number>(k).fill(0));
  const sumSq = metricKeys.map(() => new Array<number>(k).fill(0));
  const days = new Map<number, { users: number[]; converters: number[] }>();
  let multipleArms = 0;
  let before = 0;
  let without = 0;
  let exposed = 0;
  const t = state.table;
  for (let u = 0; u < t.size; u++) {
    const arm = t.arm(u);
    const primaryConv = primary < 0 ? -Infinity : t.latestConversion(u, primary);
    if (arm === -1) {
      if (primaryConv !== -Infinity) without++;
      continue;
    }
    exposed++;
    if (t.isMultiArm(u)) {
      multipleArms++;
      continue;
    }
    const first = t.firstExposure(u);
    users[arm]++;
    if (primaryConv !== -Infinity && primaryConv < first) before++;
    for (let m = 0; m < metricKeys.length; m++) {
      if (t.latestConversion(u, m) < first) continue;
      conv[m][arm]++;
      const value = state.revenue[m] ? t.revenue(u, m) : 1;
      sum[m][arm] += value;
      sumSq[m][arm] += value * value;
    }
    const day = Math.floor(first / DAY_MS);
    let d = days.get(day);
    if (!d) days.set(day, (d = { users: new Array<number>(k).fill(0), converters: new Array<number>(k).fill(0) }));
    d.users[arm]++;
    if (primaryConv >= first) d.converters[arm]++;
  }
  const primaryConverters = primary < 0 ? new Array<number>(k).fill(0) : conv[primary];
  const metrics: ArmMetricStats[] = [];
  arms.forEach((arm, a) => {
    metricKeys.forEach((metricKey, m) => {
      metrics.push({ arm, metric: metricKey, users: users[a], converters: conv[m][a], sum: sum[m][a], sumSquares: sumSq[m][a] });
    });
  });
  const timeline: TimelineDay[] = [...days.entries()]
    .sort((x, y) => x[0] - y[0])
    .map(([day, d]) => ({ date: new Date(day * DAY_MS).toISOString().slice(0, 10), users: d.users, converters: d.converters }));
  const stats: SufficientStats = {
    experimentId: state.options.experimentId,
    arms: arms.map((key, a) => ({ key, users: users[a] })),
    metrics,
    excluded: {
      multipleArms,
      conversionsBeforeExposure: before,
      conversionsWithoutExposure: without,
      outsideWindow: state.outsideWindow,
      malformedLines: state.malformedLines,
    },
    timeline,
  };
  const summary: TallySummary = {
    experimentId: state.options.experimentId,
    arms: arms.map((key, a) => ({ key, users: users[a], converters: primaryConverters[a] })),
    multipleArms,
    conversionsBeforeExposure: before,
    conversionsWithoutExposure: without,
    malformedLines: state.malformedLines,
    malformedExamples: state.malformedExamples.slice(),
    unknownVariantExposures: state.unknownVariantExposures,
    otherExperimentEvents: state.otherExperimentEvents,
    events: state.events,
    exposedUsers: exposed,
  };
  return { stats, summary };
}

