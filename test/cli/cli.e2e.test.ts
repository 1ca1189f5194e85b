/**
 * The real binary (bin/flags.cjs, built by `npm run build`) for the main jobs
 * of each command family, in a temporary git repository: what the in-process
 * tests (main() with injected io) cannot show, that the built bundle starts,
 * reads its arguments, stdin and working directory, prints and exits with the
 * right status as a process. Everything else about these commands is tested
 * in-process in the other test/cli files.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, ROOT, runBin, tempProject } from '../helpers/cli.js';
import { changedLines, commitAll } from '../helpers/git.js';
import { newOrchestratorV2 } from '../helpers/flags.js';

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
let dir: string;
beforeAll(() => {
  dir = commitAll(tempProject(), 'flags');
});
afterAll(() => removeDir(dir));

describe('the real binary', () => {
  it('--version, --help, and an unknown command: one line, exit 2', () => {
    expect(runBin(['--version'], { cwd: dir })).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    const help = runBin(['--help'], { cwd: dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: flags/);
    expect(runBin(['lst'], { cwd: dir })).toMatchObject({ code: 2, stdout: '', stderr: "error: unknown command 'lst' (Did you mean list?)\n" });
  });

  it('list, list --json and show read the flags directory of the working directory', () => {
    const table = runBin(['list'], { cwd: dir });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/new-orchestrator-v2/);
    const json = runBin(['list', '--json'], { cwd: dir });
    expect(JSON.parse(json.stdout)[2]).toEqual(newOrchestratorV2());
    const show = runBin(['show', 'nope'], { cwd: dir });
    expect(show.code).toBe(1);
    expect(show.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('eval reads --set, a context on stdin and a stream of contexts on stdin', () => {
    expect(runBin(['eval', 'parallel-agents-limit', '--set', 'tenant.type=professional'], { cwd: dir }).stdout).toBe('10  RULE_MATCH professional-medium-limit\n');
    const one = runBin(['eval', 'new-orchestrator-v2', '--context', '-', '--json'], { cwd: dir, input: '{"tenant":{"id":"tenant-beta-1"}}' });
    expect(JSON.parse(one.stdout)).toEqual({ key: 'new-orchestrator-v2', value: true, reason: 'RULE_MATCH', ruleId: 'beta-testers' });
    const many = runBin(['eval', 'new-orchestrator-v2', '--contexts', '-'], { cwd: dir, input: '{"tenant":{"id":"tenant-beta-1"}}\n{}\n{"a":\n' });
    expect(many.code).toBe(1);
    expect(JSON.parse(many.stdout.split('\n')[0])).toMatchObject({ value: true, reason: 'RULE_MATCH' });
    expect(many.stderr).toContain('stdin:3');
  });

  it('validate --strict of the seed flags exits 0', () => {
    expect(runBin(['validate', '--strict'], { cwd: dir })).toMatchObject({ code: 0, stdout: '✓ 4 flags in 1 file are valid\n', stderr: '' });
  });

  it('kill writes a minimal diff, and diff reports it against HEAD', () => {
    const kill = runBin(['kill', 'new-orchestrator-v2'], { cwd: dir });
    expect(kill).toMatchObject({ code: 0, stdout: 'Kill switch activated for new-orchestrator-v2\n', stderr: '' });
    expect(changedLines(dir, 'flags/default-flags.yaml').slice(0, 3)).toEqual(['-    enabled: true', '+    enabled: false', '+    killSwitch: true']);
    const diff = runBin(['diff', '--json'], { cwd: dir });
    expect(diff.code).toBe(0);
    expect(JSON.parse(diff.stdout).changed.map((c: { key: string }) => c.key)).toEqual(['new-orchestrator-v2']);
    const bad = runBin(['toggle', 'model-provider', '--bogus'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
