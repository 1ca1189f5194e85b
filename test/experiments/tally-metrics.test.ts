import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { beginSecondPass, createTally, needsSecondPass, tallyAll, tallyLine, tallyStats } from '../../src/experiments/tally.js';

const OPTIONS = {
  experimentId: 'exp',
  primaryMetric: 'purchase',
  arms: ['blue', 'green'],
  metrics: [
    { key: 'purchase', kind: 'conversion' as const },
    { key: 'revenue', kind: 'revenue' as const },
    { key: 'refund', kind: 'conversion' as const },
  ],
};
const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
const expose = (userId: string, variant: string, minute: number) => JSON.stringify({ type: 'exposure', experimentId: 'exp', userId, variant, timestamp: at(minute) });
const convert = (userId: string, metric: string, minute: number, value?: number) =>
  JSON.stringify({ type: 'conversion', experimentId: 'exp', userId, metric, timestamp: at(minute), ...(value === undefined ? {} : { value }) });

/** A log whose revenue depends on which exposure is first: only order-independent counting gets it right. */
function log(): string[] {
  return [
    expose('a', 'blue', 10), convert('a', 'revenue', 20, 5), convert('a', 'revenue', 30, 7), convert('a', 'purchase', 20),
    // b: spends 100 at minute 5, exposed at 8 and (again) at 3: the 100 counts (first exposure 3).
    convert('b', 'revenue', 5, 100), expose('b', 'blue', 8), expose('b', 'blue', 3),
    // c: spends 50 at 1, before its only exposure: never counted.
    convert('c', 'revenue', 1, 50), expose('c', 'green', 2), convert('c', 'revenue', 4, 3),
    // d: a conversion without a value is a converter with 0 revenue.
    expose('d', 'green', 1), convert('d', 'revenue', 2),
    // e: exposed, no conversions: revenue 0, still a user.
    expose('e', 'green', 1),
    // f: a refund (a second conversion metric).
    expose('f', 'green', 1), convert('f', 'refund', 9),
  ];
}

// blue: a (12), b (100) → users 2, converters 2, sum 112, Σx² 144 + 10000
// green: c (3), d (0), e (0), f (0) → users 4, revenue converters 2, sum 3, Σx² 9
const EXPECTED = [
  { arm: 'blue', metric: 'purchase', users: 2, converters: 1, sum: 1, sumSquares: 1 },
  { arm: 'blue', metric: 'revenue', users: 2, converters: 2, sum: 112, sumSquares: 10144 },
  { arm: 'blue', metric: 'refund', users: 2, converters: 0, sum: 0, sumSquares: 0 },
  { arm: 'green', metric: 'purchase', users: 4, converters: 0, sum: 0, sumSquares: 0 },
  { arm: 'green', metric: 'revenue', users: 4, converters: 2, sum: 3, sumSquares: 9 },
  { arm: 'green', metric: 'refund', users: 4, converters: 1, sum: 1, sumSquares: 1 },
];

describe('every metric into SufficientStats', () => {
  it('counts 0/1 metrics and revenue sums at or after the first exposure', () => {
    const { stats } = tallyAll(OPTIONS, log());
    expect(stats.arms).toEqual([{ key: 'blue', users: 2 }, { key: 'green', users: 4 }]);
    expect(stats.metrics).toEqual(EXPECTED);
  });

  it('gives the same sums in any order of lines (a second pass only when needed)', () => {
    const lines = log();
    fc.assert(
      fc.property(fc.shuffledSubarray(lines, { minLength: lines.length, maxLength: lines.length }), (shuffled) => {
        expect(tallyAll(OPTIONS, shuffled).stats.metrics).toEqual(EXPECTED);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same sums in any order when only some left-out conversions can be kept (kept ones and the second pass mixed)', () => {
    const lines = log();
    fc.assert(
      fc.property(fc.shuffledSubarray(lines, { minLength: lines.length, maxLength: lines.length }), fc.integer({ min: 0, max: 3 }), (shuffled, kept) => {
        expect(tallyAll({ ...OPTIONS, pendingRevenue: kept }, shuffled).stats.metrics).toEqual(EXPECTED);
      }),
      { numRuns: 300 },
    );
  });

  it('needs no second pass for a log in time order', () => {
    const sorted = log().sort((x, y) => JSON.parse(x).timestamp.localeCompare(JSON.parse(y).timestamp));
    const state = createTally(OPTIONS);
    sorted.forEach((l) => tallyLine(state, l));
    // c converted (50) before being exposed: in time order that is not ambiguous.
    expect(needsSecondPass(state)).toBe(false);
    expect(tallyStats(state).metrics).toEqual(EXPECTED);
  });

  it('a left-out conversion is kept and counts once a later line moves the first exposure back: one pass', () => {
    // b's revenue at 5 is read while its earliest known exposure is 8 (left out), then the exposure at 3 arrives.
    const lines = [expose('b', 'blue', 8), convert('b', 'revenue', 5, 100), expose('b', 'blue', 3), convert('b', 'revenue', 2, 7)];
    const state = createTally(OPTIONS);
    lines.forEach((l) => tallyLine(state, l));
    expect(needsSecondPass(state)).toBe(false);
    expect(tallyStats(state).metrics[1]).toMatchObject({ sum: 100, sumSquares: 10000 });
    // Reading the counts settles nothing for good: an exposure before 2 still brings the 7 in.
    tallyLine(state, expose('b', 'blue', 1));
    expect(tallyStats(state).metrics[1]).toMatchObject({ sum: 107, sumSquares: 107 * 107 });
  });

  // Before the kept conversions (issue 21.2) this was the only path; it is now the fallback past `pendingRevenue`.
  it('the second pass fixes the users whose first exposure moved back past a left-out conversion', () => {
    // b's revenue at 5 is read while its earliest known exposure is 8 (left out), then the exposure at 3 arrives.
    const lines = [expose('b', 'blue', 8), convert('b', 'revenue', 5, 100), expose('b', 'blue', 3)];
    const state = createTally({ ...OPTIONS, pendingRevenue: 0 });
    lines.forEach((l) => tallyLine(state, l));
    expect(needsSecondPass(state)).toBe(true);
    expect(tallyStats(state).metrics[1].sum).toBe(0); // not final yet
    beginSecondPass(state);
    lines.forEach((l) => tallyLine(state, l));
    expect(tallyStats(state).metrics[1]).toMatchObject({ sum: 100, sumSquares: 10000 });
    expect(tallyStats(state).excluded.malformedLines).toBe(0);
  });

  it('the window leaves events out and counts them; the timeline follows first exposures', () => {
    const { stats } = tallyAll({ ...OPTIONS, window: { since: Date.parse(at(3)), until: Date.parse(at(25)) } }, log());
    // Outside: a's revenue at 30; b's revenue at 5? no (inside); c's revenue at 1, exposures at 1 (d, e, f), conversion at 2 (d)…
    const outside = log().filter((l) => {
      const t = Date.parse(JSON.parse(l).timestamp);
      return t < Date.parse(at(3)) || t > Date.parse(at(25));
    }).length;
    expect(stats.excluded.outsideWindow).toBe(outside);
    // Only a (10) and b (3, 8) have exposures inside: a's revenue 5 (7 is outside), b's 100.
    expect(stats.arms).toEqual([{ key: 'blue', users: 2 }, { key: 'green', users: 0 }]);
    expect(stats.metrics[1]).toMatchObject({ arm: 'blue', sum: 105 });
    expect(stats.timeline).toEqual([{ date: '2026-01-01', users: [2, 0], converters: [1, 0] }]);
  });
});
