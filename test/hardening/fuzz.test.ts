/**
 * Seeded fuzzing of flag files (issue 9: "bad flag files never crash or hang
 * any command"). Each case corrupts a valid file with 1–3 random mutations
 * (mutate.ts) and runs `validate`, `list`, `eval` and `toggle` on it,
 * in-process for speed, and a smaller sample through the real binary.
 *
 * Every run must: exit 0, 1 or 2; print no stack trace and no "internal
 * error"; finish; leave Object.prototype alone. `toggle` must leave the file
 * byte-identical when it fails, and otherwise change nothing but the toggled
 * `enabled` and `updatedAt` (compared as data, parsed independently with
 * yaml), with no temp file or lock left behind.
 *
 * Each run draws a new seed (printed in the test's name and with every
 * failure), so runs explore different files instead of repeating one fixed
 * set: 150 cases a run keep the file at a few seconds of CPU, and every run
 * adds new ones. Replay a run or go longer locally:
 *   FUZZ_SEED=123 FUZZ_RUNS=5000 npx vitest run test/hardening/fuzz.test.ts
 * and one failing case alone: FUZZ_SEED=123 FUZZ_ONLY=57.
 */
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parseDocument } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir, runBin, runMain, tempDir, type RunResult } from '../helpers/cli.js';
import { caseRng, mutate } from './mutate.js';
import { seedFiles } from './seeds.js';

const SEED = envInt('FUZZ_SEED', Math.floor(Math.random() * 0x7fffffff));
const RUNS = envInt('FUZZ_RUNS', 150);
const BIN_RUNS = envInt('FUZZ_BIN_RUNS', Math.max(3, Math.round(RUNS / 50)));
const ONLY = process.env.FUZZ_ONLY === undefined ? undefined : envInt('FUZZ_ONLY', 0);
/** A hang detector, not a timing assertion: an in-process command normally takes milliseconds. */
const COMMAND_TIMEOUT_MS = 20_000;

function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`${name} must be an integer, got ${v}`);
  return n;
}

const STACK = /\n\s+at /;
const SEEDS = seedFiles();

interface FuzzCase {
  index: number;
  seedName: string;
  key: string;
  text: string;
  applied: string[];
}

function makeCase(index: number): FuzzCase {
  const r = caseRng(SEED, index);
  const seed = SEEDS[Math.floor(r() * SEEDS.length)];
  const key = seed.keys[Math.floor(r() * seed.keys.length)];
  const { text, applied } = mutate(seed.text, r);
  return { index, seedName: seed.name, key, text, applied };
}

function describeCase(c: FuzzCase): string {
  return `FUZZ_SEED=${SEED} case ${c.index} (rerun alone: FUZZ_SEED=${SEED} FUZZ_ONLY=${c.index}); seed file ${c.seedName}, key ${c.key}, mutations [${c.applied.join(', ')}]\ntext: ${JSON.stringify(c.text).slice(0, 4000)}`;
}

function commandsFor(c: FuzzCase, r: () => number): string[][] {
  const evalArgs =
    r() < 0.25
      ? ['eval', '--all', '--json', '--set', 'tenant.type=enterprise']
      : ['eval', c.key, '--set', 'user.id=u-42', '--set', 'tenant.type=enterprise', '--set', 'user.email=a@example.com', '--set', 'attributes.appVersion=2.4.0', ...(r() < 0.5 ? ['--json'] : []), ...(r() < 0.3 ? ['--env', 'staging'] : [])];
  return [['validate', ...(r() < 0.5 ? ['--format', 'json'] : [])], ['list', ...(r() < 0.5 ? ['--json'] : [])], evalArgs];
}

function checkRun(what: string, r: RunResult): string[] {
  const problems: string[] = [];
  if (![0, 1, 2].includes(r.code)) problems.push(`${what}: exit code ${r.code}`);
  if (STACK.test(r.stderr) || STACK.test(r.stdout)) problems.push(`${what}: stack trace in output:\n${r.stderr.slice(0, 2000)}`);
  if (/internal error/i.test(r.stderr)) problems.push(`${what}: internal error: ${r.stderr.slice(0, 2000)}`);
  // Node's own warnings ("(node:123) Warning: …") are noise the user cannot act on.
  if (/\(node:\d+\)|Warning: /.test(r.stderr)) problems.push(`${what}: a process warning on stderr: ${r.stderr.slice(0, 2000)}`);
  return problems;
}

async function withTimeout<T>(what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${COMMAND_TIMEOUT_MS} ms (hang)`)), COMMAND_TIMEOUT_MS);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Plain data of a YAML text, parsed independently of the code under test (BOM stripped as flags does). */
function dataOf(text: string): unknown {
  const doc = parseDocument(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, { uniqueKeys: true, logLevel: 'error' });
  if (doc.errors.length > 0) throw new Error(`does not parse: ${doc.errors[0].message}`);
  return doc.toJS({ maxAliasCount: 100 });
}

/** The mapping of flag `key` in a file's data (one-flag or list form). */
function flagIn(data: unknown, key: string): Record<string, unknown> | undefined {
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObj(data)) return undefined;
  if (Array.isArray(data.flags)) return data.flags.find((f): f is Record<string, unknown> => isObj(f) && f.key === key);
  return data.key === key ? data : undefined;
}

/** What is wrong with a toggle's effect on the file, or []. */
function checkToggle(c: FuzzCase, before: string, after: string, r: RunResult, flagsDir: string): string[] {
  const problems: string[] = [];
  const leftovers = readdirSync(flagsDir).filter((n) => n.endsWith('.tmp') || n.endsWith('.lock'));
  if (leftovers.length > 0) problems.push(`toggle left ${leftovers.join(', ')} behind`);
  if (r.code !== 0) {
    if (after !== before) problems.push(`toggle failed (exit ${r.code}: ${r.stderr.trim()}) but changed the file:\n${after.slice(0, 2000)}`);
    return problems;
  }
  if (after === before) return problems;
  let old: unknown;
  let now: unknown;
  try {
    old = dataOf(before);
    now = dataOf(after);
  } catch (e) {
    problems.push(`toggle wrote a file that ${(e as Error).message}:\n${after.slice(0, 2000)}`);
    return problems;
  }
  const oldFlag = flagIn(old, c.key);
  const newFlag = flagIn(now, c.key);
  if (!oldFlag || !newFlag) {
    problems.push(`toggle succeeded but flag ${c.key} is ${oldFlag ? 'gone after' : 'not found before'} the edit`);
    return problems;
  }
  if (typeof newFlag.enabled !== 'boolean' || newFlag.enabled === (oldFlag.enabled === true)) {
    problems.push(`toggle did not flip enabled: ${JSON.stringify(oldFlag.enabled)} → ${JSON.stringify(newFlag.enabled)}`);
  }
  // Everything else must be the same data: put the two changed fields back and compare.
  const expected = dataOf(before); // a fresh copy (structuredClone would turn a !!binary Buffer into a Uint8Array)
  const target = flagIn(expected, c.key)!;
  target.enabled = newFlag.enabled;
  // A missing updatedAt is added; key order does not matter for data equality.
  if (Object.hasOwn(newFlag, 'updatedAt')) target.updatedAt = newFlag.updatedAt;
  else delete target.updatedAt;
  if (!isDeepStrictEqual(expected, now)) {
    problems.push(`toggle changed more than enabled and updatedAt:\nbefore: ${before.slice(0, 2000)}\nafter: ${after.slice(0, 2000)}`);
  }
  return problems;
}

function writeProject(c: FuzzCase): { dir: string; flagsDir: string; file: string } {
  const dir = tempDir('flags-fuzz-');
  const flagsDir = path.join(dir, 'flags');
  mkdirSync(flagsDir);
  const file = path.join(flagsDir, c.seedName);
  writeFileSync(file, c.text);
  return { dir, flagsDir, file };
}

const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

describe(`fuzzed flag files (FUZZ_SEED=${SEED}, ${RUNS} in-process cases, ${BIN_RUNS} through the binary)`, () => {
  it('every command exits 0/1/2 without a stack trace or hang, and toggle never corrupts a file', async () => {
    const failures: string[] = [];
    // In-process, a library's process.emitWarning is what the binary would print on stderr.
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    const indexes = ONLY !== undefined ? [ONLY] : Array.from({ length: RUNS }, (_, i) => i);
    for (const index of indexes) {
      const c = makeCase(index);
      const r = caseRng(SEED ^ 0x5bd1e995, index);
      const { dir, flagsDir, file } = writeProject(c);
      const problems: string[] = [];
      try {
        for (const argv of commandsFor(c, r)) {
          warnings.length = 0;
          const res = await withTimeout(argv.join(' '), runMain(argv, { cwd: dir }));
          problems.push(...checkRun(argv.join(' '), res));
          // Warnings are emitted on the next tick.
          await new Promise((resolve) => setImmediate(resolve));
          if (warnings.length > 0) problems.push(`${argv.join(' ')}: process warning: ${warnings[0]}`);
        }
        const before = readFileSync(file, 'utf8');
        const toggle = await withTimeout('toggle', runMain(['toggle', c.key], { cwd: dir }));
        problems.push(...checkRun('toggle', toggle));
        problems.push(...checkToggle(c, before, readFileSync(file, 'utf8'), toggle, flagsDir));
      } catch (e) {
        problems.push(`threw: ${(e as Error).stack ?? e}`);
      } finally {
        removeDir(dir);
      }
      if (problems.length > 0) failures.push(`${describeCase(c)}\n  ${problems.join('\n  ')}`);
      if (failures.length >= 5) break;
    }
    process.off('warning', onWarning);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(failures, failures.join('\n\n')).toEqual([]);
  }, 240_000);

  it('a sample through the real binary behaves the same', () => {
    const failures: string[] = [];
    // Cases beyond the in-process range, so the binary sees other files.
    const indexes = ONLY !== undefined ? [ONLY] : Array.from({ length: BIN_RUNS }, (_, i) => RUNS + i);
    for (const index of indexes) {
      const c = makeCase(index);
      const r = caseRng(SEED ^ 0x5bd1e995, index);
      const { dir, flagsDir, file } = writeProject(c);
      dirs.push(dir);
      const problems: string[] = [];
      for (const argv of commandsFor(c, r)) {
        const res = runBin(argv, { cwd: dir });
        if (res.code === -1) problems.push(`${argv.join(' ')}: killed by the 60 s timeout (hang)`);
        problems.push(...checkRun(argv.join(' '), res));
      }
      const before = readFileSync(file, 'utf8');
      const toggle = runBin(['toggle', c.key], { cwd: dir });
      if (toggle.code === -1) problems.push('toggle: killed by the 60 s timeout (hang)');
      problems.push(...checkRun('toggle', toggle));
      problems.push(...checkToggle(c, before, readFileSync(file, 'utf8'), toggle, flagsDir));
      if (problems.length > 0) failures.push(`${describeCase(c)}\n  ${problems.join('\n  ')}`);
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
  }, 240_000);

  it('the oracle itself notices a corrupted toggle (the checks can fail)', () => {
    const c: FuzzCase = { index: -1, seedName: 'limits.yaml', key: 'limits', text: '', applied: [] };
    const before = SEEDS[2].text;
    const flipped = before.replace('enabled: false', 'enabled: true');
    const ok: RunResult = { code: 0, stdout: '', stderr: '' };
    const dir = tempDir('flags-fuzz-');
    dirs.push(dir);
    expect(checkToggle(c, before, flipped, ok, dir)).toEqual([]);
    expect(checkToggle(c, before, flipped.replace('owner: platform-team', 'owner: other'), ok, dir)).toHaveLength(1);
    expect(checkToggle(c, before, flipped.slice(0, 40), ok, dir).length).toBeGreaterThan(0);
    expect(checkToggle(c, before, before, ok, dir)).toEqual([]);
    expect(checkToggle(c, before, flipped, { code: 1, stdout: '', stderr: 'x' }, dir)).toHaveLength(1);
    expect(checkRun('x', { code: 134, stdout: '', stderr: 'TypeError: x\n    at f (a.js:1:1)' })).toHaveLength(2);
    expect(checkRun('x', { code: 1, stdout: '', stderr: 'internal error: boom' })).toHaveLength(1);
  });
});
