/**
 * The real binary with its peak memory: the child's own
 * `process.resourceUsage().maxRSS` (kB), written at exit by a preloaded script.
 *
 * The child runs with `--single-threaded-gc`: with V8's helper threads, how
 * much garbage piles up before a collection finishes depends on whether those
 * threads get a core, so on a loaded machine the same run peaked anywhere from
 * 93 to 202 MB. Collecting on the main thread makes the peak a property of the
 * program (the same figure, loaded or not), which is what these bounds test.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BIN } from './cli.js';

export interface PeakRssRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory in kB; NaN when the child died before its exit handler. */
  rssKb: number;
}

export function runBinWithPeakRss(dir: string, args: string[], opts: { timeout?: number; maxBuffer?: number } = {}): PeakRssRun {
  const preload = path.join(dir, 'rss.cjs');
  const rssFile = path.join(dir, 'rss.txt');
  writeFileSync(preload, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`);
  const r = spawnSync(process.execPath, ['--single-threaded-gc', '-r', preload, BIN, ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: opts.timeout ?? 60_000,
    maxBuffer: opts.maxBuffer ?? 64 * 1024 * 1024,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, rssKb: existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : NaN };
}
