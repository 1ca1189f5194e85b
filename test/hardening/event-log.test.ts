/**
 * The event log as hostile input (issue 9): torn lines, garbage, lines of
 * the wrong shape, binary bytes, huge lines, events of other experiments and
 * of unknown variants are counted and reported by `flags experiment results`,
 * never fatal, never mixed into the arms.
 *
 * The fold itself is tested line by line in test/experiments/tally.test.ts
 * ("tally of a synthetic log with noise", torn lines) and the reader in
 * test/store/event-log.test.ts; here the whole command runs on one noisy log.
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { flagYaml, projectWith, removeDir, runBin, runMain } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

// After the experiment's startDate (set by `start` from the clock): SPEC 8 excludes events before it.
const T = new Date(Date.now() + 86_400_000).toISOString();
const T2 = new Date(Date.now() + 2 * 86_400_000).toISOString();
const exposure = (userId: string, variant: string, experimentId = 'exp') => JSON.stringify({ type: 'exposure', experimentId, userId, variant, timestamp: T });
const conversion = (userId: string, metric = 'buy', experimentId = 'exp') => JSON.stringify({ type: 'conversion', experimentId, userId, metric, timestamp: T2 });

async function runningExperiment(): Promise<{ dir: string; log: string }> {
  const dir = projectWith({ 'good.yaml': flagYaml('good') });
  dirs.push(dir);
  const create = await runMain(['experiment', 'create', 'exp', '--flag', 'exp-flag', '--name', 'Exp', '--control', 'a', '--treatment', 'b', '--metric', 'buy'], { cwd: dir });
  expect(create.code, create.stderr).toBe(0);
  expect((await runMain(['experiment', 'start', 'exp'], { cwd: dir })).code).toBe(0);
  // The events below are dated 2026-01-01; results count only those inside the experiment's window (SPEC 8).
  const def = path.join(dir, 'flags', 'experiments', 'exp.yaml');
  writeFileSync(def, readFileSync(def, 'utf8').replace(/^startDate: .*$/m, 'startDate: 2025-12-31'));
  const log = path.join(dir, 'flags', 'experiments', 'events.jsonl');
  return { dir, log };
}

interface ResultsJson {
  arms: { key: string; users: number; converters: number }[];
  excluded: { multipleArms: number; conversionsBeforeExposure: number; conversionsWithoutExposure: number; malformedLines: number };
  sampleSize: number;
}

describe('flags experiment results on a noisy log', () => {
  const good: string[] = [];
  for (let i = 0; i < 10; i++) good.push(exposure(`u${i}`, i < 5 ? 'a' : 'b'));
  good.push(conversion('u1'), conversion('u6'), conversion('u7'));
  const malformed = [
    'not json at all',
    '{"type": "exposure", "experimentId": "exp"',
    '[1, 2, 3]',
    'null',
    '42',
    '"a string"',
    JSON.stringify({ type: 'exposure', experimentId: 'exp', userId: 'x1', timestamp: T }), // no variant
    JSON.stringify({ type: 'conversion', experimentId: 'exp', userId: 'x2', timestamp: T }), // no metric
    JSON.stringify({ type: 'click', experimentId: 'exp', userId: 'x3', timestamp: T }),
    JSON.stringify({ type: 'exposure', experimentId: 'exp', userId: 42, variant: 'a', timestamp: T }),
    JSON.stringify({ type: 'exposure', experimentId: 'exp', userId: 'x4', variant: 'a', timestamp: 'yesterday' }),
    '{"type": "conversion", "experimentId": "exp", "userId": "x5", "metric": "buy", "value": 1e999, "timestamp": "2026-01-01T00:00:00Z"}',
    '\u0000\u0001\u0002binary\u00ff',
    '{"type": "exposure", "experimentId": "exp", "userId": "' + 'z'.repeat(1 << 20) + '"',
  ];
  const noise = [
    exposure('u99', 'nope'), // an arm the experiment does not have
    exposure('o1', 'a', 'other-experiment'),
    conversion('o1', 'buy', 'other-experiment'),
    exposure('__proto__', 'a'),
    exposure('constructor', 'b'),
    '',
    '   ',
  ];

  function writeLog(log: string): void {
    mkdirSync(path.dirname(log), { recursive: true });
    // Interleave: noise and garbage between the good lines, then a torn last line.
    const lines: string[] = [];
    const extra = [...malformed, ...noise];
    good.forEach((l, i) => lines.push(l, ...(extra[i] !== undefined ? [extra[i]] : [])));
    lines.push(...extra.slice(good.length));
    writeFileSync(log, lines.join('\n') + '\n');
    // Invalid UTF-8 too.
    appendFileSync(log, Buffer.from([0xff, 0xfe, 0x80, 0x0a]));
    appendFileSync(log, '{"type":"exposure","experimentId":"exp","userId":"torn');
  }

  it('--json: the arms hold only the valid events of known arms; every bad line is counted', async () => {
    const { dir, log } = await runningExperiment();
    writeLog(log);
    const r = await runMain(['experiment', 'results', 'exp', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
    const out = JSON.parse(r.stdout) as ResultsJson;
    // u0–u4 and __proto__ in a, u5–u9 and constructor in b; conversions u1 (a), u6 and u7 (b).
    expect(out.arms.map((a) => [a.key, a.users, a.converters])).toEqual([
      ['a', 6, 1],
      ['b', 6, 2],
    ]);
    expect(out.sampleSize).toBe(12);
    // Every malformed line, the invalid UTF-8 line and the torn last line.
    expect(out.excluded.malformedLines).toBe(malformed.length + 2);
    expect(out.excluded.conversionsWithoutExposure).toBe(0);
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('a');
  });

  it('text: says how many lines were skipped, with examples, and the exposures to an unknown arm', async () => {
    const { dir, log } = await runningExperiment();
    writeLog(log);
    const r = await runMain(['experiment', 'results', 'exp'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`skipped ${malformed.length + 2} malformed lines of the log \\(line \\d+: not valid JSON`));
    expect(r.stdout).toMatch(/1 exposure to a variant that is not an arm/);
  });

  it('the real binary gives the same answer, and a later append starts after the torn line', async () => {
    const { dir, log } = await runningExperiment();
    writeLog(log);
    const before = JSON.parse(runBin(['experiment', 'results', 'exp', '--json'], { cwd: dir }).stdout) as ResultsJson;
    const expose = runBin(['experiment', 'expose', 'exp', '--user', 'late', '--variant', 'a'], { cwd: dir });
    expect(expose.code, expose.stderr).toBe(0);
    const after = runBin(['experiment', 'results', 'exp', '--json'], { cwd: dir });
    expect(after.code).toBe(0);
    const out = JSON.parse(after.stdout) as ResultsJson;
    expect(out.arms[0].users).toBe(before.arms[0].users + 1);
    // The torn line is still one malformed line (no longer the last), not two.
    expect(out.excluded.malformedLines).toBe(before.excluded.malformedLines);
  });

  it('a missing or empty log is no data, not an error; a log that is a folder is a clear error', async () => {
    const { dir, log } = await runningExperiment();
    const missing = await runMain(['experiment', 'results', 'exp', '--json'], { cwd: dir });
    expect(missing.code, missing.stderr).toBe(0);
    expect((JSON.parse(missing.stdout) as ResultsJson).sampleSize).toBe(0);
    writeFileSync(log, '');
    expect((await runMain(['experiment', 'results', 'exp'], { cwd: dir })).code).toBe(0);
    const folder = await runMain(['experiment', 'results', 'exp', '--log', dir], { cwd: dir });
    expect(folder.code).toBe(1);
    expect(folder.stderr.trim().split('\n')).toHaveLength(1);
    expect(folder.stderr).toMatch(/^error: cannot read the event log/);
  });
});
