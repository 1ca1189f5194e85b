/**
 * Issue 12 items 1, 5, 6: batch evaluation honours --env and --set, big
 * numeric ids stay strings, and output line N answers input line N.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagYaml, projectWith, removeDir, runBin, runMain } from '../helpers/cli.js';

const SPLIT = flagYaml('checkout').replace(
  'rules: []',
  'rules:\n  - id: big-id\n    conditions:\n      - attribute: user.id\n        operator: equals\n        value: "1234567890123456789"\n    value: true\nfallthrough:\n  percentage: 50\n  value: true\nenvironments:\n  staging:\n    enabled: true\n    value: true\n',
);

let dir: string;
beforeAll(() => {
  dir = projectWith({ 'checkout.yaml': SPLIT });
  writeFileSync(path.join(dir, 'users.jsonl'), Array.from({ length: 40 }, (_, i) => JSON.stringify({ user: { id: `u-${i}` } })).join('\n') + '\n');
});
afterAll(() => removeDir(dir));

describe('eval --contexts applies --env and --set on top of each line (item 1)', () => {
  it('--env staging: every context gets the staging override', async () => {
    const r = await runMain(['eval', 'checkout', '--contexts', 'users.jsonl', '--env', 'staging', '--summary', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).results).toEqual([{ value: true, reason: 'ENVIRONMENT_OVERRIDE', count: 40, share: 1 }]);
  });

  it('--set replaces the attribute of every line (after the line, before --env)', async () => {
    const r = await runMain(['eval', 'checkout', '--contexts', 'users.jsonl', '--set', 'user.id="1234567890123456789"'], { cwd: dir });
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(40);
    expect(new Set(lines.map((l) => l.reason))).toEqual(new Set(['RULE_MATCH']));
    const env = await runMain(['eval', 'checkout', '--contexts', '-', '--set', 'environment=production', '--env', 'staging'], { cwd: dir, stdin: '{"environment":"dev"}\n' });
    expect(JSON.parse(env.stdout).reason).toBe('ENVIRONMENT_OVERRIDE');
  });

  it('a malformed --set is a usage error before any line is read', async () => {
    const r = await runMain(['eval', 'checkout', '--contexts', 'users.jsonl', '--set', 'novalue'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });

  it('eval --all honours --env', async () => {
    const r = await runMain(['eval', '--all', '--env', 'staging', '--json'], { cwd: dir });
    expect(JSON.parse(r.stdout).checkout.reason).toBe('ENVIRONMENT_OVERRIDE');
  });
});

describe('--set keeps numbers JSON cannot hold exactly as strings (item 5)', () => {
  it('an id beyond 2^53 is the string as typed, so it matches and buckets like the string', async () => {
    const r = await runMain(['eval', 'checkout', '--set', 'user.id=1234567890123456789', '--json'], { cwd: dir });
    expect(JSON.parse(r.stdout)).toMatchObject({ value: true, reason: 'RULE_MATCH', ruleId: 'big-id' });
  });

  it('small numbers, decimals and negative numbers stay numbers', async () => {
    const p = projectWith({ 'age.yaml': flagYaml('age').replace('rules: []', 'rules:\n  - id: adult\n    conditions:\n      - attribute: user.age\n        operator: gte\n        value: 18.5\n    value: true') });
    try {
      expect((await runMain(['eval', 'age', '--set', 'user.age=30'], { cwd: p })).stdout.trim()).toBe('true  RULE_MATCH adult');
      expect((await runMain(['eval', 'age', '--set', 'user.age=18.75'], { cwd: p })).stdout.trim()).toBe('true  RULE_MATCH adult');
      expect((await runMain(['eval', 'age', '--set', 'user.age=-3'], { cwd: p })).stdout.trim()).toBe('false  DEFAULT');
      // 17 significant digits: kept as the string typed; ordered comparisons still read it as a decimal.
      expect((await runMain(['eval', 'age', '--set', 'user.age=18.500000000000001'], { cwd: p })).stdout.trim()).toBe('true  RULE_MATCH adult');
    } finally {
      removeDir(p);
    }
  });

  it('experiment expose records the big id as a string too (real binary)', () => {
    const p = projectWith({ 'keep.yaml': flagYaml('keep') });
    try {
      const create = runBin(['experiment', 'create', 'exp', '--flag', 'exp-flag', '--name', 'E', '--control', 'a', '--treatment', 'b', '--metric', 'buy'], { cwd: p });
      expect(create.code).toBe(0);
      expect(runBin(['experiment', 'start', 'exp'], { cwd: p }).code).toBe(0);
      // A rule on the id as a string: it matches only when the id stayed a string.
      const file = path.join(p, 'flags/exp-flag.yaml');
      const rule = 'rules:\n  - id: big\n    conditions:\n      - attribute: account.id\n        operator: equals\n        value: "98765432109876543210"\n    value: a\n';
      writeFileSync(file, readFileSync(file, 'utf8').replace('rules: []\n', rule));
      const r = runBin(['experiment', 'expose', 'exp', '--user', 'u1', '--set', 'account.id=98765432109876543210', '--json'], { cwd: p });
      expect(JSON.parse(r.stdout).evaluation).toMatchObject({ reason: 'RULE_MATCH', ruleId: 'big' });
    } finally {
      removeDir(p);
    }
  });
});

describe('batch output stays in line with its input (item 6)', () => {
  it('a blank input line gets a blank output line', async () => {
    const input = '{"user":{"id":"a"}}\n\n   \n{"user":{"id":"1234567890123456789"}}\n';
    const r = await runMain(['eval', 'checkout', '--contexts', '-'], { cwd: dir, stdin: input });
    const lines = r.stdout.split('\n');
    expect(lines).toHaveLength(5); // four answers and the final newline
    expect(lines[1]).toBe('');
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[3]).ruleId).toBe('big-id');
  });

  it('with the real binary on a file with blank lines, line numbers match', () => {
    writeFileSync(path.join(dir, 'gaps.jsonl'), '\n{"user":{"id":"x"}}\n\n{"user":{"id":"1234567890123456789"}}');
    const r = runBin(['eval', 'checkout', '--contexts', 'gaps.jsonl'], { cwd: dir });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('');
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[3]).ruleId).toBe('big-id');
  });
});
