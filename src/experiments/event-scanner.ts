/**
 * The results reader's fast path (issue 21.2): the fields of one event line
 * read in place, as positions in the line, without JSON.parse and without a
 * string or object per field. JSON.parse builds an object and six strings
 * per line only for the tally to look at them once; on a million lines that
 * was most of the time of `flags experiment results`.
 *
 * It recognises only the shape writers produce (`JSON.stringify` of an
 * event, any key order): `{`, then `"key":value` pairs separated by commas
 * with no whitespace, then `}`, optionally followed by whitespace (a CRLF
 * file's `\r`). Keys are the seven of SPEC 4.2, each at most once; strings
 * have no backslash and no control character, so their text is their value;
 * `value` is a JSON number. Anything else — escapes, unknown or duplicate
 * keys (`__proto__` included), whitespace, nested values, an invalid event —
 * returns false and the caller parses the line with parseEventLine, whose
 * answer then stands. So for every line the scanner accepts, parseEventLine
 * returns ok with the same fields (test/experiments/event-scanner.test.ts
 * checks this on generated, mutated and hostile lines).
 *
 * Pure: a string in, positions out.
 */
import { parseTimestampIn } from '../schema/event.js';

/** Where the fields of a scanned line are: [start, end) positions in the line; −1 when absent. */
export interface ScannedEvent {
  exposure: boolean;
  experimentStart: number;
  experimentEnd: number;
  userStart: number;
  userEnd: number;
  /** The variant (exposures always have one; a conversion's is ignored). */
  variantStart: number;
  variantEnd: number;
  /** The metric (conversions always have one; an exposure's is ignored). */
  metricStart: number;
  metricEnd: number;
  /** `value`, or undefined when the line has none. */
  value: number | undefined;
  /** `timestamp` in epoch milliseconds. */
  time: number;
}

export function createScannedEvent(): ScannedEvent {
  return { exposure: false, experimentStart: -1, experimentEnd: -1, userStart: -1, userEnd: -1, variantStart: -1, variantEnd: -1, metricStart: -1, metricEnd: -1, value: undefined, time: NaN };
}

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;
const COMMA = 44;
const CLOSE = 125;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;

// Key bits, to refuse a key seen twice (JSON.parse keeps the last; the fallback decides).
const TYPE = 1;
const EXPERIMENT = 2;
const USER = 4;
const VARIANT = 8;
const METRIC = 16;
const VALUE = 32;
const TIMESTAMP = 64;

// Exact powers of ten (all below 2^53, so each is a double without rounding).
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * Reads `line` into `out`. True when the line is an event of the canonical
 * shape that parseEventLine accepts; false means "parse it the slow way"
 * (`out` is then meaningless), never "invalid".
 */
export function scanEventLine(line: string, out: ScannedEvent): boolean {
  const len = line.length;
  if (len < 2 || line.charCodeAt(0) !== 123 /* { */) return false;
  let seen = 0;
  let typeStart = -1;
  let typeEnd = -1;
  let tsStart = -1;
  let tsEnd = -1;
  out.variantStart = out.variantEnd = out.metricStart = out.metricEnd = -1;
  out.value = undefined;
  let i = 1;
  for (;;) {
    // "key":
    if (line.charCodeAt(i) !== QUOTE) return false;
    const keyStart = i + 1;
    const keyEnd = line.indexOf('"', keyStart);
    if (keyEnd < 0 || line.charCodeAt(keyEnd + 1) !== COLON) return false;
    const key = keyOf(line, keyStart, keyEnd - keyStart);
    if (key === 0 || (seen & key) !== 0) return false;
    seen |= key;
    i = keyEnd + 2;
    if (key === VALUE) {
      const end = numberEnd(line, i, len);
      if (end < 0) return false;
      const v = numberValue(line, i, end);
      // 1e999 reads as Infinity, which parseEventLine refuses: its message, not ours.
      if (!Number.isFinite(v)) return false;
      out.value = v;
      i = end;
    } else {
      // A string without escapes or control characters: its text is its value.
      if (line.charCodeAt(i) !== QUOTE) return false;
      const start = i + 1;
      let j = start;
      for (;;) {
        if (j >= len) return false;
        const c = line.charCodeAt(j);
        if (c === QUOTE) break;
        if (c === BACKSLASH || c < 32) return false;
        j++;
      }
      switch (key) {
        case TYPE:
          typeStart = start;
          typeEnd = j;
          break;
        case EXPERIMENT:
          out.experimentStart = start;
          out.experimentEnd = j;
          break;
        case USER:
          out.userStart = start;
          out.userEnd = j;
          break;
        case VARIANT:
          out.variantStart = start;
          out.variantEnd = j;
          break;
        case METRIC:
          out.metricStart = start;
          out.metricEnd = j;
          break;
        default:
          tsStart = start;
          tsEnd = j;
      }
      i = j + 1;
    }
    const c = line.charCodeAt(i);
    if (c === COMMA) {
      i++;
      continue;
    }
    if (c !== CLOSE) return false;
    i++;
    break;
  }
  // Only JSON whitespace may follow.
  for (; i < len; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) return false;
  }
  if ((seen & (TYPE | EXPERIMENT | USER | TIMESTAMP)) !== (TYPE | EXPERIMENT | USER | TIMESTAMP)) return false;
  if (out.experimentEnd === out.experimentStart || out.userEnd === out.userStart) return false;
  if (isWord(line, typeStart, typeEnd, 'exposure')) {
    if (out.variantStart < 0 || out.variantEnd === out.variantStart) return false;
    out.exposure = true;
  } else if (isWord(line, typeStart, typeEnd, 'conversion')) {
    if (out.metricStart < 0 || out.metricEnd === out.metricStart) return false;
    out.exposure = false;
  } else return false;
  const time = parseTimestampIn(line, tsStart, tsEnd);
  if (Number.isNaN(time)) return false;
  out.time = time;
  return true;
}

/** True when line[start, end) is `word`. */
export function isWord(line: string, start: number, end: number, word: string): boolean {
  return end - start === word.length && line.startsWith(word, start);
}

function keyOf(line: string, at: number, n: number): number {
  // Decided by length and first letter, then confirmed in full.
  switch (n) {
    case 4:
      return line.startsWith('type', at) ? TYPE : 0;
    case 5:
      return line.startsWith('value', at) ? VALUE : 0;
    case 6:
      return line.startsWith('userId', at) ? USER : line.startsWith('metric', at) ? METRIC : 0;
    case 7:
      return line.startsWith('variant', at) ? VARIANT : 0;
    case 9:
      return line.startsWith('timestamp', at) ? TIMESTAMP : 0;
    case 12:
      return line.startsWith('experimentId', at) ? EXPERIMENT : 0;
    default:
      return 0;
  }
}

/** The end of a JSON number starting at `i` (RFC 8259: -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?), or −1. */
function numberEnd(line: string, i: number, len: number): number {
  if (line.charCodeAt(i) === MINUS) i++;
  let c = line.charCodeAt(i);
  if (c === ZERO) i++;
  else if (c > ZERO && c <= ZERO + 9) {
    do i++;
    while (isDigit(line.charCodeAt(i)));
  } else return -1;
  if (line.charCodeAt(i) === DOT) {
    i++;
    if (!isDigit(line.charCodeAt(i))) return -1;
    do i++;
    while (isDigit(line.charCodeAt(i)));
  }
  c = line.charCodeAt(i);
  if (c === 101 /* e */ || c === 69 /* E */) {
    i++;
    c = line.charCodeAt(i);
    if (c === 43 /* + */ || c === MINUS) i++;
    if (!isDigit(line.charCodeAt(i))) return -1;
    do i++;
    while (isDigit(line.charCodeAt(i)));
  }
  return i <= len ? i : -1;
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= ZERO + 9;
}

/**
 * The double JSON.parse gives for the number line[start, end). Up to 15
 * digits without an exponent: the digits as an integer (exact below 2^53)
 * divided by an exact power of ten, one correctly rounded division — the
 * correctly rounded value of the decimal, which is what JSON.parse returns.
 * Anything longer goes through Number(), which rounds the same way.
 */
function numberValue(line: string, start: number, end: number): number {
  const negative = line.charCodeAt(start) === MINUS;
  let digits = 0;
  let mantissa = 0;
  let scale = -1;
  for (let i = negative ? start + 1 : start; i < end; i++) {
    const c = line.charCodeAt(i);
    if (c === DOT) {
      scale = 0;
      continue;
    }
    if (c < ZERO || c > ZERO + 9) return Number(line.slice(start, end)); // an exponent
    mantissa = mantissa * 10 + (c - ZERO);
    digits++;
    if (scale >= 0) scale++;
  }
  if (digits > 15) return Number(line.slice(start, end));
  const v = scale > 0 ? mantissa / POW10[scale] : mantissa;
  return negative ? -v : v;
}
