import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { ANSI, flagYaml, projectWith, removeDir, runMain, tempProject } from '../helpers/cli.js';
import { newOrchestratorV2 } from '../helpers/flags.js';

let dir: string;
beforeAll(() => {
  dir = tempProject();
});
afterAll(() => removeDir(dir));

describe('flags list', () => {
  it('prints a table of the four predefined flags with no ANSI codes when piped', async () => {
    const r = await runMain(['list'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const key of ['self-evolution-enabled', 'parallel-agents-limit', 'new-orchestrator-v2', 'model-provider']) expect(r.stdout).toContain(key);
    expect(r.stdout).toMatch(/key\s*│\s*enabled\s*│\s*type\s*│\s*tags\s*│\s*kill switch\s*│\s*owner/);
    expect(r.stdout).not.toMatch(ANSI);
  });

  it('filters by --tag', async () => {
    const r = await runMain(['list', '--tag', 'beta'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('new-orchestrator-v2');
    expect(r.stdout).not.toContain('model-provider');
  });

  it('--json prints every field with defaults filled in', async () => {
    const r = await runMain(['list', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    const flags = JSON.parse(r.stdout);
    expect(flags).toHaveLength(4);
    expect(flags[2]).toEqual(newOrchestratorV2());
  });

  it('uses --dir and FLAGS_DIR, and names a missing directory with a hint', async () => {
    const other = projectWith({ 'x.yaml': flagYaml('only-here') });
    try {
      expect((await runMain(['list', '--dir', path.join(other, 'flags')], { cwd: dir })).stdout).toContain('only-here');
      expect((await runMain(['list'], { cwd: dir, env: { FLAGS_DIR: path.join(other, 'flags') } })).stdout).toContain('only-here');
      const r = await runMain(['list', '--dir', 'nowhere'], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(path.join(dir, 'nowhere'));
      expect(r.stderr).toContain('--dir');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      removeDir(other);
    }
  });

  it('warns once about broken files and still lists the good flags', async () => {
    const p = projectWith({ 'good.yaml': flagYaml('good'), 'bad.yaml': 'key: bad\n', 'worse.yaml': ': :\n' });
    try {
      const r = await runMain(['list'], { cwd: p });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('good');
      expect(r.stderr.trim().split('\n')).toEqual(['warning: 2 flag files have errors; run `flags validate`']);
    } finally {
      removeDir(p);
    }
  });
});

describe('flags show', () => {
  it('shows rules, rollouts and conditions readably', async () => {
    const r = await runMain(['show', 'new-orchestrator-v2'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('beta-testers');
    expect(r.stdout).toContain('tenant.id in ["tenant-beta-1","tenant-beta-2"]');
    expect(r.stdout).toContain('10% of other contexts');
  });

  it('--json prints the one flag', async () => {
    const r = await runMain(['show', 'model-provider', '--json'], { cwd: dir });
    expect(JSON.parse(r.stdout).defaultValue).toBe('anthropic');
  });

  it('an unknown flag is exit 1 with one line', async () => {
    const r = await runMain(['show', 'nope'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('no flag "nope"');
  });
});

describe('program', () => {
  it('an unknown command is a usage error (exit 2)', async () => {
    const r = await runMain(['frobnicate'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });

  it('an unknown option is a usage error (exit 2)', async () => {
    expect((await runMain(['list', '--bogus'], { cwd: dir })).code).toBe(2);
  });

  it('a missing argument is a usage error (exit 2)', async () => {
    expect((await runMain(['show'], { cwd: dir })).code).toBe(2);
  });

  it('--version prints the package version', async () => {
    const r = await runMain(['--version'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('--help works on the program and on each command', async () => {
    const top = await runMain(['--help'], { cwd: dir });
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('list');
    const sub = await runMain(['list', '--help'], { cwd: dir });
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('--tag');
  });
});

describe('colour (in-process)', () => {
  it('is on for a TTY and off with NO_COLOR or --no-color', async () => {
    expect((await runMain(['list'], { cwd: dir, tty: true })).stdout).toMatch(ANSI);
    expect((await runMain(['list'], { cwd: dir, tty: true, env: { NO_COLOR: '1' } })).stdout).not.toMatch(ANSI);
    expect((await runMain(['list', '--no-color'], { cwd: dir, tty: true })).stdout).not.toMatch(ANSI);
  });

  it('shows the stack of an internal error only with FLAGS_DEBUG', async () => {
    const plain = await runMain(['show', 'nope'], { cwd: dir });
    expect(plain.stderr).not.toContain(' at ');
    const debug = await runMain(['show', 'nope'], { cwd: dir, env: { FLAGS_DEBUG: '1' } });
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});
