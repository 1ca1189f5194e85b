/**
 * One line of the experiment event log (SPEC 4.2), and a fast parser for it.
 *
 * `EventSchema` is the contract (writers validate with it). `parseEventLine` is
 * the reader's hot path: `results` reads millions of lines, and a zod parse per
 * line would cost more than the JSON.parse itself, so it checks the same rules
 * by hand. A property test keeps the two in agreement.
 *
 * Unknown fields are ignored, not errors: another tool may annotate events
 * (`"source": "web"`) without turning them into malformed lines.
 */
import * as z from 'zod/mini';

export const EVENT_TYPES = ['exposure', 'conversion'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Milliseconds since the epoch of an RFC 3339 timestamp as `Date.toISOString()`
 * writes it (`2025-01-31T12:00:00.000Z`, any offset `±HH:MM`, optional
 * fraction), or NaN. Pure and exact: no `Date.parse`, which also accepts local
 * times (whose meaning depends on the machine's time zone) and rolls
 * `02-30` over into March.
 */
export function parseEventTimestamp(s: string): number {
  if (s.length > scratch.length) scratch = new Uint8Array(s.length * 3);
  // Any character outside ASCII makes it invalid; UTF-8 spells each of them in more than one byte.
  const { written } = encoder.encodeInto(s, scratch);
  return written === s.length ? parseTimestampBytes(scratch, 0, written) : NaN;
}

const encoder = new TextEncoder();
let scratch = new Uint8Array(96);

/**
 * parseEventTimestamp of the ASCII bytes b[start, end), read in place (the
 * event scanner passes the timestamp's range in the line's bytes).
 */
export function parseTimestampBytes(b: Uint8Array, start: number, end: number): number {
  // Shortest form: YYYY-MM-DDTHH:MM:SSZ (20 chars).
  if (end - start < 20) return NaN;
  const year = num4(b, start);
  const month = num2(b, start + 5);
  const day = num2(b, start + 8);
  const hour = num2(b, start + 11);
  const minute = num2(b, start + 14);
  const second = num2(b, start + 17);
  if (
    year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
    second < 0 || second > 59 ||
    b[start + 4] !== 45 /* - */ || b[start + 7] !== 45 || b[start + 10] !== 84 /* T */ ||
    b[start + 13] !== 58 /* : */ || b[start + 16] !== 58
  ) {
    return NaN;
  }
  if (day > daysInMonth(year, month)) return NaN;
  let i = start + 19;
  let ms = 0;
  if (b[i] === 46 /* . */) {
    i++;
    const first = i;
    while (i < end) {
      const c = b[i] - 48;
      if (c < 0 || c > 9) break;
      // Milliseconds are the resolution of the comparison; finer digits are checked but not kept.
      if (i - first < 3) ms = ms * 10 + c;
      i++;
    }
    const digits = i - first;
    if (digits === 0) return NaN;
    if (digits === 1) ms *= 100;
    else if (digits === 2) ms *= 10;
  }
  // The range may sit inside a longer buffer: nothing past `end` counts.
  if (i >= end) return NaN;
  let offsetMinutes = 0;
  const zc = b[i];
  if (zc === 90 /* Z */) {
    if (i + 1 !== end) return NaN;
  } else if (zc === 43 /* + */ || zc === 45 /* - */) {
    if (i + 6 !== end || b[i + 3] !== 58) return NaN;
    const oh = num2(b, i + 1);
    const om = num2(b, i + 4);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return NaN;
    offsetMinutes = (zc === 43 ? 1 : -1) * (oh * 60 + om);
  } else {
    return NaN;
  }
  const days = daysFromCivil(year, month, day);
  return ((days * 24 + hour) * 60 + minute - offsetMinutes) * 60000 + second * 1000 + ms;
}

function num2(b: Uint8Array, i: number): number {
  const x = b[i] - 48;
  const y = b[i + 1] - 48;
  // NaN (past the end of the array) fails these comparisons too, so it is rejected.
  if (!(x >= 0 && x <= 9 && y >= 0 && y <= 9)) return -1;
  return x * 10 + y;
}

function num4(b: Uint8Array, i: number): number {
  const hi = num2(b, i);
  const lo = num2(b, i + 2);
  return hi < 0 || lo < 0 ? -1 : hi * 100 + lo;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
// Date.UTC would do, but it maps years 0–99 to 1900–1999.
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const TimestampSchema = z
  .string()
  .check(z.refine((s) => !Number.isNaN(parseEventTimestamp(s)), 'must be an ISO-8601 timestamp with a time zone, like 2025-01-31T12:00:00.000Z'));

const NonEmpty = z.string().check(z.minLength(1));

export const ExposureEventSchema = z.object({
  type: z.literal('exposure'),
  experimentId: NonEmpty,
  userId: NonEmpty,
  variant: NonEmpty,
  metric: z.optional(z.string()),
  value: z.optional(z.number()),
  timestamp: TimestampSchema,
});

export const ConversionEventSchema = z.object({
  type: z.literal('conversion'),
  experimentId: NonEmpty,
  userId: NonEmpty,
  // Ignored: a conversion belongs to the arm of the user's first exposure (SPEC 4.2).
  variant: z.optional(z.string()),
  metric: NonEmpty,
  value: z.optional(z.number()),
  timestamp: TimestampSchema,
});

export const EventSchema = z.discriminatedUnion('type', [ExposureEventSchema, ConversionEventSchema]);

export type ExposureEvent = z.infer<typeof ExposureEventSchema>;
export type ConversionEvent = z.infer<typeof ConversionEventSchema>;
export type LogEvent = z.infer<typeof EventSchema>;

export type ParseEventLineResult =
  | { ok: true; event: LogEvent; /** `timestamp` in epoch milliseconds. */ time: number }
  | { ok: false; reason: string; /** Where the first bad byte is, for a line that is not UTF-8 (1-based, in characters). */ column?: number };

// Node 20 has String.prototype.isWellFormed (ES2024); the compiler's library is ES2022.
const wellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/**
 * Why a line is not well-formed text, with the column of its first lone
 * surrogate. The log's readers hand a byte that is not UTF-8 over as
 * U+DC80–U+DCFF (decodeUtf8Escaped), so that is named as the byte; any other
 * lone surrogate came from a caller's string.
 */
function illFormed(line: string): { ok: false; reason: string; column: number } {
  let column = 1;
  for (let i = 0; i < line.length; i++, column++) {
    const c = line.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < line.length && (line.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      i++;
      continue;
    }
    if ((c & 0xf800) !== 0xd800) continue;
    const reason = c >= 0xdc80 && c <= 0xdcff
      ? `not valid UTF-8: byte 0x${(c & 0xff).toString(16).toUpperCase()} at column ${column}`
      : `not well-formed Unicode: a lone surrogate U+${c.toString(16).toUpperCase()} at column ${column}`;
    return { ok: false, reason, column };
  }
  return { ok: false, reason: 'not well-formed Unicode', column: 1 };
}

const ID_FIELDS = ['experimentId', 'userId', 'variant', 'metric'] as const;

/** The first of the event's strings that holds a lone surrogate (a JSON escape such as \ud800), or undefined. */
function illFormedField(e: Record<string, unknown>): string | undefined {
  for (const key of ID_FIELDS) {
    const v = e[key];
    if (typeof v === 'string' && !wellFormed(v)) {
      const at = [...v].find((ch) => ch.length === 1 && (ch.charCodeAt(0) & 0xf800) === 0xd800)!;
      return `${key} is not well-formed Unicode (a lone surrogate U+${at.charCodeAt(0).toString(16).toUpperCase()})`;
    }
  }
  return undefined;
}

/**
 * Parses one log line (without its `\n`) by the rules of `EventSchema`,
 * without zod. Never throws. A line that is not well-formed text (a byte
 * that was not UTF-8, kept as U+DC80–U+DCFF by the log's readers) and an
 * event whose ids hold a lone surrogate are refused: decoded loosely, or
 * compared as UTF-8, different such ids would be one user.
 */
export function parseEventLine(line: string): ParseEventLineResult {
  if (!wellFormed(line)) return illFormed(line);
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'not a JSON object' };
  const e = raw as Record<string, unknown>;
  const type = e.type;
  if (type !== 'exposure' && type !== 'conversion') return { ok: false, reason: 'type is neither "exposure" nor "conversion"' };
  if (typeof e.experimentId !== 'string' || e.experimentId === '') return { ok: false, reason: 'missing experimentId' };
  if (typeof e.userId !== 'string' || e.userId === '') return { ok: false, reason: 'missing userId' };
  if (type === 'exposure') {
    if (typeof e.variant !== 'string' || e.variant === '') return { ok: false, reason: 'exposure without a variant' };
    if (e.metric !== undefined && typeof e.metric !== 'string') return { ok: false, reason: 'metric is not a string' };
  } else {
    if (typeof e.metric !== 'string' || e.metric === '') return { ok: false, reason: 'conversion without a metric' };
    if (e.variant !== undefined && typeof e.variant !== 'string') return { ok: false, reason: 'variant is not a string' };
  }
  // JSON.parse turns 1e999 into Infinity; zod's number() refuses it, so do we.
  if (e.value !== undefined && !(typeof e.value === 'number' && Number.isFinite(e.value))) {
    return { ok: false, reason: 'value is not a finite number' };
  }
  if (typeof e.timestamp !== 'string') return { ok: false, reason: 'missing timestamp' };
  const time = parseEventTimestamp(e.timestamp);
  if (Number.isNaN(time)) return { ok: false, reason: 'timestamp is not ISO-8601 with a time zone' };
  // A well-formed line can give a string a lone surrogate only through a \u escape.
  const bad = line.includes('\\u') ? illFormedField(e) : undefined;
  if (bad !== undefined) return { ok: false, reason: bad };
  return { ok: true, event: e as LogEvent, time };
}
