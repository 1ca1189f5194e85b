/**
 * Issue 13, items 7, 12 and 14: what the event log may be.
 * - 7: a committed `flags/experiments/events.jsonl` that is a link to a
 *   script outside the repository got JSON appended to it. The default log is
 *   never written through a link leaving the flags directory; --log and
 *   FLAGS_EVENT_LOG are the user's explicit choice and are written as given.
 * - 14: a FIFO as the log made `expose` say "recorded" and lose the event, and
 *   `results` hang on a FIFO or /dev/zero. Logs must be regular files.
 * - 12: one line over 512 MB ended `results` with an internal error, and a
 *   1.1 GB line took 2.2 GB of memory; `eval --contexts` on 600 MB without a
 *   newline said "Invalid string length". Lines are capped at 16 MiB: longer
 *   ones are counted as malformed (results) or an error naming the line
 *   (eval), in bounded memory.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, symlinkSync, writeSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runBinWithPeakRss } from '../helpers/peak-rss.js';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, flagYaml, projectWith, removeDir, runMain, tempDir } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

async function runningExperiment(): Promise<{ dir: string; log: string }> {
  const dir = projectWith({ 'good.yaml': flagYaml('good') });
  dirs.push(dir);
  const create = await runMain(['experiment', 'create', 'exp', '--flag', 'exp-flag', '--name', 'Exp', '--control', 'a', '--treatment', 'b', '--metric', 'buy'], { cwd: dir });
  expect(create.code, create.stderr).toBe(0);
  expect((await runMain(['experiment', 'start', 'exp'], { cwd: dir })).code).toBe(0);
  return { dir, log: path.join(dir, 'flags', 'experiments', 'events.jsonl') };
}

const expose = (dir: string, extra: string[] = [], env: Record<string, string> = {}) =>
  runMain(['experiment', 'expose', 'exp', '--user', 'x$(touch pwned)', '--variant', 'a', ...extra], { cwd: dir, env });

/** The binary with its peak memory, in kB (test/helpers/peak-rss.ts). */
const binWithRss = runBinWithPeakRss;

/** A file of `mb` megabytes of `x` without a newline, then `tail`. */
function bigLine(file: string, mb: number, tail: string): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(1 << 20, 'x');
  for (let i = 0; i < mb; i++) writeSync(fd, chunk);
  writeSync(fd, tail);
  closeSync(fd);
}

describe('the default log is never written through a link leaving the flags directory (7)', () => {
  it('a link to a script outside: refused, the script untouched; an explicit --log or FLAGS_EVENT_LOG is written', async () => {
    const { dir, log } = await runningExperiment();
    const outside = tempDir('flags-outside-');
    dirs.push(outside);
    const script = path.join(outside, 'deploy.sh');
    writeFileSync(script, '#!/bin/sh\necho deploying\n');
    symlinkSync(script, log);
    const r = await expose(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: refusing to write the event log .*events\.jsonl: it leads to .*deploy\.sh, outside the flags directory \(give --log or FLAGS_EVENT_LOG to log elsewhere\)\n$/);
    expect(readFileSync(script, 'utf8')).toBe('#!/bin/sh\necho deploying\n');
    // The user's explicit choice is written as given.
    expect((await expose(dir, ['--log', log])).code).toBe(0);
    expect((await expose(dir, [], { FLAGS_EVENT_LOG: log })).code).toBe(0);
    expect(readFileSync(script, 'utf8').split('\n')).toHaveLength(5);
  });

  it('a dangling link to the outside is not created through; a link inside the flags directory is followed', async () => {
    const { dir, log } = await runningExperiment();
    const target = path.join(dir, 'not-yet.sh');
    symlinkSync(target, log);
    const r = await expose(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refusing to write the event log .*: it leads to .*not-yet\.sh, outside the flags directory/);
    expect(existsSync(target)).toBe(false);
    removeDir(log);
    symlinkSync(path.join(dir, 'no/such/folder.sh'), log);
    expect((await expose(dir)).stderr).toMatch(/refusing to write the event log .*: it is a symbolic link that does not resolve/);
    removeDir(log);
    mkdirSync(path.join(dir, 'flags/logs'));
    symlinkSync(path.join(dir, 'flags/logs/all.jsonl'), log);
    expect((await expose(dir)).code).toBe(0);
    expect(readFileSync(path.join(dir, 'flags/logs/all.jsonl'), 'utf8')).toContain('"userId":"x$(touch pwned)"');
  });
});

describe('logs must be regular files (14)', () => {
  it('a FIFO or a device: expose and results fail at once, naming it', async () => {
    const { dir } = await runningExperiment();
    const fifo = path.join(dir, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    for (const [log, what] of [
      [fifo, 'a FIFO'],
      ['/dev/zero', 'a device'],
      ['/dev/null', 'a device'],
    ]) {
      const e = await expose(dir, ['--log', log]);
      expect([e.code, e.stdout, e.stderr]).toEqual([1, '', `error: the event log ${log} is ${what}; it must be a regular file\n`]);
      // Through the binary: a hang (before: forever) is a failure when the child is killed.
      const r = spawnSync(process.execPath, [BIN, 'experiment', 'results', 'exp', '--log', log], { cwd: dir, encoding: 'utf8', timeout: 20_000, env: { PATH: process.env.PATH } });
      expect([r.status, r.stderr], log).toEqual([1, `error: the event log ${log} is ${what}; it must be a regular file\n`]);
    }
  }, 60_000);
});

describe('lines are capped at 16 MiB, in bounded memory (12)', () => {
  it('results: a 40 MB line is one malformed line; the events around it are counted', async () => {
    const { dir, log } = await runningExperiment();
    // Stamped after the experiment started (SPEC 8: events outside its window are not counted).
    const at = new Date(Date.now() + 60_000).toISOString();
    const ev = (u: string) => JSON.stringify({ type: 'exposure', experimentId: 'exp', userId: u, variant: 'a', timestamp: at });
    writeFileSync(log, ev('before') + '\n');
    const fd = openSync(log, 'a');
    const chunk = Buffer.alloc(1 << 20, 'x');
    for (let i = 0; i < 40; i++) writeSync(fd, chunk);
    writeSync(fd, '\n' + ev('after') + '\n');
    closeSync(fd);
    const r = binWithRss(dir, ['experiment', 'results', 'exp', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { arms: { key: string; users: number }[]; excluded: { malformedLines: number } };
    expect(out.excluded.malformedLines).toBe(1);
    expect(out.arms.find((a) => a.key === 'a')?.users).toBe(2);
    // Holding the line took over 120 MB (buffer doubling plus its string); the cap holds 16 MiB.
    expect(r.rssKb).toBeLessThan(110_000);
    const text = await runMain(['experiment', 'results', 'exp'], { cwd: dir });
    expect(text.stdout).toMatch(/line 2: line of 41,943,040 bytes, over the 16 MiB limit \(not read\)/);
  }, 60_000);

  it('eval --contexts: a 40 MB line without a newline is an error naming the line', () => {
    const dir = projectWith({ 'a.yaml': flagYaml('a') });
    dirs.push(dir);
    bigLine(path.join(dir, 'ctx.jsonl'), 40, '');
    writeFileSync(path.join(dir, 'ctx.jsonl'), '{}\n' + readFileSync(path.join(dir, 'ctx.jsonl'), 'latin1'), 'latin1');
    const r = binWithRss(dir, ['eval', 'a', '--contexts', 'ctx.jsonl']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('{"key":"a","value":false,"reason":"DEFAULT"}\n');
    expect(r.stderr).toBe('error: ctx.jsonl:2: line longer than 16 MiB (a context is one JSON object per line)\n');
    expect(r.rssKb).toBeLessThan(200_000);
  }, 60_000);
});
