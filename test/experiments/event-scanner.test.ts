import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createScannedEvent, scanEventBytes } from '../../src/experiments/event-scanner.js';
import { createTally, tallyLine, tallyLineBytes, tallyStats, summarizeTally } from '../../src/experiments/tally.js';
import { parseEventLine } from '../../src/schema/event.js';
import { decodeUtf8Escaped } from '../../src/schema/utf8.js';
import { caseRng } from '../hardening/mutate.js';

/**
 * The scanner must never disagree with the full parse: whenever it accepts a
 * line, parseEventLine accepts the same bytes (decoded as the reader decodes
 * them) with the same fields. When it declines, the tally parses the line,
 * so declining is always safe; accepting wrongly is the bug to catch.
 */
function check(bytes: Buffer): 'scanned' | 'declined' {
  const out = createScannedEvent();
  // Inside a larger buffer, as the reader hands lines over: bytes around the line must not be read as part of it.
  const padded = Buffer.concat([Buffer.from('{"x":1}\n'), bytes, Buffer.from('1e5"}:,\n')]);
  const start = 8;
  const ok = scanEventBytes(padded, start, start + bytes.length, out);
  if (!ok) return 'declined';
  const line = bytes.toString('utf8');
  const parsed = parseEventLine(line);
  expect(parsed.ok, line).toBe(true);
  if (!parsed.ok) return 'scanned';
  const e = parsed.event;
  const text = (s: number, end: number) => (s < 0 ? undefined : padded.toString('utf8', s, end));
  expect(out.exposure).toBe(e.type === 'exposure');
  expect(text(out.experimentStart, out.experimentEnd)).toBe(e.experimentId);
  expect(text(out.userStart, out.userEnd)).toBe(e.userId);
  expect(text(out.variantStart, out.variantEnd)).toBe(e.variant);
  expect(text(out.metricStart, out.metricEnd)).toBe(e.metric);
  expect(Object.is(out.value, e.value), `${line}: value ${out.value} vs ${e.value}`).toBe(true);
  expect(out.time).toBe(parsed.time);
  return 'scanned';
}

const T = '2025-01-31T12:00:00.000Z';
const canonical = [
  { type: 'exposure', experimentId: 'checkout', userId: 'user-000abc', variant: 'blue', timestamp: T },
  { type: 'conversion', experimentId: 'checkout', userId: 'user-1', metric: 'revenue', value: 12.34, timestamp: T },
  { timestamp: '2025-01-31T12:00:00+05:30', userId: 'u', variant: 'green', experimentId: 'e', type: 'exposure' },
  { type: 'conversion', experimentId: 'e', userId: 'u', metric: 'm', variant: '', timestamp: '2024-02-29T23:59:59.123456Z' },
  { type: 'exposure', experimentId: 'e', userId: 'u', variant: 'v', metric: '', value: -0.5, timestamp: T },
].map((e) => JSON.stringify(e));

describe('scanEventBytes', () => {
  it('reads the lines writers produce, in any key order', () => {
    for (const line of canonical) expect(check(Buffer.from(line))).toBe('scanned');
  });

  // Each of these is either declined (the full parse decides) or read exactly as JSON.parse reads it.
  it.each([
    ['escaped quote in a value', String.raw`{"type":"exposure","experimentId":"e","userId":"a\"b","variant":"v","timestamp":"${T}"}`],
    ['escaped key spelling userId', String.raw`{"type":"exposure","experimentId":"e","user\u0049d":"u","variant":"v","timestamp":"${T}"}`],
    ['\\u0000 in a value', String.raw`{"type":"exposure","experimentId":"e","userId":"a\u0000","variant":"v","timestamp":"${T}"}`],
    ['raw NUL in a value', `{"type":"exposure","experimentId":"e","userId":"a\u0000","variant":"v","timestamp":"${T}"}`],
    ['__proto__ key', `{"type":"exposure","experimentId":"e","userId":"u","variant":"v","timestamp":"${T}","__proto__":{"x":1}}`],
    ['duplicate userId (JSON.parse keeps the last)', `{"type":"exposure","experimentId":"e","userId":"a","userId":"b","variant":"v","timestamp":"${T}"}`],
    ['duplicate type', `{"type":"conversion","type":"exposure","experimentId":"e","userId":"a","variant":"v","timestamp":"${T}"}`],
    ['1e999', `{"type":"conversion","experimentId":"e","userId":"u","metric":"m","value":1e999,"timestamp":"${T}"}`],
    ['-0', `{"type":"conversion","experimentId":"e","userId":"u","metric":"m","value":-0,"timestamp":"${T}"}`],
    ['1.0', `{"type":"conversion","experimentId":"e","userId":"u","metric":"m","value":1.0,"timestamp":"${T}"}`],
    ['1E-2', `{"type":"conversion","experimentId":"e","userId":"u","metric":"m","value":1E-2,"timestamp":"${T}"}`],
    ['17 digits', `{"type":"conversion","experimentId":"e","userId":"u","metric":"m","value":0.30000000000000004,"timestamp":"${T}"}`],
    ['2^53 + 1', `{"type":"conversion","experimentId":"e","userId":"u","metric":"m","value":9007199254740993,"timestamp":"${T}"}`],
    ['leading zero', `{"type":"conversion","experimentId":"e","userId":"u","metric":"m","value":01,"timestamp":"${T}"}`],
    ['leading +', `{"type":"conversion","experimentId":"e","userId":"u","metric":"m","value":+1,"timestamp":"${T}"}`],
    ['trailing dot', `{"type":"conversion","experimentId":"e","userId":"u","metric":"m","value":1.,"timestamp":"${T}"}`],
    ['value null', `{"type":"conversion","experimentId":"e","userId":"u","metric":"m","value":null,"timestamp":"${T}"}`],
    ['value string', `{"type":"conversion","experimentId":"e","userId":"u","metric":"m","value":"3","timestamp":"${T}"}`],
    ['CRLF', `{"type":"exposure","experimentId":"e","userId":"u","variant":"v","timestamp":"${T}"}\r`],
    ['space after colon', `{"type": "exposure","experimentId":"e","userId":"u","variant":"v","timestamp":"${T}"}`],
    ['leading space', ` {"type":"exposure","experimentId":"e","userId":"u","variant":"v","timestamp":"${T}"}`],
    ['trailing comma', `{"type":"exposure","experimentId":"e","userId":"u","variant":"v","timestamp":"${T}",}`],
    ['two objects', `{"type":"exposure","experimentId":"e","userId":"u","variant":"v","timestamp":"${T}"}{}`],
    ['unknown key', `{"type":"exposure","experimentId":"e","userId":"u","variant":"v","timestamp":"${T}","source":"web"}`],
    ['non-ASCII id', `{"type":"exposure","experimentId":"e","userId":"ünïcode","variant":"v","timestamp":"${T}"}`],
    ['U+2028 in id', `{"type":"exposure","experimentId":"e","userId":"a\u2028b","variant":"v","timestamp":"${T}"}`],
    ['empty userId', `{"type":"exposure","experimentId":"e","userId":"","variant":"v","timestamp":"${T}"}`],
    ['empty variant', `{"type":"exposure","experimentId":"e","userId":"u","variant":"","timestamp":"${T}"}`],
    ['conversion without metric', `{"type":"conversion","experimentId":"e","userId":"u","timestamp":"${T}"}`],
    ['exposure metric not a string', `{"type":"exposure","experimentId":"e","userId":"u","variant":"v","metric":1,"timestamp":"${T}"}`],
    ['timestamp without zone', `{"type":"exposure","experimentId":"e","userId":"u","variant":"v","timestamp":"2025-01-31T12:00:00"}`],
    ['timestamp 30 February', `{"type":"exposure","experimentId":"e","userId":"u","variant":"v","timestamp":"2025-02-30T12:00:00Z"}`],
    ['type click', `{"type":"click","experimentId":"e","userId":"u","variant":"v","timestamp":"${T}"}`],
    ['truncated', `{"type":"exposure","experimentId":"e","userId":"u","variant":"v","timestamp":"${T}"`],
    ['empty object', '{}'],
    ['array', '[1]'],
  ])('%s', (_name, line) => {
    check(Buffer.from(line));
  });

  it('invalid UTF-8 and a BOM are left to the full parse', () => {
    const line = Buffer.from(canonical[0]);
    for (const bad of [[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xef, 0xbb, 0xbf]]) {
      const at = line.indexOf('user-') + 2;
      expect(check(Buffer.concat([line.subarray(0, at), Buffer.from(bad), line.subarray(at)]))).toBe('declined');
      expect(check(Buffer.concat([Buffer.from(bad), line]))).toBe('declined');
    }
  });

  it('invalid UTF-8 inside and outside strings: declined, then a malformed line at the same column by bytes and by strings', () => {
    const line = canonical[0];
    const options = { experimentId: 'checkout', primaryMetric: 'm', arms: ['blue'] };
    const cases: [string, number[]][] = [
      ['"user-', [0xe9]], // Latin-1 é in the id
      ['"user-', [0xc3]], // a sequence cut short
      ['"user-', [0xc3, 0xa9, 0xe9]], // valid é, then a bad byte: the column counts é as one
      ['"user-', [0xc0, 0xae]], // overlong
      ['"user-', [0xed, 0xa0, 0x80]], // an encoded surrogate
      ['"user-', [0xf5, 0x80, 0x80, 0x80]], // past U+10FFFF
      ['"checkout', [0xff]], // in the experiment id
      ['"variant', [0xe9]], // in a key
      [',"variant"', [0xe9]], // between tokens
      ['}', [0xe9]], // after the object (at the end)
      ['{', [0x80]], // right after the opening brace
    ];
    for (const [before, bad] of cases) {
      const at = line.indexOf(before) + (before === '}' ? 1 : before.length);
      const bytes = Buffer.concat([Buffer.from(line.slice(0, at)), Buffer.from(bad), Buffer.from(line.slice(at))]);
      expect(check(bytes), before).toBe('declined');
      const viaBytes = createTally(options);
      tallyLineBytes(viaBytes, bytes, 0, bytes.length);
      const viaStrings = createTally(options);
      tallyLine(viaStrings, decodeUtf8Escaped(bytes, 0, bytes.length));
      const valid = bad[0] === 0xc3 && bad[1] === 0xa9;
      const column = [...line.slice(0, at)].length + (valid ? 2 : 1);
      const byte = valid ? 0xe9 : bad[0];
      const expected = [{ line: 1, reason: `not valid UTF-8: byte 0x${byte.toString(16).toUpperCase()} at column ${column}` }];
      expect(summarizeTally(viaBytes).malformedExamples, before).toEqual(expected);
      expect(summarizeTally(viaStrings)).toEqual(summarizeTally(viaBytes));
      expect(tallyStats(viaBytes).arms).toEqual([{ key: 'blue', users: 0 }]);
    }
  });

  it('a JSON escape of a lone surrogate in an id is no user (different such ids would otherwise compare alike), by bytes and by strings', () => {
    const options = { experimentId: 'e', primaryMetric: 'm', arms: ['v'] };
    const lines = [String.raw`{"type":"exposure","experimentId":"e","userId":"a\ud800","variant":"v","timestamp":"${T}"}`, String.raw`{"type":"exposure","experimentId":"e","userId":"a\udc00b","variant":"v","timestamp":"${T}"}`, String.raw`{"type":"exposure","experimentId":"e","userId":"\ud83d\ude00","variant":"v","timestamp":"${T}"}`];
    const viaBytes = createTally(options);
    const viaStrings = createTally(options);
    for (const l of lines) {
      const b = Buffer.from(l);
      expect(check(b)).toBe('declined');
      tallyLineBytes(viaBytes, b, 0, b.length);
      tallyLine(viaStrings, l);
    }
    expect(summarizeTally(viaBytes)).toEqual(summarizeTally(viaStrings));
    expect(summarizeTally(viaBytes).malformedExamples).toEqual([
      { line: 1, reason: 'userId is not well-formed Unicode (a lone surrogate U+D800)' },
      { line: 2, reason: 'userId is not well-formed Unicode (a lone surrogate U+DC00)' },
    ]);
    // The escaped pair is one well-formed character: a user.
    expect(tallyStats(viaBytes).arms).toEqual([{ key: 'v', users: 1 }]);
  });

  it('a huge line (a 1 MiB id, a 100,000-digit number) is read or declined without harm', () => {
    const id = 'x'.repeat(1 << 20);
    expect(check(Buffer.from(`{"type":"exposure","experimentId":"e","userId":"${id}","variant":"v","timestamp":"${T}"}`))).toBe('scanned');
    expect(check(Buffer.from(`{"type":"conversion","experimentId":"e","userId":"u","metric":"m","value":${'9'.repeat(100_000)},"timestamp":"${T}"}`))).toBe('declined');
  });

  it('agrees with JSON.parse on generated events (numbers of every shape, ids, offsets)', () => {
    const word = fc.stringMatching(/^[ -~]{0,12}$/);
    const number = fc.oneof(
      fc.double({ noNaN: true }),
      fc.integer({ min: -1e6, max: 1e6 }).map((n) => n / 100),
      fc.constantFrom(0, -0, 1e21, 5e-324, 2 ** 53, 2 ** 53 + 2, 123456789012345.6, 0.1 + 0.2),
    );
    const event = fc.record(
      {
        type: fc.constantFrom('exposure', 'conversion', 'click'),
        experimentId: word,
        userId: fc.oneof(word, fc.string()),
        variant: word,
        metric: word,
        value: number,
        timestamp: fc.oneof(
          fc.integer({ min: -62135596800000, max: 253402300799999 }).map((ms) => new Date(ms).toISOString()),
          fc.constantFrom('2025-01-01T00:00:00+01:00', '2025-01-01T00:00:00.5Z', '2025-01-01T00:00:00.123456789-23:59', '2025-01-01T24:00:00Z'),
        ),
      },
      { requiredKeys: [] },
    );
    let scanned = 0;
    fc.assert(
      fc.property(event, fc.boolean(), (e, spaced) => {
        const line = spaced ? JSON.stringify(e, null, 1).replace(/\n/g, '') : JSON.stringify(e);
        if (check(Buffer.from(line)) === 'scanned') scanned++;
      }),
      { numRuns: 4000 },
    );
    // Worth something only if the scanner reads a good share of them.
    expect(scanned).toBeGreaterThan(80);
  });

  it('agrees with JSON.parse on mutated lines (deleted, doubled, swapped and hostile bytes)', () => {
    const hostile = ['"', '\\', '\\"', '\\u0000', '\u0000', ',', ':', '{', '}', '[', ' ', '\r', '\t', '-', '.', 'e', '0', '1e999', '"__proto__":1,', '"userId":"z",', '"value":1,', 'é', '\u2028', '\uFEFF', '\uD800', '\\ud800', Buffer.from([0xe9]), Buffer.from([0xc3]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xc0, 0x80])];
    // Every line through both tally entries too: the CLI's bytes and the library's strings (as readEventLines decodes them).
    const options = { experimentId: 'checkout', primaryMetric: 'revenue', arms: ['blue', 'green'], metrics: [{ key: 'revenue', kind: 'revenue' as const }] };
    const viaBytes = createTally(options);
    const viaStrings = createTally(options);
    let scanned = 0;
    for (let i = 0; i < 6000; i++) {
      const r = caseRng(21, i);
      let bytes = Buffer.from(canonical[Math.floor(r() * canonical.length)]);
      for (let k = 1 + Math.floor(r() * 3); k > 0; k--) {
        const at = Math.floor(r() * (bytes.length + 1));
        const choice = r();
        if (choice < 0.3) bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1 + Math.floor(r() * 4))]);
        else if (choice < 0.6) bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(hostile[Math.floor(r() * hostile.length)] as string), bytes.subarray(at)]);
        else if (choice < 0.8) bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([Math.floor(r() * 256)]), bytes.subarray(at + 1)]);
        else bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at, at + 8), bytes.subarray(at)]);
      }
      if (check(bytes) === 'scanned') scanned++;
      tallyLineBytes(viaBytes, bytes, 0, bytes.length);
      tallyLine(viaStrings, decodeUtf8Escaped(bytes, 0, bytes.length));
      expect(viaBytes.malformedLines, bytes.toString('latin1')).toBe(viaStrings.malformedLines);
    }
    expect(scanned).toBeGreaterThan(100);
    expect(summarizeTally(viaBytes)).toEqual(summarizeTally(viaStrings));
    expect(tallyStats(viaBytes)).toEqual(tallyStats(viaStrings));
  });
});

describe('the tally reads bytes and strings alike', () => {
  it('gives the same counts from tallyLineBytes as from tallyLine, malformed and escaped lines included', () => {
    const options = { experimentId: 'e', primaryMetric: 'm', arms: ['v', 'w'], metrics: [{ key: 'm', kind: 'conversion' as const }, { key: 'rev', kind: 'revenue' as const }] };
    const lines = [
      ...canonical,
      `{"type":"exposure","experimentId":"e","userId":"u","variant":"w","timestamp":"2025-01-01T00:00:00Z"}`,
      String.raw`{"type":"exposure","experimentId":"e","userId":"\u0075","variant":"v","timestamp":"2025-01-01T00:00:00Z"}`,
      `{"type":"conversion","experimentId":"e","userId":"ü","metric":"rev","value":2.5,"timestamp":"2025-01-01T00:00:00Z"}`,
      `{"type":"exposure","experimentId":"e","userId":"ü","variant":"v","timestamp":"2024-01-01T00:00:00Z"}`,
      `{"type":"conversion","experimentId":"e","userId":"u","metric":"m","timestamp":"2025-01-01T00:00:00Z"}\r`,
      '',
      '   ',
      'not json',
      '{"type":"exposure"',
    ];
    const viaStrings = createTally(options);
    for (const l of lines) tallyLine(viaStrings, l);
    const viaBytes = createTally(options);
    const all = Buffer.from(lines.join('\n'));
    let start = 0;
    for (;;) {
      const nl = all.indexOf(0x0a, start);
      tallyLineBytes(viaBytes, all, start, nl < 0 ? all.length : nl);
      if (nl < 0) break;
      start = nl + 1;
    }
    expect(tallyStats(viaBytes)).toEqual(tallyStats(viaStrings));
    expect(summarizeTally(viaBytes)).toEqual(summarizeTally(viaStrings));
    expect(summarizeTally(viaBytes).malformedLines).toBe(2);
    expect(tallyStats(viaBytes).arms).toEqual([{ key: 'v', users: 1 }, { key: 'w', users: 0 }]);
  });

  it('keeps users with the same bytes apart from users with wide characters (no false sharing of ids)', () => {
    const options = { experimentId: 'e', primaryMetric: 'm', arms: ['v'] };
    const state = createTally(options);
    // 'Ā' (U+0100) must not collide with its low byte, nor 'ÿ' (stored as one byte) with anything else.
    for (const id of ['\u0100', '\u0000\u0001', '\u0001', 'ÿ', 'ÿÿ', '\u00ff\u00ff', 'a']) {
      tallyLine(state, JSON.stringify({ type: 'exposure', experimentId: 'e', userId: id, variant: 'v', timestamp: T }));
    }
    expect(tallyStats(state).arms).toEqual([{ key: 'v', users: 6 }]);
  });
});
