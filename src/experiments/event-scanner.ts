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
 * Speed: each key is recognised by its first letter and compared whole,
 * closing quote and colon included, four bytes at a time through a DataView
 * (one pass over the key instead of finding its end and then comparing it);
 * `type` is compared with `"exposure"`/`"conversion"` the same way; the
 * timestamp is first tried at toISOString()'s length, which the timestamp
 * parse validates byte by byte, before looking for its closing quote.
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
  /** The buffer last scanned and a DataView of it (internal). */
  bytes: Uint8Array | undefined;
  view: DataView;
}

export function createScannedEvent(): ScannedEvent {
  return { exposure: false, experimentStart: -1, experimentEnd: -1, userStart: -1, userEnd: -1, variantStart: -1, variantEnd: -1, metricStart: -1, metricEnd: -1, value: undefined, time: NaN, bytes: undefined, view: new DataView(new ArrayBuffer(0)) };
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

// Each key as the bytes after its opening quote, closing quote and colon
// included, so one comparison both recognises it and checks where it ends.
const K_TYPE = pattern('type":');
const K_VALUE = pattern('value":');
const K_USER = pattern('userId":');
const K_METRIC = pattern('metric":');
const K_VARIANT = pattern('variant":');
const K_TIMESTAMP = pattern('timestamp":');
const K_EXPERIMENT = pattern('experimentId":');
// The keys by their first letter; a byte ≥ 128 is looked up as b & 127, and then no key compares equal.
const KEYS_BY_LETTER: (readonly [Pattern, number])[][] = Array.from({ length: 128 }, () => []);
for (const [p, bit] of [[K_TYPE, TYPE], [K_TIMESTAMP, TIMESTAMP], [K_EXPERIMENT, EXPERIMENT], [K_USER, USER], [K_VARIANT, VARIANT], [K_VALUE, VALUE], [K_METRIC, METRIC]] as const) {
  KEYS_BY_LETTER[p.words[0] & 0xff].push([p, bit]);
}
// The two types, quotes included.
const EXPOSURE = pattern('"exposure"');
const CONVERSION = pattern('"conversion"');
// The length of toISOString()'s form, YYYY-MM-DDTHH:MM:SS.sssZ.
const ISO_LENGTH = 24;

// Exact powers of ten (all below 2^53, so each is a double without rounding).
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** A word to compare in place: its bytes as little-endian 32-bit words, then the last 0–3 bytes. */
interface Pattern {
  length: number;
  words: Int32Array;
  tail: Uint8Array;
}

function pattern(word: string): Pattern {
  const bytes = wordBytes(word);
  const n = bytes.length >> 2;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const words = new Int32Array(n);
  for (let k = 0; k < n; k++) words[k] = view.getInt32(4 * k, true);
  return { length: bytes.length, words, tail: bytes.slice(4 * n) };
}

/** True when b[at, at + p.length) is the pattern's word and ends before `end`; `view` is b's DataView. */
function bytesAt(view: DataView, b: Uint8Array, at: number, end: number, p: Pattern): boolean {
  if (at + p.length > end) return false;
  const words = p.words;
  const n = words.length;
  for (let k = 0; k < n; k++) if (view.getInt32(at + 4 * k, true) !== words[k]) return false;
  const tail = p.tail;
  at += 4 * n;
  for (let k = 0; k < tail.length; k++) if (b[at + k] !== tail[k]) return false;
  return true;
}

/**
 * Reads the line b[start, end) into `out`. True when it is an event of the
 * canonical shape that parseEventLine accepts; false means "decode and parse
 * it the slow way" (`out` is then meaningless), never "invalid".
 */
export function scanEventBytes(b: Uint8Array, start: number, end: number, out: ScannedEvent): boolean {
  if (end - start < 2 || b[start] !== 123 /* { */) return false;
  // A DataView of the buffer, to compare four bytes at a time; kept while the reader hands over the same buffer.
  if (b !== out.bytes) {
    out.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    out.bytes = b;
  }
  const view = out.view;
  let seen = 0;
  let time = NaN;
  out.variantStart = out.variantEnd = out.metricStart = out.metricEnd = -1;
  out.value = undefined;
  let i = start + 1;
  for (;;) {
    // "key": — recognised by its first letter, then compared whole.
    if (b[i] !== QUOTE) return false;
    i++;
    let key = 0;
    const candidates = KEYS_BY_LETTER[b[i] & 127];
    for (let k = 0; k < candidates.length; k++) {
      const [p, bit] = candidates[k];
      if (bytesAt(view, b, i, end, p)) {
        key = bit;
        i += p.length;
        break;
      }
    }
    if (key === 0 || (seen & key) !== 0) return false;
    seen |= key;
    if (key === TYPE) {
      if (bytesAt(view, b, i, end, EXPOSURE)) {
        out.exposure = true;
        i += EXPOSURE.length;
      } else if (bytesAt(view, b, i, end, CONVERSION)) {
        out.exposure = false;
        i += CONVERSION.length;
      } else return false;
    } else if (key === VALUE) {
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
      if (key === TIMESTAMP) {
        // Nearly always toISOString()'s form: try its length first. The parse
        // accepts only digits and separators, so when it reads the 24 bytes
        // before a quote, that quote is the one closing the string.
        let e = s + ISO_LENGTH;
        if (e < end && b[e] === QUOTE) time = parseTimestampBytes(b, s, e);
        if (time !== time) {
          e = stringEnd(b, s, end);
          if (e < 0) return false;
          time = parseTimestampBytes(b, s, e);
          if (time !== time) return false;
        }
        i = e + 1;
      } else {
        const e = stringEnd(b, s, end);
        if (e < 0) return false;
        if (key === USER) {
          out.userStart = s;
          out.userEnd = e;
        } else if (key === EXPERIMENT) {
          out.experimentStart = s;
          out.experimentEnd = e;
        } else if (key === VARIANT) {
          out.variantStart = s;
          out.variantEnd = e;
        } else {
          out.metricStart = s;
          out.metricEnd = e;
        }
        i = e + 1;
      }
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
  if (out.exposure) {
    if (out.variantStart < 0 || out.variantEnd === out.variantStart) return false;
  } else if (out.metricStart < 0 || out.metricEnd === out.metricStart) return false;
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
