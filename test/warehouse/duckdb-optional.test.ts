/**
 * @duckdb/node-api is an optional dependency: the built CLI, installed
 * without it, still runs every command, and `--engine duckdb` says how to add
 * it. The bundle is copied to a folder with no node_modules, as
 * `npm install --omit=optional` (or a platform without a prebuilt binary)
 * leaves it. Needs `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { removeDir, ROOT, tempDir } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

it('without @duckdb/node-api the CLI runs, and --engine duckdb names the package to install', () => {
  const install = tempDir('flags-noduck-');
  dirs.push(install);
  for (const f of ['bin/flags.cjs', 'scripts/load-cli.cjs', 'dist/cli.cjs']) {
    mkdirSync(path.dirname(path.join(install, f)), { recursive: true });
    cpSync(path.join(ROOT, f), path.join(install, f));
  }
  writeFileSync(path.join(install, 'package.json'), '{"name":"flagyard","type":"module"}');
  const project = path.join(install, 'project');
  const flags = path.join(project, 'flags');
  mkdirSync(path.join(flags, 'experiments'), { recursive: true });
  const run = (...args: string[]) => spawnSync(process.execPath, [path.join(install, 'bin/flags.cjs'), ...args], { cwd: project, encoding: 'utf8', env: { PATH: process.env.PATH }, timeout: 30_000 });
  expect(run('experiment', 'create', 'checkout', '--flag', 'checkout-color', '--name', 'C', '--control', 'blue', '--treatment', 'green', '--metric', 'purchase').status).toBe(0);
  writeFileSync(path.join(project, 'events.jsonl'), '{"type":"exposure","experimentId":"checkout","userId":"u1","variant":"blue","timestamp":"2026-11-02T00:00:00.000Z"}\n');
  const streaming = run('experiment', 'results', 'checkout', '--log', 'events.jsonl', '--json');
  expect(streaming.stderr).toBe('');
  expect(JSON.parse(streaming.stdout).arms[0].users).toBe(1);
  const duck = run('experiment', 'results', 'checkout', '--log', 'events.jsonl', '--engine', 'duckdb');
  expect(duck.status).toBe(1);
  expect(duck.stdout).toBe('');
  expect(duck.stderr).toMatch(/^error: --engine duckdb needs the optional package @duckdb\/node-api, which is not installed .*run `npm install @duckdb\/node-api`, or leave out --engine to use the streaming reader\n$/);
  // The SQL for a warehouse needs no DuckDB either.
  expect(run('experiment', 'sql', 'checkout', '--dialect', 'duckdb').status).toBe(0);
});
