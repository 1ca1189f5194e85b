import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagYaml, projectWith, removeDir, runMain, tempProject } from '../helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = tempProject();
});
afterAll(() => removeDir(dir));

describe('flags eval KEY', () => {
  it.each([
    [['new-orchestrator-v2', '--set', 'tenant.id=tenant-beta-1'], 'true  RULE_MATCH beta-testers'],
    [['parallel-agents-limit', '--set', 'tenant.type=professional'], '10  RULE_MATCH professional-medium-limit'],
    [['parallel-agents-limit', '--set', 'tenant.type=free'], '4  DEFAULT'],
    [['model-provider', '--set', 'tenant.settings.preferredProvider=openai'], '"openai"  RULE_MATCH openai-override'],
    [['self-evolution-enabled', '--set', 'tenant.type=enterprise'], 'true  RULE_MATCH enterprise-only'],
  ])('%j → %s', async (args, expected) => {
    const r = await runMain(['eval', ...args], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(expected);
  });

  it('parses --set values as JSON when it can (numbers stay numbers)', async () => {
    const p = projectWith({
      'age.yaml': flagYaml('age-gate', '').replace('rules: []', 'rules:\n  - id: adults\n    conditions:\n      - attribute: user.age\n        operator: gte\n        value: 18\n    value: true'),
      'name.yaml': flagYaml('name-gate').replace('rules: []', 'rules:\n  - id: fifteen\n    conditions:\n      - attribute: user.code\n        operator: equals\n        value: "15"\n    value: true'),
    });
    try {
      expect((await runMain(['eval', 'age-gate', '--set', 'user.age=30'], { cwd: p })).stdout.trim()).toBe('true  RULE_MATCH adults');
      expect((await runMain(['eval', 'age-gate', '--set', 'user.age=12'], { cwd: p })).stdout.trim()).toBe('false  DEFAULT');
      // "15" in JSON is the number 15; strict equality keeps it from matching the string "15".
      expect((await runMain(['eval', 'name-gate', '--set', 'user.code=15'], { cwd: p })).stdout.trim()).toBe('false  DEFAULT');
      expect((await runMain(['eval', 'name-gate', '--set', 'user.code="15"'], { cwd: p })).stdout.trim()).toBe('true  RULE_MATCH fifteen');
    } finally {
      removeDir(p);
    }
  });

  it('--json prints {key, value, reason, ruleId}', async () => {
    const r = await runMain(['eval', 'parallel-agents-limit', '--set', 'tenant.type=enterprise', '--json'], { cwd: dir });
    expect(JSON.parse(r.stdout)).toEqual({ key: 'parallel-agents-limit', value: 15, reason: 'RULE_MATCH', ruleId: 'enterprise-higher-limit' });
  });

  it('reads --context from a file and from stdin; --env sets context.environment', async () => {
    const p = projectWith({ 'env.yaml': flagYaml('env-flag', 'environments:\n  staging:\n    enabled: false\n') });
    try {
      writeFileSync(path.join(p, 'ctx.json'), JSON.stringify({ tenant: { id: 'tenant-beta-2' } }));
      expect((await runMain(['eval', 'new-orchestrator-v2', '--context', 'ctx.json', '--dir', path.join(dir, 'flags')], { cwd: p })).stdout.trim()).toBe('true  RULE_MATCH beta-testers');
      expect((await runMain(['eval', 'new-orchestrator-v2', '--context', '-'], { cwd: dir, stdin: '{"tenant":{"id":"tenant-beta-1"}}' })).stdout.trim()).toBe('true  RULE_MATCH beta-testers');
      expect((await runMain(['eval', 'env-flag', '--env', 'staging'], { cwd: p })).stdout.trim()).toBe('false  ENVIRONMENT_DISABLED');
    } finally {
      removeDir(p);
    }
  });

  it('an unknown flag prints its error result and exits 1', async () => {
    const r = await runMain(['eval', 'nope', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ key: 'nope', reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
  });

  it('an invalid flag is PARSE_ERROR, exit 1, and the other flags still work', async () => {
    const p = projectWith({ 'bad.yaml': flagYaml('bad').replace('enabled: true', 'enabled: 2'), 'good.yaml': flagYaml('good') });
    try {
      const bad = await runMain(['eval', 'bad', '--json'], { cwd: p });
      expect(bad.code).toBe(1);
      expect(JSON.parse(bad.stdout)).toMatchObject({ key: 'bad', reason: 'ERROR', errorCode: 'PARSE_ERROR' });
      expect(bad.stderr).toContain('run `flags validate`');
      expect((await runMain(['eval', 'good'], { cwd: p })).stdout.trim()).toBe('false  DEFAULT');
    } finally {
      removeDir(p);
    }
  });

  it('usage errors exit 2', async () => {
    expect((await runMain(['eval'], { cwd: dir })).code).toBe(2);
    expect((await runMain(['eval', 'x', '--all'], { cwd: dir })).code).toBe(2);
    expect((await runMain(['eval', 'x', '--set', 'novalue'], { cwd: dir })).code).toBe(2);
    expect((await runMain(['eval', 'x', '--set', '__proto__.polluted=1'], { cwd: dir })).code).toBe(2);
  });
});

describe('flags eval --all', () => {
  it('prints every flag for one context as JSON', async () => {
    const r = await runMain(['eval', '--all', '--set', 'tenant.type=enterprise', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    const all = JSON.parse(r.stdout);
    expect(Object.keys(all)).toEqual(['self-evolution-enabled', 'parallel-agents-limit', 'new-orchestrator-v2', 'model-provider']);
    expect(all['parallel-agents-limit']).toEqual({ value: 15, reason: 'RULE_MATCH', ruleId: 'enterprise-higher-limit' });
  });

  it('prints a table', async () => {
    const r = await runMain(['eval', '--all'], { cwd: dir });
    expect(r.stdout).toMatch(/model-provider\s*│\s*"anthropic"\s*│\s*DEFAULT/);
  });
});

describe('flags eval --contexts', () => {
  const lines = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ user: { id: `user-${i}` } })).join('\n') + '\n';

  it('streams one result per input line, in order', async () => {
    const input = JSON.stringify({ tenant: { id: 'tenant-beta-1' } }) + '\n\n' + JSON.stringify({ tenant: { type: 'x' } }) + '\n';
    const r = await runMain(['eval', 'new-orchestrator-v2', '--contexts', '-'], { cwd: dir, stdin: input });
    expect(r.code).toBe(0);
    // Output line N answers input line N: the blank line gets a blank line (issue 12 item 6).
    const out = r.stdout.trim().split('\n');
    expect(JSON.parse(out[0])).toEqual({ key: 'new-orchestrator-v2', value: true, reason: 'RULE_MATCH', ruleId: 'beta-testers' });
    expect(out[1]).toBe('');
    expect(out).toHaveLength(3);
  });

  it('agrees line by line with single evaluations', async () => {
    const input = lines(50);
    const batch = (await runMain(['eval', 'new-orchestrator-v2', '--contexts', '-'], { cwd: dir, stdin: input })).stdout.trim().split('\n');
    for (let i = 0; i < 50; i += 7) {
      const single = await runMain(['eval', 'new-orchestrator-v2', '--set', `user.id=user-${i}`, '--json'], { cwd: dir });
      expect(JSON.parse(batch[i])).toEqual(JSON.parse(single.stdout));
    }
  });

  it('--summary prints the share per value and reason (about 10% for a 10% rollout)', async () => {
    writeFileSync(path.join(dir, 'users.jsonl'), lines(4000));
    const r = await runMain(['eval', 'new-orchestrator-v2', '--contexts', 'users.jsonl', '--summary', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.contexts).toBe(4000);
    const on = s.results.find((x: { value: unknown }) => x.value === true);
    expect(on.reason).toBe('FALLTHROUGH');
    expect(on.share).toBeGreaterThan(0.08);
    expect(on.share).toBeLessThan(0.12);
    expect(s.results.reduce((a: number, x: { count: number }) => a + x.count, 0)).toBe(4000);
  });

  it('a malformed line is exit 1 naming the line number', async () => {
    const r = await runMain(['eval', 'model-provider', '--contexts', '-'], { cwd: dir, stdin: '{}\n{"a":\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('stdin:2');
    const arr = await runMain(['eval', 'model-provider', '--contexts', '-'], { cwd: dir, stdin: '{}\n{}\n[]\n' });
    expect(arr.code).toBe(1);
    expect(arr.stderr).toContain('stdin:3');
    expect(arr.stderr).toContain('JSON object');
  });

  it('shows no progress when stderr is not a terminal', async () => {
    const r = await runMain(['eval', 'new-orchestrator-v2', '--contexts', '-'], { cwd: dir, stdin: lines(3000) });
    expect(r.stderr).toBe('');
  });
});

describe('flags eval --contexts (in-process)', () => {
  it('resolves the contexts file against the working directory it was given', async () => {
    writeFileSync(path.join(dir, 'one.jsonl'), '{"tenant":{"id":"tenant-beta-1"}}\n');
    const r = await runMain(['eval', 'new-orchestrator-v2', '--contexts', 'one.jsonl'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ value: true, reason: 'RULE_MATCH' });
  });
});
