/**
 * Values typed on the command line (issue 19 item 2, "one value parser"):
 * `set`, `create --default/--on-value/--rollout`, `rollout`, `weights` and
 * `rule add --value/--percentage` read numbers the same way. A value a flag
 * file cannot hold as typed (overflow, underflow, lost digits) or that is no
 * decimal number at all gets one line naming the field and the value, exit 2,
 * and no file changes; the values one command takes, the others take too.
 * In-process (runMain), one temporary project per test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSetValue } from '../../src/cli/context-args.js';
import { readContextFile } from '../../src/store/context-file.js';
import { addRule, setEnvRollout, setWeights } from '../../src/store/rule-edits.js';
import { createFlag, setRollout } from '../../src/store/flag-edits.js';
import { projectWith, removeDir, runMain } from '../helpers/cli.js';
import { NUM } from '../helpers/flags.js';

const JS = 'key: js\nname: js\ndescription: ""\ntype: json\ndefaultValue: {}\nenabled: true\nrules: []\nfallthrough:\n  value: {on: true}\ntags: []\nowner: team\n';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) removeDir(dirs.pop()!);
});

function project(): string {
  const dir = projectWith({ 'num.yaml': NUM, 'js.yaml': JS });
  dirs.push(dir);
  return dir;
}

/** Every file under flags/ with its content: nothing written, no lock or temp file left. */
function snapshot(dir: string): Record<string, string> {
  const flags = path.join(dir, 'flags');
  return Object.fromEntries(readdirSync(flags).map((n) => [n, readFileSync(path.join(flags, n), 'utf8')]));
}

const run = (dir: string, argv: string[]) => runMain(argv, { cwd: dir, now: new Date('2026-03-01T12:00:00Z') });

/** Values no command takes as a number, and what the message adds about each. */
const BAD_NUMBERS: [string, string][] = [
  ['1e999', ' (out of range: beyond ±1.8e308)'],
  ['-1e999', ' (out of range: beyond ±1.8e308)'],
  ['1e-999', ' (out of range: too close to 0, it would be stored as 0)'],
  ['99999999999999999999', ' (more digits than a number holds: it would be stored as 100000000000000000000)'],
  ['12345678901234567890123', ' (more digits than a number holds: it would be stored as 1.2345678901234568e+22)'],
  ['NaN', ''],
  ['Infinity', ''],
  ['0x10', ''],
  ['1_000', ''],
  ['', ''],
  [' ', ''],
];

/** Each command that reads a number, with the start of its message for `value`. */
const FORMS: [string, (v: string) => string[], (v: string) => string][] = [
  ['set fallthrough.percentage', (v) => ['set', 'num', 'fallthrough.percentage', v], (v) => `fallthrough.percentage takes a number, got "${v}"`],
  ['set rules.<id>.percentage', (v) => ['set', 'num', 'rules.r1.percentage', v], (v) => `rules.r1.percentage takes a number, got "${v}"`],
  ['set variants.<key>.weight', (v) => ['set', 'num', 'variants.a.weight', v], (v) => `variants.a.weight takes a number, got "${v}"`],
  ['set defaultValue', (v) => ['set', 'num', 'defaultValue', v], (v) => `defaultValue of a number flag must be a number, got "${v}"`],
  ['set rules.<id>.value', (v) => ['set', 'num', 'rules.r1.value', v], (v) => `rules.r1.value of a number flag must be a number, got "${v}"`],
  ['set environments.<env>.value', (v) => ['set', 'num', 'environments.staging.value', v], (v) => `environments.staging.value of a number flag must be a number, got "${v}"`],
  ['create --default', (v) => ['create', 'fresh', '--type', 'number', '--default', v], (v) => `--default of a number flag must be a number, got "${v}"`],
  ['create --on-value', (v) => ['create', 'fresh', '--type', 'number', '--default', '1', '--on-value', v, '--rollout', '5'], (v) => `--on-value of a number flag must be a number, got "${v}"`],
  ['create --rollout', (v) => ['create', 'fresh', '--type', 'boolean', '--default', 'false', '--rollout', v], (v) => `--rollout must be a number from 0 to 100 (e.g. 25 or 12.5), got "${v}"`],
  ['rollout', (v) => ['rollout', 'num', v], (v) => `rollout percentage must be a number from 0 to 100 (e.g. 25 or 12.5), got "${v}"`],
  ['rollout --rule', (v) => ['rollout', 'num', v, '--rule', 'r1'], (v) => `rollout percentage must be a number from 0 to 100 (e.g. 25 or 12.5), got "${v}"`],
  ['rollout --env', (v) => ['rollout', 'num', v, '--env', 'staging'], (v) => `rollout percentage must be a number from 0 to 100 (e.g. 25 or 12.5), got "${v}"`],
  ['weights', (v) => ['weights', 'num', `a=${v}`, 'b=50'], (v) => `weight of a must be a number from 0 to 100 (e.g. 25 or 12.5), got "${v}"`],
  ['rule add --value', (v) => ['rule', 'add', 'num', '--id', 'r2', '--when', 'plan equals free', '--value', v], (v) => `the value of rule "r2" of a number flag must be a number, got "${v}"`],
  ['rule add --percentage', (v) => ['rule', 'add', 'num', '--id', 'r2', '--when', 'plan equals free', '--value', '5', '--percentage', v], (v) => `percentage must be a number from 0 to 100 (e.g. 25 or 12.5), got "${v}"`],
];

describe('a number no flag file can hold as typed is a bad argument everywhere', () => {
  it.each(FORMS)('%s: one line naming the field and the value, exit 2, nothing written', async (_name, argv, message) => {
    const dir = project();
    const before = snapshot(dir);
    for (const [value, reason] of BAD_NUMBERS) {
      const r = await run(dir, argv(value));
      // The percentages of rollout/weights reject blanks and words without a reason; every reason is the reader's.
      expect({ value, code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ value, code: 2, stderr: `error: ${message(value)}${reason}\n`, stdout: '' });
      expect(snapshot(dir)).toEqual(before);
    }
  });
});

describe('a number inside a json value is read the same way', () => {
  it.each([
    ['1e999', '1e999', ' (out of range: beyond ±1.8e308)'],
    ['{"limit": -1e999}', '-1e999', ' (out of range: beyond ±1.8e308)'],
    ['[1, 2, 1e-400]', '1e-400', ' (out of range: too close to 0, it would be stored as 0)'],
    ['{"id": 12345678901234567890}', '12345678901234567890', ' (more digits than a number holds: it would be stored as 12345678901234567000)'],
  ])('%s', async (value, token, reason) => {
    const dir = project();
    const before = snapshot(dir);
    for (const argv of [
      ['set', 'js', 'defaultValue', value],
      ['set', 'js', 'fallthrough.value', value],
      ['create', 'cfg', '--type', 'json', '--default', value],
      ['create', 'cfg', '--type', 'json', '--default', '{}', '--on-value', value],
    ]) {
      const what = argv[0] === 'set' ? argv[2] : argv[4] === '--default' && argv[5] === value ? '--default' : '--on-value';
      const r = await run(dir, argv);
      expect({ argv, code: r.code, stderr: r.stderr }).toEqual({ argv, code: 2, stderr: `error: ${what} of a json flag holds the number ${token}, which a flag file cannot hold${reason}\n` });
    }
    expect(snapshot(dir)).toEqual(before);
  });

  it('NaN, an empty value and deep nesting are refused before parsing; numbers inside strings are text', async () => {
    const dir = project();
    const before = snapshot(dir);
    expect(await run(dir, ['set', 'js', 'defaultValue', 'NaN'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: defaultValue of a json flag must be JSON \(e\.g\. '\{"limit": 3\}' or '"text"'\), got "NaN": .*\n$/) });
    expect(await run(dir, ['set', 'js', 'defaultValue', ''])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: defaultValue of a json flag must be JSON .*, got "": .*\n$/) });
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    expect(await run(dir, ['set', 'js', 'defaultValue', deep])).toEqual({ code: 2, stdout: '', stderr: 'error: defaultValue of a json flag nests deeper than 64 levels\n' });
    expect(snapshot(dir)).toEqual(before);
    const text = await run(dir, ['set', 'js', 'defaultValue', '{"note": "1e999 [[ \\" 0x10", "n": -0}']);
    expect(text).toMatchObject({ code: 0, stdout: 'Set js defaultValue: {} → {"note":"1e999 [[ \\" 0x10","n":0}\n' });
    expect(snapshot(dir)['js.yaml']).toContain('defaultValue: {note: "1e999 [[ \\" 0x10", n: 0}\n');
  });
});

describe('what one command takes, the others take too', () => {
  it('-0 is 0 (it used to fail inside the YAML editor)', async () => {
    const dir = project();
    expect((await run(dir, ['set', 'num', 'defaultValue', '-0'])).stdout).toBe('Set num defaultValue: 1 → 0\n');
    expect((await run(dir, ['set', 'num', 'rules.r1.percentage', '-0'])).stdout).toBe('Set num rules.r1.percentage: (not set) → 0\n');
    expect((await run(dir, ['rollout', 'num', '-0'])).stdout).toBe('Rollout of num (fallthrough): 10% → 0%\n');
    const text = snapshot(dir)['num.yaml'];
    expect(text).toContain('defaultValue: 0\n');
    expect(text).toContain('fallthrough:\n  percentage: 0\n');
    expect(text).not.toMatch(/: -0\b/);
  });

  it('a percentage is written 25, 25% or 2.5e1 in set, rollout and weights alike', async () => {
    const dir = project();
    expect((await run(dir, ['set', 'num', 'fallthrough.percentage', '25%'])).stdout).toBe('Set num fallthrough.percentage: 10 → 25\n');
    expect((await run(dir, ['rollout', 'num', '2.5e1', '--rule', 'r1'])).stdout).toBe('Rollout of rule r1 of num: everyone → 25%\n');
    expect((await run(dir, ['rollout', 'num', '+30', '--env', 'staging'])).stdout).toBe('Rollout of num in staging (fallthrough): 20% → 30%\n');
    expect((await run(dir, ['weights', 'num', 'a=2.5e1', 'b=75%'])).stdout).toBe('Weights of num: a 50% → 25%, b 50% → 75%\n');
    expect((await run(dir, ['set', 'num', 'variants.a.weight', '50%'])).code).toBe(1); // the sum is the schema's to check
  });

  it('a decimal a number holds exactly is kept as typed, however many digits', async () => {
    const dir = project();
    expect((await run(dir, ['set', 'num', 'defaultValue', '0.30000000000000004'])).stdout).toBe('Set num defaultValue: 1 → 0.30000000000000004\n');
    expect((await run(dir, ['set', 'num', 'rules.r1.value', '1e21'])).stdout).toBe('Set num rules.r1.value: 2 → 1e+21\n');
    expect((await run(dir, ['set', 'num', 'fallthrough.value', '100000000000000000000'])).stdout).toBe('Set num fallthrough.value: 3 → 100000000000000000000\n');
    expect((await run(dir, ['validate'])).code).toBe(0);
  });

  it('out of 0–100: rollout, weights and set all refuse the argument (exit 2)', async () => {
    const dir = project();
    const before = snapshot(dir);
    expect(await run(dir, ['rollout', 'num', '150'])).toMatchObject({ code: 2, stderr: 'error: rollout percentage must be a number from 0 to 100 (e.g. 25 or 12.5), got "150"\n' });
    expect(await run(dir, ['weights', 'num', 'a=-5', 'b=50'])).toMatchObject({ code: 2, stderr: 'error: weight of a must be a number from 0 to 100 (e.g. 25 or 12.5), got "-5"\n' });
    // Round 4: set used to leave the range to the schema (exit 1); the range is known from the field (test/cli/option-numbers.test.ts).
    expect(await run(dir, ['set', 'num', 'fallthrough.percentage', '150'])).toMatchObject({ code: 2, stderr: 'error: fallthrough.percentage must be a number from 0 to 100 (e.g. 25 or 12.5), got "150"\n' });
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('the library refuses numbers a file cannot hold before touching it', () => {
  it('setRollout, setEnvRollout, setWeights and addRule: INVALID_VALUE naming the argument', async () => {
    const dir = project();
    const flags = path.join(dir, 'flags');
    const before = snapshot(dir);
    await expect(setRollout(flags, 'num', Number.NaN)).rejects.toMatchObject({ code: 'INVALID_VALUE', message: 'rollout percentage must be a number, got NaN' });
    await expect(setEnvRollout(flags, 'num', Number.POSITIVE_INFINITY, { env: 'staging' })).rejects.toMatchObject({ code: 'INVALID_VALUE', message: 'rollout percentage must be a number, got Infinity' });
    await expect(setWeights(flags, 'num', [['a', Number.NaN], ['b', 50]])).rejects.toMatchObject({ code: 'INVALID_VALUE', message: 'the weight of variant "a" must be a number, got NaN' });
    await expect(addRule(flags, 'num', { id: 'r2', conditions: [], value: '1', percentage: Number.NEGATIVE_INFINITY })).rejects.toMatchObject({
      code: 'INVALID_VALUE',
      message: 'the percentage of rule "r2" must be a number, got -Infinity',
    });
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('--set reads numbers with the same reader', () => {
  it('a number is kept only when it is exactly what was typed; else the string as typed', () => {
    expect(parseSetValue('30')).toBe(30);
    expect(parseSetValue('0.30000000000000004')).toBe(0.30000000000000004);
    expect(Object.is(parseSetValue('-0'), 0)).toBe(true);
    expect(parseSetValue('1234567890123456789')).toBe('1234567890123456789');
    expect(parseSetValue('1e999')).toBe('1e999');
    expect(parseSetValue('1e-999')).toBe('1e-999');
    expect(parseSetValue('18.500000000000001')).toBe('18.500000000000001');
  });
});

describe('--context FILE is read by the store', () => {
  it('an unreadable file: one line naming it and why, exit 1', async () => {
    const dir = project();
    expect(await run(dir, ['eval', 'num', '--context', 'missing.json'])).toEqual({ code: 1, stdout: '', stderr: 'error: cannot read context missing.json: ENOENT\n' });
    expect(await run(dir, ['eval', 'num', '--context', 'flags'])).toEqual({ code: 1, stdout: '', stderr: 'error: cannot read context flags: EISDIR\n' });
  });

  it('through an injected file system, relative to cwd', () => {
    const seen: string[] = [];
    const fs = {
      readFileSync(file: string): string {
        seen.push(file);
        if (file.endsWith('locked.json')) throw Object.assign(new Error('permission denied'), { code: 'EACCES' });
        return '{"plan": "pro"}';
      },
    };
    expect(readContextFile('ctx.json', { cwd: '/work/project', fs })).toBe('{"plan": "pro"}');
    expect(seen).toEqual([path.resolve('/work/project', 'ctx.json')]);
    expect(() => readContextFile('locked.json', { cwd: '/work/project', fs })).toThrow(
      expect.objectContaining({ code: 'CONTEXT_UNREADABLE', message: 'cannot read context locked.json: EACCES' }),
    );
  });
});

describe('createFlag checks the numbers and values of a library spec', () => {
  it('a non-finite weight or percentage, or a value that is not JSON: INVALID_VALUE, no file', async () => {
    const dir = project();
    const flags = path.join(dir, 'flags');
    const before = snapshot(dir);
    const base = { key: 'fresh', type: 'number' as const, defaultValue: 1 };
    await expect(createFlag(flags, { ...base, fallthrough: { percentage: Number.NaN, value: 2 } })).rejects.toMatchObject({ code: 'INVALID_VALUE', message: 'the fallthrough percentage must be a number, got NaN' });
    await expect(createFlag(flags, { ...base, fallthrough: { value: Number.POSITIVE_INFINITY } })).rejects.toMatchObject({ code: 'INVALID_VALUE', message: 'the fallthrough value is not a JSON value' });
    const variants = [
      { key: 'a', name: 'A', value: 1, weight: Number.POSITIVE_INFINITY },
      { key: 'b', name: 'B', value: 2, weight: 50 },
    ];
    await expect(createFlag(flags, { ...base, variants })).rejects.toMatchObject({ code: 'INVALID_VALUE', message: 'the weight of variant "a" must be a number, got Infinity' });
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('rule positions', () => {
  it('a position too large for a number is named as typed, not rounded', async () => {
    const dir = project();
    const before = snapshot(dir);
    const r = await run(dir, ['rule', 'add', 'num', '--id', 'r2', '--when', 'plan equals free', '--value', '5', '--position', '99999999999999999999']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'error: --position must be a whole number from 1, got "99999999999999999999"\n' });
    expect(snapshot(dir)).toEqual(before);
  });
});
