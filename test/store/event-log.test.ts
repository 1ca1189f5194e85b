import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlagsError } from '../../src/errors.js';
import { createTally, summarizeTally, tallyLine, tallyMalformed } from '../../src/experiments/tally.js';
import { parseEventLine, type LogEvent } from '../../src/schema/event.js';
import { appendEvent, readEventLines } from '../../src/store/event-log.js';

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
