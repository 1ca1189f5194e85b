/**
 * The analysis window (SPEC 8): the experiment's startDate/endDate, narrowed
 * by `--since`/`--until`. Both ends are included. A date without a time means
 * the whole day in UTC: `--until 2025-03-31` keeps events of March 31st, and an
 * endDate written as a date keeps the events of its last day; an end written
 * to the second keeps that whole second. Pure.
 */
import { parseEventTimestamp } from '../schema/event.js';

export interface AnalysisWindow {
  /** Epoch ms, inclusive; undefined: open. */
  since?: number;
  until?: number;
}

const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Epoch ms of a window end: an ISO-8601 timestamp with a time zone, or a date
 * (`end: 'start'` its first millisecond, `'end'` its last; likewise a time
 * written to the second). NaN when invalid.
 */
export function parseWindowEnd(value: string, end: 'start' | 'end'): number {
  const s = value.trim();
  if (DATE_ONLY.test(s)) {
    const start = parseEventTimestamp(`${s}T00:00:00Z`);
    return end === 'start' ? start : start + DAY_MS - 1;
  }
  const ms = parseEventTimestamp(s);
  // A time written to the second covers that whole second as an end, as a
  // date covers its day: `complete` stamps endDate to the second, and an
  // exposure recorded 0.4 s before it, in the same second, belongs inside.
  return end === 'end' && WHOLE_SECONDS.test(s) ? ms + 999 : ms;
}

/** A timestamp whose seconds have no fraction (`…T12:00:05Z`, `…T12:00:05+02:00`). */
const WHOLE_SECONDS = /T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:?\d{2})$/i;

export type WindowResult =
  | { ok: true; window: AnalysisWindow; since: string | undefined; until: string | undefined }
  | { ok: false; message: string };

/** The window of `experiment` narrowed by the options; the later start and the earlier end win. */
export function analysisWindow(
  experiment: { startDate?: string; endDate?: string },
  options: { since?: string; until?: string },
): WindowResult {
  const ends: { value: string | undefined; end: 'start' | 'end'; what: string }[] = [
    { value: experiment.startDate, end: 'start', what: 'startDate' },
    { value: options.since, end: 'start', what: '--since' },
    { value: experiment.endDate, end: 'end', what: 'endDate' },
    { value: options.until, end: 'end', what: '--until' },
  ];
  const ms = ends.map((e) => (e.value === undefined ? undefined : parseWindowEnd(e.value, e.end)));
  for (let i = 0; i < ends.length; i++) {
    if (ms[i] !== undefined && Number.isNaN(ms[i])) {
      return { ok: false, message: `${ends[i].what} must be a date (2025-03-01) or an ISO-8601 time with a zone (2025-03-01T12:00:00Z), got "${ends[i].value}"` };
    }
  }
  const since = pick(ms[0], ms[1], Math.max);
  const until = pick(ms[2], ms[3], Math.min);
  if (since !== undefined && until !== undefined && since > until) {
    return { ok: false, message: `the analysis window is empty: it starts ${iso(since)} and ends ${iso(until)}` };
  }
  return {
    ok: true,
    window: { ...(since === undefined ? {} : { since }), ...(until === undefined ? {} : { until }) },
    since: since === undefined ? undefined : iso(since),
    until: until === undefined ? undefined : iso(until),
  };
}

function pick(a: number | undefined, b: number | undefined, f: (x: number, y: number) => number): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return f(a, b);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
