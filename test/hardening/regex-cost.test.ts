/**
 * Issue 13, item 1: RE2 is linear in the input but not in the pattern. A
 * 70-character pattern (`.{1000}` ten times) compiled to 10,000 instructions
 * and took seconds per evaluation; 300 of them hung `eval` and `diff` for
 * minutes. Patterns are bounded (program size, length, counted repetitions)
 * and one match is bounded (program size × input length), so the worst valid
 * pattern against a 1 MB input finishes at once. The child's timeout is the
 * hang detector; no timing is asserted.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_REGEX_PROGRAM, REGEX_COST_BUDGET, regexProblem } from '../../src/evaluation/operators/regex.js';
import { BIN, flagYaml, projectWith, regexFlagYaml, removeDir, runMain } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));


/** The real binary, killed after 20 s: a hang is a failure, not a frozen test worker. */
function bin(argv: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...argv], { cwd, encoding: 'utf8', timeout: 20_000, env: { PATH: process.env.PATH } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, timedOut: r.signal === 'SIGTERM' };
}

// Over the bound: each compiles to far more than MAX_REGEX_PROGRAM instructions.
const TOO_LARGE = ['.{1000}'.repeat(10), '.{1000}'.repeat(300), '(?:[a-z]{20}){20}', 'a{400}', 'x'.repeat(1001)];
// The worst patterns that stay valid: most instructions, a DFA that cannot cache its states.
const WORST_VALID = ['[a-q][^t-z]{296}y', '.{298}', '(?:.{98}){3}'];

describe('patterns are bounded (INVALID_REGEX "too large")', () => {
  it.each(TOO_LARGE.map((p) => [p.length > 40 ? `${p.slice(0, 40)}… (${p.length} chars)` : p, p]))('%s is refused with the reason, the other flags are served', async (_name, pattern) => {
    const dir = projectWith({ 'big.yaml': regexFlagYaml('big', pattern), 'good.yaml': flagYaml('good') });
    dirs.push(dir);
    const v = await runMain(['validate', '--format', 'json'], { cwd: dir });
    expect(v.code).toBe(1);
    const { diagnostics } = JSON.parse(v.stdout) as { diagnostics: { code: string; severity: string; message: string; flagKey: string }[] };
    // The errors (the good flag, enabled with nothing to serve, also gets a NO_EFFECT warning).
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([expect.objectContaining({ code: 'INVALID_REGEX', flagKey: 'big', message: expect.stringMatching(/is too large: .*the limit is/) })]);
    const e = await runMain(['eval', 'big', '--json', '--set', 'user.name=abc'], { cwd: dir });
    expect(JSON.parse(e.stdout)).toMatchObject({ reason: 'ERROR', errorCode: 'PARSE_ERROR' });
    expect(JSON.parse((await runMain(['eval', 'good', '--json'], { cwd: dir })).stdout)).toMatchObject({ reason: 'DEFAULT' });
  });

  it('the worst valid patterns sit at the bound, and everyday patterns are far below it', () => {
    for (const p of WORST_VALID) expect(regexProblem(p), p).toBeNull();
    for (const p of ['^[a-z0-9._%+-]+@(example|acme)\\.(com|org)$', '^(\\d{1,3}\\.){3}\\d{1,3}$', 'Mozilla/5\\.0 .*(iPhone|iPad|Android)', '^v?\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?$', 'a{100}']) {
      expect(regexProblem(p), p).toBeNull();
    }
    expect(regexProblem('a{298}')).toBeNull();
    expect(regexProblem('a{299}')).toMatch(/too large: it compiles to \d+ instructions/);
    expect(MAX_REGEX_PROGRAM).toBe(300);
  });
});

describe('one match is bounded: the worst valid pattern against a 1 MB input', () => {
  it('eval --contexts through the binary: 1 MB inputs, inputs at the budget, short ones that match', () => {
    const files: Record<string, string> = { 'was-valid.yaml': regexFlagYaml('was-valid', '.{1000}'.repeat(10)) };
    WORST_VALID.forEach((p, i) => (files[`w${i}.yaml`] = regexFlagYaml(`w${i}`, p)));
    files['small.yaml'] = regexFlagYaml('small', '(a+)+$');
    const dir = projectWith(files);
    dirs.push(dir);
    let seed = 7;
    const noisy = (n: number) => Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), String.fromCharCode(97 + (seed % 19)))).join('');
    const atBudget = noisy(Math.floor(REGEX_COST_BUDGET / MAX_REGEX_PROGRAM));
    const lines = [
      { user: { name: 'x'.repeat(1 << 20) } }, // over the budget for every pattern: not searched, no match
      { user: { name: noisy(1 << 20) } },
      { user: { name: atBudget } }, // searched in full: the most work one match may cost
      { user: { name: 'a'.repeat(400) + 'y' } }, // matches w0, w1, w2 and small
    ];
    writeFileSync(path.join(dir, 'ctx.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const results = (key: string) => {
      const r = bin(['eval', key, '--contexts', 'ctx.jsonl', '--json'], dir);
      expect(r.timedOut, `${key} hung`).toBe(false);
      return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { value: unknown; reason: string; errorCode?: string });
    };
    // Valid before the bound, and a hang (minutes) on these inputs; now refused, at once.
    expect(results('was-valid')[0]).toMatchObject({ reason: 'ERROR', errorCode: 'PARSE_ERROR' });
    for (const [i] of WORST_VALID.entries()) {
      // JavaScript's RegExp is the oracle where it is searched (these patterns do not backtrack badly).
      expect(results(`w${i}`).map((r) => r.value), WORST_VALID[i]).toEqual([false, false, new RegExp(WORST_VALID[i]).test(atBudget), true]);
    }
    // A small pattern still reads long inputs: (a+)+$ is 8 instructions, so half a million characters.
    writeFileSync(path.join(dir, 'long.json'), JSON.stringify({ user: { name: 'a'.repeat(200_000) } }));
    const small = bin(['eval', 'small', '--json', '--context', 'long.json'], dir);
    expect(JSON.parse(small.stdout)).toMatchObject({ value: true, reason: 'RULE_MATCH' });
  }, 120_000);
});
