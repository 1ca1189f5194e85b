import { describe, expect, it } from 'vitest';
import { beginSecondPass, createTally, needsSecondPass, readerNotes, tallyAll, tallyLineBytes, tallyStats, type TallyOptions, type TallyState } from '../../src/experiments/tally.js';
import { caseRng } from '../hardening/mutate.js';

/**
 * Scanned events wait in a batch for their user lookups (tally-batch.ts).
 * Whatever reads the tally must see every line fed so far, and applying a
 * batch must not change the order of events (parsed lines in between).
 */
const OPTIONS: TallyOptions = {
  experimentId: 'exp',
  primaryMetric: 'purchase',
  arms: ['blue', 'green'],
  metrics: [
    { key: 'purchase', kind: 'conversion' },
    { key: 'revenue', kind: 'revenue' },
  ],
};

/** Shuffled lines for 60 users (values in quarters, so sums are exact in any order): ASCII ids (scanned), ids with ü or an escape (parsed), revenue before and after exposures, noise. */
function log(seed: number, n: number): string[] {
  const r = caseRng(seed, 0);
  const lines: string[] = [];
  const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
  for (let i = 0; i < n; i++) {
    const u = Math.floor(r() * 60);
    const userId = u % 7 === 0 ? `ü${u}` : `user-${u}`;
    const minute = Math.floor(r() * 30);
    const kind = r();
    let line =
      kind < 0.45
        ? JSON.stringify({ type: 'exposure', experimentId: 'exp', userId, variant: r() < 0.97 ? (u % 2 ? 'blue' : 'green') : u % 2 ? 'green' : 'purple', timestamp: at(minute) })
        : kind < 0.7
          ? JSON.stringify({ type: 'conversion', experimentId: 'exp', userId, metric: 'purchase', timestamp: at(minute) })
          : kind < 0.95
            ? JSON.stringify({ type: 'conversion', experimentId: 'exp', userId, metric: 'revenue', value: Math.floor(r() * 400) / 4, timestamp: at(minute) })
            : kind < 0.97
              ? JSON.stringify({ type: 'exposure', experimentId: 'other', userId, variant: 'blue', timestamp: at(minute) })
              : 'not json';
    // An escaped id spelling the same user: parsed, and must meet the scanned lines' record.
    if (u % 11 === 0 && r() < 0.5) line = line.replace(`"user-${u}"`, `"\\u0075ser-${u}"`);
    lines.push(line);
  }
  return lines;
}

function feed(state: TallyState, lines: string[]): void {
  const all = Buffer.from(lines.join('\n') + '\n');
  let start = 0;
  for (;;) {
    const nl = all.indexOf(0x0a, start);
    if (nl < 0) break;
    tallyLineBytes(state, all, start, nl);
    start = nl + 1;
  }
}

describe('the tally applies waiting events before anything reads it', () => {
  it('gives the counts of every line fed so far when read mid-stream, and reading changes nothing', () => {
    for (const seed of [1, 2, 3]) {
      const lines = log(seed, 400);
      const state = createTally(OPTIONS);
      let fed = 0;
      for (const upTo of [1, 63, 64, 65, 129, 200, 263, 400]) {
        feed(state, lines.slice(fed, upTo));
        fed = upTo;
        const expected = tallyAll(OPTIONS, lines.slice(0, upTo)).stats;
        expect(tallyStats(state), `seed ${seed}, ${upTo} lines`).toEqual(expected);
        expect(readerNotes(state).events).toBe(expected.excluded.outsideWindow + tallyAll(OPTIONS, lines.slice(0, upTo)).summary.events);
      }
    }
  });

  it('asks for the second pass when the conversions to re-sum are still waiting, and re-sums them exactly', () => {
    // No room to keep left-out revenue: conversions before a later-read earlier exposure make sums ambiguous.
    const options = { ...OPTIONS, pendingRevenue: 0 };
    const ts = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
    // Three lines, all still waiting when asked: 5 is left out, then the exposure at 1 makes it count.
    const few = [
      JSON.stringify({ type: 'conversion', experimentId: 'exp', userId: 'a', metric: 'revenue', value: 2.5, timestamp: ts(5) }),
      JSON.stringify({ type: 'exposure', experimentId: 'exp', userId: 'a', variant: 'blue', timestamp: ts(10) }),
      JSON.stringify({ type: 'exposure', experimentId: 'exp', userId: 'a', variant: 'blue', timestamp: ts(1) }),
    ];
    const small = createTally(options);
    feed(small, few);
    expect(needsSecondPass(small)).toBe(true);
    beginSecondPass(small);
    feed(small, few);
    expect(tallyStats(small).metrics.find((m) => m.arm === 'blue' && m.metric === 'revenue')?.sum).toBe(2.5);

    const lines = log(7, 300);
    const state = createTally(options);
    feed(state, lines);
    expect(needsSecondPass(state)).toBe(true);
    beginSecondPass(state);
    feed(state, lines);
    expect(tallyStats(state)).toEqual(tallyAll(OPTIONS, lines).stats);
  });
});
