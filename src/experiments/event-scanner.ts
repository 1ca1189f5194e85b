/**
 * The results reader's fast path (issue 21.2): the fields of one event line
 * read in place from its UTF-8 bytes, as positions in the line, without
 * decoding it, without JSON.parse and without a string or object per field.
 * JSON.parse builds an object and six strings per line only for the tally to
 * look at them once; on a million lines that was most of the time of
 * `flags experiment results`.
 *
 * It recognises only the shape writers produce (`JSON.stringify` of an
 * event, any key order): `{`, then `"key":value` pairs separated by commas
 * with no whitespace, then `}`, optionally followed by JSON whitespace (a
 * CRLF file's `\r`). Keys are the seven of SPEC 4.2, each at most once;
 * strings are printable ASCII without a backslash, so their bytes are their
 * value; `value` is a JSON number. Anything else — escapes, non-ASCII or
 * invalid UTF-8, control characters, unknown or duplicate keys (`__proto__`
 * included), whitespace between tokens, nested values, an invalid event —
 * returns false, and the caller decodes the line and parses it with
 * parseEventLine, whose answer then stands. So for every line the scanner
 * accepts, parseEventLine accepts the same event with the same fields
 * (test/experiments/event-scanner.test.ts checks this on generated, mutated
 * and hostile lines).
 *
 * Pure: bytes in, positions out.
 */
import { parseTimestampBytes } from '../schema/event.js';

/** Where the fields of a scanned line are: [start, end) byte positions; −1 when absent. */
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

const encoder = new TextEncoder();

/** A word (an arm, a metric, an experiment id) as the bytes a line spells it with. */
export function wordBytes(word: string): Uint8Array {
  return encoder.encode(word);
}

/** True when b[start, end) is exactly `word`. */
export function isWord(b: Uint8Array, start: number, end: number, word: Uint8Array): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (b[start + i] !== word[i]) return false;
  return true;
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
const REQUIRED = TYPE | EXPERIMENT | USER | TIMESTAMP;

const K_TYPE = wordBytes('type');
const K_VALUE = wordBytes('value');
const K_USER = wordBytes('userId');
const K_METRIC = wordBytes('metric');
const K_VARIANT = wordBytes('variant');
const K_TIMESTAMP = wordBytes('timestamp');
const K_EXPERIMENT = wordBytes('experimentId');
const EXPOSURE = wordBytes('exposure');
const CONVERSION = wordBytes('conversion');

// Exact powers of ten (all below 2^53, so each is a double without rounding).
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * Reads the line b[start, end) into `out`. True when it is an event of the
 * canonical shape that parseEventLine accepts; false means "decode and parse
 * it the slow way" (`out` is then meaningless), never "invalid".
 */
export function scanEventBytes(b: Uint8Array, start: number, end: number, out: ScannedEvent): boolean {
  if (end - start < 2 || b[start] !== 123 /* { */) return false;
  let seen = 0;
  let typeStart = -1;
  let typeEnd = -1;
  let tsStart = -1;
  let tsEnd = -1;
  out.variantStart = out.variantEnd = out.metricStart = out.metricEnd = -1;
  out.value = undefined;
  let i = start + 1;
  for (;;) {
    // "key":
    if (b[i] !== QUOTE) return false;
    const keyEnd = stringEnd(b, i + 1, end);
    if (keyEnd < 0 || keyEnd + 1 >= end || b[keyEnd + 1] !== COLON) return false;
    const key = keyOf(b, i + 1, keyEnd);
    if (key === 0 || (seen & key) !== 0) return false;
    seen |= key;
    i = keyEnd + 2;
    if (key === VALUE) {
      const numEnd = numberEnd(b, i);
      if (numEnd < 0 || numEnd > end) return false;
      const v = numberValue(b, i, numEnd);
      // 1e999 reads as Infinity, which parseEventLine refuses: its message, not ours.
      if (!Number.isFinite(v)) return false;
      out.value = v;
      i = numEnd;
    } else {
      if (b[i] !== QUOTE) return false;
      const s = i + 1;
      const e = stringEnd(b, s, end);
      if (e < 0) return false;
      if (key === TYPE) {
        typeStart = s;
        typeEnd = e;
      } else if (key === USER) {
        out.userStart = s;
        out.userEnd = e;
      } else if (key === EXPERIMENT) {
        out.experimentStart = s;
        out.experimentEnd = e;
      } else if (key === TIMESTAMP) {
        tsStart = s;
        tsEnd = e;
      } else if (key === VARIANT) {
        out.variantStart = s;
        out.variantEnd = e;
      } else {
        out.metricStart = s;
        out.metricEnd = e;
      }
      i = e + 1;
    }
    const c = b[i];
    if (c === COMMA && i < end) {
      i++;
      continue;
    }
    if (c !== CLOSE || i >= end) return false;
    i++;
    break;
  }
  // Only JSON whitespace may follow.
  for (; i < end; i++) {
    const c = b[i];
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) return false;
  }
  if ((seen & REQUIRED) !== REQUIRED || out.experimentEnd === out.experimentStart || out.userEnd === out.userStart) return false;
  if (isWord(b, typeStart, typeEnd, EXPOSURE)) {
    if (out.variantStart < 0 || out.variantEnd === out.variantStart) return false;
    out.exposure = true;
  } else if (isWord(b, typeStart, typeEnd, CONVERSION)) {
    if (out.metricStart < 0 || out.metricEnd === out.metricStart) return false;
    out.exposure = false;
  } else return false;
  const time = parseTimestampBytes(b, tsStart, tsEnd);
  if (Number.isNaN(time)) return false;
  out.time = time;
  return true;
}

/**
 * The position of the quote closing the string whose text starts at `i`, or
 * −1: past `end`, or a byte that would make the text differ from the value
 * (a backslash, a control character, anything outside ASCII).
 */
function stringEnd(b: Uint8Array, i: number, end: number): number {
  for (; i < end; i++) {
    const c = b[i];
    if (c === QUOTE) return i;
    if (c === BACKSLASH || c < 32 || c > 127) return -1;
  }
  return -1;
}

function keyOf(b: Uint8Array, start: number, end: number): number {
  switch (end - start) {
    case 4:
      return isWord(b, start, end, K_TYPE) ? TYPE : 0;
    case 5:
      return isWord(b, start, end, K_VALUE) ? VALUE : 0;
    case 6:
      return isWord(b, start, end, K_USER) ? USER : isWord(b, start, end, K_METRIC) ? METRIC : 0;
    case 7:
      return isWord(b, start, end, K_VARIANT) ? VARIANT : 0;
    case 9:
      return isWord(b, start, end, K_TIMESTAMP) ? TIMESTAMP : 0;
    case 12:
      return isWord(b, start, end, K_EXPERIMENT) ? EXPERIMENT : 0;
    default:
      return 0;
  }
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= ZERO + 9;
}

/** The end of a JSON number starting at `i` (RFC 8259: -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?), or −1. */
function numberEnd(b: Uint8Array, i: number): number {
  if (b[i] === MINUS) i++;
  let c = b[i];
  if (c === ZERO) i++;
  else if (c > ZERO && c <= ZERO + 9) {
    do i++;
    while (isDigit(b[i]));
  } else return -1;
  if (b[i] === DOT) {
    i++;
    if (!isDigit(b[i])) return -1;
    do i++;
    while (isDigit(b[i]));
  }
  c = b[i];
  if (c === 101 /* e */ || c === 69 /* E */) {
    i++;
    c = b[i];
    if (c === 43 /* + */ || c === MINUS) i++;
    if (!isDigit(b[i])) return -1;
    do i++;
    while (isDigit(b[i]));
  }
  return i;
}

/**
 * The double JSON.parse gives for the number b[start, end). Up to 15 digits
 * without an exponent: the digits as an integer (exact below 2^53) divided
 * by an exact power of ten, one correctly rounded division — the correctly
 * rounded value of the decimal, which is what JSON.parse returns. Anything
 * longer (up to 64 characters) goes through Number(), which rounds the same way.
 */
function numberValue(b: Uint8Array, start: number, end: number): number {
  // NaN: "not read here" (the caller falls back to JSON.parse); no event has such a number.
  if (end - start > 64) return NaN;
  const negative = b[start] === MINUS;
  let digits = 0;
  let mantissa = 0;
  let scale = -1;
  for (let i = negative ? start + 1 : start; i < end; i++) {
    const c = b[i];
    if (c === DOT) {
      scale = 0;
      continue;
    }
    if (!isDigit(c)) return Number(String.fromCharCode(...b.subarray(start, end))); // an exponent
    mantissa = mantissa * 10 + (c - ZERO);
    digits++;
    if (scale >= 0) scale++;
  }
  if (digits > 15) return Number(String.fromCharCode(...b.subarray(start, end)));
  const v = scale > 0 ? mantissa / POW10[scale] : mantissa;
  return negative ? -v : v;
}
