/**
 * Issue 12 item 16: `flags diff` shows added flags with their content and a
 * risk, and compares two revisions (`flags diff main feature`).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { flagYaml, removeDir, runMain } from '../helpers/cli.js';
import { git, repoWith } from '../helpers/git.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

function repo(): string {
  const d = repoWith({ 'flags/keep.yaml': flagYaml('keep').replace('enabled: true', 'enabled: false') });
  git(d, 'branch', '-M', 'main');
  dirs.push(d);
  return d;
}

describe('added flags: content and risk', () => {
  it('a new flag enabled and serving a value is high risk; a disabled one is low; both show their content', async () => {
    const d = repo();
    await runMain(['create', 'dark-mode', '--type', 'boolean', '--default', 'false', '--on-value', 'true'], { cwd: d });
    await runMain(['toggle', 'dark-mode', '--on'], { cwd: d });
    await runMain(['create', 'later', '--type', 'string', '--default', 'a'], { cwd: d });
    const text = (await runMain(['diff'], { cwd: d })).stdout;
    expect(text).toContain('HIGH    dark-mode  added  flags/dark-mode.yaml\n        new flag enabled and serving values other than its default: callers that already ask for it change at once');
    expect(text).toContain('    fallthrough  true for every other context');
    expect(text).toContain('LOW     later  added  flags/later.yaml\n        new flag, disabled');
    const json = JSON.parse((await runMain(['diff', '--json'], { cwd: d })).stdout);
    expect(json.added).toEqual(['dark-mode', 'later']);
    expect(json.addedFlags.map((a: { key: string; risk: string }) => [a.key, a.risk])).toEqual([
      ['dark-mode', 'high'],
      ['later', 'low'],
    ]);
    expect(json.addedFlags[0].flag).toMatchObject({ enabled: true, fallthrough: { value: true } });
    const md = (await runMain(['diff', '--format', 'markdown'], { cwd: d })).stdout;
    expect(md).toContain('| **high** | `dark-mode` | added: new flag enabled');
    expect(md).toContain('<summary><b>dark-mode</b> · added · high</summary>');
  });
});

describe('two revisions', () => {
  it('flags diff main feature compares the commits, whatever the working tree holds', async () => {
    const d = repo();
    git(d, 'checkout', '-q', '-b', 'feature');
    await runMain(['create', 'dark-mode', '--type', 'boolean', '--default', 'false', '--rollout', '10'], { cwd: d });
    await runMain(['toggle', 'keep', '--on'], { cwd: d });
    git(d, 'add', '-A');
    git(d, 'commit', '-q', '-m', 'feature');
    git(d, 'checkout', '-q', 'main');
    const r = await runMain(['diff', 'main', 'feature'], { cwd: d });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^flags diff main \([0-9a-f]{7}\) → feature \([0-9a-f]{7}\)\n1 changed \(1 high\), 1 added, 0 removed\n/);
    expect(r.stdout).toContain('dark-mode  added');
    const json = JSON.parse((await runMain(['diff', 'main', 'feature', '--json'], { cwd: d })).stdout);
    expect(json.head).toBe('feature');
    expect(json.changed.map((c: { key: string }) => c.key)).toEqual(['keep']);
    // The working tree (main) has no change against main.
    expect((await runMain(['diff', 'main'], { cwd: d })).stdout).toContain('no flag changes');
    const bad = await runMain(['diff', 'main', 'no-such-branch'], { cwd: d });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('error: unknown git revision "no-such-branch"\n');
  });
});

describe('experiment definition changes', () => {
  it('starting an experiment shows its status and start date in text, markdown and JSON; between two revisions too', async () => {
    const d = repo();
    await runMain(['experiment', 'create', 'checkout-button', '--flag', 'checkout-button-color', '--name', 'Checkout button', '--control', 'blue', '--treatment', 'green', '--metric', 'purchase'], { cwd: d });
    git(d, 'add', '-A');
    git(d, 'commit', '-q', '-m', 'experiment');
    expect((await runMain(['experiment', 'start', 'checkout-button'], { cwd: d })).code).toBe(0);
    const text = (await runMain(['diff'], { cwd: d })).stdout;
    expect(text).toContain('experiments: 1 changed, 0 added, 0 removed\n  changed  checkout-button\n');
    expect(text).toContain('    status: "draft" → "running"');
    const json = JSON.parse((await runMain(['diff', '--json'], { cwd: d })).stdout);
    expect(json.experiments.changed[0]).toMatchObject({ id: 'checkout-button', changes: expect.arrayContaining([{ path: 'status', before: 'draft', after: 'running' }]) });
    const md = (await runMain(['diff', '--format', 'markdown'], { cwd: d })).stdout;
    expect(md).toContain('| `checkout-button` | `status` | `"draft"` | `"running"` |');
    git(d, 'commit', '-q', '-am', 'start');
    const two = JSON.parse((await runMain(['diff', 'HEAD~2', 'HEAD', '--json'], { cwd: d })).stdout);
    expect(two.experiments.added).toEqual(['checkout-button']);
  });
});
