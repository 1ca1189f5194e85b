/**
 * The analysis window's ends (SPEC 8): both included, at the precision they are
 * written in. `complete` stamps endDate to the second, so an exposure a moment
 * before it in the same second must stay inside (the lifecycle test with the
 * real binary lost it when expose and complete fell in one second).
 */
import { describe, expect, it } from 'vitest';
import { analysisWindow, parseWindowEnd } from '../../src/experiments/window.js';

const ms = (iso: string) => Date.parse(iso);

describe('analysis window ends', () => {
  it('an end written to the second covers that whole second; a start is its first millisecond', () => {
    expect(parseWindowEnd('2026-11-30T10:40:01Z', 'end')).toBe(ms('2026-11-30T10:40:01.999Z'));
    expect(parseWindowEnd('2026-11-30T12:40:01+02:00', 'end')).toBe(ms('2026-11-30T10:40:01.999Z'));
    expect(parseWindowEnd('2026-11-30T10:40:01Z', 'start')).toBe(ms('2026-11-30T10:40:01.000Z'));
  });

  it('an end written with a fraction is taken as written; a date covers its day', () => {
    expect(parseWindowEnd('2026-11-30T10:40:01.250Z', 'end')).toBe(ms('2026-11-30T10:40:01.250Z'));
    expect(parseWindowEnd('2026-11-30', 'end')).toBe(ms('2026-11-30T23:59:59.999Z'));
  });

  it('an experiment started and completed within one second keeps the events of that second', () => {
    const r = analysisWindow({ startDate: '2026-11-30T10:40:01Z', endDate: '2026-11-30T10:40:01Z' }, {});
    expect(r).toMatchObject({ ok: true, window: { since: ms('2026-11-30T10:40:01.000Z'), until: ms('2026-11-30T10:40:01.999Z') } });
    const exposure = ms('2026-11-30T10:40:01.480Z');
    if (!r.ok) throw new Error(r.message);
    expect(exposure >= r.window.since! && exposure <= r.window.until!).toBe(true);
  });
});
