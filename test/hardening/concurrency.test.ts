/**
 * Concurrency (issue 9): eight processes at once, four editing different
 * flags of one file through the library's safe edits and four appending
 * events to one log, lose nothing.
 *
 * Every editor flips its flag's `enabled` in every round and writes the
 * round into `description`: a lost update anywhere (another process writing
 * back a copy read before the flip) would leave the wrong parity at the end,
 * not just the wrong last value. Every appender writes numbered events: each
 * must be present exactly once, whole, with no interleaved bytes.
 *
 * The same guarantees one at a time: test/cli/edit.test.ts "concurrency"
 * (eight CLI processes, one file), test/store/lock.test.ts (twenty concurrent
 * increments), test/store/event-log.test.ts "concurrent appenders".
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { projectWith, removeDir, ROOT, runBin } from '../helpers/cli.js';

const EDITORS = 4;
const APPENDERS = 4;
const ROUNDS = 12;
const EVENTS = 1500;

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const LIBRARY = pathToFileURL(path.join(ROOT, 'dist/index.js')).href;

/** One worker: `edit KEY` or `append N`; prints a JSON summary. Uses the built library, as a consumer would. */
const WORKER = `
import { setEnabled, setField, appendEvent } from ${JSON.stringify(LIBRARY)};
const [role, arg, dir, log, id] = process.argv.slice(2);
// Start together: each worker waits for the go file written by the test.
const { existsSync } = await import('node:fs');
while (!existsSync(dir + '/../go')) await new Promise((r) => setTimeout(r, 5));
if (role === 'edit') {
  for (let round = 1; round <= ${ROUNDS}; round++) {
    await setEnabled(dir, arg, 'flip', { lockTimeoutMs: 60000 });
    await setField(dir, arg, 'description', 'round ' + round, { lockTimeoutMs: 60000 });
  }
  console.log(JSON.stringify({ role, key: arg }));
} else {
  const n = Number(arg);
  const pad = 'x'.repeat(200 + Number(id) * 50);
  for (let i = 0; i < n; i++) {
    appendEvent(log, { type: 'conversion', experimentId: 'exp', userId: 'w' + id + '-' + i, metric: 'm', value: i, timestamp: '2026-01-01T00:00:00.000Z', pad });
  }
  console.log(JSON.stringify({ role, n }));
}
`;

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function listFile(): string {
  const items = Array.from({ length: EDITORS + 2 }, (_, i) =>
    [`  - key: f${i}`, `    name: Flag ${i}`, '    description: ""', '    type: boolean', '    defaultValue: false', `    enabled: ${i % 2 === 0}`, '    rules: []', '    fallthrough: {value: true}', '    tags: []', '    owner: team', ''].join('\n'),
  );
  return `# shared by every editor\nflags:\n${items.join('\n')}`;
}

describe(`${EDITORS} editors and ${APPENDERS} appenders at once`, () => {
  it('every flip, every field and every event lands; the file and the log stay whole', async () => {
    const dir = projectWith({ 'shared.yaml': listFile() });
    dirs.push(dir);
    const flags = path.join(dir, 'flags');
    const log = path.join(dir, 'events.jsonl');
    const worker = path.join(dir, 'worker.mjs');
    writeFileSync(worker, WORKER);

    const jobs = [
      ...Array.from({ length: EDITORS }, (_, i) => run([worker, 'edit', `f${i}`, flags, log, String(i)])),
      ...Array.from({ length: APPENDERS }, (_, i) => run([worker, 'append', String(EVENTS), flags, log, String(i)])),
    ];
    // Let every process start (module loading takes longer than the work), then release them together.
    await new Promise((r) => setTimeout(r, 1500));
    writeFileSync(path.join(dir, 'go'), '');
    const results = await Promise.all(jobs);
    for (const r of results) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }

    // Flags: each editor's flag flipped ROUNDS times (parity), its last round written; the others untouched.
    const validate = runBin(['validate', '--strict'], { cwd: dir });
    expect(validate.code, validate.stdout).toBe(0);
    const list = JSON.parse(runBin(['list', '--json'], { cwd: dir }).stdout) as { key: string; enabled: boolean; description: string }[];
    expect(list.map((f) => f.key)).toEqual(Array.from({ length: EDITORS + 2 }, (_, i) => `f${i}`));
    for (const [i, f] of list.entries()) {
      const initial = i % 2 === 0;
      if (i < EDITORS) {
        expect(f.enabled, f.key).toBe(ROUNDS % 2 === 0 ? initial : !initial);
        expect(f.description, f.key).toBe(`round ${ROUNDS}`);
      } else {
        expect(f.enabled, f.key).toBe(initial);
        expect(f.description, f.key).toBe('');
      }
    }
    expect(readdirSync(flags)).toEqual(['shared.yaml']);
    expect(readFileSync(path.join(flags, 'shared.yaml'), 'utf8').startsWith('# shared by every editor\nflags:\n')).toBe(true);

    // Events: every line whole JSON, every (worker, i) exactly once.
    const text = readFileSync(log, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    // A writer that sees another's line still in progress starts its own with a
    // newline (event-log.ts: a torn last line must not swallow the next event);
    // the cost is a blank line, which readers skip. Nothing else may appear.
    const lines = text.slice(0, -1).split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(APPENDERS * EVENTS);
    const seen = new Set<string>();
    for (const line of lines) {
      const e = JSON.parse(line) as { userId: string; value: number; pad: string };
      expect(e.userId).toBe(`${e.userId.split('-')[0]}-${e.value}`);
      expect(e.pad).toMatch(/^x+$/);
      seen.add(e.userId);
    }
    expect(seen.size).toBe(APPENDERS * EVENTS);
  }, 180_000);
});
