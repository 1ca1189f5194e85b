/**
 * Regular expressions from flag files (issue 9, SPEC 2): matched by RE2, so no
 * pattern makes evaluation super-linear, on inputs of any length; patterns
 * RE2 rejects are validation errors, never served.
 *
 * The catastrophic patterns below take exponential time in a backtracking
 * engine (JavaScript's RegExp would not finish `(a+)+$` on 100,000 characters
 * in the lifetime of the machine). What is asserted is that evaluation
 * finishes with the right answer; the test timeout is only a hang detector.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { flagYaml, projectWith, regexFlagYaml, removeDir, runBin, runMain } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));


// [pattern, an input that makes a backtracking engine explode, whether RE2 finds a match in it]
const CATASTROPHIC: [string, string, boolean][] = [
  ['(a+)+$', 'a'.repeat(100_000) + '!', false],
  ['(x+x+)+y', 'x'.repeat(100_000), false],
  ['(a|a)*$', 'a'.repeat(100_000) + '!', true],
  ['(a|aa)+$', 'a'.repeat(100_000) + '!', false],
  ['(.*a){20}', 'a'.repeat(19) + 'b'.repeat(100_000), false],
  ['^(([a-z])+.)+[A-Z]([a-z])+$', 'a'.repeat(100_000) + '!', false],
  ['(\\w+\\s?)+$', 'word '.repeat(20_000) + '!', false],
  ['^(\\d+)*$', '1'.repeat(100_000) + 'x', false],
];

describe('catastrophic patterns finish (RE2)', () => {
  it('in-process: eval and eval --contexts on 100,000-character inputs, the right answers', async () => {
    const files: Record<string, string> = {};
    CATASTROPHIC.forEach(([pattern], i) => (files[`re${i}.yaml`] = regexFlagYaml(`re${i}`, pattern)));
    const dir = projectWith(files);
    dirs.push(dir);
    const v = await runMain(['validate'], { cwd: dir });
    expect(v.code, v.stdout).toBe(0);
    for (const [i, [, input, matches]] of CATASTROPHIC.entries()) {
      const r = await runMain(['eval', `re${i}`, '--json', '--context', '-'], { cwd: dir, stdin: JSON.stringify({ user: { name: input } }) });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ value: matches, reason: matches ? 'RULE_MATCH' : 'DEFAULT' });
    }
    // A batch: every pattern against every hostile input, plus a few that match.
    const lines = CATASTROPHIC.map(([, input]) => JSON.stringify({ user: { name: input } })).join('\n') + '\n';
    for (const [i] of CATASTROPHIC.entries()) {
      const r = await runMain(['eval', `re${i}`, '--contexts', '-', '--summary', '--json'], { cwd: dir, stdin: lines });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).contexts).toBe(CATASTROPHIC.length);
    }
  }, 120_000);

  it('through the binary with a 1 MB input', () => {
    const dir = projectWith({ 're.yaml': regexFlagYaml('re', '(a+)+$') });
    dirs.push(dir);
    writeFileSync(path.join(dir, 'ctx.json'), JSON.stringify({ user: { name: 'a'.repeat(1 << 20) + '!' } }));
    const r = runBin(['eval', 're', '--json', '--context', 'ctx.json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ value: false, reason: 'DEFAULT' });
  }, 120_000);
});

describe('patterns RE2 rejects are validation errors and are not served', () => {
  it.each([
    ['(?=a)b', /lookahead/],
    ['(?<=a)b', /lookbehind/],
    ['(?!a)b', /lookahead/],
    ['(a)\\1', /backreference/],
    ['a{1001}', /repeat/],
    ['(a{1000}){1000}', /repeat/],
    ['(unclosed', /missing closing \)/],
    ['[z-a]', /invalid character class range/],
    ['a**', /invalid nested repetition operator/],
  ])('%s', async (pattern, reason) => {
    const dir = projectWith({ 'bad.yaml': regexFlagYaml('bad', pattern), 'good.yaml': flagYaml('good') });
    dirs.push(dir);
    const v = await runMain(['validate', '--format', 'json'], { cwd: dir });
    expect(v.code).toBe(1);
    const { diagnostics } = JSON.parse(v.stdout) as { diagnostics: { code: string; severity: string; message: string; line: number; flagKey: string }[] };
    // The errors (the good flag, enabled with nothing to serve, also gets a NO_EFFECT warning).
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([expect.objectContaining({ code: 'INVALID_REGEX', flagKey: 'bad', line: 9, message: expect.stringMatching(reason) })]);
    const e = await runMain(['eval', 'bad', '--json', '--set', 'user.name=ab'], { cwd: dir });
    expect(e.code).toBe(1);
    expect(JSON.parse(e.stdout)).toMatchObject({ reason: 'ERROR', errorCode: 'PARSE_ERROR' });
    expect(e.stderr).not.toMatch(/\n\s+at |internal error/);
    expect(JSON.parse((await runMain(['eval', 'good', '--json'], { cwd: dir })).stdout)).toMatchObject({ reason: 'DEFAULT' });
  });
});
