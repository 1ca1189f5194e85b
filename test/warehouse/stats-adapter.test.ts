/**
 * The glue kept apart for issue 17's merge: the analysis window from the
 * definition's dates, the window applied to the streaming tally, and
 * SufficientStats ↔ TallySummary.
 */
import { describe, expect, it } from 'vitest';
import { analysisWindow, experimentMetrics, sufficientStatsToTally, tallyLineInWindow, tallyToSufficientStats } from '../../src/experiments/stats-adapter.js';
import { createTally, summarizeTally } from '../../src/experiments/tally.js';

describe('analysisWindow', () => {
  it('a bare end date includes its whole UTC day; a timestamp end is inclusive to the millisecond', () => {
    expect(analysisWindow({ startDate: '2026-11-01', endDate: '2026-11-19' })).toEqual({ start: Date.parse('2026-11-01T00:00:00Z'), end: Date.parse('2026-11-20T00:00:00Z') });
    expect(analysisWindow({ startDate: '2026-11-01T10:00:00+02:00', endDate: '2026-11-19T12:00:00Z' })).toEqual({ start: Date.parse('2026-11-01T08:00:00Z'), end: Date.parse('2026-11-19T12:00:00.001Z') });
    expect(analysisWindow({})).toEqual({ start: null, end: null });
  });
});

describe('experimentMetrics', () => {
  it('primary first, then secondary, then declared metrics with their kind (SPEC 8), without repeats', () => {
    const exp = { primaryMetric: 'purchase', secondaryMetrics: ['add-to-cart', 'revenue'], metrics: [{ key: 'revenue', kind: 'revenue' }, { key: 'refunds', kind: 'revenue' }] } as never;
    expect(experimentMetrics(exp)).toEqual([
      { key: 'purchase', kind: 'conversion' },
      { key: 'add-to-cart', kind: 'conversion' },
      { key: 'revenue', kind: 'revenue' },
      { key: 'refunds', kind: 'revenue' },
    ]);
  });
});

describe('tallyLineInWindow', () => {
  const line = (type: string, user: string, ts: string, extra: object) => JSON.stringify({ type, experimentId: 'x', userId: user, ...extra, timestamp: ts });
  it('drops and counts this experiment’s events outside [start, end); the boundaries are exact', () => {
    const state = createTally({ experimentId: 'x', primaryMetric: 'buy', arms: ['a', 'b'] });
    const window = { start: Date.parse('2026-11-01T00:00:00Z'), end: Date.parse('2026-11-02T00:00:00Z') };
    const counter = { outsideWindow: 0 };
    const lines = [
      line('exposure', 'u1', '2026-11-01T00:00:00.000Z', { variant: 'a' }), // at start: in
      line('exposure', 'u1', '2026-10-31T23:59:59.999Z', { variant: 'b' }), // before: out, so u1 is not multi-arm
      line('conversion', 'u1', '2026-11-01T23:59:59.999Z', { metric: 'buy' }), // last ms: in
      line('exposure', 'u2', '2026-11-02T00:00:00.000Z', { variant: 'b' }), // at end: out
      JSON.stringify({ type: 'exposure', experimentId: 'other', userId: 'u3', variant: 'a', timestamp: '2020-01-01T00:00:00Z' }), // another experiment: not counted here
      'not json',
    ];
    lines.forEach((l, i) => tallyLineInWindow(state, window, counter, l, i + 1, 'events/a.jsonl'));
    const summary = summarizeTally(state);
    expect(summary.arms).toEqual([{ key: 'a', users: 1, converters: 1 }, { key: 'b', users: 0, converters: 0 }]);
    expect(summary.multipleArms).toBe(0);
    expect(counter.outsideWindow).toBe(2);
    expect(summary.malformedExamples).toEqual([{ reason: 'events/a.jsonl:6: not valid JSON' }]);
    expect(state.lineNumber).toBe(6);
  });
});

describe('SufficientStats ↔ TallySummary', () => {
  it('round-trips the primary metric and the excluded counts', () => {
    const summary = {
      experimentId: 'x', arms: [{ key: 'a', users: 10, converters: 3 }, { key: 'b', users: 12, converters: 5 }],
      multipleArms: 2, conversionsBeforeExposure: 1, conversionsWithoutExposure: 4, malformedLines: 7, malformedExamples: [],
      unknownVariantExposures: 0, otherExperimentEvents: 0, events: 0, exposedUsers: 24,
    };
    const stats = tallyToSufficientStats(summary, 'buy', 9);
    expect(stats.excluded).toEqual({ multipleArms: 2, conversionsBeforeExposure: 1, conversionsWithoutExposure: 4, outsideWindow: 9, malformedLines: 7 });
    expect(stats.metrics[1]).toEqual({ arm: 'b', metric: 'buy', users: 12, converters: 5, sum: 5, sumSquares: 5 });
    expect(sufficientStatsToTally(stats, 'buy')).toEqual(summary);
  });
});
