import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlagsError } from '../../src/errors.js';
import { createTally, summarizeTally, tallyLine, tallyMalformed } from '../../src/experiments/tally.js';
import { parseEventLine, type LogEvent } from '../../src/schema/event.js';
import { appendEvent, readEventLines } from '../../src/store/event-log.js';
import { createScannedEvent, scanEventBytes } from '../../src/experiments/event-scanner.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flags-event-log-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
function freshPath(): string {
  return join(dir, `events-${++counter}.jsonl`);
}

function exposure(userId: string, variant = 'blue'): LogEvent {
  return { type: 'exposure', experimentId: 'exp', userId, variant, timestamp: '2025-01-01T00:00:00.000Z' };
}

function readAll(path: string, options: Parameters<typeof readEventLines>[2] = {}) {
  const lines: string[] = [];
  const result = readEventLines(path, (l) => lines.push(l), options);
  return { lines, result };
}

describe('appendEvent', () => {
  it('writes one JSON line per event, creating the file with mode 0644', () => {
    const path = freshPath();
    appendEvent(path, exposure('u1'));
    appendEvent(path, { type: 'conversion', experimentId: 'exp', userId: 'u1', metric: 'purchase', value: 9.5, timestamp: '2025-01-01T00:01:00.000Z' });
    expect(readFileSync(path, 'utf8')).toBe(
      '{"type":"exposure","experimentId":"exp","userId":"u1","variant":"blue","timestamp":"2025-01-01T00:00:00.000Z"}\n' +
        '{"type":"conversion","experimentId":"exp","userId":"u1","metric":"purchase","value":9.5,"timestamp":"2025-01-01T00:01:00.000Z"}\n',
    );
    const umask = process.umask();
    expect(statSync(path).mode & 0o777).toBe(0o644 & ~umask);
  });

  it('refuses to create the folder, naming the path', () => {
    const path = join(dir, 'no-such-folder', 'events.jsonl');
    let error: unknown;
    try {
      appendEvent(path, exposure('u1'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FlagsError);
    expect((error as FlagsError).code).toBe('EVENT_LOG_DIR_MISSING');
    expect((error as FlagsError).message).toContain(path);
    expect((error as FlagsError).message).toContain('does not exist');
  });

  it('refuses an event readers would count as malformed', () => {
    const path = freshPath();
    const bad = { ...exposure('u1'), timestamp: 'yesterday' };
    expect(() => appendEvent(path, bad)).toThrow(/invalid event.*timestamp/);
    expect(() => statSync(path)).toThrow(); // nothing created
  });

  it('wraps other open errors in a FlagsError', () => {
    if (process.getuid?.() === 0) return; // root ignores file modes
    const path = freshPath();
    writeFileSync(path, '');
    chmodSync(path, 0o444);
    expect(() => appendEvent(path, exposure('u1'))).toThrow(FlagsError);
  });

  it('starts on a new line after a torn last line, losing only the torn text', () => {
    const path = freshPath();
    appendEvent(path, exposure('u1'));
    writeFileSync(path, '{"type":"exposure","experimentId":"ex', { flag: 'a' }); // a crash mid-write
    appendEvent(path, exposure('u2'));
    const { lines, result } = readAll(path);
    expect(result.tornLastLine).toBeNull();
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => parseEventLine(l).ok)).toEqual([true, false, true]);
  });
});

describe('appendEvent: the check in place and the kept buffer', () => {
  const T = '2025-01-01T00:00:00.000Z';

  it('writes a line the byte scanner cannot vouch for but parseEventLine accepts, unchanged', () => {
    // Non-ASCII, an escape, a field readers ignore: the scanner declines each, so parseEventLine decides.
    const events: LogEvent[] = [
      exposure('josé'),
      exposure('say "hi"'),
      exposure('𝄞-emoji-pair'),
      { ...exposure('u1'), source: 'web' } as unknown as LogEvent,
      { type: 'conversion', experimentId: 'exp', userId: 'tab\there', metric: 'revenue', value: 9.5, timestamp: T },
    ];
    for (const e of events) {
      const line = JSON.stringify(e);
      expect(scanEventBytes(Buffer.from(line), 0, Buffer.byteLength(line), createScannedEvent()), line).toBe(false);
      expect(parseEventLine(line).ok, line).toBe(true);
    }
    const path = freshPath();
    for (const e of events) appendEvent(path, e);
    expect(readFileSync(path, 'utf8')).toBe(events.map((e) => JSON.stringify(e) + '\n').join(''));
  });

  it('refuses what parseEventLine refuses when the scanner declines, with its reason, writing nothing', () => {
    const path = freshPath();
    appendEvent(path, exposure('before'));
    const cases: [LogEvent, string][] = [
      [exposure('x\ud800'), 'userId is not well-formed Unicode (a lone surrogate U+D800)'],
      [{ ...exposure('u1'), experimentId: '' }, 'missing experimentId'],
      [{ ...exposure('u1'), timestamp: '2025-02-30T00:00:00Z' }, 'timestamp is not ISO-8601 with a time zone'],
      [{ type: 'conversion', experimentId: 'exp', userId: 'u1', metric: 'm', value: Number.NaN, timestamp: T }, 'value is not a finite number'],
      [{ ...exposure('é'.repeat(5000)), variant: '' }, 'exposure without a variant'],
    ];
    for (const [e, reason] of cases) {
      expect(parseEventLine(JSON.stringify(e))).toMatchObject({ ok: false, reason });
      expect(() => appendEvent(path, e)).toThrow(`refusing to append an invalid event to ${path}: ${reason}`);
    }
    // Not an object at all: parseEventLine's own error, as before, and nothing written.
    expect(() => appendEvent(path, undefined as unknown as LogEvent)).toThrow(TypeError);
    appendEvent(path, exposure('after'));
    expect(readFileSync(path, 'utf8')).toBe(JSON.stringify(exposure('before')) + '\n' + JSON.stringify(exposure('after')) + '\n');
  });

  it('long lines (their own buffer) and short ones (the kept buffer) alternate with torn ends, byte for byte', () => {
    const path = freshPath();
    const long = exposure('u'.repeat(5000));
    const longUnicode = exposure('é€'.repeat(3000));
    let expected = '';
    const append = (e: LogEvent) => {
      appendEvent(path, e);
      expected += JSON.stringify(e) + '\n';
    };
    const tear = (text: string) => {
      writeFileSync(path, text, { flag: 'a' });
      expected += text + '\n';
    };
    append(long);
    append(exposure('short'));
    tear('{"type":"expo');
    append(longUnicode);
    tear('{"type":"conv');
    append(exposure('short again'));
    append(long);
    expect(readFileSync(path, 'utf8')).toBe(expected);
  });

  it('any event: written as exactly JSON.stringify + newline (after a newline when the log ends torn) when parseEventLine accepts it, else refused with its reason', () => {
    const text = fc.oneof(
      fc.stringMatching(/^[a-z0-9-]{1,12}$/),
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.constantFrom('', 'é', '"', '\\', '\u0000', '\n', '\u2028', '\ud800', 'a\udc00', '😀', 'x'.repeat(4100), 'é'.repeat(4096)),
    );
    const event = fc.record(
      {
        type: fc.constantFrom('exposure', 'conversion', 'click'),
        experimentId: text,
        userId: text,
        variant: text,
        metric: text,
        value: fc.oneof(fc.double(), fc.integer(), fc.constant('1')),
        timestamp: fc.oneof(fc.constant(T), fc.constantFrom('2025-01-01T00:00:00+01:00', 'yesterday', '2025-13-01T00:00:00Z')),
        source: text,
      },
      { requiredKeys: ['type', 'experimentId', 'userId', 'timestamp'] },
    );
    const path = freshPath();
    writeFileSync(path, '');
    let written = 0;
    fc.assert(
      fc.property(event, fc.option(fc.stringMatching(/^[a-z{":,]{1,20}$/), { nil: undefined }), (e, torn) => {
        // The log so far (whole lines, or a torn end left by the run before), then maybe a torn end.
        if (torn !== undefined) writeFileSync(path, torn, { flag: 'a' });
        let expected = readFileSync(path, 'utf8');
        const line = JSON.stringify(e);
        const check = parseEventLine(line);
        if (check.ok) {
          appendEvent(path, e as LogEvent);
          expected += (expected !== '' && !expected.endsWith('\n') ? '\n' : '') + line + '\n';
          written++;
        } else {
          expect(() => appendEvent(path, e as LogEvent)).toThrow(`: ${check.reason}`);
        }
        expect(readFileSync(path, 'utf8')).toBe(expected);
      }),
      { numRuns: 300 },
    );
    // Worth something only if both answers were given often.
    expect(written).toBeGreaterThan(30);
    expect(written).toBeLessThan(270);
  });
});

describe('readEventLines', () => {
  it('reads a missing file as empty', () => {
    const { lines, result } = readAll(join(dir, 'missing.jsonl'));
    expect(lines).toEqual([]);
    expect(result).toEqual({ exists: false, bytes: 0, lines: 0, tornLastLine: null });
  });

  it('reads an empty file', () => {
    const path = freshPath();
    writeFileSync(path, '');
    expect(readAll(path).result).toEqual({ exists: true, bytes: 0, lines: 0, tornLastLine: null });
  });

  it.each([16, 17, 64, 1 << 20])('splits lines exactly with %i-byte chunks, multi-byte text and long lines included', (chunkSize) => {
    const path = freshPath();
    const content = ['{"a":"é€𝄞"}', '', '  ', 'x'.repeat(100), '{"userId":"ünïcødé-€"}\r', '𝄞𝄞𝄞𝄞𝄞𝄞𝄞𝄞𝄞𝄞', 'last'];
    writeFileSync(path, content.join('\n') + '\n');
    const progress: [number, number][] = [];
    const { lines, result } = readAll(path, { chunkSize, onProgress: (a, b) => progress.push([a, b]) });
    expect(lines).toEqual(content);
    const size = statSync(path).size;
    expect(result).toEqual({ exists: true, bytes: size, lines: content.length, tornLastLine: null });
    expect(progress.at(-1)).toEqual([size, size]);
    for (let i = 1; i < progress.length; i++) expect(progress[i][0]).toBeGreaterThan(progress[i - 1][0]);
  });

  it.each([16, 1 << 20])('reports a torn last line instead of passing it on (%i-byte chunks)', (chunkSize) => {
    const path = freshPath();
    writeFileSync(path, 'one\ntwo\n{"type":"expo');
    const { lines, result } = readAll(path, { chunkSize });
    expect(lines).toEqual(['one', 'two']);
    expect(result.tornLastLine).toEqual({ line: 3, bytes: 13 });
  });

  it('lets an error thrown by the callback through unchanged', () => {
    const path = freshPath();
    writeFileSync(path, 'a\nb\n');
    const boom = new Error('boom');
    expect(() =>
      readEventLines(path, () => {
        throw boom;
      }),
    ).toThrow(boom);
  });

  it('feeds the tally: a noisy log file with a torn last line', () => {
    const path = freshPath();
    for (let i = 0; i < 150; i++) appendEvent(path, exposure(`b${i}`, 'blue'));
    for (let i = 0; i < 150; i++) appendEvent(path, exposure(`g${i}`, 'green'));
    for (let i = 0; i < 30; i++) {
      appendEvent(path, { type: 'conversion', experimentId: 'exp', userId: `g${i}`, metric: 'purchase', timestamp: '2025-01-01T01:00:00.000Z' });
    }
    writeFileSync(path, 'garbage\n\n{"type":"conversion","experimentId":"exp","userId":"b0","metric":"purchase","timestamp":"2025-01-01T02:00:00.000Z"}', { flag: 'a' });
    const state = createTally({ experimentId: 'exp', primaryMetric: 'purchase', arms: ['blue', 'green'] });
    const result = readEventLines(path, (line) => tallyLine(state, line));
    if (result.tornLastLine) tallyMalformed(state, 'torn last line (no newline at the end)', result.tornLastLine.line);
    const s = summarizeTally(state);
    // The torn conversion of b0 is skipped, not counted.
    expect(s.arms).toEqual([
      { key: 'blue', users: 150, converters: 0 },
      { key: 'green', users: 150, converters: 30 },
    ]);
    expect(s.malformedLines).toBe(2);
    expect(s.malformedExamples).toEqual([
      { line: 331, reason: 'not valid JSON' },
      { line: 333, reason: 'torn last line (no newline at the end)' },
    ]);
  });
});

describe('concurrent appenders', () => {
  const WRITERS = 8;
  const PER_WRITER = 2000;
  let bundle: string;

  beforeAll(async () => {
    // The child processes run the real module, bundled (zod included) so plain node can load it.
    bundle = join(dir, 'event-log.mjs');
    await build({
      entryPoints: [resolve(__dirname, '../../src/store/event-log.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: bundle,
      logLevel: 'silent',
    });
    writeFileSync(
      join(dir, 'writer.mjs'),
      `import { appendEvent } from './event-log.mjs';
const [writer, count, path, startAt] = process.argv.slice(2);
// Start together, so the appends really overlap.
while (Date.now() < Number(startAt)) {}
// Lines of varying length (up to ~6 KB), so a non-atomic write would tear visibly.
for (let i = 0; i < Number(count); i++) {
  appendEvent(path, { type: 'exposure', experimentId: 'exp', userId: 'w' + writer + '-' + i, variant: 'v'.repeat(1 + ((i * 7919) % 6000)), timestamp: new Date().toISOString() });
}
`,
    );
  }, 30_000);

  it(`${WRITERS} processes × ${PER_WRITER} lines: none lost, none corrupted`, async () => {
    const path = freshPath();
    const startAt = Date.now() + 1500;
    const runs = Array.from({ length: WRITERS }, (_, w) =>
      new Promise<number>((done, fail) => {
        const child = spawn(process.execPath, [join(dir, 'writer.mjs'), String(w), String(PER_WRITER), path, String(startAt)], { stdio: 'inherit' });
        child.on('error', fail);
        child.on('exit', (code) => done(code ?? -1));
      }),
    );
    expect(await Promise.all(runs)).toEqual(new Array(WRITERS).fill(0));

    const seen = new Set<string>();
    let bad = 0;
    let blank = 0;
    const result = readEventLines(path, (line) => {
      // A writer that looks at the end of the file while another's write is
      // still being copied in starts with a newline (see appendEvent): blank
      // lines are allowed, readers skip them. Anything else must be an event.
      if (line === '') return void blank++;
      const r = parseEventLine(line);
      if (!r.ok) bad++;
      else seen.add(r.event.userId);
    });
    expect(bad).toBe(0);
    expect(result.tornLastLine).toBeNull();
    expect(result.lines - blank).toBe(WRITERS * PER_WRITER);
    expect(seen.size).toBe(WRITERS * PER_WRITER);
  }, 60_000);
});
