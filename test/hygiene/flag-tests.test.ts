/** `flags test` and `flags validate --tests` from the user's side (issue 20), plus the spec parser. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTestSpecFile, shareOf } from '../../src/schema/test-spec.js';
import { removeDir, runMain, tempProject } from '../helpers/cli.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

/** A copy of the repository's four predefined flags, with the given spec files under flags/tests/. */
function project(specs: Record<string, string>): string {
  const dir = tempProject();
  dirs.push(dir);
  for (const [name, text] of Object.entries(specs)) {
    const full = path.join(dir, 'flags/tests', name);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  return dir;
}

const PASSING = `tests:
  - flag: new-orchestrator-v2
    description: beta tenants always get it
    context: {tenant: {id: tenant-beta-1}}
    expect: {value: true, reason: RULE_MATCH, ruleId: beta-testers}
  - flag: parallel-agents-limit
    context: {tenant: {type: enterprise}}
    expect: {value: 15}
  - flag: model-provider
    environment: production
    context: {tenant: {id: t1}}
    expect: {value: anthropic}
  - flag: new-orchestrator-v2
    description: 10% of everyone else
    contexts: 20000
    context: {tenant: {id: tenant-9}}
    expectShare: {value: true, share: "10% ± 1%"}
`;

describe('test specs (pure)', () => {
  it.each([
    [0.1, undefined, { share: 0.1, tolerance: 0.01 }],
    [0.1, 0.02, { share: 0.1, tolerance: 0.02 }],
    ['10% ± 1%', undefined, { share: 0.1, tolerance: 0.01 }],
    ['0.25 +- 0.005', undefined, { share: 0.25, tolerance: 0.005 }],
    ['50%', 0.03, { share: 0.5, tolerance: 0.03 }],
  ])('share %j tolerance %j', (share, tolerance, want) => {
    const got = shareOf({ value: true, share, ...(tolerance !== undefined && { tolerance }) });
    expect(got.share).toBeCloseTo(want.share, 12);
    expect(got.tolerance).toBeCloseTo(want.tolerance, 12);
  });

  it('locates schema problems at file:line:col, with did-you-mean', () => {
    const spec = parseTestSpecFile('t.yaml', 'tests:\n  - flag: a\n    contxt: {}\n    expect: {value: 1}\n  - flag: b\n    expect: {reason: NOPE}\n  - flag: c\n    contexts: 0\n    expectShare: {value: true, share: 2}\n');
    expect(spec.diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`)).toEqual([
      '3:5 UNKNOWN_FIELD "contxt" is not a test case field (did you mean "context"?)',
      '6:13 MISSING_FIELD missing required field "value"',
      expect.stringMatching(/^6:22 INVALID_VALUE string "NOPE" is not a valid reason; expected one of KILL_SWITCH, /),
      '8:15 INVALID_VALUE must be a number of generated users (1 to 1,000,000) or a JSON Lines file of contexts',
      '9:39 INVALID_VALUE must be a share from 0 to 1 (0.10), or text like "10%" or "10% ± 1%"',
    ]);
    expect(spec.cases).toHaveLength(0);
    expect(spec.rollouts).toHaveLength(0);
  });
});

describe('flags test', () => {
  it('passes a spec that matches the flags (exit 0), and the spec folder is not read as flags', async () => {
    const dir = project({ 'orchestrator.yaml': PASSING });
    const r = await runMain(['test'], { cwd: dir });
    expect(r.stdout).toBe('✓ 4 tests passed (1 spec file)\n');
    expect(r.code).toBe(0);
    const v = await runMain(['validate'], { cwd: dir });
    expect(v.stdout).toContain('✓ 4 flags in 1 file are valid');
  });

  it('a changed flag that breaks a spec: each failure at its line with the actual evaluation, exit 1', async () => {
    const dir = project({ 'orchestrator.yaml': PASSING });
    // Someone raises the rollout and renames the rule.
    const file = path.join(dir, 'flags/default-flags.yaml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('percentage: 10', 'percentage: 30').replace('id: beta-testers', 'id: beta'));
    const r = await runMain(['test'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      [
        '✗ flags/tests/orchestrator.yaml:2:5  new-orchestrator-v2 — beta tenants always get it',
        '    ruleId: expected beta-testers, got beta',
        '    context: {"tenant":{"id":"tenant-beta-1"}}',
        '    actual: true, reason RULE_MATCH (ruleId beta): rule "beta" matched',
      ].join('\n'),
    );
    expect(r.stdout).toMatch(/✗ flags\/tests\/orchestrator\.yaml:13:5 {2}new-orchestrator-v2 — 10% of everyone else\n {4}share of true: expected 10% ± 1%, got 30\.01% \(6,003 of 20,000 contexts\)\n {4}served: false 69\.98%, true 30\.01%/);
    expect(r.stdout).toContain('✗ 2 of 4 tests failed (1 spec file)');
  });

  it('rollout assertions are deterministic: the same counts on every run', async () => {
    const dir = project({ 'r.yaml': 'tests:\n  - flag: new-orchestrator-v2\n    contexts: 5000\n    expectShare: {value: true, share: 0.5}\n' });
    const a = JSON.parse((await runMain(['test', '--json'], { cwd: dir })).stdout);
    const b = JSON.parse((await runMain(['test', '--json'], { cwd: dir })).stdout);
    expect(a.results[0].matched).toBe(b.results[0].matched);
    expect(a.results[0]).toMatchObject({ kind: 'rollout', passed: false, contexts: 5000, expectedShare: 0.5, tolerance: 0.01 });
    expect(a.results[0].share).toBeGreaterThan(0.08);
    expect(a.results[0].share).toBeLessThan(0.12);
  });

  it('reads a JSON Lines file of contexts relative to the spec; a bad line fails that test with its place', async () => {
    const dir = project({
      'file.yaml': 'tests:\n  - flag: new-orchestrator-v2\n    contexts: users.jsonl\n    expectShare: {value: true, share: 1, tolerance: 0}\n  - flag: new-orchestrator-v2\n    contexts: broken.jsonl\n    expectShare: {value: true, share: 1}\n',
      'users.jsonl': '{"tenant":{"id":"tenant-beta-1"}}\n{"tenant":{"id":"tenant-beta-2"}}\n',
      'broken.jsonl': '{"tenant":{"id":"tenant-beta-1"}}\n[1]\n',
    });
    const r = await runMain(['test', '--json'], { cwd: dir });
    const out = JSON.parse(r.stdout);
    expect(out.results[0]).toMatchObject({ passed: true, contexts: 2, matched: 2 });
    expect(out.results[1]).toMatchObject({ passed: false, error: 'flags/tests/broken.jsonl:2: a context must be a JSON object' });
    expect(r.code).toBe(1);
  });

  it('--format github: an annotation per failure and per invalid spec', async () => {
    const dir = project({ 'bad.yaml': 'tests:\n  - flag: no-such-flag\n    context: {}\n    expect: {value: true}\n  - flag: x\n    expect: {valeu: 1}\n' });
    const r = await runMain(['test', '--format', 'github'], { cwd: dir });
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('::error file=flags/tests/bad.yaml,line=6,col=14,title=UNKNOWN_FIELD::"valeu" is not an expect field (did you mean "value"?)');
    expect(lines).toContain(
      '::error file=flags/tests/bad.yaml,line=2,col=5,title=flag test no-such-flag::no-such-flag: value: expected true, got nothing; context: {}; actual: nothing, reason ERROR (errorCode FLAG_NOT_FOUND): no flag has this key',
    );
    expect(lines[lines.length - 1]).toBe('✗ 1 of 1 test failed, 1 error in the specs (1 spec file)');
  });

  it('paths: files and folders; a missing path or no specs at all is exit 1 with one line', async () => {
    const dir = project({ 'a/one.yaml': PASSING, 'b/two.yaml': 'tests: []\n' });
    expect((await runMain(['test', 'flags/tests/a'], { cwd: dir })).stdout).toContain('✓ 4 tests passed (1 spec file)');
    expect((await runMain(['test', 'flags/tests/b/two.yaml', 'flags/tests/a/one.yaml'], { cwd: dir })).stdout).toContain('(2 spec files)');
    const missing = await runMain(['test', 'nope.yaml'], { cwd: dir });
    expect(missing).toMatchObject({ code: 1, stderr: 'error: no test specs at ' + path.join(dir, 'nope.yaml') + ': the path does not exist\n' });
    const none = tempProject();
    dirs.push(none);
    const r = await runMain(['test'], { cwd: none });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no test specs found in flags/tests');
  });

  it('flags validate --tests: one step for both, exit 1 when either fails', async () => {
    const dir = project({ 'orchestrator.yaml': PASSING.replace('expect: {value: 15}', 'expect: {value: 4}') });
    const r = await runMain(['validate', '--tests'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✓ 4 flags in 1 file are valid');
    expect(r.stdout).toContain('value: expected 4, got 15');
    const json = JSON.parse((await runMain(['validate', '--tests', '--format', 'json'], { cwd: dir })).stdout);
    expect(json).toMatchObject({ valid: true, tests: { passed: false, total: 4, failed: 1 } });
    const ok = project({ 'orchestrator.yaml': PASSING });
    expect((await runMain(['validate', '--tests'], { cwd: ok })).code).toBe(0);
  });
});
