import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTally, summarizeTally, tallyLine, tallyLines, tallyMalformed, type TallySummary } from '../../src/experiments/tally.js';

const OPTIONS = { experimentId: 'exp', primaryMetric: 'purchase', arms: ['blue', 'green'] };

function at(minute: number): string {
  return new Date(Date.UTC(2025, 0, 1, 0, minute)).toISOString();
}
function expose(userId: string, variant: string, minute: number, experimentId = 'exp'): string {
  return JSON.stringify({ type: 'exposure', experimentId, userId, variant, timestamp: at(minute) });
}
function convert(userId: string, minute: number, metric = 'purchase'): string {
  return JSON.stringify({ type: 'conversion', experimentId: 'exp', userId, metric, value: 1, timestamp: at(minute) });
}

/**
 * A log with known counts. Clean part: blue 200 users / 40 converters,
 * green 200 / 60. Noise, each with the count it must produce:
 */
function syntheticLog(): string[] {
  const lines: string[] = [];
  for (let i = 0; i < 200; i++) {
    lines.push(expose(`b${i}`, 'blue', 10));
    if (i < 40) lines.push(convert(`b${i}`, 20));
    lines.push(expose(`g${i}`, 'green', 10));
    if (i < 60) lines.push(convert(`g${i}`, 20));
  }
  // Repeat visits: later exposures to the same arm change nothing.
  lines.push(expose('b0', 'blue', 30), expose('g5', 'green', 50));
  // Exact duplicate lines count once.
  lines.push(expose('b1', 'blue', 10), convert('b1', 20), convert('g1', 20));
  // Two conversions: counts once.
  lines.push(convert('b2', 25));
  // A conversion only before the exposure: +1 blue user, conversionsBeforeExposure 1.
  lines.push(convert('early', 5), expose('early', 'blue', 10));
  // Converted before and after: a converter (the one after counts). +1 green user, +1 green converter.
  lines.push(convert('both-times', 5), expose('both-times', 'green', 10), convert('both-times', 15));
  // Converted exactly at the exposure: "at or after" counts. +1 blue user, +1 blue converter.
  lines.push(expose('same-minute', 'blue', 10), convert('same-minute', 10));
  // First exposure decides the arm even when logged last: green at 1, blue at 2. A user in two arms: multipleArms 1.
  lines.push(expose('two-arms', 'blue', 2), convert('two-arms', 3), expose('two-arms', 'green', 1));
  // Never exposed converter: conversionsWithoutExposure 1.
  lines.push(convert('ghost', 7));
  // A secondary metric is not a conversion: +1 green user, not a converter.
  lines.push(expose('browser', 'green', 10), convert('browser', 20, 'revenue'));
  // Unknown variant: ignored, counted (1 event); the user only converts → also conversionsWithoutExposure.
  lines.push(expose('purple-user', 'purple', 10), convert('purple-user', 20));
  // Another experiment: skipped.
  lines.push(expose('b3', 'green', 1, 'other-exp'));
  // Garbage: 3 malformed lines; the blank ones are not counted.
  lines.push('not json at all', '{}', '{"type":"exposure","experimentId":"exp","userId":"x","variant":"blue"}', '', '   ');
  return lines;
}

const EXPECTED: Omit<TallySummary, 'malformedExamples'> = {
  experimentId: 'exp',
  arms: [
    { key: 'blue', users: 202, converters: 41 },
    { key: 'green', users: 202, converters: 61 },
  ],
  multipleArms: 1,
  conversionsBeforeExposure: 1,
  conversionsWithoutExposure: 2,
  malformedLines: 3,
  unknownVariantExposures: 1,
  otherExperimentEvents: 1,
  // 400 + 100 clean, + 2 repeat + 3 dup + 1 + 2 + 3 + 2 + 3 + 1 + 2 + 2 (purple: exposure + conversion)
  events: 521,
  exposedUsers: 405,
};

function withoutExamples(s: TallySummary): Omit<TallySummary, 'malformedExamples'> {
  const { malformedExamples: _ignored, ...rest } = s;
  return rest;
}

describe('tally of a synthetic log with noise', () => {
  it('gives the known counts', () => {
    const s = tallyLines(OPTIONS, syntheticLog());
    expect(withoutExamples(s)).toEqual(EXPECTED);
  });

  it('reports malformed lines with their line numbers and reasons', () => {
    const lines = syntheticLog();
    const s = tallyLines(OPTIONS, lines);
    const first = lines.indexOf('not json at all') + 1;
    expect(s.malformedExamples).toEqual([
      { line: first, reason: 'not valid JSON' },
      { line: first + 1, reason: expect.stringContaining('type') },
      { line: first + 2, reason: 'missing timestamp' },
    ]);
  });

  it('does not depend on the order of lines', () => {
    const lines = syntheticLog();
    fc.assert(
      fc.property(fc.shuffledSubarray(lines, { minLength: lines.length, maxLength: lines.length }), (shuffled) => {
        expect(withoutExamples(tallyLines(OPTIONS, shuffled))).toEqual(EXPECTED);
      }),
      { numRuns: 60 },
    );
  });

  it('is unchanged when every line appears twice', () => {
    const lines = syntheticLog();
    const s = tallyLines(OPTIONS, [...lines, ...lines]);
    // Everything but the line-level counts stays; those double.
    expect(withoutExamples(s)).toEqual({
      ...EXPECTED,
      malformedLines: 6,
      unknownVariantExposures: 2,
      otherExperimentEvents: 2,
      events: EXPECTED.events * 2,
    });
  });

  it('counts a torn line reported by the reader as malformed', () => {
    const state = createTally(OPTIONS);
    tallyLine(state, expose('u', 'blue', 1));
    tallyMalformed(state, 'torn last line (no newline)', 2);
    const s = summarizeTally(state);
    expect(s.malformedLines).toBe(1);
    expect(s.malformedExamples).toEqual([{ line: 2, reason: 'torn last line (no newline)' }]);
    expect(s.arms[0].users).toBe(1);
  });

  it('grows past its initial capacity without losing users', () => {
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++) {
      lines.push(expose(`u${i}`, i % 2 ? 'green' : 'blue', 1));
      if (i % 10 === 0) lines.push(convert(`u${i}`, 2));
    }
    const s = tallyLines(OPTIONS, lines);
    expect(s.arms).toEqual([
      { key: 'blue', users: 2500, converters: 500 },
      { key: 'green', users: 2500, converters: 0 },
    ]);
  });

  // Model-based: a naive tally that keeps every event per user must agree.
  it('agrees with a naive tally that keeps every event', () => {
    const userIds = ['u', 'u1', 'u10', 'ü', 'ü1', '𝄞', '𝄞𝄞', 'a'.repeat(40), 'a'.repeat(41), 'x-1', 'x-2', 'x-3'];
    const event = fc.record({
      user: fc.constantFrom(...userIds),
      kind: fc.constantFrom('blue', 'green', 'purple', 'purchase', 'revenue'),
      minute: fc.integer({ min: 0, max: 20 }),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 80 }), (events) => {
        const lines = events.map((e) =>
          e.kind === 'purchase' || e.kind === 'revenue' ? convert(e.user, e.minute, e.kind) : expose(e.user, e.kind, e.minute),
        );
        const naive = { blue: [0, 0], green: [0, 0], multipleArms: 0, before: 0, without: 0 };
        for (const user of new Set(events.map((e) => e.user))) {
          const mine = events.filter((e) => e.user === user);
          const exposures = mine.filter((e) => e.kind === 'blue' || e.kind === 'green');
          const conversions = mine.filter((e) => e.kind === 'purchase');
          if (exposures.length === 0) {
            if (conversions.length > 0) naive.without++;
            continue;
          }
          if (new Set(exposures.map((e) => e.kind)).size > 1) {
            naive.multipleArms++;
            continue;
          }
          const first = Math.min(...exposures.map((e) => e.minute));
          const arm = naive[exposures[0].kind as 'blue' | 'green'];
          arm[0]++;
          if (conversions.some((c) => c.minute >= first)) arm[1]++;
          else if (conversions.length > 0) naive.before++;
        }
        const s = tallyLines(OPTIONS, lines);
        expect(s.arms).toEqual([
          { key: 'blue', users: naive.blue[0], converters: naive.blue[1] },
          { key: 'green', users: naive.green[0], converters: naive.green[1] },
        ]);
        expect([s.multipleArms, s.conversionsBeforeExposure, s.conversionsWithoutExposure]).toEqual([
          naive.multipleArms,
          naive.before,
          naive.without,
        ]);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps distinct users apart at scale (many probes, table growth)', () => {
    // 20,000 ids that share long prefixes and lengths, so hashes and probes collide often.
    const lines: string[] = [];
    for (let i = 0; i < 20000; i++) lines.push(expose(`user-${String(i).padStart(8, '0')}`, i % 3 === 0 ? 'green' : 'blue', 1));
    for (let i = 0; i < 20000; i += 7) lines.push(convert(`user-${String(i).padStart(8, '0')}`, 2));
    const s = tallyLines(OPTIONS, lines);
    const green = Math.ceil(20000 / 3);
    const greenConverters = Array.from({ length: 20000 }, (_, i) => i).filter((i) => i % 7 === 0 && i % 3 === 0).length;
    expect(s.arms).toEqual([
      { key: 'blue', users: 20000 - green, converters: Math.ceil(20000 / 7) - greenConverters },
      { key: 'green', users: green, converters: greenConverters },
    ]);
    expect(s.exposedUsers).toBe(20000);
  });

  it('treats prototype-ish ids and variants as plain strings', () => {
    const s = tallyLines(OPTIONS, [
      expose('__proto__', 'blue', 1),
      convert('__proto__', 2),
      expose('constructor', 'green', 1),
      expose('hasOwnProperty', 'toString', 1),
      expose('x', '__proto__', 1),
    ]);
    expect(s.arms).toEqual([
      { key: 'blue', users: 1, converters: 1 },
      { key: 'green', users: 1, converters: 0 },
    ]);
    expect(s.unknownVariantExposures).toBe(2);
  });
});
